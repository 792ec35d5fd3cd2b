#!/usr/bin/env python3
"""Write the bodies of all the dev sets, each once, as JSONL: a corpus
where every body is new (nothing is memoised).

    python3 scripts/distinct_bodies.py ../shared/eval OUT.jsonl
"""
import gzip, json, sys

src, dst = sys.argv[1], sys.argv[2]
seen = set()
with open(dst, "w") as out:
    for task in ["mismatch", "splice", "headline", "residue", "neardup"]:
        with gzip.open(f"{src}/{task}.jsonl.gz", "rt") as f:
            for line in f:
                d = json.loads(line)
                if d["text"] in seen:
                    continue
                seen.add(d["text"])
                out.write(json.dumps({"id": task + d["id"], "title": d["title"], "text": d["text"]}) + "\n")
print(f"{len(seen)} distinct bodies", file=sys.stderr)
