#!/usr/bin/env python3
"""One subword training run of a peer tool, in its own process: scripts/subword_bench.py times
this process (wall, user+sys CPU and peak RSS through ``os.wait4``).

    python scripts/subword_jobs.py fasttext|gensim CORPUS OUT --arch sg --epochs 5 --lr 0.025 \\
        [--queries WORDS.txt]

Settings are those of issue 22's targets, the same for every tool (docs/benchmarks.md,
"Subwords (issue 22)", has the mapping): dim 100, window 5, K = 5 negatives drawn from
count^0.5 (fastText's fixed choice), sample 1e-3, min count 5, minn 3, maxn 6, 2,000,000
buckets, word n-grams 1, 2 threads. Written into OUT:

- ``vectors.bin``: every vocabulary word's vector with its bag of n-grams folded in (fastText's
  ``get_word_vector``, gensim's ``wv.vectors``), word2vec's binary format;
- ``queries.vec`` (with ``--queries``): a vector for each listed word that the tool can build,
  in the vocabulary or not (unknown words from their n-grams, as each tool does it), text
  format; words the tool has no vector for are left out;
- ``result.json``: ``train_seconds`` and ``train_cpu`` (wall and process CPU time of the
  tool's training call), ``vocab_seconds`` (gensim's separate vocabulary pass; fastText counts
  inside its training call).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-3, min_count=5, minn=3, maxn=6,
                buckets=2_000_000, threads=2,
                ns_exponent=0.5)  # fastText draws negatives from count^0.5 and has no option


def write_bin(path: Path, words, matrix) -> None:
    """word2vec's binary format: a header line, then 'word ' and dim little-endian floats."""
    matrix = np.asarray(matrix, dtype="<f4")
    with open(path, "wb") as f:
        f.write(f"{len(words)} {matrix.shape[1]}\n".encode())
        for word, row in zip(words, matrix):
            f.write(word.encode() + b" " + row.tobytes() + b"\n")


def write_queries(path: Path, vectors: dict) -> None:
    """The query vectors in word2vec's text format (each tool's own OOV answer)."""
    dim = len(next(iter(vectors.values()))) if vectors else 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{len(vectors)} {dim}\n")
        for word, vec in vectors.items():
            f.write(word + " " + " ".join(f"{x:.6g}" for x in vec) + "\n")


def train_fasttext(args, s):
    import fasttext

    t0, c0 = time.perf_counter(), time.process_time()
    model = fasttext.train_unsupervised(
        str(args.corpus), model="skipgram" if args.arch == "sg" else "cbow", lr=args.lr,
        dim=s["dim"], ws=s["window"], epoch=args.epochs, minCount=s["min_count"],
        minn=s["minn"], maxn=s["maxn"], neg=s["negative"], wordNgrams=1, loss="ns",
        bucket=s["buckets"], thread=s["threads"], t=s["sample"], lrUpdateRate=100, verbose=2)
    train, cpu = time.perf_counter() - t0, time.process_time() - c0
    words = model.get_words()
    write_bin(args.out / "vectors.bin", words, np.stack([model.get_word_vector(w)
                                                          for w in words]))

    def query(word):  # fastText returns zeros for a word with no n-gram in its buckets
        vec = model.get_word_vector(word)
        return vec if np.any(vec) else None
    return {"train_seconds": train, "vocab_seconds": 0.0, "train_cpu": cpu}, query


def train_gensim(args, s):
    from gensim.models import FastText

    t0 = time.perf_counter()
    model = FastText(
        sg=int(args.arch == "sg"), hs=0, negative=s["negative"], cbow_mean=1,
        vector_size=s["dim"], window=s["window"], sample=s["sample"], min_count=s["min_count"],
        min_n=s["minn"], max_n=s["maxn"], bucket=s["buckets"], word_ngrams=1,
        workers=s["threads"], epochs=args.epochs, alpha=args.lr, min_alpha=0.0001, seed=1,
        ns_exponent=s["ns_exponent"])
    model.build_vocab(corpus_file=str(args.corpus))
    t1, c1 = time.perf_counter(), time.process_time()
    model.train(corpus_file=str(args.corpus), total_examples=model.corpus_count,
                total_words=model.corpus_total_words, epochs=args.epochs)
    t2, c2 = time.perf_counter(), time.process_time()
    model.wv.save_word2vec_format(str(args.out / "vectors.bin"), binary=True)

    def query(word):  # gensim raises KeyError when a word has no n-gram (it never does here)
        try:
            return model.wv[word]
        except KeyError:
            return None
    return {"train_seconds": t2 - t1, "vocab_seconds": t1 - t0, "train_cpu": c2 - c1}, query


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tool", choices=["fasttext", "gensim"])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--arch", choices=["sg", "cbow"], required=True)
    ap.add_argument("--epochs", type=int, required=True)
    ap.add_argument("--lr", type=float, required=True)
    ap.add_argument("--queries", type=Path, help="words (one a line) to write vectors for")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    train = train_fasttext if args.tool == "fasttext" else train_gensim
    result, query = train(args, SETTINGS)
    if args.queries:
        words = [w for w in args.queries.read_text(encoding="utf-8").split("\n") if w]
        vectors = {w: v for w in words if (v := query(w)) is not None}
        write_queries(args.out / "queries.vec", vectors)
    (args.out / "result.json").write_text(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
