#!/usr/bin/env bash
# Time `newsdedup scan --index` over the dev mismatch corpus
# (../shared/eval), or the JSONL file given, twice, each time into a new
# index, and report articles per second. The index is a throw-away local
# Redis started by .ci/redis.sh, or with INDEX=file a bbolt file (and with
# INDEX=file-no-sync the same with --index-no-sync). A tool beside the
# tests.
#
#   scripts/index-throughput.sh [FILE.jsonl]
#   INDEX=file scripts/index-throughput.sh [FILE.jsonl]
#
# Every body new: python3 scripts/distinct_bodies.py ../shared/eval F.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
eval_dir=${EVAL_DIR:-../shared/eval}
kind=${INDEX:-redis}
tmp=$(mktemp -d)
go build -o "$tmp/newsdedup" ./cmd/newsdedup
if [ $# -gt 0 ]; then
  cp "$1" "$tmp/corpus.jsonl"
else
  zcat "$eval_dir/mismatch.jsonl.gz" > "$tmp/corpus.jsonl"
fi
case $kind in
  redis) spec='"$NEWSDEDUP_REDIS_URL?prefix=run$i"' ;;
  file) spec="$tmp/run\$i.db" ;;
  file-no-sync) spec="$tmp/run\$i.db --index-no-sync" ;;
  *) echo "index-throughput.sh: INDEX must be redis, file or file-no-sync" >&2; exit 2 ;;
esac
cat > "$tmp/run.sh" <<SH
set -e
n=\$(wc -l < $tmp/corpus.jsonl)
for i in 1 2; do
  start=\$(date +%s.%N)
  $tmp/newsdedup scan --index $spec --only near_duplicate --format jsonl $tmp/corpus.jsonl > $tmp/out.jsonl || true
  end=\$(date +%s.%N)
  python3 -c "t=\$end-\$start; print(f'$kind run \$i: \$n articles in {t:.2f} s = {\$n/t:.0f} articles/s, {sum(1 for _ in open(\"$tmp/out.jsonl\") if \"near_duplicate\" in _)} flagged')"
done
SH
if [ "$kind" = redis ]; then
  NEWSDEDUP_REDIS_CLUSTER=0 bash .ci/redis.sh bash "$tmp/run.sh"
else
  bash "$tmp/run.sh"
fi
