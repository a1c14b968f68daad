"""Numpy references: the compiled kernels' semantics written out, and the softmax kernel.

``SkipGramNS`` is ``numba_sg.train_ns`` step for step: the same splitmix64 streams, the same
subsampling, dynamic windows and alias draws, K negatives shared by each window, and each
window's update computed from one snapshot of its rows with the seed's equations
(``w2v.objectives.windows.ns_window_terms``, in float64) before any row changes. The tests hold
the compiled kernel equal to it (to float32 tolerance: the kernel computes in float32 with a
sigmoid table) and it equal to a naive Python loop. ``SkipGramHS`` is ``numba_sg.train_hs``:
the same windows, each pair walking the center's path (``hs.hs_window_terms``, eqs 111-113).
The CBOW references, on the same walk, are in ``numpy_cbow``.

``SkipGramSoftmax`` walks the same windows, each context predicting the center through the full
softmax (eqs 1-43, ``windows.softmax_window_terms``): the two numpy kernels differ only in the
objective, so they train on the same pairs and the seed's question (e.ii) can be measured on
equal terms. O(|V| d) per pair.

Everything but the walk over windows is vectorised: splitmix64's state after i steps is
seed + i γ, so a whole stretch of a stream is one array expression. The walk itself is a Python
loop, because each window starts from the rows the previous one left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v.kernels.base import Settings, Tables, lr_at, output_rows
from w2v.objectives import hs, windows

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)


def splitmix64(seed: int, start: int, n: int) -> np.ndarray:
    """Draws start + 1 .. start + n (uint64) of the splitmix64 stream seeded with ``seed``, as
    ``numba_ops.splitmix64`` returns them one at a time.

    >>> hex(int(splitmix64(0, 0, 1)[0]))  # the published first output for seed 0
    '0xe220a8397b1dcdaf'
    """
    z = np.uint64(seed) + np.arange(start + 1, start + n + 1, dtype=np.uint64) * _GAMMA
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def uniforms(draws: np.ndarray) -> np.ndarray:
    """Doubles in [0, 1) from the top 53 bits of each draw (``numba_ops.uniform``)."""
    return (draws >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def alias_draws(table: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """``numba_ops.alias_draw`` of each draw: the column from the high 32 bits (multiply-shift),
    kept if the low 32 bits are below its threshold, else its alias; int64 word ids."""
    col = ((draws >> np.uint64(32)) * np.uint64(len(table))) >> np.uint64(32)
    entry = table[col]
    accept = (draws & _LOW32) < (entry >> np.uint64(32))
    return np.where(accept, col, entry & _LOW32).astype(np.int64)


def subsample(ids: np.ndarray, keep: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """The ids that survive subsampling (breaks always do): a word whose keep probability is
    below 1 takes the next uniform of ``draws`` (in order) and stays if it is below ``keep``.
    ``draws`` holds one draw per True of ``subsample_mask(ids, keep)``."""
    ids = np.asarray(ids)
    needs = subsample_mask(ids, keep)
    kept = ~needs
    kept[needs] = uniforms(draws) < keep[ids[needs]]
    return ids[kept]


def subsample_mask(ids: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Which positions draw a uniform when subsampled: words whose keep probability is < 1."""
    word = ids >= 0
    return word & ~(keep[np.where(word, ids, 0)] >= 1.0)


def spans(kept: np.ndarray, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How many contexts each position uses on its left and on its right: its radius, cut at
    the previous / next sentence break or end (0 for a break itself)."""
    n = len(kept)
    pos = np.arange(n)
    sep = kept < 0
    prev_sep = np.maximum.accumulate(np.where(sep, pos, -1)) if n else pos
    next_sep = np.minimum.accumulate(np.where(sep, pos, n)[::-1])[::-1] if n else pos
    left = np.where(sep, 0, np.minimum(radii, pos - prev_sep - 1))
    right = np.where(sep, 0, np.minimum(radii, next_sep - pos - 1))
    return left, right


def window_contexts(kept, left, right):
    """(flat contexts, offsets): position t's contexts are ``flat[offsets[t]:offsets[t + 1]]``,
    nearest left first, then left to right (``numba_ops.gather_window``'s order).

    >>> flat, off = window_contexts(np.array([5, 6, 7, -1, 8]), *spans(
    ...     np.array([5, 6, 7, -1, 8]), np.array([2, 1, 1, 0, 3])))
    >>> [flat[off[t]:off[t + 1]].tolist() for t in range(5)]
    [[6, 7], [5, 7], [6], [], []]
    """
    per = left + right
    offsets = np.concatenate(([0], np.cumsum(per)))
    pos = np.repeat(np.arange(len(kept)), per)
    rank = np.arange(offsets[-1]) - np.repeat(offsets[:-1], per)
    n_left = np.repeat(left, per)
    step = np.where(rank < n_left, -(rank + 1), rank - n_left + 1)
    return np.asarray(kept)[pos + step].astype(np.int64), offsets


@dataclass
class Walk:
    """The windows of one segment, in training order: window w has center ``centers[w]`` at
    position ``positions[w]`` of the ``n_kept`` kept ids, and contexts
    ``contexts[offsets[w]:offsets[w + 1]]`` (never empty)."""

    centers: np.ndarray
    positions: np.ndarray
    contexts: np.ndarray
    offsets: np.ndarray
    n_kept: int
    neg_seed: int  # the negatives' stream is seeded by the first draw of the main one


def walk(ids: np.ndarray, keep: np.ndarray, window: int, seed: int) -> Walk:
    """Subsample, then draw a radius in [1, window] for every kept word, in order, from the
    stream ``seed`` (after its first draw, which seeds the negatives' stream)."""
    ids = np.asarray(ids)
    n_sub = int(np.count_nonzero(subsample_mask(ids, keep)))
    draws = splitmix64(seed, 0, 1 + n_sub)
    kept = subsample(ids, keep, draws[1:])
    is_word = kept >= 0
    radii = np.zeros(len(kept), dtype=np.int64)
    radii[is_word] = 1 + splitmix64(seed, 1 + n_sub, int(is_word.sum())) % np.uint64(window)
    left, right = spans(kept, radii)
    flat, offsets = window_contexts(kept, left, right)
    has = np.flatnonzero(left + right > 0)
    # Positions without a window have no contexts, so the windows' slices are contiguous.
    return Walk(kept[has].astype(np.int64), has, flat, np.append(offsets[has], offsets[-1]),
                len(kept), int(draws[0]))


def window_lrs(w: Walk, lr_start: float, lr_end: float) -> np.ndarray:
    """Each window's lr, float32 as in the compiled kernel, at its position among the kept ids."""
    return np.float32(lr_at(lr_start, lr_end, w.positions, max(w.n_kept, 1))).astype(np.float64)


class SkipGramNS:
    """The numpy (sg, ns) kernel: the specification of ``numba_sg.SkipGramNS``."""

    nogil = False  # a Python loop: threads would only take turns

    def __init__(self, tables: Tables, settings: Settings):
        self.keep, self.noise = tables.keep, tables.noise
        self.window, self.negative = settings.window, settings.negative
        self.output_rows = tables.vocab_size

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        w = walk(ids, self.keep, self.window, seed)
        K, n = self.negative, len(w.centers)
        negs = alias_draws(self.noise, splitmix64(w.neg_seed, 0, n * K)).reshape(n, K)
        targets = np.concatenate([w.centers[:, None], negs], axis=1)
        minus_lr = -window_lrs(w, lr_start, lr_end)  # the step is -lr * gradient
        losses = np.empty(n)
        for i, (a, b) in enumerate(zip(w.offsets.tolist(), w.offsets[1:].tolist())):
            ctx, tg = w.contexts[a:b], targets[i]
            loss, g_v, g_u = windows.ns_window_terms(
                W_in[ctx].astype(np.float64), W_out[tg].astype(np.float64))
            np.add.at(W_out, tg, (minus_lr[i] * g_u).astype(np.float32))
            np.add.at(W_in, ctx, (minus_lr[i] * g_v).astype(np.float32))
            losses[i] = loss.sum()
        return float(losses.sum()), len(w.contexts)


class SkipGramHS:
    """The numpy (sg, hs) kernel: the specification of ``numba_sg.SkipGramHS``."""

    nogil = False

    def __init__(self, tables: Tables, settings: Settings):
        self.keep, self.tree, self.window = tables.keep, tables.huffman, settings.window
        self.output_rows = output_rows("hs", tables.vocab_size)

    def train_segment(self, W_in, U_inner, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        w = walk(ids, self.keep, self.window, seed)
        minus_lr = -window_lrs(w, lr_start, lr_end)  # the step is -lr * gradient
        losses = np.empty(len(w.centers))
        for i, (a, b) in enumerate(zip(w.offsets.tolist(), w.offsets[1:].tolist())):
            ctx = w.contexts[a:b]
            nodes, bits = self.tree.path(int(w.centers[i]))
            loss, g_v, g_u = hs.hs_window_terms(W_in[ctx].astype(np.float64),
                                                U_inner[nodes].astype(np.float64), bits)
            U_inner[nodes] += (minus_lr[i] * g_u).astype(np.float32)  # a path's nodes differ
            np.add.at(W_in, ctx, (minus_lr[i] * g_v).astype(np.float32))
            losses[i] = loss.sum()
        return float(losses.sum()), len(w.contexts)


class SkipGramSoftmax:
    """The numpy (sg, softmax) kernel: ``SkipGramNS``'s windows with the full softmax."""

    nogil = False

    def __init__(self, tables: Tables, settings: Settings):
        self.keep, self.window = tables.keep, settings.window
        self.output_rows = tables.vocab_size

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        w = walk(ids, self.keep, self.window, seed)
        minus_lr = -window_lrs(w, lr_start, lr_end)  # the step is -lr * gradient
        losses = np.empty(len(w.centers))
        for i, (a, b) in enumerate(zip(w.offsets.tolist(), w.offsets[1:].tolist())):
            ctx = w.contexts[a:b]
            loss, g_v, g_U = windows.softmax_window_terms(
                W_in[ctx].astype(np.float64), W_out, w.centers[i])
            W_out += (minus_lr[i] * g_U).astype(np.float32)
            np.add.at(W_in, ctx, (minus_lr[i] * g_v).astype(np.float32))
            losses[i] = loss.sum()
        return float(losses.sum()), len(w.contexts)
