"""A fresh run's starting weights, word2vec.c's: what a new run, and each new word of a
continued one (``init.start_weights``), starts from; a subword run's, fastText's."""

from __future__ import annotations

import numpy as np


def init_weights(V: int, d: int, out_rows: int, rng: np.random.Generator):
    """W_in uniform in (-0.5, 0.5)/d and W_out (``out_rows`` rows) zero, as in word2vec.c.
    In place: a temporary per operation would double the peak memory of a large run."""
    W_in = rng.random((V, d), dtype=np.float32)
    W_in -= 0.5
    W_in /= d
    return W_in, np.zeros((out_rows, d), dtype=np.float32)


def init_subword_weights(rows: int, d: int, out_rows: int, rng: np.random.Generator):
    """A subword run's ``rows`` input rows (words, then n-gram buckets) uniform in (-1/d, 1/d)
    and W_out zero, as fastText's ``FastText::createInputMatrix``: the model is fastText's,
    and its init keeps the like-for-like comparison with fastText (docs/benchmarks.md) about
    the code, not the start. A word's input is the mean of ~|G_w| = 20-30 such rows, so the
    input vectors start ~5 times shorter than a row; word2vec.c's (-0.5, 0.5)/d, half as
    wide, would shrink them twice more. In place, as ``init_weights``."""
    W_in = rng.random((rows, d), dtype=np.float32)
    W_in -= 0.5
    W_in *= np.float32(2.0 / d)
    return W_in, np.zeros((out_rows, d), dtype=np.float32)
