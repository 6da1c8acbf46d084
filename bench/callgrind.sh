#!/usr/bin/env bash
# Instruction counts of the availability engine under valgrind's callgrind, held to the
# budgets in bench/callgrind-budgets.toml: fails when any case needs more than 10% over
# its budget. Instruction counts barely move between runs on a shared machine (unlike
# wall-clock time), so CI can hold them; they do move with the compiler, so a toolchain
# upgrade may need new budgets: `bash bench/callgrind.sh --update` writes what it measured.
set -euo pipefail
cd "$(dirname "$0")/.."
budgets=bench/callgrind-budgets.toml
update=${1:-}
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install -y valgrind)" >&2; exit 1; }

# The bench binary (release profile), built once.
bin=$(cargo bench -p scheduling --bench instructions --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "instructions" and m.get("executable"):
        print(m["executable"])')
[ -x "$bin" ] || { echo "could not build the instructions bench" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
measured=()
printf '%-28s %14s %14s %8s\n' case instructions budget change
for case in $(grep -E '^[a-z_0-9]+ *=' "$budgets" | cut -d= -f1 | tr -d ' '); do
  valgrind --tool=callgrind --callgrind-out-file="$out/$case" --toggle-collect='*measured*' \
    "$bin" "$case" >/dev/null 2>"$out/$case.log" || { cat "$out/$case.log" >&2; exit 1; }
  count=$(awk '/^(summary|totals):/ { print $2; exit }' "$out/$case")
  budget=$(grep -E "^$case *=" "$budgets" | cut -d= -f2 | tr -d ' _')
  change=$(awk -v c="$count" -v b="$budget" 'BEGIN { printf "%+.1f%%", (c - b) * 100 / b }')
  verdict=""
  if [ "$count" -gt $(( budget + budget / 10 )) ]; then verdict="  over budget by more than 10%"; failed=1; fi
  printf '%-28s %14s %14s %8s%s\n' "$case" "$count" "$budget" "$change" "$verdict"
  measured+=("$case = $count")
done

if [ "$update" = "--update" ]; then
  { grep -E '^#' "$budgets"; printf '%s\n' "${measured[@]}"; } >"$out/budgets"
  cp "$out/budgets" "$budgets"
  echo "budgets written to $budgets"
  exit 0
fi
if [ "$failed" = 1 ]; then
  echo "an engine case needs more than 10% over its instruction budget ($budgets)" >&2
  exit 1
fi
