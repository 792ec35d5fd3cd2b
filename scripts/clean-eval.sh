#!/usr/bin/env bash
# Measure `newsdedup clean` on the dev residue set in ../shared/eval (a tool
# beside the tests): the round trip with every removal off must be byte
# identical; with the defaults, every removal must be in --report, and
# scripts/clean_score.py prints the share of removals labelled residue or
# ambiguous and the share of residue removed. Then clean against scan time.
set -euo pipefail
cd "$(dirname "$0")/.."
eval_dir=${EVAL_DIR:-../shared/eval}
tmp=$(mktemp -d)
go build -o "$tmp/newsdedup" ./cmd/newsdedup
nd=$tmp/newsdedup
zcat "$eval_dir/residue.jsonl.gz" > "$tmp/residue.jsonl"

"$nd" clean --keep all -o "$tmp/roundtrip.jsonl" "$tmp/residue.jsonl" 2>/dev/null
if cmp -s "$tmp/residue.jsonl" "$tmp/roundtrip.jsonl"; then
  echo "round trip with --keep all: byte-identical"
else
  echo "round trip with --keep all: DIFFERS"
fi

"$nd" clean -o "$tmp/clean.jsonl" --report "$tmp/report.jsonl" "$tmp/residue.jsonl"
python3 scripts/clean_score.py "$tmp/residue.jsonl" "$tmp/clean.jsonl" "$tmp/report.jsonl" "$eval_dir/residue.truth.jsonl"

if command -v hyperfine >/dev/null; then
  zcat "$eval_dir/mismatch.jsonl.gz" > "$tmp/mismatch.jsonl"
  hyperfine -N -i -w 1 -r "${RUNS:-5}" --export-json "$tmp/t.json" \
    "$nd scan --format jsonl -o $tmp/scan.out $tmp/mismatch.jsonl" \
    "$nd clean -o $tmp/clean.out $tmp/mismatch.jsonl" >/dev/null 2>&1
  python3 - "$tmp/t.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"mismatch corpus: scan median {r[0]['median']:.3f} s, clean median {r[1]['median']:.3f} s, ratio {r[1]['median']/r[0]['median']:.2f}")
PY
fi
