#!/usr/bin/env bash
# Score newsdedup on the development sets in ../shared/eval (a tool beside
# the tests: the sets are not in this repo).
#
#   scripts/eval.sh [TASK...]     # default: every task
set -euo pipefail
cd "$(dirname "$0")/.."
eval_dir=${EVAL_DIR:-../shared/eval}
[ -f "$eval_dir/score.py" ] || { echo "eval.sh: no $eval_dir/score.py" >&2; exit 2; }
bin=$(mktemp -d)/newsdedup
go build -o "$bin" ./cmd/newsdedup
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=(mismatch splice headline residue neardup)
for t in "${tasks[@]}"; do
  [ -f "$eval_dir/$t.truth.jsonl" ] || continue
  python3 "$eval_dir/score.py" "$eval_dir" "$t" -- "$bin" scan --format jsonl
done
