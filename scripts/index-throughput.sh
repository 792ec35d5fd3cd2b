#!/usr/bin/env bash
# Time `newsdedup scan --index redis://...` over the dev mismatch corpus
# (../shared/eval), or the JSONL file given, against a throw-away local
# Redis started by .ci/redis.sh, twice, and report articles per second.
# A tool beside the tests.
#
#   scripts/index-throughput.sh [FILE.jsonl]
#
# Every body new: python3 scripts/distinct_bodies.py ../shared/eval F.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
eval_dir=${EVAL_DIR:-../shared/eval}
tmp=$(mktemp -d)
go build -o "$tmp/newsdedup" ./cmd/newsdedup
if [ $# -gt 0 ]; then
  cp "$1" "$tmp/corpus.jsonl"
else
  zcat "$eval_dir/mismatch.jsonl.gz" > "$tmp/corpus.jsonl"
fi
cat > "$tmp/run.sh" <<SH
set -e
n=\$(wc -l < $tmp/corpus.jsonl)
for i in 1 2; do
  start=\$(date +%s.%N)
  $tmp/newsdedup scan --index "\$NEWSDEDUP_REDIS_URL?prefix=run\$i" --only near_duplicate --format jsonl $tmp/corpus.jsonl > $tmp/out.jsonl || true
  end=\$(date +%s.%N)
  python3 -c "t=\$end-\$start; print(f'run \$i: \$n articles in {t:.2f} s = {\$n/t:.0f} articles/s, {sum(1 for _ in open(\"$tmp/out.jsonl\") if \"near_duplicate\" in _)} flagged')"
done
SH
NEWSDEDUP_REDIS_CLUSTER=0 bash .ci/redis.sh bash "$tmp/run.sh"
