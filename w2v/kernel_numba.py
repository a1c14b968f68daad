"""The compiled kernel: subsampling, dynamic windows, negatives and SGD in one numba loop.

Update semantics (one *window* at a time, all quantities from one snapshot of the rows).
For center c with radius b uniform in [1, window] and contexts o_1..o_m (the kept words within b
positions in the same sentence), K negatives n_1..n_K are drawn once and **shared by the m
contexts** (Ji et al. 2016's HogBatch). Each context's input row predicts the center through
``W_out`` (word2vec.c's direction: input = context, target = center), so the window's loss is
the seed's negative-sampling loss (eq 45) summed over its m pairs (eqs 62-63):

    L = Σ_j [ -log σ(u_cᵀv_{o_j}) - Σ_k log σ(-u_{n_k}ᵀv_{o_j}) ]

and the step is -lr times its true gradient (eqs 49, 55, 61, scattered by row):

    ∂L/∂v_{o_j} = (σ(u_cᵀv_{o_j}) - 1) u_c + Σ_k σ(u_{n_k}ᵀv_{o_j}) u_{n_k}
    ∂L/∂u_c     = Σ_j (σ(u_cᵀv_{o_j}) - 1) v_{o_j}
    ∂L/∂u_{n_k} = Σ_j σ(u_{n_k}ᵀv_{o_j}) v_{o_j}

Every gradient is computed before any row changes, and rows that occur twice (a repeated
negative, a negative equal to the center, a word twice in the window) receive each of their
terms; word2vec.c instead skips a negative equal to the center. The scores form one small
(m x (K + 1)) block whose K + 1 output rows stay in cache for all m inputs: that reuse, not
fewer flops, is what makes it fast. Each input row sees K fresh-enough negatives per pair, as
in word2vec.c; only the negatives' correlation across the window's pairs differs.

The numpy reference kernel uses the seed's direction (center predicts context) and pair-wise
negatives; both are tested against their own naive loops, and agree in quality end to end.

σ and log σ come from an interpolated table (``sigmoid_table``, within 3e-6 of exact) instead
of an ``exp`` per score, and negatives from a Walker alias table (``alias_table``, one memory
access per draw) instead of a binary search: together 1.3-1.6x the words/s of ``exp`` and the
binary search on wiki-17m; prefetching the next window's rows adds 5-15%.

Threads update the shared matrices without locks (Hogwild, as word2vec.c): a chunk is cut into
contiguous segments that the threads take in turn. With one thread the result is a
deterministic function of the inputs and the seed.

Randomness: splitmix64 (Steele, Lea & Flood 2014), seeded per segment from the trainer's
``np.random.Generator``; uniform doubles from its top 53 bits. Subsampling and window radii use
one stream, negatives a second one seeded by the first stream's first draw, so each window's
negatives are drawn one window ahead and their rows prefetched while the current window trains.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from w2v import numba_cache  # noqa: F401  (first: keeps numba's cache out of site-packages)

# isort: split
import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

from w2v import sampler


@numba.njit(inline="always")
def _splitmix64(state):
    """One step of splitmix64 on a 1-element uint64 array; returns a 64-bit draw."""
    state[0] += np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@numba.njit(inline="always")
def _uniform(state):
    return float(_splitmix64(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@intrinsic
def _prefetch(typingctx, matrix, row, col):
    """Ask the CPU to start loading ``matrix[row, col]`` into cache (LLVM's prefetch: read,
    high locality); no effect on results. Rows drawn at random miss the cache, and a window's
    rows are known one window before they are used."""

    def codegen(context, builder, signature, args):
        mty, rty, cty = signature.args
        arr = context.make_array(mty)(context, builder, args[0])
        idx = [context.cast(builder, v, t, types.intp) for v, t in zip(args[1:], (rty, cty))]
        ptr = cgutils.get_item_pointer(context, builder, mty, arr, idx, wraparound=False)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), "llvm.prefetch.p0"
        )
        flags = [ir.Constant(i32, f) for f in (0, 3, 1)]  # read, keep in all levels, data
        builder.call(fn, [builder.bitcast(ptr, i8p), *flags])
        return context.get_dummy_value()

    return types.void(matrix, row, col), codegen


@numba.njit(inline="always")
def _prefetch_row(matrix, row):
    for col in range(0, matrix.shape[1], 16):  # one 64-byte cache line of float32 at a time
        _prefetch(matrix, row, col)


SIGMOID_RANGE = 8.0  # the table covers scores in [-8, 8]; beyond, σ is taken as 0 or 1
SIGMOID_STEPS = 2048  # linear interpolation between 2049 nodes: |error| < 1e-6 (tested)


def sigmoid_table() -> np.ndarray:
    """(SIGMOID_STEPS + 1, 2) float32 nodes of σ(x) and log σ(x) on [-8, 8], for ``_log_sigmoid``.

    A table instead of ``exp`` per score makes the kernel about 30% faster (measured on
    wiki-17m). Linear interpolation keeps it within 1e-6 of σ (at most h²/8 max|σ''| = 7e-7 for
    the step h = 1/128) and within 3e-6 of log σ (1.9e-6, plus float32 rounding near -8), so the
    kernel follows the exact gradient (eqs 55, 61) to float32 tolerance; word2vec.c's table
    (1,000 entries, read at the bin's left edge) is off by up to 3e-3."""
    x = np.linspace(-SIGMOID_RANGE, SIGMOID_RANGE, SIGMOID_STEPS + 1)
    log_sig = -np.logaddexp(0.0, -x)
    return np.stack([np.exp(log_sig), log_sig], axis=1).astype(np.float32)


@numba.njit(inline="always")
def _log_sigmoid(table, x):
    """(σ(x), log σ(x)) interpolated from ``sigmoid_table``; saturated to (1, 0) above 8 and to
    (0, x) below -8, where the true values differ by less than σ(-8) = 3.4e-4. A NaN score
    gives a NaN log σ, so a diverging run shows in the loss (and never indexes the table)."""
    if x >= SIGMOID_RANGE:
        return np.float32(1.0), np.float32(0.0)
    if not x > -SIGMOID_RANGE:
        return np.float32(0.0), x
    z = (x + np.float32(SIGMOID_RANGE)) * np.float32(SIGMOID_STEPS / (2 * SIGMOID_RANGE))
    i = int(z)
    f = z - np.float32(i)
    s0, l0 = table[i, 0], table[i, 1]
    return s0 + f * (table[i + 1, 0] - s0), l0 + f * (table[i + 1, 1] - l0)


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
    """The noise distribution unigram^power (the seed's P(w), word2vec.c's 0.75) as a Walker
    alias table: one uint64 per column, acceptance threshold (out of 2^32) in the high half and
    the alias in the low half, so a draw costs one random number and one memory access instead
    of a binary search over the cdf (~17 dependent cache misses on a 70k-word vocabulary).
    ``alias_probs`` gives the exact distribution it draws."""
    p = np.asarray(counts, dtype=np.float64) ** power
    q, alias = _vose(p / p.sum())
    threshold = np.minimum(np.round(q * 2.0**32), 2.0**32 - 1).astype(np.uint64)
    threshold[q >= 1.0] = 2**32 - 1  # "always accept" up to one part in 2^32
    return (threshold << np.uint64(32)) | alias


def alias_probs(table: np.ndarray) -> np.ndarray:
    """The distribution ``_alias_draw`` samples from ``table`` (exact: draws are 64-bit)."""
    accept = (table >> np.uint64(32)).astype(np.float64) / 2.0**32
    p = accept.copy()
    np.add.at(p, (table & np.uint64(0xFFFFFFFF)).astype(np.int64), 1.0 - accept)
    return p / len(table)


@numba.njit(inline="always")
def _alias_draw(table, r):
    """Column from the high 32 bits of r (multiply-shift), accepted if the low 32 bits are below
    its threshold, else its alias."""
    i = ((r >> np.uint64(32)) * np.uint64(len(table))) >> np.uint64(32)
    entry = table[i]
    if (r & np.uint64(0xFFFFFFFF)) < (entry >> np.uint64(32)):
        return np.int32(i)
    return np.int32(entry & np.uint64(0xFFFFFFFF))


@numba.njit(nogil=True, fastmath=True, cache=True, error_model="numpy")
def train_segment(W_in, W_out, ids, keep, noise, sig, window, negative, lr_start, lr_end, seed):
    """Train on ``ids`` (int32, -1 = sentence break); returns (loss sum, number of pairs).

    ``noise`` is an ``alias_table``, ``sig`` a ``sigmoid_table``."""
    n = len(ids)
    d = W_in.shape[1]
    state = np.empty(1, dtype=np.uint64)
    state[0] = np.uint64(seed)
    # Negatives come from a second stream, seeded by the first draw of the first, so a window's
    # negatives can be drawn one window ahead and their rows prefetched (+15% words/s).
    neg_state = np.empty(1, dtype=np.uint64)
    neg_state[0] = _splitmix64(state)

    # Subsample first, so windows span the words that remain (as word2vec.c).
    kept = np.empty(n, dtype=np.int32)
    m_kept = 0
    for t in range(n):
        w = ids[t]
        if w < 0 or keep[w] >= 1.0 or _uniform(state) < keep[w]:
            kept[m_kept] = w
            m_kept += 1

    contexts = np.empty(2 * window, dtype=np.int32)
    targets = np.empty(negative + 1, dtype=np.int32)
    ahead = np.empty(negative, dtype=np.int32)  # the next window's negatives
    for k in range(negative):
        ahead[k] = _alias_draw(noise, _splitmix64(neg_state))
    coef = np.empty((2 * window, negative + 1), dtype=np.float32)
    grad_in = np.empty((2 * window, d), dtype=np.float32)
    loss = 0.0
    pairs = 0
    for t in range(m_kept):
        c = kept[t]
        if c < 0:
            continue
        b = 1 + int(_splitmix64(state) % np.uint64(window))
        m = 0
        for s in range(t - 1, max(-1, t - b - 1), -1):
            if kept[s] < 0:
                break
            contexts[m] = kept[s]
            m += 1
        for s in range(t + 1, min(m_kept, t + b + 1)):
            if kept[s] < 0:
                break
            contexts[m] = kept[s]
            m += 1
        if m == 0:
            continue
        targets[0] = c
        for k in range(negative):
            targets[k + 1] = ahead[k]
            ahead[k] = _alias_draw(noise, _splitmix64(neg_state))
            _prefetch_row(W_out, ahead[k])
        if t + 1 < m_kept and kept[t + 1] >= 0:  # the next center
            _prefetch_row(W_out, kept[t + 1])
        if t + window + 1 < m_kept and kept[t + window + 1] >= 0:  # its newest context
            _prefetch_row(W_in, kept[t + window + 1])
        lr = np.float32(lr_start + (lr_end - lr_start) * (t / m_kept))
        # Scores, gradient coefficients and the input rows' gradients, from the current rows;
        # an output row is used while it is in cache for all three.
        for j in range(m):
            v = W_in[contexts[j]]
            gj = grad_in[j]
            gj[:] = 0.0
            for k in range(negative + 1):
                u = W_out[targets[k]]
                x = np.float32(0.0)
                for i in range(d):
                    x += v[i] * u[i]
                # label 1 for the center, 0 for a negative: with s = ±1, the pair's loss term is
                # -log σ(s x) (eq 45) and minus its derivative in x is s (1 - σ(s x)) (eqs 55, 61).
                sign = np.float32(1.0) if k == 0 else np.float32(-1.0)
                p, log_p = _log_sigmoid(sig, sign * x)
                loss -= log_p
                g = sign * (np.float32(1.0) - p)
                coef[j, k] = g
                for i in range(d):
                    gj[i] += g * u[i]
        # Output rows next, from the unchanged input rows; then the input rows.
        for k in range(negative + 1):
            u = W_out[targets[k]]
            for j in range(m):
                v = W_in[contexts[j]]
                g = lr * coef[j, k]
                for i in range(d):
                    u[i] += g * v[i]
        for j in range(m):
            v = W_in[contexts[j]]
            gj = grad_in[j]
            for i in range(d):
                v[i] += lr * gj[i]
        pairs += m
    return loss, pairs


def segment_seeds(seed: int, parts: int) -> list[int]:
    """Independent per-segment seeds derived from one chunk seed."""
    ss = np.random.SeedSequence(seed)
    return [int(s) >> 1 for s in ss.generate_state(parts, dtype=np.uint64)]  # < 2**63


class NumbaKernel:
    """The fast path; same interface as ``NumpyKernel``.

    With several threads a chunk is cut into ``segments_per_thread`` segments per thread that
    the pool's threads take in turn, so a thread slowed by another process on a shared machine
    does not leave the others waiting at the end of the chunk for a long segment."""

    segments_per_thread = 8
    words_per_thread = 1 << 18  # ~0.5 s of training per chunk: progress, Ctrl-C and checkpoints

    @property
    def chunk_words(self) -> int:
        return self.words_per_thread * self.threads

    def __init__(self, counts, total_words, *, window=5, negative=5, sample=1e-3, threads=1):
        self.keep = sampler.keep_probs(counts, total_words, sample)
        self.noise = alias_table(counts)
        self.sig = sigmoid_table()
        self.window, self.negative = window, negative
        self.threads = max(1, int(threads))
        self._pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None

    def train_chunk(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        parts = 1 if self.threads == 1 else self.threads * self.segments_per_thread
        parts = max(1, min(parts, len(ids) // 4096))
        bounds = np.linspace(0, len(ids), parts + 1).astype(np.int64)
        lrs = np.linspace(lr_start, lr_end, parts + 1)
        jobs = [
            (W_in, W_out, ids[bounds[p] : bounds[p + 1]], self.keep, self.noise, self.sig,
             self.window, self.negative, lrs[p], lrs[p + 1], s)
            for p, s in enumerate(segment_seeds(seed, parts))
        ]
        if parts == 1:
            results = [train_segment(*jobs[0])]
        else:
            results = list(self._pool.map(lambda job: train_segment(*job), jobs))
        return sum(r[0] for r in results), sum(r[1] for r in results)
