"""Target side: hierarchical softmax. The window's targets are the center's path in word2vec.c's
Huffman tree (``Tables.huffman``): its inner nodes n_1..n_L, rows of ``W_out`` (V - 1 of them),
with signs s_l = 1 - 2 d_l (eq 95), so every input walks the path (eqs 111-113 for skip-gram,
115 for CBOW). By default every node gets its true gradient; with ``Settings.hs_skip`` a term
whose score is beyond ±``SKIP_BOUND`` gets none, as word2vec.c and gensim skip the node
(docs/derivations.md §6): the bound rides at the end of ``signs`` (``block``). The same
functions as ``ns`` (see there).
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import SKIP_BOUND, Settings, Tables
from w2v.kernels.base import output_rows as rows_for
from w2v.kernels.numba.ops import inline, prefetch_row

NAME = "HS"


def params(tables: Tables, settings: Settings) -> tuple:
    """(points, codes, lengths) of the tree, and the skip bound (inf: no term skipped)."""
    tree = tables.huffman
    return tree.points, tree.codes, tree.lengths, SKIP_BOUND if settings.hs_skip else np.inf


def output_rows(tables: Tables) -> int:
    return rows_for("hs", tables.vocab_size)


@inline
def start(neg_state, params):
    """The segment's buffers: targets, signs (then the skip bound) and no draws (the
    negatives' stream is unused)."""
    points = params[0]
    signs = np.empty(points.shape[1] + 1, dtype=np.float32)
    signs[points.shape[1]] = params[3]
    return np.empty(points.shape[1], dtype=np.int32), signs, np.empty(0, dtype=np.int32)


@inline
def max_targets(params):
    return params[0].shape[1]


@inline
def select(center, targets, signs, draws, neg_state, params, W_out):
    """The center's path into the targets (inner nodes n_1..n_L) and signs (1 - 2 d_l, eq 95).
    Returns L."""
    points, codes, lengths = params[0], params[1], params[2]
    n = lengths[center]
    for j in range(n):
        targets[j] = points[center, j]
        signs[j] = np.float32(1.0) - np.float32(2.0) * np.float32(codes[center, j])
    return n


@inline
def prefetch(W_out, kept, m_kept, t, params):
    """The rows of the next center's path below the top three levels (those are shared by most
    paths and stay in cache)."""
    points, lengths = params[0], params[2]
    if t + 1 < m_kept and kept[t + 1] >= 0:
        nxt = kept[t + 1]
        for j in range(3, lengths[nxt]):
            prefetch_row(W_out, points[nxt, j])
