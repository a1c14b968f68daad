"""The numpy reference sampler: subsampling, noise distribution, dynamic windows, negatives.

Everything is vectorized over a chunk of encoded ids (-1 marks a sentence break) and draws from
one explicit ``np.random.Generator``; no function loops over tokens in Python. The compiled
kernel reimplements the same steps inside its loop; these functions are its specification and
the numpy kernel's pipeline:

    ids -> subsample (keep_probs) -> window_pairs (dynamic radius) -> draw_negatives (noise_cdf)

Negatives are drawn by inverting the cumulative unigram^0.75 distribution with a binary search
(O(log V) per draw, O(V) memory, exact up to float64 rounding). The numba kernel uses an alias
table instead (O(1) per draw); both sample the same distribution.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def keep_probs(counts, total_words: int, sample: float) -> np.ndarray:
    """word2vec.c's subsampling: keep a word of count f with probability

        min(1, (sqrt(f / (s T)) + 1) * (s T) / f),   T = total words, s = ``sample``,

    so words rarer than about s T are always kept; ``sample == 0`` keeps everything. (The
    seeds' Mikolov-paper variant 1 - sqrt(t/f) is the large-f limit of the same idea.)

    >>> keep_probs([100, 1], total_words=1000, sample=1e-3).round(4).tolist()
    [0.11, 1.0]
    """
    f = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones_like(f)
    st = sample * total_words
    with np.errstate(divide="ignore"):  # f = 0 gives inf, capped to 1 below
        return np.minimum(1.0, (np.sqrt(f / st) + 1.0) * st / f)


def subsample(ids: np.ndarray, keep: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Drop each word with probability 1 - keep[word]; sentence breaks (-1) stay.

    One uniform is drawn per position (breaks included), so the stream of draws depends only
    on the chunk's length."""
    u = rng.random(len(ids))
    word = ids >= 0
    kept = ~word | (u < keep[np.where(word, ids, 0)])
    return ids[kept]


def noise_cdf(counts, power: float = 0.75) -> np.ndarray:
    """Cumulative unigram^power distribution (word2vec.c's noise, power 0.75), ending at 1.

    >>> noise_cdf([16, 1], power=0.5).tolist()
    [0.8, 1.0]
    """
    p = np.asarray(counts, dtype=np.float64) ** power
    cdf = np.cumsum(p)
    return cdf / cdf[-1]


def draw_negatives(rng: np.random.Generator, cdf: np.ndarray, shape) -> np.ndarray:
    """int64 word ids of the given shape, drawn from the noise distribution by inverting its
    cdf: word i is returned for u in [cdf[i-1], cdf[i])."""
    ids = np.searchsorted(cdf, rng.random(shape), side="right")
    return np.minimum(ids, len(cdf) - 1).astype(np.int64, copy=False)  # u >= cdf[-1] by rounding


def draw_radii(rng: np.random.Generator, n: int, window: int) -> np.ndarray:
    """Dynamic window: each position's radius uniform in [1, window] (word2vec.c), so a
    context at distance j is used with probability (window - j + 1) / window."""
    return rng.integers(1, window + 1, size=n)


def _room(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each position, how many words lie between it and the previous / next sentence
    break or array end (0 for a break itself)."""
    n = len(ids)
    pos = np.arange(n)
    sep = ids < 0
    prev_sep = np.maximum.accumulate(np.where(sep, pos, -1)) if n else pos
    next_sep = np.minimum.accumulate(np.where(sep, pos, n)[::-1])[::-1] if n else pos
    left = np.where(sep, 0, pos - prev_sep - 1)
    right = np.where(sep, 0, next_sep - pos - 1)
    return left, right


def window_pairs_from_radii(ids: np.ndarray, radii: np.ndarray):
    """(centers, contexts), int64: for the word at position t, every word at offset
    -radii[t] <= j <= radii[t], j != 0, inside t's sentence (never across a -1 or the ends).

    Pairs come in word2vec.c's order: by center position, then contexts left to right. Built
    with np.repeat over per-center pair counts, so the cost is O(pairs) with no Python loop.

    >>> c, o = window_pairs_from_radii(np.array([5, 6, -1, 7, 8, 9]), np.array([1, 1, 1, 2, 1, 1]))
    >>> list(zip(c.tolist(), o.tolist()))
    [(5, 6), (6, 5), (7, 8), (7, 9), (8, 7), (8, 9), (9, 8)]
    """
    ids = np.asarray(ids)
    radii = np.asarray(radii, dtype=np.int64)
    left_room, right_room = _room(ids)
    left = np.minimum(radii, left_room)  # contexts used on each side
    right = np.minimum(radii, right_room)
    per_center = left + right
    n_pairs = int(per_center.sum())
    pos = np.repeat(np.arange(len(ids)), per_center)
    # rank of each pair within its center's group: 0 .. per_center-1
    starts = np.cumsum(per_center) - per_center
    rank = np.arange(n_pairs) - np.repeat(starts, per_center)
    n_left = np.repeat(left, per_center)
    offset = np.where(rank < n_left, rank - n_left, rank - n_left + 1)
    return ids[pos].astype(np.int64), ids[pos + offset].astype(np.int64)


def window_pairs(ids: np.ndarray, window: int, rng: np.random.Generator):
    """Draw a radius per position, then return the window's (centers, contexts)."""
    return window_pairs_from_radii(ids, draw_radii(rng, len(ids), window))


def _sentence_cuts(ids: np.ndarray, chunk_words: int) -> list[int]:
    """Cut points, each just after a sentence break, so that no window straddles a cut: the
    last break within ``chunk_words`` ids of the previous cut, or the first after it when a
    sentence is longer (an encoded corpus has a break at least every ``max_words`` + 1 ids)."""
    n = len(ids)
    after_break = np.flatnonzero(np.asarray(ids) < 0) + 1
    cuts = [0]
    while cuts[-1] + chunk_words < n:
        i = int(np.searchsorted(after_break, cuts[-1] + chunk_words, side="right"))
        if i > 0 and after_break[i - 1] > cuts[-1]:
            cuts.append(int(after_break[i - 1]))
        elif i < len(after_break):
            cuts.append(int(after_break[i]))
        else:
            break
    if cuts[-1] < n:
        cuts.append(n)
    return cuts


def batches(
    ids: np.ndarray,
    keep: np.ndarray,
    cdf: np.ndarray,
    window: int,
    negative: int,
    rng: np.random.Generator,
    batch_pairs: int = 4096,
    chunk_words: int = 1 << 20,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The whole pipeline: (centers, contexts, negatives[len, negative]) minibatches, int64.

    ``ids`` may be a memmap of a whole corpus: it is processed about ``chunk_words`` at a time,
    cut only at sentence breaks (so the pairs are exactly those of the whole array), and memory
    is bounded by one chunk's pairs. Batches do not straddle chunks, so the last batch of each
    chunk may be short."""
    cuts = _sentence_cuts(np.asarray(ids), chunk_words)
    for a, b in zip(cuts[:-1], cuts[1:]):
        chunk = subsample(np.asarray(ids[a:b]), keep, rng)
        centers, contexts = window_pairs(chunk, window, rng)
        for s in range(0, len(centers), batch_pairs):
            c, o = centers[s : s + batch_pairs], contexts[s : s + batch_pairs]
            yield c, o, draw_negatives(rng, cdf, (len(c), negative))
