"""Top-k selection without a full sort: the best ``k`` of one score vector, or of every row
of a block of scores (one matrix product per block of queries)."""

from __future__ import annotations

import numpy as np


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores, best first, ties to the lower index (the more
    frequent word): a partition finds the k-th largest value, only the scores at or above it
    are sorted."""
    n = len(scores)
    if k < n:
        floor = np.partition(scores, n - k)[n - k]
        best = np.flatnonzero(scores >= floor)
    else:
        best = np.arange(n)
    return best[np.lexsort((best, -scores[best]))][:k]


def top_rows_2d(scores: np.ndarray, k: int, groups: int = 64) -> list[np.ndarray]:
    """``top_rows`` for every row of a (B, n) block, without a partial sort of each row.

    Split the columns into ``groups`` slices; the k-th largest of the slice maxima is a value
    with at least k scores at or above it, so it bounds the row's k-th largest from below and
    only the few scores above it need sorting.
    """
    B, n = scores.shape
    if n <= max(k, groups) * 4:
        return [top_rows(row, k) for row in scores]
    starts = np.linspace(0, n, groups, endpoint=False).astype(np.intp)
    slice_max = np.maximum.reduceat(scores, starts, axis=1)
    floor = np.partition(slice_max, groups - k, axis=1)[:, groups - k]
    rows, cols = np.nonzero(scores >= floor[:, None])
    splits = np.searchsorted(rows, np.arange(1, B))
    out = []
    for r, c in enumerate(np.split(cols, splits)):
        order = np.lexsort((c, -scores[r, c]))[:k]
        out.append(c[order])
    return out
