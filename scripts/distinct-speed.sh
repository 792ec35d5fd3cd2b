#!/usr/bin/env bash
# Time `newsdedup scan --format jsonl` on a corpus where every body is new:
# the bodies of all the dev sets in ../shared/eval, each once (nothing is
# memoised), against the naive go-minhash baseline, with hyperfine.
#
#   scripts/distinct-speed.sh [RUNS]     # default 9 runs each
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
shared=${SHARED_DIR:-../shared}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
tmp=$(mktemp -d)
python3 scripts/distinct_bodies.py "$shared/eval" "$tmp/distinct.jsonl"
(cd "$shared/bench/naive-baseline" && go build -o "$tmp/naive" .)
go build -o "$tmp/newsdedup" ./cmd/newsdedup
hyperfine -N -i -w 1 -r "$runs" --export-json "$tmp/times.json" \
  "$tmp/naive $tmp/distinct.jsonl" \
  "$tmp/newsdedup scan --format jsonl -j 1 $tmp/distinct.jsonl" \
  "$tmp/newsdedup scan --format jsonl -j 2 $tmp/distinct.jsonl" >&2
python3 - "$tmp/times.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"distinct bodies: naive baseline median {r[0]['median']:.3f} s, "
      f"newsdedup scan -j 1 {r[1]['median']:.3f} s, -j 2 {r[2]['median']:.3f} s")
PY
