#!/usr/bin/env bash
# Release build of RouteMate Desktop: the .deb (with its updater signature when a signing key is
# given), carrying the out-of-the-box localities as Tauri resources. Works offline once the npm
# packages, the crates and the geodata wheels are cached. An AppImage is not built: the bundler
# downloads its AppRun during bundling (see ../shared/docs/tauri-on-linux.md).
#
#   TAURI_SIGNING_PRIVATE_KEY=~/.routemate/updater.key TAURI_SIGNING_PRIVATE_KEY_PASSWORD=… \
#     src-tauri/scripts/package.sh            # signed: RouteMate_<v>_amd64.deb + .deb.sig
#   src-tauri/scripts/package.sh --unsigned   # no updater signature (local tests, smoke test)
#
# Steps: the geodata (geodata.sh, refused if empty), the UI's npm packages, the release binary
# (`tauri build --no-bundle`: UI build, fat LTO), its debug info stripped (the release profile
# keeps line tables for backtraces: ~20 MB of the package), then `tauri bundle --bundles deb`.
# Prints the .deb's path and size and checks it carries the binary and the localities.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

signed=1
for arg in "$@"; do
  case "$arg" in
    --unsigned) signed=0 ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
config=()
if [ "$signed" = 1 ]; then
  if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
    echo "package.sh: TAURI_SIGNING_PRIVATE_KEY is not set: give the update signing key (see" \
      "src-tauri/RELEASING.md), or pass --unsigned for a package the updater cannot deliver" >&2
    exit 2
  fi
else
  config=(--config '{"bundle":{"createUpdaterArtifacts":false}}')
fi

"$root/src-tauri/scripts/geodata.sh"
geodata="$root/assets/geodata/au_localities.tsv"
if [ ! -s "$geodata" ]; then
  echo "package.sh: $geodata is empty; run src-tauri/scripts/geodata.sh --force" >&2
  exit 1
fi
[ -d ui/node_modules ] || npm --prefix ui ci --no-audit --no-fund

version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' src-tauri/tauri.conf.json)
start=$(date +%s)
npx --prefix ui tauri build --no-bundle --ci "${config[@]}"
bin="$root/target/release/routemate-desktop"
strip --strip-debug "$bin"
npx --prefix ui tauri bundle --bundles deb --ci "${config[@]}"
deb="$root/target/release/bundle/deb/RouteMate_${version}_amd64.deb"

[ -f "$deb" ] || { echo "package.sh: no $deb was written" >&2; exit 1; }
contents=$(dpkg-deb -c "$deb")
for want in usr/bin/routemate-desktop usr/lib/RouteMate/geodata/au_localities.tsv \
  usr/lib/RouteMate/geodata/ATTRIBUTION.txt; do
  grep -Eq " (\./)?$want\$" <<<"$contents" || { echo "package.sh: $deb lacks $want" >&2; exit 1; }
done
if [ "$signed" = 1 ] && [ ! -s "$deb.sig" ]; then
  echo "package.sh: no updater signature $deb.sig" >&2
  exit 1
fi
echo "package.sh: $deb ($(du -k "$deb" | cut -f1) KiB, binary $(du -k "$bin" | cut -f1) KiB)" \
  "$([ "$signed" = 1 ] && echo "signed: $deb.sig" || echo unsigned) in $(($(date +%s) - start)) s"
