#!/usr/bin/env python3
"""Score `newsdedup clean` on the L3S pages rewritten as a text browser
or a plain-text converter prints them: every paragraph wrapped at WIDTH
columns (lynx and w3m -dump, links, html2text, fmt), a blank line
between paragraphs. A tool beside the tests: the pages are in
../shared/eval/pages, not in this repo.

It scores as score_pages.py does (its own shingles and prf, against the
same human main text: wrapping changes no word), per extractor: F1 and
recall before and after clean, and the recall clean cuts, which on the
same pages unwrapped is score_pages.py's figure.

    python3 scripts/wrapped_pages.py ../shared/eval/pages BIN [WIDTH [EXTRACTOR...]]

WIDTH defaults to 72; the extractors to html_text, readability,
trafilatura and justext.
"""
import json, os, subprocess, sys, tempfile, textwrap, types

if len(sys.argv) < 3:
    sys.exit(__doc__)
pages, binary = sys.argv[1], sys.argv[2]
width = int(sys.argv[3]) if len(sys.argv) > 3 else 72
exs = sys.argv[4:] or ["html_text", "readability", "trafilatura", "justext"]

src = open(os.path.join(pages, "..", "score_pages.py"), encoding="utf-8").read()
sp = types.ModuleType("score_pages")
exec(src.replace("\nmain()", "\n"), sp.__dict__)  # its shingles, prf and rows, not its main

gold = {g["id"]: sp.shingles(g["main_text"]) for g in sp.rows(f"{pages}/l3s/gold.jsonl.gz")}

def wrapped(text):
    out = []
    for line in text.split("\n"):
        if line.strip():
            out += textwrap.wrap(line, width) + [""]
    return "\n".join(out)

def mean(v, i):
    return sum(x[i] for x in v) / len(v)

with tempfile.TemporaryDirectory() as tmp:
    for ex in exs:
        rows = sp.rows(f"{pages}/l3s/{ex}.jsonl.gz")
        path = os.path.join(tmp, f"{ex}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(dict(r, text=wrapped(r["text"]))) + "\n")
        r = subprocess.run([binary, "clean", path], capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit(f"wrapped_pages.py: clean failed ({r.returncode}): {r.stderr[-400:]}")
        after = {json.loads(l)["id"]: json.loads(l)["text"] for l in r.stdout.splitlines() if l.strip()}
        b, a = [], []
        for row in rows:
            if row["id"] in gold:
                b.append(sp.prf(sp.shingles(row["text"]), gold[row["id"]]))
                a.append(sp.prf(sp.shingles(after.get(row["id"], "")), gold[row["id"]]))
        print(f"wrapped at {width}: {ex:<12} F1 {mean(b, 2):.4f} -> {mean(a, 2):.4f}  "
              f"R {mean(b, 1):.4f} -> {mean(a, 1):.4f}  recall cut {mean(b, 1) - mean(a, 1):.4f}")
