#!/usr/bin/env bash
# The hosted set-up of README "Hosting", for real, on loopback: a PostgreSQL from Debian's
# packages initialised in a temp dir, two `routemate serve --database …` processes on it, and
# nginx in front with deploy/nginx-routemate.conf (its ports swapped for free ones). Then
# scenarios.py checks: concurrent identical imports through both → one job; credentials
# created while both serve work at once on both; an account disabled while both serve has its
# tokens refused by both; SIGKILL of one process during a stream of imports → every acknowledged
# import present once, the other keeps serving; the database restarted under load → 503 with
# Retry-After, then recovery without restarting the servers.
#
#   tests/hosting/run.sh                 (after `cargo build --bin routemate`)
#   tests/hosting/run.sh --bench ARGS…   the same set-up, then `routemate-bench api --url` on it
#   tests/hosting/run.sh --bench-sled ARGS…  for comparison: one `serve` on sled, no nginx
#   tests/hosting/run.sh --deps-only     only install nginx and PostgreSQL when missing
#
# Installs nginx and postgresql with apt when missing (sudo when not root). ROUTEMATE_BIN picks
# another binary. PostgreSQL refuses to run as root, so as root it runs as user `postgres`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="${ROUTEMATE_BIN:-$root/target/debug/routemate}"

sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] || [ -z "$pgbin" ]; then
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y \
    --no-install-recommends nginx-light postgresql
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
[ "${1:-}" = "--deps-only" ] && exit 0
nginx=$(command -v nginx || echo /usr/sbin/nginx)

[ -x "$bin" ] || { echo "hosting: $bin is missing: cargo build --bin routemate" >&2; exit 1; }
if ! "$bin" serve --help | grep -q -- '--database'; then
  echo "hosting: SKIP: this routemate has no PostgreSQL store (serve --database)"
  exit 0
fi

work=$(mktemp -d)
chmod 755 "$work"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  # The serve processes (scenarios.py restarts one and rewrites its pid file).
  for f in "$work/a.pid" "$work/b.pid"; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Runs routemate-bench api against URL with a new credential made by `routemate ARGS…`.
bench() { # URL DATA-ARGS… -- BENCH-ARGS…
  local url=$1 data=(); shift
  while [ "$1" != "--" ]; do data+=("$1"); shift; done; shift
  local cred id secret
  cred=$("$bin" "${data[@]}" credentials create --name bench)
  id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])' <<<"$cred")
  secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])' <<<"$cred")
  "$(dirname "$bin")/routemate-bench" api --url "$url" --client-id "$id" \
    --client-secret "$secret" "$@"
}

if [ "${1:-}" = "--bench-sled" ]; then
  shift
  unset ROUTEMATE_DATABASE_URL
  port=$(free_port)
  "$bin" --data "$work/sled" serve --listen "127.0.0.1:$port" \
    >"$work/sled.out" 2>"$work/sled.log" &
  echo $! >"$work/a.pid"
  for _ in $(seq 1 200); do grep -q "listening on" "$work/sled.out" && break; sleep 0.1; done
  # The credential through the running server's admin socket.
  bench "http://127.0.0.1:$port" --data "$work/sled" -- "$@"
  exit
fi

# PostgreSQL: a fresh cluster on a free loopback port, trust auth for the test user.
pgport=$(free_port)
mkdir -p "$work/pg" "$work/pgsock"
[ "$(id -u)" -eq 0 ] && chown postgres "$work/pg" "$work/pgsock"
as_pg "$pgbin/initdb" -D "$work/pg" -U routemate --auth=trust -E UTF8 >/dev/null
pg_ctl_start() {
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pgsock/pg.log" -w \
    -o "-p $pgport -k $work/pgsock -c listen_addresses=127.0.0.1" start >/dev/null
}
pg_ctl_start
as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U routemate routemate
export ROUTEMATE_DATABASE_URL="postgres://routemate@127.0.0.1:$pgport/routemate"

# Two processes on it, each with its own data dir (geocoder, road pack), on free ports.
start_serve() { # NAME PORT
  "$bin" --data "$work/$1" serve --listen "127.0.0.1:$2" --trusted-proxy 127.0.0.1 \
    >"$work/$1.out" 2>>"$work/$1.log" &
  echo $! >"$work/$1.pid"
  disown # scenarios.py SIGKILLs one: no job-control notice about it
  for _ in $(seq 1 200); do
    grep -q "listening on" "$work/$1.out" 2>/dev/null && return 0
    kill -0 "$(cat "$work/$1.pid")" 2>/dev/null || { cat "$work/$1.log" >&2; return 1; }
    sleep 0.1
  done
  echo "hosting: $1 did not start" >&2; return 1
}
porta=$(free_port); portb=$(free_port); portlb=$(free_port)
start_serve a "$porta"
start_serve b "$portb"

# nginx with the committed file, only its ports swapped, in a main config of its own.
sed -e "s/127.0.0.1:8701/127.0.0.1:$porta/; s/127.0.0.1:8702/127.0.0.1:$portb/" \
  -e "s/listen 127.0.0.1:8080/listen 127.0.0.1:$portlb/" \
  "$root/deploy/nginx-routemate.conf" >"$work/routemate.conf"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
daemon on;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  include $work/routemate.conf;
}
CONF
[ "$(id -u)" -eq 0 ] && sed -i '1i user root;' "$work/nginx.conf"
"$nginx" -c "$work/nginx.conf" -e "$work/nginx-error.log"

export HOSTING_WORK="$work" HOSTING_BIN="$bin" HOSTING_PGBIN="$pgbin"
export HOSTING_LB="http://127.0.0.1:$portlb" HOSTING_A="http://127.0.0.1:$porta"
export HOSTING_B="http://127.0.0.1:$portb" HOSTING_PGPORT="$pgport"
if [ "${1:-}" = "--bench" ]; then
  shift
  bench "$HOSTING_LB" --data "$work/cli" -- "$@"
  # Conflicts show as rolled-back transactions (each retried by the server).
  as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U routemate -d routemate -At -F ' ' -c \
    "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = 'routemate'" |
    { read -r c r; echo "PostgreSQL: $c transactions committed, $r rolled back (conflicts retried)"; }
else
  python3 "$root/tests/hosting/scenarios.py"
fi
