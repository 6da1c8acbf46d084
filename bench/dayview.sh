#!/usr/bin/env bash
# Day-view render time for BENCHMARKS.md: a release server on a fresh SQLite database with
# the busy clinic (3 practitioners, 2 rooms), 30 bookings on one day, then N timed GETs of
# /admin/calendar?date=… as a signed-in admin, on loopback.
#   bash bench/dayview.sh            (needs curl; N=50 and PORT=18431 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/collagen
N=${N:-50}
PORT=${PORT:-18431}
BASE="http://127.0.0.1:$PORT"
EMAIL=bench-admin@clinic.example
PASSWORD='ochre lantern drifts slowly 47'
cargo build --release -p collagen

work=$(mktemp -d)
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

RUST_LOG=warn "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$work/data" --bookings-per-hour 0 \
  --clinic bench/clinic-busy.toml >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done
curl -fs "$BASE/healthz" >/dev/null || { echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

printf '%s\n' "$PASSWORD" | "$BIN" staff add "$EMAIL" --role admin --data-dir "$work/data" >/dev/null

# 30 consultations tomorrow (clinic time): two at a time from 07:00, one per room, with
# the three practitioners in turn so no one is double-booked.
day=$(TZ=America/New_York date -d tomorrow +%F)
base=$(TZ=America/New_York date -d "$day 07:00" +%s)
practitioners=(maya-lee sam-ortiz ava-chen)
for i in $(seq 0 29); do
  start=$(TZ=America/New_York date -d "@$((base + (i / 2) * 1800))" +%Y-%m-%dT%H:%M:%S%:z)
  body=$(printf '{"service":"consultation","start":"%s","practitioner":"%s","client":{"name":"Busy Client %02d","email":"busy%d@example.com"}}' \
    "$start" "${practitioners[i % 3]}" "$((i + 1))" "$i")
  code=$(curl -s -o "$work/booking.json" -w '%{http_code}' -H 'content-type: application/json' -d "$body" "$BASE/api/v1/bookings")
  [[ "$code" == 201 ]] || { echo "booking $i answered $code: $(cat "$work/booking.json")" >&2; exit 1; }
done

jar="$work/cookies"
# The sign-in form carries a token that must come back with its cookie.
token=$(curl -fs -c "$jar" "$BASE/login" | grep -o 'name="csrf" value="[^"]*"' | sed 's/.*value="//; s/"$//')
code=$(curl -s -o /dev/null -b "$jar" -c "$jar" -w '%{http_code}' --data-urlencode "csrf=$token" --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" "$BASE/login")
[[ "$code" == 303 ]] || { echo "sign-in answered $code" >&2; exit 1; }

url="$BASE/admin/calendar?date=$day"
curl -fs -b "$jar" "$url" >"$work/day.html"
names=$(grep -o 'Busy Client [0-9][0-9]' "$work/day.html" | sort -u | wc -l)
[[ "$names" == 30 ]] || { echo "the day view shows $names of 30 clients" >&2; exit 1; }
echo "## day view, 30 bookings, 3 practitioners + 2 rooms ($(wc -c <"$work/day.html") bytes), $N requests"
for _ in $(seq 1 5); do curl -s -o /dev/null -b "$jar" "$url"; done  # warm-up
for _ in $(seq 1 "$N"); do curl -s -o /dev/null -b "$jar" -w '%{time_total}\n' "$url"; done | sort -n |
  awk '{ t[NR] = $1 * 1000 } END {
    median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    p99 = t[int(NR * 0.99 + 0.999)]
    printf "median %.2f ms, p99 %.2f ms, min %.2f ms, max %.2f ms\n", median, p99, t[1], t[NR]
  }'
