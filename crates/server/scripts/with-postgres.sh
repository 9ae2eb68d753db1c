#!/usr/bin/env bash
# Runs a command (default: the landed-server test suite) against a throwaway PostgreSQL cluster.
#
#   crates/server/scripts/with-postgres.sh                  # cargo test -p landed-server on PostgreSQL
#   crates/server/scripts/with-postgres.sh cargo run -p landed-server
#
# Installs Debian's postgresql when missing (needs root), creates a cluster in a temp dir owned by
# the `postgres` user, listens on a free loopback port only, exports DATABASE_URL, runs the command
# and removes the cluster on exit. Tests run with fsync=off (a throwaway cluster); benchmarks set
# LANDED_PG_DURABLE=1 for fsync=on and synchronous_commit=on, so every commit reaches the disk.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi
BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)")
RUNAS=postgres
id "$RUNAS" >/dev/null 2>&1 || { echo "no '$RUNAS' user" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$RUNAS" -- "$@"; else "$@"; fi; }

DIR=$(mktemp -d /tmp/landed-pg.XXXXXX)
chmod 755 "$DIR"
[ "$(id -u)" = 0 ] && chown "$RUNAS" "$DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT

as_pg "$BIN/initdb" -D "$DIR/data" -U landed --auth=trust >/dev/null
if [ "${LANDED_PG_DURABLE:-0}" = 1 ]; then DURABILITY="-c fsync=on -c synchronous_commit=on"; else DURABILITY="-c fsync=off"; fi
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR $DURABILITY -c max_connections=200" start >/dev/null
as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U landed landed

export DATABASE_URL="postgres://landed@127.0.0.1:$PORT/landed"
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $NF}') at $DATABASE_URL" >&2
cd "$(dirname "$0")/../../.."
if [ $# -eq 0 ]; then
    set -- cargo test -p landed-server
fi
"$@"
