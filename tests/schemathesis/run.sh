#!/usr/bin/env bash
# Fuzz the JSON API against its own OpenAPI document with schemathesis, once on SQLite and
# once on PostgreSQL, each against a fresh `collagen serve` on a random loopback port.
#   COLLAGEN_BIN=target/debug/collagen bash tests/schemathesis/run.sh
# Builds nothing. Env: COLLAGEN_BIN (required), COLLAGEN_TEST_POSTGRES (default
# postgres://postgres@127.0.0.1:5432/test: a database on the server to create others from),
# ENGINES (default "sqlite postgres"), MAX_EXAMPLES (default 40 per operation and round;
# fuzzing repeats rounds until its 150 s budget per engine is spent).
#
# Fails on any 5xx, any answer that breaks its documented schema, content type or headers,
# and any status the document does not list. Every operation under /api/v1 is tested.
# Checks left out, and why:
#   negative_data_rejection / positive_data_acceptance: the API trims text before checking
#     it and reads `null` as "not given", so schemathesis' idea of valid input differs
#     from the server's at the edges; the real limits are in the document, and what the
#     server does with any input is held to the other checks.
#   use_after_free, ensure_resource_availability and the auth checks: the API has no
#     delete and no authentication on these operations.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCHEMATHESIS_VERSION="4.32.5"

BIN="${COLLAGEN_BIN:?set COLLAGEN_BIN to the collagen binary (cargo build -p collagen)}"
if [[ "$BIN" != /* ]]; then BIN="$PWD/$BIN"; fi
if [[ ! -x "$BIN" ]]; then
  echo "run.sh: no server binary at $BIN" >&2
  exit 2
fi
ADMIN_URL="${COLLAGEN_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
ENGINES="${ENGINES:-sqlite postgres}"
MAX_EXAMPLES="${MAX_EXAMPLES:-40}"

export PATH="$HOME/.local/bin:$PATH"
if [[ "$(st --version 2>/dev/null || true)" != *"$SCHEMATHESIS_VERSION"* ]]; then
  python3 -m pip install --quiet --user "schemathesis==$SCHEMATHESIS_VERSION"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/collagen-schemathesis.XXXXXX")"
SERVER_PID=""
DB_NAME=""

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
drop_database() {
  if [[ -n "$DB_NAME" ]]; then
    psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" || true
  fi
  DB_NAME=""
}
cleanup() {
  stop_server
  drop_database
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

run_engine() {
  local engine="$1" port data log url=()
  port="$(free_port)"
  data="$WORK/$engine"
  log="$WORK/$engine.log"
  mkdir -p "$data"
  if [[ "$engine" == postgres ]]; then
    DB_NAME="collagen_schemathesis_$(date +%s)_$$"
    psql "$ADMIN_URL" -qc "CREATE DATABASE \"$DB_NAME\""
    url=(--database-url "${ADMIN_URL%/*}/$DB_NAME")
  fi
  echo "=== schemathesis on $engine (port $port)"
  # Fuzzing books many times from one address: the hourly limit would turn most of the
  # run into 429s, so it is off here (it has tests of its own).
  (cd "$ROOT" && exec "$BIN" serve --listen "127.0.0.1:$port" --data-dir "$data" \
    --bookings-per-hour 0 "${url[@]}") >"$log" 2>&1 &
  SERVER_PID=$!
  local base="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.2
  done
  local status=0
  # From the scratch folder, so schemathesis leaves nothing in the checkout. One worker:
  # with two threads this machine's CPython 3.11 sometimes trips over its own parser
  # ("AST constructor recursion depth mismatch") while generating, failing the run for
  # nothing the server did.
  (cd "$WORK" && timeout 240 st run "$base/api/v1/openapi.json" \
    --url "$base/api/v1" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" \
    --max-time 150 \
    --workers 1 \
    --request-timeout 10 \
    --seed 1 \
    --generation-database none \
    --no-color) || status=$?
  stop_server
  if ((status != 0)); then
    echo "----- server log, last lines -----" >&2
    tail -n 40 "$log" >&2
  fi
  drop_database
  return "$status"
}

failed=0
for engine in $ENGINES; do
  run_engine "$engine" || failed=1
done
exit "$failed"
