#!/usr/bin/env bash
# Time `newsdedup scan --format jsonl` against the naive go-minhash
# baseline (../shared/bench/naive-baseline), alternating runs with
# hyperfine, and print the medians.
#
#   scripts/speed.sh [RUNS]              # default 7 runs each
#   scripts/speed.sh --distinct [RUNS]   # COPIES=40 for the x40 corpus
#
# By default the corpus is the uncompressed dev mismatch corpus (12,974
# articles, 471 bodies: it measures the memo) and scan runs with -j 1.
# With --distinct it is the FNC-1 competition-test bodies COPIES times
# (default 10) with 2% of the words changed per copy
# (scripts/bench_corpus.py: every article new text), and scan runs with
# -j 1, with -j 2 and with --only near_duplicate -j 1.
set -euo pipefail
cd "$(dirname "$0")/.."
distinct=false
if [ "${1:-}" = --distinct ]; then
  distinct=true
  shift
fi
runs=${1:-7}
shared=${SHARED_DIR:-../shared}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
tmp=$(mktemp -d)
if $distinct; then
  python3 scripts/bench_corpus.py "$shared/eval" distinct "${COPIES:-10}" "$tmp/corpus.jsonl"
  jobs=(1 2 "1 --only near_duplicate")
else
  zcat "$shared/eval/mismatch.jsonl.gz" > "$tmp/corpus.jsonl"
  jobs=(1)
fi
(cd "$shared/bench/naive-baseline" && go build -o "$tmp/naive" .)
go build -o "$tmp/newsdedup" ./cmd/newsdedup
cmds=("$tmp/naive $tmp/corpus.jsonl")
for j in "${jobs[@]}"; do
  cmds+=("$tmp/newsdedup scan --format jsonl -j $j $tmp/corpus.jsonl")
done
hyperfine -N -i -w 1 -r "$runs" --export-json "$tmp/times.json" "${cmds[@]}" >&2
python3 - "$tmp/times.json" "${jobs[@]}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
naive = r[0]["median"]
for res, j in zip(r[1:], sys.argv[2:]):
    nd = res["median"]
    ratio = f"{naive/nd:.2f}x faster" if nd <= naive else f"{nd/naive:.2f}x slower"
    print(f"naive baseline median {naive:.3f} s, newsdedup scan -j {j} median {nd:.3f} s: {ratio}")
PY
