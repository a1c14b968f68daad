"""Compare ``w2v phrases`` with word2phrase.c token for token, and explain every difference.

    python scripts/phrases_word2phrase.py /tmp/peers/word2vec wiki-1.5m.txt.gz [--work DIR]

Builds word2phrase.c from the word2vec source folder given (outside this repository; its code
is never copied here), runs both tools on the corpus with the same settings (min_count 5; one
pass at threshold 100; two passes at 200 then 100, each tool reading its own first pass) and
compares the outputs line by line, token by token.

word2phrase.c differs from w2v on purpose in three ways, which this script models in Python
(``model``) to count the differences each one causes:

- ``cross``: its counting pass pairs the last word of a line with the first of the next (its
  ``start`` flag is reset before it is tested), though it never joins such a pair;
- ``float32``: it computes the score in float32, w2v in float64;
- ``strings``: it keys unigrams and bigrams by one string (``a_b``), so the token "new_york"
  and the pair "new york" share a count, and so do ("new_york", "city") and ("new",
  "york_city"); it also truncates words to 58 bytes and bigrams to 59.

The model with all three is checked to reproduce word2phrase.c exactly, and with none of them
to reproduce w2v exactly; switching them off one at a time says how many differences each
causes. Exit status 0 when both checks hold.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MIN_COUNT = 5


def build(src: Path, work: Path) -> Path:
    exe = work / "word2phrase"
    subprocess.run(["gcc", str(src / "word2phrase.c"), "-o", str(exe), "-lm", "-pthread", "-O3",
                    "-march=native", "-funroll-loops"], check=True)
    return exe


def run_c(exe: Path, corpus: Path, out: Path, thresholds: list[float]) -> float:
    start, source = time.perf_counter(), corpus
    for k, t in enumerate(thresholds):
        dest = out if k == len(thresholds) - 1 else out.with_suffix(f".pass{k + 1}")
        subprocess.run([str(exe), "-train", str(source), "-output", str(dest), "-threshold",
                        str(t), "-min-count", str(MIN_COUNT), "-debug", "0"], check=True,
                       stdout=subprocess.DEVNULL)
        source = dest
    return time.perf_counter() - start


def run_w2v(corpus: Path, out: Path, passes: int) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "w2v", "phrases", str(corpus), "-o", str(out),
                    "--passes", str(passes), "--min-count", str(MIN_COUNT), "--force", "-q"],
                   check=True, cwd=ROOT)
    return time.perf_counter() - start


def lines_of(path: Path) -> list[list[str]]:
    return [line.split() for line in path.read_text(encoding="utf-8").split("\n")]


def compare(a: list[list[str]], b: list[list[str]]) -> dict:
    """Token counts, tokens of ``a`` not at the same place in ``b``, lines that differ."""
    diff_tokens = diff_lines = 0
    for x, y in zip(a, b):
        if x != y:
            diff_lines += 1
            diff_tokens += len(Counter(x) - Counter(y))
    same_words = all("_".join(x).split("_") == "_".join(y).split("_") for x, y in zip(a, b))
    return {"tokens": sum(map(len, a)), "other_tokens": sum(map(len, b)),
            "differing_tokens": diff_tokens, "differing_lines": diff_lines,
            "same_lines": len(a) == len(b), "same_words": same_words}


def _counts(lines, cross: bool, strings: bool):
    uni, bi, total, prev = Counter(), Counter(), 0, ("" if strings else None)
    for toks in lines:
        for t in toks:
            t = t.encode()[:58].decode(errors="ignore") if strings else t
            uni[t] += 1
            total += 1
            if prev is not None:
                bi[(prev + "_" + t).encode()[:59].decode(errors="ignore") if strings
                   else (prev, t)] += 1
            prev = t
        if not cross:
            prev = None
    if strings:
        uni = uni + bi
        bi = uni
    return uni, bi, total


def model(lines, threshold: float, cross: bool, float32: bool, strings: bool):
    """word2phrase.c's TrainModel over ``lines``, with each of its three differences on/off."""
    uni, bi, total = _counts(lines, cross, strings)
    f = np.float32 if float32 else float
    out, last, pa, ok_prev = [], "\n", 0, False
    for toks in lines:
        row = []
        for t in toks:
            w = t.encode()[:58].decode(errors="ignore") if strings else t
            pb = uni[w] if uni[w] >= MIN_COUNT else 0
            key = (last + "_" + w).encode()[:59].decode(errors="ignore") if strings else (last, w)
            pab = bi[key] if bi[key] >= MIN_COUNT else 0
            score = 0.0
            if ok_prev and pb and pab and pa >= MIN_COUNT:
                score = f(pab - MIN_COUNT) / f(pa) / f(pb) * f(total)
            if row and score > f(threshold):
                row[-1] += "_" + t
                pb = 0  # a joined token starts no pair
            else:
                row.append(t)
            ok_prev, pa, last = uni[w] >= MIN_COUNT, pb, w
        out.append(row)
        last = "\n"
    return out


def explain(corpus_lines, thresholds, c_out, w_out) -> dict:
    """Whether the model reproduces both tools, and the differences each feature causes."""
    def run(**on):
        lines = corpus_lines
        for t in thresholds:
            lines = model(lines, t, **on)
        return lines

    full = run(cross=True, float32=True, strings=True)
    none = run(cross=False, float32=False, strings=False)
    result = {"model_equals_word2phrase.c": full == c_out, "model_equals_w2v": none == w_out}
    for feature in ("cross", "float32", "strings"):
        on = {"cross": True, "float32": True, "strings": True, feature: False}
        result[f"tokens changed by {feature}"] = compare(full, run(**on))["differing_tokens"]
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, help="word2vec's source folder (word2phrase.c)")
    ap.add_argument("corpus", type=Path, help="the corpus (.gz or plain text)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/phrases-word2phrase"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    exe = build(args.source, args.work)
    corpus = args.work / "corpus.txt"
    with (gzip.open if args.corpus.suffix == ".gz" else open)(args.corpus, "rb") as f, \
            open(corpus, "wb") as g:
        shutil.copyfileobj(f, g)
    corpus_lines, ok = lines_of(corpus), True
    for passes in (1, 2):
        thresholds = [100.0 * (passes - k) for k in range(passes)]
        c_time = run_c(exe, corpus, args.work / f"c-{passes}.txt", thresholds)
        w_time = run_w2v(corpus, args.work / f"w2v-{passes}.txt", passes)
        c_out, w_out = lines_of(args.work / f"c-{passes}.txt"), lines_of(
            args.work / f"w2v-{passes}.txt")
        print(f"passes={passes} thresholds={thresholds} word2phrase.c {c_time:.1f}s "
              f"w2v {w_time:.1f}s")
        print("  compare:", compare(c_out, w_out))
        why = explain(corpus_lines, thresholds, c_out, w_out)
        print("  explain:", why)
        ok &= why["model_equals_word2phrase.c"] and why["model_equals_w2v"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
