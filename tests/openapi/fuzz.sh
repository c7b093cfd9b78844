#!/usr/bin/env bash
# Checks the running API against its OpenAPI document: validates docs/openapi.json with
# openapi-spec-validator, starts the built `routemate serve` on a free loopback port with a fresh
# data dir and a new credential, then fuzzes every operation with schemathesis (PyPI) using the
# bearer token and the client's HTTP Basic credentials: no 5xx, and every answer's status code,
# content type, headers and body as the document says; calls without credentials refused. Both
# tools live in a venv under target/py<VERSION>.
#
#   tests/openapi/fuzz.sh [SCHEMATHESIS RUN OPTIONS]   (after `cargo build --bin routemate`)
#
# ROUTEMATE_BIN picks another binary; ROUTEMATE_FUZZ_EXAMPLES (default 50) bounds the examples
# per operation and phase; ROUTEMATE_FUZZ_SEED (default 1) makes a run reproducible.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bin="${ROUTEMATE_BIN:-$root/target/debug/routemate}"
examples="${ROUTEMATE_FUZZ_EXAMPLES:-50}"
seed="${ROUTEMATE_FUZZ_SEED:-1}"

# Python 3.12 or newer where there is one: on 3.11 schemathesis's coverage phase sometimes dies
# inside Hypothesis on a CPython bug ("AST constructor recursion depth mismatch"), so there that
# phase is left out. pyenv's versions count too (their shims may not be enabled).
python=""
for cand in python3.14 python3.13 python3.12 "$(pyenv root 2>/dev/null)"/versions/3.1[2-9]*/bin/python3 python3; do
  if "$cand" -c 'import sys, venv' >/dev/null 2>&1; then
    python=$cand
    "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))' && break
  fi
done
[ -n "$python" ] || { echo "fuzz.sh: python3 (with venv) is needed" >&2; exit 1; }
pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
phases=examples,coverage,fuzzing,stateful
if "$python" -c 'import sys; sys.exit(sys.version_info >= (3, 12))'; then
  phases=examples,fuzzing,stateful
  echo "fuzz.sh: Python $pyver: schemathesis's coverage phase is skipped (it needs 3.12 or newer)"
fi
venv="${ROUTEMATE_FUZZ_VENV:-$root/target/py$pyver}"

# schemathesis 4's CLI (option names differ from 3.x); the validator is the reference one.
if [ ! -x "$venv/bin/schemathesis" ] || [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q 'schemathesis>=4.32,<5' 'openapi-spec-validator>=0.7,<1'
fi
[ -x "$bin" ] || { echo "fuzz.sh: $bin is missing: cargo build --bin routemate" >&2; exit 1; }

"$venv/bin/openapi-spec-validator" docs/openapi.json

work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" --data "$work/data" credentials create --name openapi-fuzz >"$work/cred.json"
"$bin" --data "$work/data" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
pid=$!
base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's/^routemate listening on \(http:[^ ]*\)$/\1/p' "$work/serve.out")
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "fuzz.sh: the server did not start" >&2; exit 1; }

# The credential, a token from it (the fuzzed token calls soon get rate limited) and one job,
# so the calls on a job reach a real one and not only `404`.
read -r client_id client_secret < <("$venv/bin/python" -c '
import json, sys
c = json.load(open(sys.argv[1]))
print(c["client_id"], c["client_secret"])' "$work/cred.json")
read -r token job_id < <("$venv/bin/python" - "$base" "$client_id" "$client_secret" <<'PY'
import json, sys, urllib.request
base, client_id, secret = sys.argv[1:4]
def post(path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, json.dumps(body).encode(), headers)
    return json.load(urllib.request.urlopen(req))
token = post("/v1/integration-token", {"client_id": client_id, "client_secret": secret})
token = token["access_token"]
stops = [{"external_stop_id": f"STOP-{i}", "lat": -27.47 - i / 100, "lng": 153.02,
          "label": f"Customer {i}"} for i in (1, 2, 3)]
job = post("/v1/integration-import", {"external_job_id": "FUZZ-1", "stops": stops,
                                      "depot": {"lat": -27.55, "lng": 153.04}}, token)
print(token, job["job_id"])
PY
)
export ROUTEMATE_FUZZ_TOKEN="$token" ROUTEMATE_FUZZ_JOB_ID="$job_id" \
  ROUTEMATE_FUZZ_CLIENT_ID="$client_id" ROUTEMATE_FUZZ_CLIENT_SECRET="$client_secret"

# Each security scheme of the document gets its credentials.
cat >"$work/schemathesis.toml" <<'EOF'
[auth.openapi.bearerAuth]
bearer = "${ROUTEMATE_FUZZ_TOKEN}"

[auth.openapi.basicAuth]
username = "${ROUTEMATE_FUZZ_CLIENT_ID}"
password = "${ROUTEMATE_FUZZ_CLIENT_SECRET}"

[parameters]
"path.job_id" = "${ROUTEMATE_FUZZ_JOB_ID}"
"path.external_stop_id" = "STOP-2"
EOF

# The served document (what schemathesis loads and validates) must be the committed one.
"$venv/bin/python" - "$base/v1/openapi.json" docs/openapi.json <<'EOF'
import json, sys, urllib.request
served = json.load(urllib.request.urlopen(sys.argv[1]))
if served != json.load(open(sys.argv[2])):
    sys.exit("fuzz.sh: the served /v1/openapi.json differs from docs/openapi.json")
EOF

# Every check but the two that judge which requests should succeed (positive_data_acceptance,
# negative_data_rejection): rules across fields (an address or lat/lng, job_id or
# external_job_id, one client authentication method) are beyond a JSON schema, and a `phone` may
# also be a number, so they flag requests the API rightly refuses or accepts.
checks=not_a_server_error,status_code_conformance,content_type_conformance
checks+=,response_headers_conformance,response_schema_conformance,missing_required_header
checks+=,unsupported_method,allow_header_conformance,ignored_auth,use_after_free
checks+=,ensure_resource_availability
status=0
(cd "$work" && "$venv/bin/schemathesis" --no-color --config-file "$work/schemathesis.toml" \
  run "$base/v1/openapi.json" \
  --checks "$checks" \
  --phases "$phases" --max-examples "$examples" --seed "$seed" \
  --generation-database none --workers 2 --request-timeout 30 \
  --suppress-health-check all "$@") || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz.sh: schemathesis found problems; the server's log:" >&2
  grep -v 'INFO' "$work/serve.log" | tail -n 30 >&2 || true
fi
exit "$status"
