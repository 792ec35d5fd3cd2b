#!/usr/bin/env bash
# Time how long headless Chromium takes to open the HTML audit report of
# the dev splice set (../shared/eval), a tool beside the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
eval_dir=${EVAL_DIR:-../shared/eval}
tmp=$(mktemp -d)
go build -o "$tmp/newsdedup" ./cmd/newsdedup
"$tmp/newsdedup" scan --format html -o "$tmp/report.html" "$eval_dir/splice.jsonl.gz" || true
ls -l "$tmp/report.html" | awk '{print "report size:", $5, "bytes"}'
chrome=$(command -v chromium || command -v chromium-browser)
for i in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile$i" --dump-dom "file://$tmp/report.html" > "$tmp/dom.html" 2>/dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'run $i: opened and rendered in {$end-$start:.2f} s, DOM {$(wc -c < $tmp/dom.html)} bytes')"
done
start=$(date +%s.%N)
"$chrome" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --user-data-dir="$tmp/blank" --dump-dom about:blank >/dev/null 2>&1
end=$(date +%s.%N)
python3 -c "print(f'chromium start-up alone (about:blank): {$end-$start:.2f} s')"
