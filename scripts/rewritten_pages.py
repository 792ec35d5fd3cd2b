#!/usr/bin/env python3
"""Score `newsdedup clean` on the L3S pages rewritten as another tool
would print them. A tool beside the tests: the pages are in
../shared/eval/pages, not in this repo.

    python3 scripts/rewritten_pages.py ../shared/eval/pages BIN [FORM [EXTRACTOR...]]

FORM is one of
  wrap:WIDTH  every paragraph wrapped at WIDTH columns, a blank line
              between paragraphs: a text browser's dump (lynx and w3m
              -dump, links), html2text, fmt; the default is wrap:72;
  escaped     &, ', " written as &amp;, &#39;, &quot;: a scraper that
              kept the page's escapes.
The extractors default to html_text, readability, trafilatura and
justext.

It scores as score_pages.py does (its own shingles and prf, against the
same human main text), per extractor: F1 and recall before and after
clean, and the recall clean cuts, which on the pages as they are is
score_pages.py's figure. Wrapping changes no word, so its F1 before is
the pages' own; escapes add words ("quot", "39") that the human text
lacks, so an escaped page's F1 is lower before and after.
"""
import json, os, subprocess, sys, tempfile, textwrap, types

if len(sys.argv) < 3:
    sys.exit(__doc__)
pages, binary = sys.argv[1], sys.argv[2]
form = sys.argv[3] if len(sys.argv) > 3 else "wrap:72"
exs = sys.argv[4:] or ["html_text", "readability", "trafilatura", "justext"]

src = open(os.path.join(pages, "..", "score_pages.py"), encoding="utf-8").read()
sp = types.ModuleType("score_pages")
exec(src.replace("\nmain()", "\n"), sp.__dict__)  # its shingles, prf and rows, not its main

gold = {g["id"]: sp.shingles(g["main_text"]) for g in sp.rows(f"{pages}/l3s/gold.jsonl.gz")}

def rewrite(text):
    if form.startswith("wrap:"):
        width, out = int(form[5:]), []
        for line in text.split("\n"):
            if line.strip():
                out += textwrap.wrap(line, width) + [""]
        return "\n".join(out)
    if form == "escaped":
        return text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&quot;")
    sys.exit(f"rewritten_pages.py: unknown form {form!r}")

def mean(v, i):
    return sum(x[i] for x in v) / len(v)

with tempfile.TemporaryDirectory() as tmp:
    for ex in exs:
        rows = sp.rows(f"{pages}/l3s/{ex}.jsonl.gz")
        path = os.path.join(tmp, f"{ex}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(dict(r, text=rewrite(r["text"]))) + "\n")
        r = subprocess.run([binary, "clean", path], capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit(f"rewritten_pages.py: clean failed ({r.returncode}): {r.stderr[-400:]}")
        after = {json.loads(l)["id"]: json.loads(l)["text"] for l in r.stdout.splitlines() if l.strip()}
        b, a = [], []
        for row in rows:
            if row["id"] in gold:
                b.append(sp.prf(sp.shingles(rewrite(row["text"])), gold[row["id"]]))
                a.append(sp.prf(sp.shingles(after.get(row["id"], "")), gold[row["id"]]))
        print(f"{form}: {ex:<12} F1 {mean(b, 2):.4f} -> {mean(a, 2):.4f}  "
              f"R {mean(b, 1):.4f} -> {mean(a, 1):.4f}  recall cut {mean(b, 1) - mean(a, 1):.4f}")
