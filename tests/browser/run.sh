#!/usr/bin/env bash
# Run the browser test suite against a fresh Collagen server.
#   bash tests/browser/run.sh            (from any directory)
# Env: COLLAGEN_BIN (default ../../target/release/collagen relative to this folder),
#      CHROMIUM (default /usr/bin/chromium). Extra arguments go to `node --test`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

BIN="${COLLAGEN_BIN:-$HERE/../../target/release/collagen}"
if [[ "$BIN" != /* ]]; then
  if [[ -x "$PWD/$BIN" ]]; then BIN="$PWD/$BIN"; else BIN="$HERE/$BIN"; fi
fi
if [[ ! -x "$BIN" ]]; then
  echo "run.sh: no server binary at $BIN (cargo build --release -p collagen, or set COLLAGEN_BIN)" >&2
  exit 2
fi
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "run.sh: no Chromium at $CHROMIUM (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 2
fi
export CHROMIUM

if [[ ! -d "$HERE/node_modules/playwright-core" || ! -d "$HERE/node_modules/axe-core" ]]; then
  (cd "$HERE" && npm ci --no-audit --no-fund)
fi

PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/collagen-browser.XXXXXX")"
DATA="$WORK/data"
LOG="$WORK/server.log"
mkdir -p "$DATA"
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_log() {
  echo "----- server log ($LOG) -----" >&2
  tail -n 200 "$LOG" | sed "s/\x1b\[[0-9;]*m//g" >&2 || true
  echo "----- end of server log -----" >&2
}

# From the repo root, so the server serves the repo's ./content pages.
(cd "$ROOT" && exec "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$DATA") >"$LOG" 2>&1 &
SERVER_PID=$!

export BASE_URL="http://127.0.0.1:$PORT"
# Tests that need staff logins create them with the same binary and data folder.
export COLLAGEN_BIN="$BIN" COLLAGEN_DATA_DIR="$DATA"
ready=""
for _ in $(seq 1 300); do  # 30 s
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "run.sh: the server exited before it was ready" >&2
    show_log
    exit 1
  fi
  if node -e "fetch(process.argv[1]).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))" "$BASE_URL/healthz" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "run.sh: $BASE_URL/healthz did not answer 200 within 30 s" >&2
  show_log
  exit 1
fi
echo "run.sh: server $BIN ready at $BASE_URL"

status=0
(cd "$HERE" && node --test --test-concurrency=1 "$@" tests/) || status=$?
if [[ $status -ne 0 ]]; then show_log; fi
exit "$status"
