#!/usr/bin/env python3
"""Score off_topic on bodies that are mostly another story, as in the seed
article (a Libya headline over mostly Syria paragraphs).

Built from the untouched ("control") bodies of the dev splice set: each
host keeps its headline and 2 of its paragraphs, placed among 5 to 8
paragraphs of another control body (the donor), which are the truth. A
tool beside the tests: the sets are not in this repo.

    python3 scripts/majority_eval.py ../shared/eval BIN [--with-donors]

prints the precision and recall of off_topic on the built articles, the
share of articles with every paragraph right (exact) and the share with
any paragraph flagged. Only some pairs are about two countries, which the
test for such bodies needs (see dedup/offtopic.go); the others rest on
the single-article test. With --with-donors the donors' own articles
(their whole bodies, under their headlines) are in the same scan, as in a
crawl that holds the story the paragraphs came from; only the built
articles are scored, and a donor's own paragraphs flagged are counted
apart (donor_flagged: the share of donors with any off_topic finding).
"""
import gzip, json, random, re, subprocess, sys

args = [a for a in sys.argv[1:] if a != "--with-donors"]
with_donors = "--with-donors" in sys.argv[1:]
if len(args) != 2:
    sys.exit("usage: majority_eval.py EVAL_DIR BIN [--with-donors]")
eval_dir, binary = args
truth = {}
for line in open(f"{eval_dir}/splice.truth.jsonl"):
    t = json.loads(line)
    truth[t["id"]] = t
docs = []
with gzip.open(f"{eval_dir}/splice.jsonl.gz", "rt") as f:
    for line in f:
        d = json.loads(line)
        if truth[d["id"]]["mode"] != "control":
            continue
        paras = [p for p in d["text"].split("\n") if p.strip()]
        if len(paras) >= 4:
            docs.append((d["id"], d["title"], paras))

rng = random.Random(1)
built, gold, donors = [], {}, {}
for k, (hid, title, hp) in enumerate(docs):
    donor = docs[(k + 1 + rng.randrange(len(docs) - 1)) % len(docs)]
    if donor[0] == hid:
        continue
    host = hp[:2]
    foreign = donor[2][: rng.randint(5, 8)]
    if len(foreign) < 5:
        continue
    slots = sorted(rng.sample(range(len(foreign) + 1), 2))
    body, fidx = [], []
    for pos in range(len(foreign) + 1):
        for s in slots:
            if s == pos:
                body.append(host[slots.index(s)])
        if pos < len(foreign):
            fidx.append(len(body))
            body.append(foreign[pos])
    did = f"maj{k}"
    built.append({"id": did, "title": title, "text": "\n\n".join(body)})
    gold[did] = (set(fidx), len(body))
    donors[donor[0]] = {"id": donor[0], "title": donor[1], "text": "\n\n".join(donor[2])}

scanned = built + (list(donors.values()) if with_donors else [])
inp = "\n".join(json.dumps(b) for b in scanned) + "\n"
out = subprocess.run([binary, "scan", "--format", "jsonl", "-"], input=inp,
                     capture_output=True, text=True).stdout
pred = {}
for line in out.splitlines():
    r = json.loads(line)
    pred[r["id"]] = {f["paragraph"] for f in r["findings"] if f["kind"] == "off_topic"}

tp = fp = fn = exact = 0
for did, (g, n) in gold.items():
    p = pred.get(did, set())
    tp += len(p & g)
    fp += len(p - g)
    fn += len(g - p)
    exact += p == g
prec = tp / (tp + fp) if tp + fp else 0.0
rec = tp / (tp + fn) if tp + fn else 0.0
extra = ""
if with_donors:
    extra = f" donors={len(donors)} donor_flagged={sum(1 for d in donors if pred.get(d)) / len(donors):.4f}"
print(f"majority{' with-donors' if with_donors else ''} articles={len(gold)} off_topic precision={prec:.4f} recall={rec:.4f} "
      f"exact={exact / len(gold):.4f} flagged_any={sum(1 for d in gold if pred.get(d)) / len(gold):.4f}{extra}")
