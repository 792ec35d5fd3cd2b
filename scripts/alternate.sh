#!/usr/bin/env bash
# Runs commands in alternation and prints, for each, the median and range
# of wall time, CPU time (user + system) and peak RSS, from GNU time. The
# machines are shared, so runs of the commands being compared are
# interleaved rather than run in a row.
#
#   scripts/alternate.sh RUNS NAME=COMMAND...
#   scripts/alternate.sh 7 naive="/tmp/naive x10.jsonl" \
#       full="newsdedup scan --format jsonl -j 1 x10.jsonl"
#
# Output goes to /dev/null; a command's exit status is ignored (scan
# exits 1 when it flags something).
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
command -v /usr/bin/time >/dev/null || { echo "alternate.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
runs=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for _ in $(seq "$runs"); do
  for spec in "$@"; do
    /usr/bin/time -f "${spec%%=*} %e %U %S %M" -a -o "$log" bash -c "${spec#*=} >/dev/null 2>&1" || true
  done
done
python3 - "$log" <<'PY'
import collections, statistics as st, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 5 and not line.startswith("Command"):
        runs[f[0]].append((float(f[1]), float(f[2]) + float(f[3]), int(f[4]) / 1024))
def show(xs, unit, prec):
    return f"median {st.median(xs):.{prec}f}{unit} ({min(xs):.{prec}f}-{max(xs):.{prec}f})"
for name, v in runs.items():
    print(f"{name}: {len(v)} runs, wall {show([x[0] for x in v], ' s', 2)}, "
          f"cpu {show([x[1] for x in v], ' s', 2)}, peak RSS {show([x[2] for x in v], ' MB', 1)}")
PY
