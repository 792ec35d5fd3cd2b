#!/usr/bin/env python3
"""Scores `newsdedup clean` on the residue dev set.

usage: evalclean.py INPUT.jsonl CLEANED.jsonl REPORT.jsonl TRUTH.jsonl

Checks that every paragraph missing from the cleaned output is listed in
the report (and nothing else), then: precision = share of removed
paragraphs labelled residue or ambiguous; recall = share of residue
paragraphs removed.
"""
import json, sys

def paras(rec):
    body = rec["text"]
    if isinstance(body, list):
        body = "\n".join(body)
    out = []
    for ln in body.split("\n"):
        for piece in ln.split("\r"):
            if piece.strip():
                out.append(piece.strip())
    return out

inp, cleaned, report, truth = sys.argv[1:5]
orig = [json.loads(l) for l in open(inp) if l.strip()]
outs = {json.loads(l)["id"]: json.loads(l) for l in open(cleaned) if l.strip()}
rep = {}
for l in open(report):
    r = json.loads(l)
    if r["kind"] == "dropped_article":
        rep.setdefault(r["id"], {})["dropped"] = True
        continue
    rep.setdefault(r["id"], {})[r["paragraph"]] = r
tr = {}
for l in open(truth):
    t = json.loads(l)
    tr[t["id"]] = t

removed_total = ok_removed = residue_total = residue_removed = 0
unlisted = extra = 0
for rec in orig:
    i = rec["id"]
    before = paras(rec)
    if i not in outs:
        assert rep.get(i, {}).get("dropped"), f"{i} missing from output and not reported dropped"
        continue
    after = paras(outs[i])
    # removed = the paragraphs of before not kept, matched in order
    listed = {k for k in rep.get(i, {}) if k != "dropped"}
    kept = [p for k, p in enumerate(before) if k not in listed]
    if kept != after:
        unlisted += 1
        print("MISMATCH", i, file=sys.stderr)
    for k in listed:
        assert rep[i][k]["text"] == before[k], (i, k)
    t = tr.get(i, {"residue": [], "ambiguous": []})
    res, amb = set(t.get("residue", [])), set(t.get("ambiguous", []))
    residue_total += len(res)
    for k in listed:
        removed_total += 1
        if k in res or k in amb:
            ok_removed += 1
        else:
            print("CUT", i, k, repr(before[k][:100]), file=sys.stderr)
        if k in res:
            residue_removed += 1
print(f"docs whose removals are not exactly the report's: {unlisted}")
print(f"removed={removed_total} precision(residue|ambiguous)={ok_removed/max(removed_total,1):.4f} "
      f"recall(residue)={residue_removed}/{residue_total}={residue_removed/max(residue_total,1):.4f}")
