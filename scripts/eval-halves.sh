#!/usr/bin/env bash
# Score a dev task on two halves of its bodies, split by a hash of the
# body text, to see how much a figure moves on text it was not tuned on.
# A tool beside the tests: it reads ../shared/eval.
#
#   scripts/eval-halves.sh [TASK]      # default: mismatch
#
# Tasks: mismatch, headline, residue. Not neardup (its truth is pairs)
# and not splice: a spliced paragraph's donor body is in the set (651 of
# 679 foreign paragraphs stand in another article), and a half loses
# half of the donors, which measures the corpus test without its
# evidence rather than the detectors on new text.
set -euo pipefail
cd "$(dirname "$0")/.."
eval_dir=${EVAL_DIR:-../shared/eval}
task=${1:-mismatch}
case $task in
  mismatch | headline | residue) ;;
  *) echo "eval-halves.sh: $task cannot be split by body (see the comment at the top)" >&2; exit 2 ;;
esac
tmp=$(mktemp -d)
go build -o "$tmp/newsdedup" ./cmd/newsdedup
python3 - "$eval_dir" "$task" "$tmp" <<'PY'
import gzip, hashlib, json, os, shutil, sys
src, task, tmp = sys.argv[1:]
truth = {}
for line in open(f"{src}/{task}.truth.jsonl"):
    truth[json.loads(line)["id"]] = line
docs = [json.loads(l) for l in gzip.open(f"{src}/{task}.jsonl.gz", "rt")]
for half in (0, 1):
    d = f"{tmp}/half{half}"
    os.makedirs(d)
    shutil.copy(f"{src}/score.py", d)
    sel = [x for x in docs if hashlib.md5(x["text"].encode()).digest()[0] % 2 == half]
    with gzip.open(f"{d}/{task}.jsonl.gz", "wt") as f:
        for x in sel:
            f.write(json.dumps(x) + "\n")
    with open(f"{d}/{task}.truth.jsonl", "w") as f:
        for x in sel:
            f.write(truth[x["id"]])
    print(f"half {half}: {len(sel)} articles, {len({x['text'] for x in sel})} bodies", file=sys.stderr)
PY
for half in 0 1; do
  printf 'half %s: ' "$half"
  python3 "$tmp/half$half/score.py" "$tmp/half$half" "$task" -- "$tmp/newsdedup" scan --format jsonl
done
