#!/usr/bin/env python3
"""Break down the article text that `newsdedup clean` cuts from one
extractor's output of the L3S pages, by what removed it.

A tool beside the tests: the pages are in ../shared/eval/pages, not in
this repo. It runs `BIN clean --report` over the extractor's pages and
scores word 4-gram recall against the human main text as score_pages.py
does (its own shingles and prf). Then, for each family of removals (the
finding's kind, and for residue the first words of its message), it puts
that family's removed lines back and scores again: the recall a family
costs is how much the drop shrinks without it. Families counted as label
conflicts (what the gold keeps and clean removes by design: copies of the
headline, paragraphs the page prints twice, copyright lines) are put back
together first, and the others are measured on top of them.

    python3 scripts/recall_loss.py ../shared/eval/pages BIN [EXTRACTOR]

EXTRACTOR defaults to html_text, a full-page text dump.
"""
import collections, os, sys, types

import cleanreport

if len(sys.argv) not in (3, 4):
    sys.exit(__doc__)
pages, binary = sys.argv[1], sys.argv[2]
ex = sys.argv[3] if len(sys.argv) == 4 else "html_text"

src = open(os.path.join(pages, "..", "score_pages.py"), encoding="utf-8").read()
sp = types.ModuleType("score_pages")
exec(src.replace("\nmain()", "\n"), sp.__dict__)  # its shingles, prf and rows, not its main

l3s = os.path.join(pages, "l3s")
gold = {g["id"]: sp.shingles(g["main_text"]) for g in sp.rows(f"{l3s}/gold.jsonl.gz")}
path = f"{l3s}/{ex}.jsonl.gz"
docs = {r["id"]: r["text"] for r in sp.rows(path)}
after, removed = cleanreport.clean(binary, path, "recall_loss.py")
family = cleanreport.family

def conflict(x):
    return x["kind"] in ("repeated_headline", "repeated_paragraph") or x["message"].startswith("copyright")

ids = [k for k in docs if k in gold]

def drop(back):
    """The mean recall drop with the removals that back accepts put back."""
    total = 0.0
    for k in ids:
        before = sp.prf(sp.shingles(docs[k]), gold[k])[1]
        extra = "\n".join(x["text"] for x in removed[k] if back(x))
        total += before - sp.prf(sp.shingles(after[k] + "\n" + extra), gold[k])[1]
    return total / len(ids)

now = drop(lambda x: False)
base = drop(conflict)
print(f"{ex}: {len(ids)} pages, recall drop {now:.4f}; without the label conflicts {base:.4f}")
counts = collections.Counter(family(x) for xs in removed.values() for x in xs if not conflict(x))
rows = []
for fam, n in counts.items():
    rows.append((base - drop(lambda x, fam=fam: conflict(x) or family(x) == fam), fam, n))
rows.sort(reverse=True)
for cost, fam, n in rows[:25]:
    if cost > 0:
        print(f"{cost:.4f}  {n:6d} lines  {fam}")
