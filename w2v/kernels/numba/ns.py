"""Target side: negative sampling. The window's targets are the center and K negatives drawn
from the unigram^0.75 alias table (``Tables.noise``), signs [+1, -1, ..., -1] (eq 45).

The negatives come from their own stream (seeded by the walk's first draw) one window ahead,
so their output rows are prefetched while the current window trains. The K negatives are
shared by the window's inputs (HogBatch, Ji et al. 2016); a negative equal to the center, or
drawn twice, gets each of its terms (word2vec.c skips a negative equal to the center).

A target side is a module of ``@inline`` functions the walk (``compose``) calls: ``params``
(plain Python: what it reads from the tables), ``output_rows``, ``start`` (always three
arrays, targets, signs and the side's own, unpacked once by the walk), ``max_targets``,
``select`` and ``prefetch``; ``hs`` is the other one.
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import SKIP_BOUND, Settings, Tables
from w2v.kernels.base import output_rows as rows_for
from w2v.kernels.numba.ops import alias_draw, inline, prefetch_row, splitmix64

NAME = "NS"


def params(tables: Tables, settings: Settings) -> tuple:
    """(noise alias table, K, the skip bound): with ``Settings.ns_skip`` a target whose score
    is beyond ±``SKIP_BOUND`` gets no step, as gensim skips it (inf: none skipped)."""
    return tables.noise, settings.negative, SKIP_BOUND if settings.ns_skip else np.inf


def output_rows(tables: Tables) -> int:
    return rows_for("ns", tables.vocab_size)


@inline
def start(neg_state, params):
    """The segment's buffers: targets, signs (then the skip bound) and the next window's
    negatives (drawn)."""
    noise, negative, bound = params
    targets = np.empty(negative + 1, dtype=np.int32)  # the center, then the K negatives
    signs = np.full(negative + 2, np.float32(-1.0), dtype=np.float32)
    signs[0] = 1.0  # label 1 for the center, 0 for each negative
    signs[negative + 1] = bound  # the skip bound (``block``)
    ahead = np.empty(negative, dtype=np.int32)  # the next window's negatives
    for k in range(negative):
        ahead[k] = alias_draw(noise, splitmix64(neg_state))
    return targets, signs, ahead


@inline
def max_targets(params):
    return params[1] + 1


@inline
def select(center, targets, signs, ahead, neg_state, params, W_out):
    """targets = [center, the negatives drawn one window ago]; draw the next window's negatives
    into ``ahead`` and prefetch their rows. Returns K + 1."""
    noise, negative, _ = params
    targets[0] = center
    for k in range(negative):
        targets[k + 1] = ahead[k]
        ahead[k] = alias_draw(noise, splitmix64(neg_state))
        prefetch_row(W_out, ahead[k])
    return negative + 1


@inline
def prefetch(W_out, kept, m_kept, t, params):
    """The next center's output row."""
    if t + 1 < m_kept and kept[t + 1] >= 0:
        prefetch_row(W_out, kept[t + 1])
