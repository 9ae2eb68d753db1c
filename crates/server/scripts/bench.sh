#!/usr/bin/env bash
# Load benchmark of landed-server from a second process on loopback, on SQLite (WAL,
# synchronous=FULL) and on PostgreSQL (fsync=on, synchronous_commit=on): signed quotes and
# settlement cycles per second with p50/p99. Rate limits are switched off for the run.
#
#   crates/server/scripts/bench.sh [CONNS] [SECS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
CONNS=${1:-16}
SECS=${2:-5}
cargo build -q --release -p landed-server --bin landed-server --example load
B=$PWD/target/release/landed-server
LOAD=$PWD/target/release/examples/load

run() { # DATABASE_URL label
    local url=$1 label=$2 port key pid
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    key=$(DATABASE_URL=$url $B create-tenant bench 2>/dev/null)
    DATABASE_URL=$url RUST_LOG=warn $B --listen 127.0.0.1:$port --rate-limit off --addr-rate-limit off &
    pid=$!
    for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
    for mode in quotes settle; do
        printf '%-10s %-7s ' "$label" "$mode"
        $LOAD "$key" $mode "$CONNS" "$SECS" 127.0.0.1:$port
    done
    kill $pid; wait $pid 2>/dev/null || true
}

DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
run "sqlite://$DIR/bench.db" sqlite
export -f run
export B LOAD CONNS SECS
LANDED_PG_DURABLE=1 bash crates/server/scripts/with-postgres.sh bash -c 'run "$DATABASE_URL" postgres'
