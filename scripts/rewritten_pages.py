#!/usr/bin/env python3
"""Run score_pages.py on a copy of the pages rewritten as another tool or
crawl would give them. A tool beside the tests: the pages are in
../shared/eval/pages, not in this repo.

    python3 scripts/rewritten_pages.py ../shared/eval/pages FORM -- newsdedup clean

FORM is one of
  wrap:WIDTH  every paragraph wrapped at WIDTH columns, a blank line
              between paragraphs: a text browser's dump (lynx and w3m
              -dump, links), html2text, fmt;
  escaped     &, ', " written as &amp;, &#39;, &quot;: a scraper that
              kept the page's escapes;
  crlf        every line ended by CR LF: text saved on Windows, or a
              page's own line ends kept;
  nbsp        a no-break space (U+00A0) between digits, before : ; ! ?
              » and | and after « and |: a page's &nbsp; decoded, as
              French typography and menus have them;
  bullets     every line of five words or fewer written as a list item,
              "  * item": html2text's and Markdown's menus and lists;
  headings    every line of ten words or fewer that ends without a
              stop written as a Markdown heading, "### line": a
              page-to-Markdown step that marks each title and label;
  emphasis    every line of six words or fewer set in bold, "**line**":
              html2text's and Markdown's strong text;
  indent      every line indented by four spaces and ended by two: a
              text browser's layout, a Markdown line break;
  untitled    every record's title emptied: a crawl that kept none.

It copies PAGES to a temporary folder with the extractors' records and
trafilatura's benchmark pages rewritten (the human main text, the
benchmark's snippets and the line labels are left as they are) and
prints what score_pages.py prints there. F1 before and after, recall and
the benchmark's figures are comparable with the pages' own; the oracle
and "captured" are not where FORM moves lines (wrap), since the labels
are by line. Escapes add words ("quot", "39") that the human text lacks:
an escaped page's F1 is lower before and after.
"""
import glob, gzip, json, os, re, shutil, subprocess, sys, tempfile, textwrap

if len(sys.argv) < 5 or sys.argv[3] != "--":
    sys.exit(__doc__)
pages, form, cmd = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[4:]

def rewrite(r):
    if form.startswith("wrap:"):
        width, out = int(form[5:]), []
        for line in (r.get("text") or "").split("\n"):
            if line.strip():
                out += textwrap.wrap(line, width) + [""]
        r["text"] = "\n".join(out)
    elif form == "escaped":
        r["text"] = (r.get("text") or "").replace("&", "&amp;").replace("'", "&#39;").replace('"', "&quot;")
    elif form == "crlf":
        r["text"] = (r.get("text") or "").replace("\n", "\r\n")
    elif form == "nbsp":
        r["text"] = re.sub(r"(?<=\d) (?=\d)| (?=[:;!?»|])|(?<=[«|]) ", "\u00a0", r.get("text") or "")
    elif form == "bullets":
        r["text"] = "\n".join("  * " + l.strip() if l.strip() and len(l.split()) <= 5 else l for l in (r.get("text") or "").split("\n"))
    elif form == "headings":
        r["text"] = "\n".join("### " + l.strip() if l.strip() and len(l.split()) <= 10 and l.strip()[-1] not in ".!?:;," else l for l in (r.get("text") or "").split("\n"))
    elif form == "indent":
        r["text"] = "\n".join("    " + l + "  " if l.strip() else l for l in (r.get("text") or "").split("\n"))
    elif form == "emphasis":
        r["text"] = "\n".join("**" + l.strip() + "**" if l.strip() and len(l.split()) <= 6 else l for l in (r.get("text") or "").split("\n"))
    elif form == "untitled":
        if "title" in r:
            r["title"] = ""
    else:
        sys.exit(f"rewritten_pages.py: unknown form {form!r}")
    return r

with tempfile.TemporaryDirectory() as tmp:
    shutil.copy(os.path.join(pages, "..", "score_pages.py"), tmp)
    for path in glob.glob(os.path.join(pages, "**", "*"), recursive=True):
        out = os.path.join(tmp, "pages", os.path.relpath(path, pages))
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
                    g.write(json.dumps(rewrite(json.loads(line))) + "\n")
    sys.exit(subprocess.run([sys.executable, os.path.join(tmp, "score_pages.py"), os.path.join(tmp, "pages"), "--"] + cmd).returncode)
