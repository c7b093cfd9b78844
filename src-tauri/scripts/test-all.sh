#!/usr/bin/env bash
# Runs every test: the UI's unit tests, the Rust unit/integration tests of every crate (the desktop
# crate included: it needs the WebKitGTK packages, see run-app.sh --deps-only), the black-box tests
# that drive the built `routemate` binary, and the end-to-end test of the real desktop app.
# Prerequisites once per machine: .ci/run installs them (system packages, npm, tauri-driver).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TERM_COLOR=never
[ -d ui/node_modules ] || npm --prefix ui ci --no-audit --no-fund
npm --prefix ui run build
npm --prefix ui test
npm --prefix ui run lint
cargo build --bin routemate
cargo test --workspace --no-fail-fast
tests/e2e/run.sh
