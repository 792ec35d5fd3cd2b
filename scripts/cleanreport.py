"""What `newsdedup clean --report` does to a file, for the scripts that
break its errors down (recall_loss.py, benchmark_loss.py)."""
import collections, json, os, re, subprocess, sys, tempfile


def clean(binary, path, who):
    """Runs BINARY clean over path and returns the text of each record
    after it (id -> text) and its removals from the report (id -> list of
    report records, each with the paragraph's text). Exits naming who when
    clean fails."""
    with tempfile.TemporaryDirectory() as tmp:
        out_path, rep_path = os.path.join(tmp, "out.jsonl"), os.path.join(tmp, "report.jsonl")
        r = subprocess.run([binary, "clean", "-o", out_path, "--report", rep_path, path], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{who}: clean failed ({r.returncode}): {r.stderr[-400:]}")
        after = {}
        for line in open(out_path, encoding="utf-8"):
            if line.strip():
                x = json.loads(line)
                after[x["id"]] = x.get("text", "")
        removed = collections.defaultdict(list)
        for line in open(rep_path, encoding="utf-8"):
            x = json.loads(line)
            if "text" in x:
                removed[x["id"]].append(x)
    return after, removed


def family(x):
    """The family of a removal: its finding's kind, and for residue the
    first words of its message, counts left out."""
    if x["kind"] != "residue":
        return x["kind"]
    return re.sub(r"\(\d+ ", "(N ", x["message"].split('"')[0]).strip()
