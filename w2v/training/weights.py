"""A fresh run's starting weights, word2vec.c's: what a new run, and each new word of a
continued one (``init.start_weights``), starts from."""

from __future__ import annotations

import numpy as np


def init_weights(V: int, d: int, out_rows: int, rng: np.random.Generator):
    """W_in uniform in (-0.5, 0.5)/d and W_out (``out_rows`` rows) zero, as in word2vec.c.
    In place: a temporary per operation would double the peak memory of a large run."""
    W_in = rng.random((V, d), dtype=np.float32)
    W_in -= 0.5
    W_in /= d
    return W_in, np.zeros((out_rows, d), dtype=np.float32)
