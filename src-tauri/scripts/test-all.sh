#!/usr/bin/env bash
# Runs every test: Rust unit, integration and black-box tests (which drive the built binary).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TERM_COLOR=never
cargo build --bin routemate
cargo test --workspace --no-fail-fast
