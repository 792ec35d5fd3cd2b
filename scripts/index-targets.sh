#!/usr/bin/env bash
# The index's targets on the dev sets of ../shared/eval (issue 12), with
# throw-away Redis servers from .ci/redis.sh (a server and a 3-node
# cluster) and a Redis of its own with AOF for the restart drill. Prints
# one line per figure. A tool beside the tests: the same checks on data
# made in the repo run in CI (cmd/newsdedup/e2e_test.go).
#
#   scripts/index-targets.sh            # RUNS=10 KILLS=20
#   RUNS=3 KILLS=5 scripts/index-targets.sh
#   ONLY=kill scripts/index-targets.sh   # one part: redis, bolt, jobs, twice, kill, days, restart
set -euo pipefail
cd "$(dirname "$0")/.."
eval_dir=${EVAL_DIR:-../shared/eval}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache # the journals of failed scans
go build -o "$tmp/newsdedup" ./cmd/newsdedup
zcat "$eval_dir/splice.jsonl.gz" > "$tmp/splice.jsonl"
zcat "$eval_dir/mismatch.jsonl.gz" > "$tmp/mismatch.jsonl"
awk '{print; print}' "$tmp/splice.jsonl" > "$tmp/splice2.jsonl"
python3 scripts/distinct_bodies.py "$eval_dir" "$tmp/distinct.jsonl" 2>/dev/null
python3 - "$eval_dir" "$tmp" <<'PY'
# Two days of a crawl whose ids are per-file counters: day two reuses day
# one's ids for other stories.
import gzip, json, sys
src, dst = sys.argv[1], sys.argv[2]
seen, bodies = set(), []
for task in ["mismatch", "splice", "headline", "residue"]:
    with gzip.open(f"{src}/{task}.jsonl.gz", "rt") as f:
        for line in f:
            d = json.loads(line)
            if d["text"] not in seen:
                seen.add(d["text"])
                bodies.append(d)
n = 300
for day, part in [(1, bodies[:n]), (2, bodies[n:2 * n])]:
    with open(f"{dst}/day{day}.jsonl", "w") as out:
        for i, d in enumerate(part):
            out.write(json.dumps({"id": i + 1, "title": d["title"], "text": d["text"]}) + "\n")
PY
cat > "$tmp/run.sh" <<'SH'
set -uo pipefail
nd=$TMP/newsdedup
runs=${RUNS:-10}
kills=${KILLS:-20}
scan() { "$nd" scan --only near_duplicate,changed_page --format jsonl "$@"; }
part() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }
# admitted FILE: articles of a scan's output without near_duplicate.
admitted() { python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if l.strip() and not any(f["kind"] == "near_duplicate" for f in json.loads(l)["findings"])))' "$1"; }
stat() { "$nd" index stats --format json "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['$2'] if '$2' != 'leases' else len(d['expired_leases']))"; }
with_prefix() { case $1 in *\?*) echo "$1&prefix=$2" ;; *) echo "$1?prefix=$2" ;; esac; }

part redis && for target in server cluster; do
  url=$NEWSDEDUP_REDIS_URL
  [ "$target" = cluster ] && url=$NEWSDEDUP_REDIS_CLUSTER_URL
  scan --index "$(with_prefix "$url" alone-$RANDOM$RANDOM)" "$TMP/splice.jsonl" > "$TMP/alone.out"
  want=$(admitted "$TMP/alone.out")
  ok=0
  totals=()
  for r in $(seq "$runs"); do
    p=four-$r-$RANDOM$RANDOM
    for i in 1 2 3 4; do scan --index "$(with_prefix "$url" "$p")" "$TMP/splice.jsonl" > "$TMP/four$i.out" & done
    wait
    total=0
    for i in 1 2 3 4; do total=$((total + $(admitted "$TMP/four$i.out"))); done
    totals+=("$total")
    [ "$total" = "$want" ] && ok=$((ok + 1))
  done
  echo "4 processes x splice set into one empty Redis ($target): one process alone admits $want; 4 at once admit ${totals[*]}; equal in $ok of $runs runs"
done

part bolt && {
scan --index "$TMP/alone.db" "$TMP/splice.jsonl" > /dev/null
want=$(stat "$TMP/alone.db" admitted)
ok=0
inuse=0
got=()
for r in $(seq "$runs"); do
  db=$TMP/four-$r.db
  for i in 1 2 3 4; do scan --index "$db" "$TMP/splice.jsonl" > "$TMP/b$i.out" 2> "$TMP/b$i.err" & done
  wait
  inuse=$((inuse + $(cat "$TMP"/b?.err | grep -c "in use by another process" || true)))
  got+=("$(stat "$db" admitted)")
  [ "$(stat "$db" admitted)" = "$want" ] && [ "$(stat "$db" pending)" = 0 ] && ok=$((ok + 1))
done
echo "bbolt, 4 processes x splice set at once: one process alone admits $want; 4 at once leave ${got[*]} admitted; consistent, with as many admitted and none pending, in $ok of $runs runs; $inuse scans said \"index is in use\" (the others waited for the lock)"
}

part jobs && {
same=0
for r in $(seq "$runs"); do
  scan -j 1 --index "$TMP/j1-$r.db" "$TMP/splice.jsonl" > "$TMP/j1.out"
  scan -j 2 --index "$TMP/j2-$r.db" "$TMP/splice.jsonl" > "$TMP/j2.out"
  cmp -s "$TMP/j1.out" "$TMP/j2.out" && same=$((same + 1))
done
echo "-j 1 and -j 2 against a fresh bbolt index: identical output in $same of $runs runs"
same=0
for r in $(seq "$runs"); do
  scan -j 1 --index "$(with_prefix "$NEWSDEDUP_REDIS_URL" j1-$r-$RANDOM)" "$TMP/splice.jsonl" > "$TMP/j1.out"
  scan -j 2 --index "$(with_prefix "$NEWSDEDUP_REDIS_URL" j2-$r-$RANDOM)" "$TMP/splice.jsonl" > "$TMP/j2.out"
  cmp -s "$TMP/j1.out" "$TMP/j2.out" && same=$((same + 1))
done
echo "-j 1 and -j 2 against a fresh Redis index: identical output in $same of $runs runs"
}

part twice && scan -j 2 --index "$TMP/twice.db" "$TMP/splice2.jsonl" > "$TMP/twice.out" &&
echo "splice set with every record twice, -j 2, bbolt: $(admitted "$TMP/twice.out") admitted (390 right)"

part kill && {
good=0
left=0
for k in $(seq "$kills"); do
  db=$TMP/kill-$k.db
  # The binary itself in the background (not the scan function, whose
  # subshell the kill would hit instead).
  "$nd" scan --only near_duplicate,changed_page --format jsonl -j 2 --index "$db" "$TMP/distinct.jsonl" > "$TMP/kill.out" 2>&1 &
  pid=$!
  # Into the scan pass (its output has begun), at a random point.
  for _ in $(seq 200); do [ -s "$TMP/kill.out" ] && break; sleep 0.02; done
  sleep "0.$((RANDOM % 3))$((RANDOM % 10))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  "$nd" index stats "$db" > /dev/null || { echo "kill $k: the file does not reopen"; continue; }
  left=$((left + $(stat "$db" pending)))
  scan --index "$db" "$TMP/distinct.jsonl" > /dev/null 2>&1
  [ $? -le 1 ] || { echo "kill $k: the rerun failed"; continue; }
  "$nd" index repair "$db" > /dev/null
  [ "$(stat "$db" leases)" = 0 ] && [ "$(stat "$db" pending)" = 0 ] && [ "$(stat "$db" entries)" = "$REF_ENTRIES" ] &&
    [ "$(stat "$db" admitted)" = "$REF_ADMITTED" ] && good=$((good + 1))
done

echo "SIGKILL drill x$kills on a bbolt writer (the dev sets' 1379 distinct bodies, killed 0-0.29 s into the scan pass): $left entries left pending by the kills; file reopens, rerun completes, zero leases after repair, all $REF_ENTRIES articles in, $REF_ADMITTED admitted: $good of $kills"

}
part days || exit 0
scan --index "$TMP/days.db" "$TMP/day1.jsonl" > /dev/null
scan --index "$TMP/days.db" "$TMP/day2.jsonl" > "$TMP/day2.out"
python3 - "$TMP" <<'PY'
# A near_duplicate is right when the two bodies share their text: the
# exact containment of the shorter one's word 4-grams in the longer one's
# (or their Jaccard) reaches 0.3, where the index's containment counts.
# (The dev sets share stories, so day two has real reposts of day one.)
import json, re, sys
d = sys.argv[1]
def grams(t):
    w = re.findall(r"\w+", t.lower())
    return {tuple(w[i:i + 4]) for i in range(len(w) - 3)}
day1 = {str(r["id"]): json.loads(l)["text"] for l in open(f"{d}/day1.jsonl") for r in [json.loads(l)]}
day2 = {str(json.loads(l)["id"]): json.loads(l)["text"] for l in open(f"{d}/day2.jsonl")}
dup = changed = unrelated = 0
n = 0
for l in open(f"{d}/day2.out"):
    r = json.loads(l); n += 1
    for f in r["findings"]:
        if f["kind"] == "changed_page":
            changed += 1
        if f["kind"] != "near_duplicate":
            continue
        dup += 1
        rel = f.get("related_id", "")
        other = day2.get(rel.split("#v")[0]) if "#v" in rel else day1.get(rel)
        a, b = grams(day2[str(r["id"])]), grams(other or "")
        sim = max(len(a & b) / max(min(len(a), len(b)), 1), len(a & b) / max(len(a | b), 1))
        unrelated += sim < 0.3
print(f"two days of crawl, day two's {n} stories under day one's ids: {changed} reported changed_page, "
      f"{dup} near_duplicate, of which {unrelated} between unrelated texts (4-gram containment below 0.3)")
PY
SH
zcat_ref() {
  "$tmp/newsdedup" scan --only near_duplicate --format jsonl --index "$tmp/ref.db" "$tmp/distinct.jsonl" > /dev/null || true
  REF_ENTRIES=$("$tmp/newsdedup" index stats --format json "$tmp/ref.db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')
  REF_ADMITTED=$("$tmp/newsdedup" index stats --format json "$tmp/ref.db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admitted"])')
}
zcat_ref
export TMP=$tmp REF_ENTRIES REF_ADMITTED
if [ "${ONLY:-}" != restart ]; then
  bash .ci/redis.sh bash "$tmp/run.sh"
fi
[ -z "${ONLY:-}" ] || [ "$ONLY" = restart ] || exit 0

# Redis killed and restarted mid-scan, with AOF.
port=$((20000 + RANDOM % 10000))
rdir=$tmp/redis
mkdir -p "$rdir"
start() {
  redis-server --bind 127.0.0.1 --port "$port" --dir "$rdir" --appendonly yes --appendfsync always --save '' \
    --logfile "$rdir/log" --daemonize no &
  rpid=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping > /dev/null 2>&1 && return; sleep 0.05; done
}
stop() { kill -9 "$rpid" 2>/dev/null || true; wait "$rpid" 2>/dev/null || true; }
trap 'stop; rm -rf "$tmp"' EXIT
u=redis://127.0.0.1:$port/0?prefix=
nd=$tmp/newsdedup
start
"$nd" scan -j 4 --only near_duplicate --format jsonl --index "${u}ref" "$tmp/mismatch.jsonl" > "$tmp/ref.out" || true
count() { python3 -c '
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
adm = {r["id"] for r in rs if not any(f["kind"] == "near_duplicate" for f in r["findings"])}
print(len(rs), len(adm))' "$1"; }
read -r n want < <(count "$tmp/ref.out")
ok=0
for r in $(seq "${RESTARTS:-5}"); do
  "$nd" scan -j 4 --only near_duplicate --format jsonl --index "${u}restart$r" --index-retry 30s "$tmp/mismatch.jsonl" > "$tmp/r.out" 2> "$tmp/r.err" &
  spid=$!
  for _ in $(seq 200); do [ -s "$tmp/r.out" ] && break; sleep 0.02; done
  sleep "0.$((RANDOM % 5))"; stop; sleep 1; start
  code=0; wait "$spid" || code=$?
  read -r got adm < <(count "$tmp/r.out")
  [ "$code" -le 1 ] && [ "$got" = "$n" ] && [ "$adm" = "$want" ] && ok=$((ok + 1))
done
echo "Redis (AOF) killed 0-0.4 s into the scan pass of the mismatch set and restarted 1 s later: the scan finishes with all $n articles and $want admitted in $ok of ${RESTARTS:-5}"
ok=0
for r in $(seq "${RESTARTS:-5}"); do
  "$nd" scan -j 4 --only near_duplicate --format jsonl --index "${u}down$r" --index-retry 3s "$tmp/mismatch.jsonl" > "$tmp/d1.out" 2> "$tmp/d1.err" &
  spid=$!
  for _ in $(seq 200); do [ -s "$tmp/d1.out" ] && break; sleep 0.02; done
  sleep "0.$((RANDOM % 5))"; stop
  code=0; wait "$spid" || code=$?
  start
  "$nd" scan -j 4 --only near_duplicate --format jsonl --index "${u}down$r" "$tmp/mismatch.jsonl" > "$tmp/d2.out" 2> "$tmp/d2.err" || true
  both=$(python3 -c '
import json, sys
def adm(p):
    return {r["id"] for r in map(json.loads, open(p)) if not any(f["kind"] == "near_duplicate" for f in r["findings"])}
a, b = adm(sys.argv[1]), adm(sys.argv[2])
print(len(a), len(b), len(a & b))' "$tmp/d1.out" "$tmp/d2.out")
  read -r a b twice <<< "$both"
  [ "$code" = 2 ] && [ "$twice" = 0 ] && [ $((a + b)) = "$want" ] && ok=$((ok + 1))
  kept=$(grep -o '[0-9]* decisions were in flight' "$tmp/d1.err" | grep -o '^[0-9]*' || echo 0)
  echo "  left down: exit $code, $(wc -l < "$tmp/d1.out") articles written before failing ($a admitted, $kept in flight kept in the journal), rerun admits $b, $twice admitted twice"
done
echo "Redis killed and left down (--index-retry 3s): exit 2 with the decided articles written, rerun after restart completes, each story admitted once across the two runs: $ok of ${RESTARTS:-5}"
