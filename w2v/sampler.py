"""The numpy reference sampler: subsampling, noise distribution, dynamic windows, negatives.

Everything is vectorized over a chunk of encoded ids (-1 marks a sentence break) and draws from
one explicit ``np.random.Generator``. The compiled kernel reimplements the same steps inside its
loop; these functions are its specification and the numpy kernel's pipeline.
"""

from __future__ import annotations

import numpy as np


def keep_probs(counts, total_words: int, sample: float) -> np.ndarray:
    """word2vec.c's subsampling: keep a word of count f with probability

        min(1, (sqrt(f / (s T)) + 1) * (s T) / f),   T = total words, s = ``sample``,

    so words rarer than about s T are always kept; ``sample == 0`` keeps everything.

    >>> keep_probs([100, 1], total_words=1000, sample=1e-3).round(4).tolist()
    [0.11, 1.0]
    """
    f = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones_like(f)
    st = sample * total_words
    return np.minimum(1.0, (np.sqrt(f / st) + 1.0) * st / f)


def subsample(ids: np.ndarray, keep: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Drop each word with probability 1 - keep[word]; sentence breaks (-1) stay."""
    u = rng.random(len(ids))
    word = ids >= 0
    kept = ~word | (u < keep[np.where(word, ids, 0)])
    return ids[kept]


def noise_cdf(counts, power: float = 0.75) -> np.ndarray:
    """Cumulative unigram^0.75 distribution (word2vec.c's noise), O(|V|) memory."""
    p = np.asarray(counts, dtype=np.float64) ** power
    cdf = np.cumsum(p)
    return cdf / cdf[-1]


def draw_negatives(rng: np.random.Generator, cdf: np.ndarray, shape) -> np.ndarray:
    """Negatives drawn from the noise distribution by inverting its cdf (binary search)."""
    ids = np.searchsorted(cdf, rng.random(shape), side="right")
    return np.minimum(ids, len(cdf) - 1)  # guards u at the last float below 1.0


def draw_radii(rng: np.random.Generator, n: int, window: int) -> np.ndarray:
    """Dynamic window: each center's radius uniform in [1, window] (word2vec.c)."""
    return rng.integers(1, window + 1, size=n)


def window_pairs_from_radii(ids: np.ndarray, radii: np.ndarray):
    """(center, context) pairs: for center t, every word at offset 1 <= |j| <= radii[t] that lies
    in the same sentence. Loops over offsets only, never over tokens; pairs come ordered by
    offset, then position."""
    n = len(ids)
    sentence = np.cumsum(ids < 0)  # sentence number of every position
    word = ids >= 0
    centers, contexts = [], []
    for j in range(1, int(radii.max(initial=0)) + 1):
        for shift in (-j, j):
            t = np.arange(max(0, -shift), min(n, n - shift))
            ok = word[t] & word[t + shift] & (sentence[t] == sentence[t + shift])
            ok &= radii[t] >= j
            centers.append(ids[t[ok]])
            contexts.append(ids[t[ok] + shift])
    if not centers:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(centers).astype(np.int64), np.concatenate(contexts).astype(np.int64)


def window_pairs(ids: np.ndarray, window: int, rng: np.random.Generator):
    """Draw a radius per position, then return the window's (centers, contexts)."""
    return window_pairs_from_radii(ids, draw_radii(rng, len(ids), window))
