#!/usr/bin/env bash
# Load figures for BENCHMARKS.md: a release build on loopback, driven by wrk.
#   bash bench/load.sh            (needs wrk: apt-get install -y wrk)
# Starts its own servers on fresh SQLite databases, and two on a fresh PostgreSQL database
# (made from PG_ADMIN_URL, psql needed), and stops them when done.
# SOAK=0 skips the two 60-second memory runs; PG=0 skips PostgreSQL; RATES and RATE_SECONDS
# set the fixed-rate booking runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/collagen
cargo build --release -p collagen -p rate
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}

serve() { # $1 port, $2 data dir, rest: extra args
  local port=$1 dir=$2; shift 2
  RUST_LOG=warn "$BIN" serve --listen "127.0.0.1:$port" --data-dir "$dir" --bookings-per-hour 0 "$@" >"$dir.log" 2>&1 &
  echo $! >"$dir.pid"
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$(cat "$1.pid")/status"; }

work=$(mktemp -d)
trap 'for p in "$work"/*.pid; do kill "$(cat "$p")" 2>/dev/null || true; done; rm -rf "$work"' EXIT

echo "## machine"; nproc; grep -m1 'model name' /proc/cpuinfo; uname -r

echo "## home page (demo clinic)"
serve 18401 "$work/demo"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency http://127.0.0.1:18401/ | grep -E 'Requests/sec|Latency|50%|99%'
echo "resident memory after load: $(rss_kib "$work/demo") KiB"

echo "## availability, one week (demo clinic)"
from=$(date -d tomorrow +%F); to=$(date -d '+7 days' +%F)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  "http://127.0.0.1:18401/api/v1/availability?service=microneedling-face&from=$from&to=$to" | grep -E 'Requests/sec|Latency|50%|99%'
echo "resident memory after load: $(rss_kib "$work/demo") KiB"

echo "## availability, a month for one practitioner (demo clinic)"
month=$(date -d '+30 days' +%F)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  "http://127.0.0.1:18401/api/v1/availability?service=microneedling-face&from=$from&to=$month&practitioner=maya-lee" | grep -E 'Requests/sec|Latency|50%|99%'
echo "resident memory after load: $(rss_kib "$work/demo") KiB"

# Resident memory must not grow under steady load: sampled every 10 s of a 60 s run.
if [ "${SOAK:-1}" = 1 ]; then
  echo "## availability, one week, 60 s, resident memory every 10 s"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d60s \
    "http://127.0.0.1:18401/api/v1/availability?service=microneedling-face&from=$from&to=$to" >"$work/soak.txt" &
  soak=$!
  for _ in 1 2 3 4 5 6; do sleep 10; printf '%s KiB ' "$(rss_kib "$work/demo")"; done; echo
  wait "$soak"
  grep 'Requests/sec' "$work/soak.txt"
fi

echo "## bookings (large clinic, every request a distinct free slot)"
serve 18402 "$work/large" --clinic bench/clinic-bench.toml
base=$(( ($(date +%s) / 86400 + 2) * 86400 ))
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/book.lua http://127.0.0.1:18402 -- "$base" | grep -E 'Requests/sec|Latency|50%|99%|p50|non-2xx'
echo "resident memory after load: $(rss_kib "$work/large") KiB"

# wrk keeps CONNECTIONS requests in flight and sends fewer while the server pauses, so a
# pause barely shows in its percentiles. bench/rate sends on a timetable instead and times
# each request from when it was due. A fresh database for each rate; RATES and RATE_SECONDS
# change them. Resident memory every 10 s (SOAK=0 skips the 60-second run).
echo "## bookings at a fixed rate (large clinic, a fresh database each)"
port=18410
runs="${RATES:-1000 1500 2000}"
[ "${SOAK:-1}" = 1 ] && runs="$runs soak"
for run in $runs; do
  rate=$run seconds=${RATE_SECONDS:-30}
  [ "$run" = soak ] && rate=1500 seconds=60
  port=$((port + 1))
  serve "$port" "$work/rate$port" --clinic bench/clinic-bench.toml
  target/release/rate --url "http://127.0.0.1:$port" --rate "$rate" --seconds "$seconds" --base "$base" >"$work/rate$port.txt" &
  sending=$!
  samples=""
  for _ in $(seq 1 $((seconds / 10))); do sleep 10; samples="$samples $(rss_kib "$work/rate$port")"; done
  wait "$sending"
  head -3 "$work/rate$port.txt"
  echo "resident memory every 10 s (KiB):$samples"
  kill "$(cat "$work/rate$port.pid")"
done

# PostgreSQL: two serve processes on one fresh database, each driven by its own wrk with half
# the connections and its own stretch of slots; the figure is the two runs' sum.
# PG_ADMIN_URL names a database to create the bench database from; PG=0 skips this part.
if [ "${PG:-1}" = 1 ]; then
  admin=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}
  db="collagen_bench_$(date +%s)"
  psql "$admin" -qc "CREATE DATABASE $db"
  trap 'for p in "$work"/*.pid; do kill "$(cat "$p")" 2>/dev/null || true; done; sleep 1; psql "$admin" -qc "DROP DATABASE IF EXISTS $db" || true; rm -rf "$work"' EXIT
  url="${admin%/*}/$db"
  # Processes sharing a database seal two-factor secrets with one key.
  COLLAGEN_SECRET_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  export COLLAGEN_SECRET_KEY
  echo "## bookings on PostgreSQL, two serve processes (large clinic)"
  serve 18403 "$work/pg1" --clinic bench/clinic-bench.toml --database-url "$url"
  serve 18404 "$work/pg2" --clinic bench/clinic-bench.toml --database-url "$url"
  half=$((CONNECTIONS / 2))
  wrk -t1 -c"$half" -d"$DURATION" --latency -s bench/book.lua http://127.0.0.1:18403 -- "$base" 0 >"$work/pg1.txt" &
  first=$!
  wrk -t1 -c"$half" -d"$DURATION" --latency -s bench/book.lua http://127.0.0.1:18404 -- "$base" 100000 >"$work/pg2.txt"
  wait "$first"
  for f in "$work/pg1.txt" "$work/pg2.txt"; do grep -E 'Requests/sec|p50' "$f"; done
  awk '/Requests\/sec/ {s += $2} END {printf "both processes: %.0f requests/s\n", s}' "$work/pg1.txt" "$work/pg2.txt"
  echo "resident memory after load: $(rss_kib "$work/pg1") KiB and $(rss_kib "$work/pg2") KiB"
fi

