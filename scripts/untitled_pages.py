#!/usr/bin/env python3
"""Run score_pages.py on a copy of the pages whose records carry no
headline (an empty title), as crawls that keep none give them. A tool
beside the tests: the pages are in ../shared/eval/pages, not in this
repo.

    python3 scripts/untitled_pages.py ../shared/eval/pages -- newsdedup clean

It copies PAGES to a temporary folder with every record's title emptied
(the human main text and the line labels are left as they are), and
prints what score_pages.py prints there.
"""
import glob, gzip, json, os, shutil, subprocess, sys, tempfile

if len(sys.argv) < 4 or sys.argv[2] != "--":
    sys.exit(__doc__)
pages, cmd = os.path.abspath(sys.argv[1]), sys.argv[3:]
with tempfile.TemporaryDirectory() as tmp:
    shutil.copy(os.path.join(pages, "..", "score_pages.py"), tmp)
    for path in glob.glob(os.path.join(pages, "**", "*"), recursive=True):
        rel = os.path.relpath(path, pages)
        out = os.path.join(tmp, "pages", rel)
        if os.path.isdir(path):
            os.makedirs(out, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        name = os.path.basename(path)
        if not name.endswith(".jsonl.gz") or name == "gold.jsonl.gz" or name.endswith(".lines.jsonl.gz"):
            shutil.copy(path, out)
            continue
        with gzip.open(path, "rt", encoding="utf-8") as f, gzip.open(out, "wt", encoding="utf-8") as g:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    if "title" in r:
                        r["title"] = ""
                    g.write(json.dumps(r) + "\n")
    sys.exit(subprocess.run([sys.executable, os.path.join(tmp, "score_pages.py"), os.path.join(tmp, "pages"), "--"] + cmd).returncode)
