"""Top-k selection without a full sort (analogy evaluation has its own compiled scan,
``analogy_scan.py``, which orders ties the same way)."""

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
