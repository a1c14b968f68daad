"""The phrases a pass found (``PhrasePass``), chosen from its counts, and the versioned text file
that keeps them for ``apply`` on new text.

File format (UTF-8, written atomically), one section per pass, applied in order::

    # w2v-phrases 1
    # pass=1 scoring=word2phrase threshold=200.0 min_count=5 total_words=1500115 connectors=none
    #   phrases=2 (one line)
    new<TAB>york<TAB>461.03<TAB>421
    los<TAB>angeles<TAB>3036.8<TAB>70

A row is the two parts (so "new_york" + "city" and "new" + "york_city" stay apart), the score
(``repr`` of the float64, so a reload is exact) and the bigram's count; with connector words
(``connectors=english``), a fifth column holds the connectors between the parts (``of`` in
bank_of_america, ``of_the``; empty for none).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from w2v.errors import CorpusError
from w2v.text.connected import SETS, unpack
from w2v.text.phrase_count import Counts
from w2v.text.phrase_score import SCORERS
from w2v.util.atomic import atomic_write

FORMAT, VERSION = "w2v-phrases", 1
_HEADER_KEYS = ("pass", "scoring", "threshold", "min_count", "total_words", "connectors",
                "phrases")


@dataclass
class PhrasePass:
    """The bigrams one pass joins: ``left[i]`` + ``right[i]``, by descending score."""

    scoring: str
    threshold: float
    min_count: int
    total_words: int
    left: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)
    score: np.ndarray = field(default_factory=lambda: np.zeros(0))
    count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    joined: int = 0  # pairs joined when the pass was applied to the text it was learned on
    connectors: str = "none"  # or a name of connected.SETS
    between: list[str] = field(default_factory=list)  # with connectors: "of", "of_the", ""

    def __len__(self) -> int:
        return len(self.left)

    def tokens(self) -> dict[str, float]:
        """{"new_york": score}: the phrases as they appear in the output."""
        between = self.between or [""] * len(self)
        return {"_".join(filter(None, (a, m, b))): s for a, m, b, s in
                zip(self.left, between, self.right, self.score.tolist())}


def select(counts: Counts, scoring: str, threshold: float, min_count: int) -> PhrasePass:
    """The pairs of ``counts`` that score above ``threshold``."""
    c_a, c_b = counts.word_counts[counts.left], counts.word_counts[counts.right]
    score = SCORERS[scoring](counts.pair_counts, c_a, c_b, counts.total, min_count)
    kept = np.flatnonzero(score > threshold)
    kept = kept[np.lexsort((counts.right[kept], counts.left[kept], -score[kept]))]
    words = counts.words
    p = PhrasePass(scoring, float(threshold), min_count, counts.total,
                   [words[i] for i in counts.left[kept].tolist()],
                   [words[i] for i in counts.right[kept].tolist()],
                   score[kept], counts.pair_counts[kept])
    if counts.runs is not None:
        p.connectors = next(k for k, v in SETS.items() if v == counts.connectors)
        p.between = ["_".join(unpack(r, counts.connectors)) for r in counts.runs[kept].tolist()]
    return p


def save(passes: list[PhrasePass], path: str | os.PathLike) -> None:
    with atomic_write(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# {FORMAT} {VERSION}\n")
        for k, p in enumerate(passes, start=1):
            f.write(f"# pass={k} scoring={p.scoring} threshold={p.threshold!r} "
                    f"min_count={p.min_count} total_words={p.total_words} "
                    f"connectors={p.connectors} phrases={len(p)}\n")
            between = [f"\t{m}" for m in p.between] if p.between else [""] * len(p)
            f.writelines(f"{a}\t{b}\t{s!r}\t{c}{m}\n" for a, b, s, c, m in
                         zip(p.left, p.right, p.score.tolist(), p.count.tolist(), between))


def _header(line: str, where: str) -> dict[str, str]:
    items = dict(kv.split("=", 1) for kv in line[1:].split() if "=" in kv)
    if (tuple(items) != _HEADER_KEYS or items["scoring"] not in SCORERS
            or items["connectors"] not in ("none", *SETS)):
        raise CorpusError(f"{where}: expected a pass header such as "
                          "'# pass=1 scoring=word2phrase threshold=100 ...'")
    return items


def _finish(p: PhrasePass, score: list, count: list) -> None:
    p.score, p.count = np.array(score, np.float64), np.array(count, np.int64)


def load(path: str | os.PathLike) -> list[PhrasePass]:
    """The passes of a phrases file; a CorpusError that says what is wrong otherwise."""
    path, lineno = Path(path), 1
    try:
        with open(path, encoding="utf-8") as f:
            if f.readline().split() != ["#", FORMAT, str(VERSION)]:
                raise CorpusError(f"{path} is not a w2v phrases file (version {VERSION})")
            passes: list[PhrasePass] = []
            score: list[float] = []
            count: list[int] = []
            for lineno, line in enumerate(f, start=2):
                if line.startswith("#"):
                    if passes:
                        _finish(passes[-1], score, count)
                    h, score, count = _header(line, f"{path}:{lineno}"), [], []
                    passes.append(PhrasePass(h["scoring"], float(h["threshold"]),
                                             int(h["min_count"]), int(h["total_words"]),
                                             connectors=h["connectors"]))
                    continue
                a, b, s, c, *m = line.rstrip("\n").split("\t")
                if not passes or not a or not b:
                    raise ValueError("expected 'left<TAB>right<TAB>score<TAB>count'")
                if len(m) != (passes[-1].connectors != "none"):
                    raise ValueError("a fifth column, the connectors, goes with connectors")
                passes[-1].between.extend(m)
                passes[-1].left.append(a)
                passes[-1].right.append(b)
                score.append(float(s))
                count.append(int(c))
    except FileNotFoundError:
        raise CorpusError(f"phrases file {path} does not exist") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise CorpusError(f"{path}:{lineno} is malformed ({e})") from None
    if not passes:
        raise CorpusError(f"{path} holds no pass of phrases")
    _finish(passes[-1], score, count)
    return passes
