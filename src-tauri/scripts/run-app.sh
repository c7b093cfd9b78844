#!/usr/bin/env bash
# Starts RouteMate on the embedded sled store (default data dir, or $ROUTEMATE_DATA).
# Until the desktop shell lands this runs the headless engine: `routemate serve`.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --bin routemate
exec ./target/release/routemate serve "$@"
