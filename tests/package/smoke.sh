#!/usr/bin/env bash
# Packaging smoke test: installs the release .deb into a clean root (`dpkg-deb -x` into a temp
# dir, nothing from the checkout on the app's paths), starts the installed binary under Xvfb with
# an empty home and data dir, imports an address-only job through the app, and checks that the
# suburbs are placed from the localities the package carries. Screenshot:
# target/e2e/package-smoke.png.
#
#   tests/package/smoke.sh [PATH.deb]   # default: target/release/bundle/deb/RouteMate_*_amd64.deb
#
# Without a .deb it prints one SKIP line and exits 0 (CI runs it only after a release build;
# SMOKE_REQUIRE_DEB=1 makes a missing .deb a failure). E2E_DRIVER_PORT (default 4444) moves
# tauri-driver and WebKitWebDriver (the next port). Needs xvfb, webkit2gtk-driver, tauri-driver,
# imagemagick (as tests/e2e/run.sh) and the .deb's runtime libraries (WebKitGTK 4.1, GTK 3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
deb="${1:-}"
if [ -z "$deb" ]; then
  deb=$(find "$repo/target/release/bundle/deb" -maxdepth 1 -name 'RouteMate_*_amd64.deb' 2>/dev/null |
    sort -V | tail -n1 || true)
fi
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
  msg="no release .deb (build one with src-tauri/scripts/package.sh --unsigned)"
  [ "${SMOKE_REQUIRE_DEB:-}" = 1 ] && { echo "FAIL: $msg" >&2; exit 1; }
  echo "SKIP: packaging smoke test: $msg"
  exit 0
fi
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
out="$repo/target/e2e"
mkdir -p "$out"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
app="$tmp/root/usr/bin/routemate-desktop"
localities="$tmp/root/usr/lib/RouteMate/geodata/au_localities.tsv"
[ -x "$app" ] || { echo "FAIL: the package has no executable usr/bin/routemate-desktop" >&2; exit 1; }
[ -s "$localities" ] || { echo "FAIL: the package carries no localities ($localities)" >&2; exit 1; }
echo "package: $(basename "$deb") $(du -k "$deb" | cut -f1) KiB; installed tree $(du -sk "$tmp/root" | cut -f1) KiB;" \
  "localities $(wc -l <"$localities") lines"
missing=$(ldd "$app" | grep 'not found' || true)
[ -z "$missing" ] || { echo "FAIL: the installed binary lacks libraries: $missing" >&2; exit 1; }

mkdir -p "$tmp/home" "$tmp/run"
chmod 700 "$tmp/run"
# The interpreter itself (a pyenv shim would look for its home under the empty one).
py=$(python3 -c 'import sys; print(sys.executable)')
api_port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# A clean environment: no ROUTEMATE_* but the loopback port, an empty home, and the working
# directory outside the checkout.
cd "$tmp"
env -i PATH="$PATH" HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" LANG=C.UTF-8 \
  GSETTINGS_BACKEND=memory ROUTEMATE_LISTEN="127.0.0.1:$api_port" \
  E2E_DRIVER_PORT="${E2E_DRIVER_PORT:-4444}" \
  xvfb-run -a -s "-screen 0 1280x800x24" \
  "$py" "$here/smoke.py" --app "$app" --home "$tmp/home" --out "$out"
