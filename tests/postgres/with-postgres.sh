#!/usr/bin/env bash
# Runs CMD… against a real, throw-away PostgreSQL from Debian's packages (apt `postgresql`):
# initdb in a temp dir, pg_ctl on a free loopback port, trust auth for the test user `routemate`,
# a database `routemate`. Exports ROUTEMATE_TEST_DATABASE_URL (the test suites switch to
# PostgreSQL, one schema per store) and ROUTEMATE_PG_URL (the same URL, for scripts that start
# `routemate serve --database`), runs CMD, then stops the server and deletes the temp dir
# whatever CMD answered. Exit status: CMD's.
#
#   tests/postgres/with-postgres.sh cargo test -p routemate-engine -p routemate-server
#
# PGPORT picks the port (default: a free one from 55432 up). As root, the server runs as the
# `postgres` system user (PostgreSQL refuses to run as root).
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 CMD [ARGS…]" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 3
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${PGPORT:-}
if [ -z "$port" ]; then
  port=55432
  while ! port_free "$port"; do port=$((port + 1)); done
fi

tmp=$(mktemp -d /tmp/routemate-pg.XXXXXX)
chmod 755 "$tmp"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi
data="$tmp/data"
log="$tmp/server.log"

stop() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT

"${as_pg[@]}" "$bindir/initdb" -D "$data" -U routemate --auth=trust -E UTF8 --locale=C.UTF-8 \
  >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 3; }
# Loopback only, a socket dir of its own, enough connections for parallel tests (each store opens
# a small pool), fsync kept on (the tests check durability-relevant behaviour, not speed).
"${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 30 \
  -o "-h 127.0.0.1 -p $port -k $tmp -c max_connections=400 -c shared_buffers=64MB" start \
  >/dev/null || { cat "$log" >&2; exit 3; }
"$bindir/psql" -h 127.0.0.1 -p "$port" -U routemate -d postgres -qc "CREATE DATABASE routemate" \
  || { cat "$log" >&2; exit 3; }

export ROUTEMATE_PG_URL="postgres://routemate@127.0.0.1:$port/routemate"
export ROUTEMATE_TEST_DATABASE_URL="$ROUTEMATE_PG_URL"
export ROUTEMATE_PG_BIN="$bindir" ROUTEMATE_PG_DATA="$data" ROUTEMATE_PG_PORT="$port"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
