#!/usr/bin/env bash
# Time `newsdedup scan --format jsonl -j 1` against the naive go-minhash
# baseline (../shared/bench/naive-baseline) on the uncompressed dev
# mismatch corpus, alternating runs with hyperfine, and print the medians.
#
#   scripts/speed.sh [RUNS]       # default 7 runs each
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
shared=${SHARED_DIR:-../shared}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
tmp=$(mktemp -d)
zcat "$shared/eval/mismatch.jsonl.gz" > "$tmp/corpus.jsonl"
(cd "$shared/bench/naive-baseline" && go build -o "$tmp/naive" .)
go build -o "$tmp/newsdedup" ./cmd/newsdedup
hyperfine -N -i -w 1 -r "$runs" --export-json "$tmp/times.json" \
  "$tmp/naive $tmp/corpus.jsonl" \
  "$tmp/newsdedup scan --format jsonl -j 1 $tmp/corpus.jsonl" >&2
python3 - "$tmp/times.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
naive, nd = r[0]["median"], r[1]["median"]
print(f"naive baseline median {naive:.3f} s, newsdedup scan -j 1 median {nd:.3f} s: {naive/nd:.2f}x faster")
PY
