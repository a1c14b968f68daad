#!/usr/bin/env python3
"""Quality of subword vectors, scored by one code for every tool (issue 22's quality table).

Each tool leaves, in its folder ``<tool>-<arch>``, ``vectors.bin`` (its vocabulary's vectors,
n-grams folded in) and ``queries.vec`` (its own vectors for the word-pair sets' words, unknown
words built from their n-grams by the tool itself). Scored here, the same way for all:

- analogy and WS353 over the pairs with both words in the vocabulary: ``w2v evaluate`` of
  this checkout on ``vectors.bin`` (restrict_vocab 30,000, case-insensitive);
- WS353 and Stanford Rare Words (RW) with unknown words through their n-grams: Spearman over
  every pair both of whose words have a query vector (all of them, unless a word has no
  n-gram at all), and how many pairs that is.

    python scripts/subword_quality.py w2v-queries RUN WORDS.txt OUT.vec   # w2v's API, child
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def read_pairs(path: Path) -> list[tuple[str, str, float]]:
    """Word pairs with a score: WS353's tsv (``#`` comments), Stanford's rw.txt (word, word,
    mean score, then each rater's) or a csv copy of it (``index,word1,word2,similarity``)."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if "," in line:
            a, b, score = line.split(",")[-3:]
        else:
            a, b, score = line.split()[:3]
        try:
            pairs.append((a.strip(), b.strip(), float(score)))
        except ValueError:  # a csv header
            continue
    return pairs


def query_words(data: Path, rw: Path | None) -> list[str]:
    """Every word of WS353 (and RW): the words each tool writes a query vector for."""
    words = set()
    for path in filter(None, [data / "eval" / "wordsim353.tsv", rw]):
        for a, b, _ in read_pairs(path):
            words.update((a, b))
    return sorted(words)


def read_vec(path: Path) -> dict[str, np.ndarray]:
    """word2vec's text format (subword_jobs.write_queries) as {word: vector}."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {p[0]: np.array(p[1:], dtype=np.float32) for p in (x.split(" ") for x in lines)}


def pair_score(pairs, vectors: dict) -> tuple[float, int]:
    """Spearman rho between the human scores and the cosines, over the pairs both of whose
    words have a vector; and how many pairs that is."""
    from scipy.stats import spearmanr

    human, model = [], []
    for a, b, score in pairs:
        if a in vectors and b in vectors:
            u, v = vectors[a], vectors[b]
            norm = float(np.linalg.norm(u) * np.linalg.norm(v))
            human.append(score)
            model.append(float(u @ v) / norm if norm else 0.0)
    return float(spearmanr(human, model)[0]), len(human)


def w2v_evaluate(vectors: Path, data: Path) -> dict:
    """Analogy accuracy and in-vocabulary WS353 of a word2vec file by ``w2v evaluate`` of this
    checkout (restrict_vocab 30,000, case-insensitive), the same scorer for every tool."""
    ws353 = data / "eval" / "wordsim353.tsv"
    cmd = [sys.executable, "-m", "w2v", "evaluate", "--vectors", str(vectors), "--analogies",
           str(data / "eval" / "questions-words.txt"), "--similarity", str(ws353), "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=HERE.parent,
                          env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    out = json.loads(done.stdout)
    total, sim = out["analogies"]["total"], out["similarity"][str(ws353)]
    return {"analogy": total["accuracy"], "analogy_seen": total["seen"],
            "ws353": sim["spearman"], "ws353_invocab": sim["pairs"]}


def quality_row(folder: Path, data: Path, rw: Path | None) -> dict:
    row = w2v_evaluate(folder / "vectors.bin", data)
    queries = read_vec(folder / "queries.vec")
    for name, path in (("ws353", data / "eval" / "wordsim353.tsv"), ("rw", rw)):
        if path is None:
            continue
        pairs = read_pairs(path)
        row[f"{name}_ngram"], row[f"{name}_ngram_pairs"] = pair_score(pairs, queries)
        row[f"{name}_pairs"] = len(pairs)
    return row


def quality_table(keep: Path, data: Path, rw: Path | None) -> None:
    """The quality table of every ``<tool>-<arch>`` folder under ``keep``, as markdown."""
    print("| arch | tool | analogy (seen) | WS353 rho, in-vocabulary pairs | WS353 rho, unknown "
          "words by n-grams (pairs) | RW rho, unknown words by n-grams (pairs) |")
    print("|---|---|---|---|---|---|")
    for arch in ("sg", "cbow"):
        for tool in ("w2v", "fasttext", "gensim"):
            folder = keep / f"{tool}-{arch}"
            if not (folder / "queries.vec").is_file():
                continue
            q = quality_row(folder, data, rw)
            rw_cell = (f"{q['rw_ngram']:.3f} ({q['rw_ngram_pairs']}/{q['rw_pairs']})"
                       if rw else "")
            print(f"| {arch} | {tool} | {100 * q['analogy']:.1f}% ({q['analogy_seen']}) | "
                  f"{q['ws353']:.3f} ({q['ws353_invocab']}) | {q['ws353_ngram']:.3f} "
                  f"({q['ws353_ngram_pairs']}/{q['ws353_pairs']}) | {rw_cell} |")


def w2v_queries(run: Path, words: Path, out: Path) -> None:
    """Write w2v's vector of every listed word it has one for (n-gram rows for unknown words),
    through w2v's API, in the format of subword_jobs.write_queries."""
    from subword_jobs import write_queries

    import w2v

    vectors = w2v.load(run)
    wanted = [w for w in words.read_text(encoding="utf-8").split("\n") if w]
    write_queries(out, {w: vectors[w] for w in wanted if vectors.has_vector(w)})


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "w2v-queries":
        w2v_queries(*map(Path, sys.argv[2:]))
    else:
        sys.exit(__doc__.splitlines()[-1].strip())
