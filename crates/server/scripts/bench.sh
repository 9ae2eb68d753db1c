#!/usr/bin/env bash
# Load benchmark of landed-server from a second process on loopback: signed quotes and settlement
# cycles per second with p50/p99, against the number of concurrent connections, on
#   - SQLite (WAL, synchronous=FULL: every acknowledged write is durable),
#   - SQLite with synchronous=OFF (no fsync: the ceiling without durability),
#   - PostgreSQL (fsync=on, synchronous_commit=on), and PostgreSQL with fsync=off (its ceiling).
# Rate limits are switched off for the run.
#
#   crates/server/scripts/bench.sh ["CONNS..."] [SECS] [CONFIGS]
#   crates/server/scripts/bench.sh "1 4 16 64" 5 "sqlite sqlite-off postgres postgres-off"
#   LANDED_SERVER_BIN=/path/to/older/landed-server crates/server/scripts/bench.sh   # a before run
set -euo pipefail
cd "$(dirname "$0")/../../.."
CONNS=${1:-"1 4 16 64"}
SECS=${2:-5}
CONFIGS=${3:-"sqlite sqlite-off postgres postgres-off"}
cargo build -q --release -p landed-server --bin landed-server --example load
B=${LANDED_SERVER_BIN:-$PWD/target/release/landed-server}
LOAD=$PWD/target/release/examples/load

run() { # DATABASE_URL label
    local url=$1 label=$2 port key pid c
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    key=$(DATABASE_URL=$url $B create-tenant bench 2>/dev/null)
    DATABASE_URL=$url RUST_LOG=warn $B --listen 127.0.0.1:$port --rate-limit off --addr-rate-limit off &
    pid=$!
    for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
    for c in $CONNS; do
        for mode in quotes settle; do
            printf '%-13s %-7s %3s conns  load %-5s ' "$label" "$mode" "$c" "$(cut -d' ' -f1 /proc/loadavg)"
            $LOAD "$key" $mode "$c" "$SECS" 127.0.0.1:$port
        done
    done
    kill $pid; wait $pid 2>/dev/null || true
}

DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
export -f run
export B LOAD CONNS SECS
for cfg in $CONFIGS; do
    case $cfg in
        sqlite) run "sqlite://$DIR/bench.db" sqlite ;;
        sqlite-off) run "sqlite://$DIR/bench-off.db?synchronous=off" sqlite-off ;;
        postgres) LANDED_PG_DURABLE=1 bash crates/server/scripts/with-postgres.sh bash -c 'run "$DATABASE_URL" postgres' ;;
        postgres-off) LANDED_PG_DURABLE=0 bash crates/server/scripts/with-postgres.sh bash -c 'run "$DATABASE_URL" postgres-off' ;;
        *) echo "unknown config $cfg" >&2; exit 2 ;;
    esac
done
