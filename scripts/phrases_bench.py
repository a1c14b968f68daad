"""Learn + apply one pass of phrases: w2v against gensim (Phrases + FrozenPhrases) and
word2phrase.c, wall time and peak RSS, tools alternating, median of the rounds.

    python scripts/phrases_bench.py wiki-17m.txt WORD2PHRASE_EXE [--rounds 3] [--work DIR]

The corpus is plain text (decompress it first, so no tool pays for gzip). Every tool reads it,
learns word2phrase-scored bigrams (min_count 5, threshold 100) and writes it joined to a plain
file. gensim gets the same scoring as a custom scorer (its default multiplies by the number of
distinct keys, not tokens) and reads lines with ``str.split``. Peak RSS is the child's
``ru_maxrss``. The machine is shared: the table says what was measured, not what to expect.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GENSIM_PRELUDE = r"""
import sys
from gensim.models.phrases import Phrases

def word2phrase(worda_count, wordb_count, bigram_count, len_vocab, min_count,
                corpus_word_count):
    if min(worda_count, wordb_count, bigram_count) < min_count:
        return float("-inf")
    return (bigram_count - min_count) / worda_count / wordb_count * corpus_word_count

class Lines:  # the corpus's lines split on whitespace, through the given frozen phrasers
    def __init__(self, path, *phrasers):
        self.path, self.phrasers = path, phrasers
    def __iter__(self):
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                s = line.split()
                for p in self.phrasers:
                    s = p[s]
                yield s
"""  # shared with phrases_quality.py

GENSIM = GENSIM_PRELUDE + r"""
corpus, out = sys.argv[1], sys.argv[2]
frozen = Phrases(Lines(corpus), min_count=5, threshold=100, scoring=word2phrase,
                 connector_words=()).freeze()
with open(out, "w", encoding="utf-8") as f:
    for sentence in Lines(corpus, frozen):
        f.write(" ".join(sentence) + "\n")
"""


def commands(corpus: Path, exe: Path, work: Path) -> dict[str, list[str]]:
    return {
        "w2v": [sys.executable, "-m", "w2v", "phrases", str(corpus), "-o",
                str(work / "w2v.txt"), "--force", "-q"],
        "word2phrase.c": [str(exe), "-train", str(corpus), "-output", str(work / "c.txt"),
                          "-threshold", "100", "-min-count", "5", "-debug", "0"],
        "gensim": [sys.executable, "-c", GENSIM, str(corpus), str(work / "gensim.txt")],
    }


def measure(cmd: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds: user + system) of one run of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{cmd[:3]} failed with status {status}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("word2phrase", type=Path, help="a built word2phrase.c executable")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/phrases-bench"))
    ap.add_argument("--tools", default="w2v,word2phrase.c,gensim")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    cmds = commands(args.corpus, args.word2phrase, args.work)
    tools = args.tools.split(",")
    measure(cmds["w2v"])  # numba's cache filled, not timed
    runs: dict[str, list[tuple[float, float, float]]] = {t: [] for t in tools}
    for r in range(args.rounds):
        for tool in tools if r % 2 == 0 else tools[::-1]:  # alternate the order
            runs[tool].append(measure(cmds[tool]))
            wall, rss, cpu = runs[tool][-1]
            print(f"round {r + 1} {tool}: {wall:.1f} s wall, {cpu:.1f} s CPU, {rss:.0f} MB",
                  flush=True)
    w2v = [statistics.median(run[i] for run in runs["w2v"]) for i in (0, 2)]
    print(f"\n| tool | wall s (median of {args.rounds}) | runs | w2v faster (wall) | "
          "CPU s (median) | w2v faster (CPU) | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for tool in tools:
        wall, cpu = (statistics.median(run[i] for run in runs[tool]) for i in (0, 2))
        print(f"| {tool} | {wall:.1f} | {', '.join(f'{run[0]:.1f}' for run in runs[tool])} | "
              f"{wall / w2v[0]:.1f}x | {cpu:.1f} | {cpu / w2v[1]:.1f}x | "
              f"{max(run[1] for run in runs[tool]):.0f} |")
    if "gensim" in tools:  # the same scoring, greedy joins and lines: the same text
        same = filecmp.cmp(args.work / "w2v.txt", args.work / "gensim.txt", shallow=False)
        print(f"\nw2v's output {'is' if same else 'is NOT'} byte for byte gensim's")


if __name__ == "__main__":
    main()
