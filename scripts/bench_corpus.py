#!/usr/bin/env python3
"""Build the corpora that speed and memory are measured on, seeded, from
the FNC-1 competition-test bodies of ../shared/eval (the 471 distinct
bodies of the mismatch set: the development half).

    python3 scripts/bench_corpus.py EVAL distinct N OUT.jsonl [--edit 0.02]
        every body N times, each copy with a share of its words (2%)
        replaced by other words of the corpus: every article is new text
        (N = 10: 4,710 articles, 11 MB; N = 40: 18,840, 45 MB).
    python3 scripts/bench_corpus.py EVAL long OUT.jsonl [--paras 46000]
        one article of 46,000 paragraphs (about 10 MB): the paragraphs of
        every body in turn, words shuffled within each paragraph after the
        first round so that none repeats.
    python3 scripts/bench_corpus.py EVAL one-story N OUT.jsonl
        one story (a body of median length) in N copies, each with 2% of
        its words replaced: thousands of near-duplicates of one another.
    python3 scripts/bench_corpus.py EVAL many-stories N OUT.jsonl
        N different stories of that story's size and shape: bodies in
        turn, words shuffled per copy, cut or cycled to the same
        paragraph lengths.

Ids are "d<body>~<copy>"; the headline is one that the mismatch set pairs
with the body and calls related, else its first.
"""
import argparse, gzip, json, random, re, statistics

WORD = re.compile(r"\S+")


def bodies(src):
    """The distinct bodies of the mismatch set, in order of first
    appearance, each with a related headline."""
    truth = {}
    with open(f"{src}/mismatch.truth.jsonl") as f:
        for line in f:
            d = json.loads(line)
            truth[d["id"]] = d.get("unrelated", False)
    out, index = [], {}
    with gzip.open(f"{src}/mismatch.jsonl.gz", "rt") as f:
        for line in f:
            d = json.loads(line)
            i = index.get(d["text"])
            if i is None:
                index[d["text"]] = len(out)
                out.append([d["title"], d["text"], truth.get(d["id"], True)])
            elif out[i][2] and not truth.get(d["id"], True):
                out[i][0], out[i][2] = d["title"], False
    return [(t, x) for t, x, _ in out]


def edit(text, share, vocab, rng):
    """Replace share of the words of text with words of vocab, keeping
    the line structure."""
    lines = text.split("\n")
    spots = [(i, m.start(), m.end()) for i, l in enumerate(lines) for m in WORD.finditer(l)]
    k = max(1, round(share * len(spots))) if spots else 0
    chosen = sorted(rng.sample(spots, k), key=lambda s: (s[0], -s[1]))
    for i, a, b in chosen:  # right to left within a line
        lines[i] = lines[i][:a] + rng.choice(vocab) + lines[i][b:]
    return "\n".join(lines)


def shuffle_words(para, rng):
    w = para.split()
    rng.shuffle(w)
    return " ".join(w)


def write(path, docs):
    with open(path, "w") as out:
        for i, t, x in docs:
            out.write(json.dumps({"id": i, "title": t, "text": x}) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval")
    ap.add_argument("mode", choices=["distinct", "long", "one-story", "many-stories"])
    ap.add_argument("rest", nargs="+", help="N OUT, or OUT for long")
    ap.add_argument("--edit", type=float, default=0.02)
    ap.add_argument("--paras", type=int, default=46000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    bs = bodies(a.eval)
    vocab = sorted({w for _, x in bs for w in x.split()})
    if a.mode == "long":
        (out,) = a.rest
        paras, rnd = [], 0
        while len(paras) < a.paras:
            for _, x in bs:
                for p in x.split("\n"):
                    if p.strip():
                        paras.append(p if rnd == 0 else shuffle_words(p, rng))
            rnd += 1
        write(out, [("long", bs[0][0], "\n\n".join(paras[: a.paras]))])
        return
    n, out = int(a.rest[0]), a.rest[1]
    if a.mode == "distinct":
        write(out, ((f"d{b}~{c}", t, edit(x, a.edit, vocab, rng)) for c in range(n) for b, (t, x) in enumerate(bs)))
        return
    # The story of median length, and its shape: words per paragraph.
    order = sorted(range(len(bs)), key=lambda b: len(bs[b][1]))
    title, story = bs[order[len(order) // 2]]
    shape = [len(p.split()) for p in story.split("\n") if p.strip()]
    if a.mode == "one-story":
        write(out, ((f"s~{c}", title, edit(story, a.edit, vocab, rng)) for c in range(n)))
        return
    docs = []
    for c in range(n):
        t, x = bs[c % len(bs)]
        words = x.split()
        rng.shuffle(words)
        while len(words) < sum(shape):
            words += words
        paras, k = [], 0
        for m in shape:
            paras.append(" ".join(words[k : k + m]))
            k += m
        docs.append((f"m{c % len(bs)}~{c}", t, "\n\n".join(paras)))
    write(out, docs)


if __name__ == "__main__":
    main()
