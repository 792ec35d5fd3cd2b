#!/usr/bin/env python3
"""Break down what `newsdedup clean` gets wrong on trafilatura's benchmark
(the whole-page text dumps of ../shared/eval/pages/trafilatura), as
score_pages.py scores it: snippets that must stay and snippets that must
go.

A tool beside the tests: the pages are in ../shared/eval/pages, not in
this repo. It runs `BIN clean --report` over the raw pages and prints

- the must-stay snippets that clean cut, by the family of the removal
  that took them (the finding's kind, and for residue the first words of
  its message; "spans lines" when no single removed line holds the
  snippet);
- the must-go snippets that clean kept, by where they stand on the page:
  before the first must-stay snippet, inside the article (between the
  first and the last), or after it.

With --show FAMILY or --show before|inside|after it lists those snippets,
with the page's id.

    python3 scripts/benchmark_loss.py ../shared/eval/pages BIN [--show WHAT]
"""
import collections, gzip, json, os, re, sys

import cleanreport

args = sys.argv[1:]
show = None
if "--show" in args:
    i = args.index("--show")
    if i + 1 >= len(args):
        sys.exit(__doc__)
    show = args[i + 1]
    del args[i:i + 2]
if len(args) != 2:
    sys.exit(__doc__)
pages, binary = args
d = os.path.join(pages, "trafilatura")
raw_path = os.path.join(d, "raw.jsonl.gz")
ev = json.load(open(os.path.join(d, "evaldata.json"), encoding="utf-8"))
norm = lambda s: re.sub(r"\s+", " ", s).strip()  # as score_pages.py compares

with gzip.open(raw_path, "rt", encoding="utf-8") as f:
    raw = {x["id"]: x.get("text", "") for x in map(json.loads, filter(str.strip, f))}
after, removed = cleanreport.clean(binary, raw_path, "benchmark_loss.py")
after = {k: norm(t) for k, t in after.items()}
family = cleanreport.family

cut, kept = collections.Counter(), collections.Counter()
listed = []
n_with = n_without = 0
for k, item in ev.items():
    res, page = after.get(k, ""), norm(raw.get(k, ""))
    at = [page.find(norm(w)) for w in item["with"] if norm(w) and norm(w) in page]
    lo, hi = (min(at), max(at)) if at else (-1, -1)
    n_with += len(item["with"])
    n_without += len(item["without"])
    for w in item["with"]:
        nw = norm(w)
        if nw in res:
            continue
        fams = [family(x) for x in removed[k] if nw in norm(x["text"])]
        fam = fams[0] if fams else ("not on the page" if nw not in page else "spans lines")
        cut[fam] += 1
        if show == fam:
            listed.append((k, w))
    for w in item["without"]:
        nw = norm(w)
        if nw not in res:
            continue
        p = page.find(nw)
        where = "before" if p < lo else "after" if p > hi else "inside"
        kept[where] += 1
        if show == where:
            listed.append((k, w))

print(f"must stay, cut: {sum(cut.values())} of {n_with}")
for fam, n in cut.most_common():
    print(f"  {n:4d}  {fam}")
print(f"must go, kept: {sum(kept.values())} of {n_without}")
for where in ("before", "inside", "after"):
    print(f"  {kept[where]:4d}  {where} the article")
for k, w in listed:
    print(f"{k}\t{w[:120]!r}")
