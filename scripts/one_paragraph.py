#!/usr/bin/env python3
"""How much article text `newsdedup clean` cuts when an extractor emits
each article as one paragraph.

A tool beside the tests: the pages are in ../shared/eval/pages, not in
this repo. For each extractor's output of the L3S pages it joins the
lines of every page into one paragraph (as Readability's textContent or
a page's text without its block breaks comes), runs `BIN clean` over
them and prints the mean drop in word 4-gram recall against the human
main text, scored as score_pages.py scores it (its own shingles and
prf), with the three pages that lose the most.

    python3 scripts/one_paragraph.py ../shared/eval/pages BIN
"""
import json, os, sys, tempfile, types

import cleanreport

if len(sys.argv) != 3:
    sys.exit(__doc__)
pages, binary = sys.argv[1], sys.argv[2]

src = open(os.path.join(pages, "..", "score_pages.py"), encoding="utf-8").read()
sp = types.ModuleType("score_pages")
exec(src.replace("\nmain()", "\n"), sp.__dict__)  # its shingles, prf and rows, not its main

l3s = os.path.join(pages, "l3s")
gold = {g["id"]: sp.shingles(g["main_text"]) for g in sp.rows(f"{l3s}/gold.jsonl.gz")}
extractors = sorted(f[: -len(".jsonl.gz")] for f in os.listdir(l3s)
                    if f.endswith(".jsonl.gz") and "." not in f[: -len(".jsonl.gz")] and f != "gold.jsonl.gz")
with tempfile.TemporaryDirectory() as tmp:
    for ex in extractors:
        rows = [r for r in sp.rows(f"{l3s}/{ex}.jsonl.gz") if r["id"] in gold]
        path = os.path.join(tmp, f"{ex}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                one = dict(r, text=" ".join(l.strip() for l in r["text"].split("\n") if l.strip()))
                f.write(json.dumps(one, ensure_ascii=False) + "\n")
        after, _ = cleanreport.clean(binary, path, "one_paragraph.py")
        drops = []
        for r in rows:
            one = " ".join(l.strip() for l in r["text"].split("\n") if l.strip())
            before = sp.prf(sp.shingles(one), gold[r["id"]])[1]
            drops.append((before - sp.prf(sp.shingles(after[r["id"]]), gold[r["id"]])[1], r["id"][:12]))
        drops.sort(reverse=True)
        worst = ", ".join(f"{k} {d:.2f}" for d, k in drops[:3] if d > 0)
        print(f"{ex:12s} one paragraph: recall drop {sum(d for d, _ in drops) / len(drops):.4f}" + (f" (worst: {worst})" if worst else ""))
