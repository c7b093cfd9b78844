#!/usr/bin/env bash
# End-to-end test of the real desktop app: builds the UI and the app (debug), runs it under Xvfb
# with a fresh data dir, drives it through tauri-driver + WebKitWebDriver, and leaves screenshots
# in target/e2e/*.png. Exit 0 when every step passed. E2E_DRIVER_PORT (default 4444) moves
# tauri-driver (and WebKitWebDriver to the next port) when another run uses those.
#
# Needs: the apt packages of src-tauri/scripts/run-app.sh (webkit2gtk-driver, xvfb, imagemagick,
# xdotool and trayer for the native steps, dbus for dbus-run-session),
# node/npm, python3, curl, and tauri-driver (installed here with cargo if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/target/e2e"
mkdir -p "$out"
rm -f "$out"/*.png

cd "$root/ui"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent
cd "$root"
cargo build -p routemate-desktop
cargo build --bin routemate # the hosted side of steps_sync.py
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked

# A leftover driver on 4444 would silently run an old app: refuse instead.
driver_port=${E2E_DRIVER_PORT:-4444}
for port in "$driver_port" "$((driver_port + 1))"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use (a leftover tauri-driver?); stop it first" >&2
    exit 1
  fi
done
api_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ROUTEMATE_DATA="$tmp/data" ROUTEMATE_LISTEN="127.0.0.1:$api_port" XDG_DATA_HOME="$tmp/xdg"
export GSETTINGS_BACKEND=memory
# The run sheet's Print writes the PDF without opening a viewer over the app (steps_export.py).
export ROUTEMATE_NO_VIEWER=1
# A D-Bus session of its own (single instance, notifications) and a tray host (steps_native.py).
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" "$root/tests/e2e/with_tray.sh" \
  python3 "$root/tests/e2e/e2e.py" --app "$root/target/debug/routemate-desktop" --out "$out" \
  --api "127.0.0.1:$api_port" --sample "$root/assets/sample-job.json"
