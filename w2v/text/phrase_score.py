"""How a bigram (a, b) is scored, and which bigrams become phrases: those scoring above the
threshold. ``c`` are counts in one pass over the corpus, ``N`` its number of tokens.

- ``word2phrase`` (Mikolov et al. 2013, "Distributed Representations of Words and Phrases
  and their Compositionality", section 4; word2phrase.c)::

      score = (c(ab) - min_count) / c(a) / c(b) * N

  a phrase needs c(a), c(b) and c(ab) >= min_count; default threshold 100. The discount
  ``min_count`` keeps rare pairs of rare words out. word2phrase.c computes it in float32;
  this is float64, so a score within float32 rounding of the threshold may fall on the other
  side of it.
- ``npmi`` (normalized pointwise mutual information, Bouma 2009; gensim's ``npmi_scorer``)::

      score = ln(p(ab) / (p(a) p(b))) / -ln p(ab),   p(x) = c(x) / N

  in -1..1 (1: a and b occur only together); a phrase needs c(ab) >= min_count; default
  threshold 0.5.

gensim's default scorer is word2phrase's formula with N the number of *distinct* words and
bigrams it holds, not of tokens, so its thresholds do not carry over to this one.

>>> float(word2phrase(np.array([7]), np.array([8]), np.array([10]), 1000, 5)[0])
25.0
>>> round(float(npmi(np.array([5]), np.array([5]), np.array([5]), 100, 5)[0]), 12)
1.0
"""

from __future__ import annotations

import numpy as np

SCORINGS = ("word2phrase", "npmi")
DEFAULT_THRESHOLD = {"word2phrase": 100.0, "npmi": 0.5}


def word2phrase(c_ab, c_a, c_b, total: int, min_count: int) -> np.ndarray:
    """word2phrase.c's score; -inf where a count is below ``min_count``."""
    c_ab, c_a, c_b = (np.asarray(c, np.float64) for c in (c_ab, c_a, c_b))
    ok = (c_ab >= min_count) & (c_a >= min_count) & (c_b >= min_count)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (c_ab - min_count) / c_a / c_b * float(total)
    return np.where(ok, score, -np.inf)


def npmi(c_ab, c_a, c_b, total: int, min_count: int) -> np.ndarray:
    """gensim's ``npmi_scorer``, same operations in the same order; -inf where c(ab) is below
    ``min_count``, or where p(ab) = 1 (the score is 0 / 0)."""
    n = float(total)
    p_a, p_b, p_ab = (np.asarray(c, np.float64) / n for c in (c_a, c_b, c_ab))
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.log(p_ab / (p_a * p_b)) / -np.log(p_ab)
    return np.where((np.asarray(c_ab) >= min_count) & (p_ab < 1), score, -np.inf)


SCORERS = {"word2phrase": word2phrase, "npmi": npmi}


def thresholds(scoring: str, threshold: float | None, passes: int) -> list[float]:
    """Each pass's threshold. word2phrase: pass k of N uses threshold * (N - k + 1), so two
    passes use 200 then 100, word2vec.c's demo-phrases.sh; npmi keeps one threshold (it is
    bounded by 1, so multiples would not mean anything).

    >>> thresholds("word2phrase", None, 2), thresholds("npmi", 0.4, 2)
    ([200.0, 100.0], [0.4, 0.4])
    """
    t = DEFAULT_THRESHOLD[scoring] if threshold is None else float(threshold)
    if scoring == "npmi":
        return [t] * passes
    return [t * (passes - k) for k in range(passes)]
