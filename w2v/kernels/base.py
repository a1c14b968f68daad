"""The kernel contract and what every kernel shares: count-derived tables and the lr ramp.

A kernel trains one *segment* of encoded ids on one thread::

    kernel.train_segment(W_in, W_out, ids, lr_start, lr_end, seed) -> (loss sum, pairs)

``ids`` are int32 word ids with -1 between sentences; ``W_in`` (V, d) and ``W_out``
(``kernel.output_rows``, d) are float32 and updated in place; each step onto a row r of
``W_in`` is multiplied by ``Tables.lock[r]`` (1 unless a lock is given: a row locked at 0 is
never changed, while ``W_out`` always trains); lr falls linearly from ``lr_start`` to
``lr_end`` over the segment (``lr_at``); ``seed`` (< 2^63) fixes every random
draw, so a segment is a deterministic function of its inputs. The loss sum is float64 over
all the segment's pairs. Chunking, threads and seeds per segment are the trainer's business
(``local.py``), not the kernel's. ``needs_compile()`` says whether the first call compiles
(so the session can say so); ``nogil`` whether threads may share the matrices (Hogwild).

Every kernel class is built the same way, ``Kernel(tables, settings)``, by ``registry.py``.
``Tables`` builds each table on first use and only once, however many kernels share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numba
import numpy as np

from w2v.objectives.hs import HuffmanTree, huffman_tree


@dataclass(frozen=True)
class Settings:
    """The hyper-parameters a kernel's loop needs (the same object for every kernel)."""

    window: int = 5  # radius drawn uniformly in [1, window] for each center (word2vec.c)
    negative: int = 5  # K, negatives per window (NS kernels)
    cbow_mean: bool = True  # CBOW's h: the mean of the context rows (eq 70), else their sum (71)
    cbow_rule: str = "word2vec.c"  # CBOW's input step: word2vec.c's (eq 120) or "gradient" (118)
    hs_skip: bool = False  # HS: no step for a node whose score is beyond ±6 (word2vec.c, gensim)
    ns_skip: bool = False  # NS: no step for a target whose score is beyond ±6 (gensim)


def output_rows(loss: str, vocab_size: int) -> int:
    """The rows ``W_out`` has: V - 1 inner nodes of the Huffman tree for hierarchical softmax
    (``syn1``), else one per word (``syn1neg``, or the softmax's outside vectors).

    >>> output_rows("hs", 10), output_rows("ns", 10)
    (9, 10)
    """
    return vocab_size - 1 if loss == "hs" else vocab_size


class Kernel(Protocol):
    """What the trainer calls. ``nogil``: ``train_segment`` releases the GIL, so threads may
    run it concurrently on the same matrices (Hogwild). ``output_rows``: the rows ``W_out``
    must have (``output_rows``: V for negative sampling and softmax, V - 1 for hierarchical
    softmax)."""

    nogil: bool
    output_rows: int

    def needs_compile(self) -> bool: ...

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]: ...


def lr_at(lr_start, lr_end, done, total):
    """The learning rate after ``done`` of ``total`` positions: linear from lr_start to lr_end.
    The one formula for lr inside a segment (both kernels) and across a chunk's segments.

    >>> lr_at(0.025, 0.015, 1, 4)
    0.0225
    """
    return lr_start + (lr_end - lr_start) * (done / total)


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


SKIP_BOUND = 6.0  # word2vec.c's MAX_EXP: hs_skip and ns_skip give no step beyond ±6
SIGMOID_RANGE = 8.0  # the table covers scores in [-8, 8]; beyond, σ is taken as 0 or 1
SIGMOID_STEPS = 2048  # linear interpolation between 2049 nodes: |error| < 1e-6 (tested)


def sigmoid_table() -> np.ndarray:
    """(SIGMOID_STEPS + 1, 2) float32 nodes of σ(x) and log σ(x) on [-8, 8], for
    ``numba.ops.log_sigmoid``.

    A table instead of ``exp`` per score makes the kernel faster (docs/benchmarks.md). Linear
    interpolation keeps it within 1e-6 of σ (at most h²/8 max|σ''| = 7e-7 for the step
    h = 1/128) and within 3e-6 of log σ (1.9e-6, plus float32 rounding near -8), so the
    kernel follows the exact gradient (eqs 55, 61) to float32 tolerance; word2vec.c's table
    (1,000 entries, read at the bin's left edge) is off by up to 3e-3.

    >>> t = sigmoid_table(); t.shape, float(t[SIGMOID_STEPS // 2, 0])
    ((2049, 2), 0.5)
    """
    x = np.linspace(-SIGMOID_RANGE, SIGMOID_RANGE, SIGMOID_STEPS + 1)
    log_sig = -np.logaddexp(0.0, -x)
    return np.stack([np.exp(log_sig), log_sig], axis=1).astype(np.float32)


@numba.njit(cache=True)
def _vose(p):
    """Vose's alias construction for probabilities ``p`` (sum 1): column i yields i with
    probability q[i] and alias[i] otherwise."""
    n = len(p)
    q = p * n
    alias = np.arange(n).astype(np.uint64)
    small = np.empty(n, np.int64)
    large = np.empty(n, np.int64)
    ns = nl = 0
    for i in range(n):
        if q[i] < 1.0:
            small[ns] = i
            ns += 1
        else:
            large[nl] = i
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        s = small[ns]
        g = large[nl - 1]
        alias[s] = g
        q[g] -= 1.0 - q[s]
        if q[g] < 1.0:
            nl -= 1
            small[ns] = g
            ns += 1
    for i in range(ns):  # leftovers are 1 up to rounding
        q[small[i]] = 1.0
    for i in range(nl):
        q[large[i]] = 1.0
    return q, alias


def alias_table(counts, power: float = 0.75) -> np.ndarray:
    """The noise distribution unigram^power (the seed's P(w); word2vec.c's 0.75, ``ns_exponent``
    otherwise; a word of count 0 is never noise, whatever the power's sign) as a Walker
    alias table: one uint64 per column, acceptance threshold (out of 2^32) in the high half and
    the alias in the low half, so a draw costs one random number and one memory access instead
    of a binary search over the cdf (~17 dependent cache misses on a 70k-word vocabulary).
    ``alias_probs`` gives the exact distribution it draws.

    >>> alias_probs(alias_table([16, 0, 1], power=0.5)).round(6).tolist()
    [0.8, 0.0, 0.2]
    """
    counts = np.asarray(counts, dtype=np.float64)
    p = np.where(counts > 0, np.maximum(counts, 1.0) ** power, 0.0)  # 0 ** -0.5 would be inf
    q, alias = _vose(p / p.sum())
    threshold = np.minimum(np.round(q * 2.0**32), 2.0**32 - 1).astype(np.uint64)
    threshold[q >= 1.0] = 2**32 - 1  # "always accept" up to one part in 2^32
    return (threshold << np.uint64(32)) | alias


def alias_probs(table: np.ndarray) -> np.ndarray:
    """The distribution an alias draw samples from ``table`` (exact: draws are 64-bit)."""
    accept = (table >> np.uint64(32)).astype(np.float64) / 2.0**32
    p = accept.copy()
    np.add.at(p, (table & np.uint64(0xFFFFFFFF)).astype(np.int64), 1.0 - accept)
    return p / len(table)


class Tables:
    """The count-derived tables of one run, each built on first use and then shared by every
    kernel (and thread) of the run: ``keep`` (subsampling probabilities), ``noise`` (the
    unigram^ns_exponent alias table), ``sigmoid`` (the interpolation table), ``huffman``
    (hierarchical softmax's codes and points), ``bags`` (each token's input rows: its own row
    unless given). Each is a deterministic function of the counts (and the bags given), so a
    resumed run rebuilds exactly the tables (and the tree) it was trained with.

    >>> t = Tables([100, 1], total_words=1000, sample=1e-3); t.vocab_size, t.keep.round(2).tolist()
    (2, [0.11, 1.0])
    """

    def __init__(self, counts, total_words: int, sample: float, bags=None,
                 ns_exponent: float = 0.75, lock=None):
        self.counts = np.asarray(counts, dtype=np.int64)
        self.total_words = int(total_words)
        self.sample = float(sample)
        self.ns_exponent = float(ns_exponent)
        if bags is not None:
            self.bags = check_bags(bags, self.vocab_size)
        if lock is not None:
            self.lock = check_lock(lock, self.bags)

    @property
    def vocab_size(self) -> int:
        return len(self.counts)

    @cached_property
    def keep(self) -> np.ndarray:
        return keep_probs(self.counts, self.total_words, self.sample)

    @cached_property
    def noise(self) -> np.ndarray:
        return alias_table(self.counts, self.ns_exponent)

    @cached_property
    def sigmoid(self) -> np.ndarray:
        return sigmoid_table()

    @cached_property
    def bags(self) -> tuple[np.ndarray, np.ndarray]:
        """Each token's input rows as a CSR table (offsets (V + 1,) int64, rows int32): token
        o's are ``rows[offsets[o]:offsets[o + 1]]``. Without subwords a word is its own row."""
        return (np.arange(self.vocab_size + 1, dtype=np.int64),
                np.arange(self.vocab_size, dtype=np.int32))

    @cached_property
    def lock(self) -> np.ndarray:
        """Each row of ``W_in``'s lock factor (float32; gensim's ``vectors_lockf``): the input
        side multiplies a row's step by it, so 1 trains the row and 0 keeps it fixed (the
        rows of published vectors under ``freeze``). Unless given, every row trains: ones
        for every row the bags name. Multiplying by 1 is exact, so all ones trains exactly
        as a kernel without a lock."""
        return np.ones(int(self.bags[1].max(initial=-1)) + 1, dtype=np.float32)

    @cached_property
    def huffman(self) -> HuffmanTree:
        """word2vec.c's Huffman tree over the counts (``objectives.hs.huffman_tree``, §2.1 of
        docs/derivations.md): codes (V, L) uint8, points (V, L) int32, lengths (V,) int32."""
        return huffman_tree(self.counts)


def check_lock(lock, bags) -> np.ndarray:
    """A lock as float32, with a factor for every row the bags name; ValueError otherwise (a
    kernel reads ``lock[row]`` unchecked).

    >>> check_lock([1, 0], check_bags(([0, 1, 2], [0, 1]), 2)).tolist()
    [1.0, 0.0]
    """
    lock = np.ascontiguousarray(lock, dtype=np.float32)
    needed = int(bags[1].max(initial=-1)) + 1
    if lock.ndim != 1 or len(lock) < needed:
        raise ValueError(f"a lock needs one factor per input row ({needed}), got shape "
                         f"{lock.shape}")
    return lock


def check_bags(bags, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    """(offsets int64, rows int32) of a CSR table of V tokens, each with at least one row (a
    bag's input is the mean of its rows); ValueError otherwise.

    >>> check_bags(([0, 2, 3], [0, 2, 1]), 2)[0].tolist()
    [0, 2, 3]
    """
    offsets, rows = np.asarray(bags[0], dtype=np.int64), np.asarray(bags[1], dtype=np.int32)
    if len(offsets) != vocab_size + 1 or offsets[0] != 0 or offsets[-1] != len(rows):
        raise ValueError(f"a bag table of {vocab_size} tokens needs {vocab_size + 1} offsets "
                         f"from 0 to the number of rows ({len(rows)})")
    if np.any(np.diff(offsets) < 1):
        raise ValueError("every token needs at least one input row")
    return offsets, rows
