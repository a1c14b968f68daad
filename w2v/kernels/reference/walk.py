"""The numpy walk: the random streams, subsampling and the windows of one segment, exactly as
``numba.ops`` and ``numba.compose`` draw them (the tests hold both equal to a naive loop).

Everything is vectorised: splitmix64's state after i steps is seed + i γ, so a whole stretch of
a stream is one array expression, and the windows of a segment are computed at once as flat
contexts with offsets. Only the updates (``compose``) need a Python loop, because each window
starts from the rows the previous one left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v.kernels.base import lr_at

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)


def splitmix64(seed: int, start: int, n: int) -> np.ndarray:
    """Draws start + 1 .. start + n (uint64) of the splitmix64 stream seeded with ``seed``, as
    ``numba.ops.splitmix64`` returns them one at a time.

    >>> hex(int(splitmix64(0, 0, 1)[0]))  # the published first output for seed 0
    '0xe220a8397b1dcdaf'
    """
    z = np.uint64(seed) + np.arange(start + 1, start + n + 1, dtype=np.uint64) * _GAMMA
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def uniforms(draws: np.ndarray) -> np.ndarray:
    """Doubles in [0, 1) from the top 53 bits of each draw (``numba.ops.uniform``)."""
    return (draws >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def alias_draws(table: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """``numba.ops.alias_draw`` of each draw: the column from the high 32 bits (multiply-shift),
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
    nearest left first, then left to right (``numba.ops.gather_window``'s order).

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
