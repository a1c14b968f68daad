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

Threads update the shared matrices without locks (Hogwild, as word2vec.c): a chunk is cut into
``threads`` contiguous segments trained concurrently. With one thread the result is a
deterministic function of the inputs and the seed.

Randomness: splitmix64 (Steele, Lea & Flood 2014), seeded per segment from the trainer's
``np.random.Generator``; uniform doubles from its top 53 bits.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from w2v import sampler

MAX_SCORE = np.float32(30.0)  # σ(±30) is 1 or 0 in float32, and exp cannot overflow


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


@numba.njit(inline="always")
def _draw_index(cdf, u):
    """Smallest i with cdf[i] > u (binary search), clipped to the last index."""
    lo, hi = 0, len(cdf) - 1
    while lo < hi:
        mid = (lo + hi) >> 1
        if cdf[mid] > u:
            hi = mid
        else:
            lo = mid + 1
    return lo


@numba.njit(nogil=True, fastmath=True, cache=True, error_model="numpy")
def train_segment(W_in, W_out, ids, keep, cdf, window, negative, lr_start, lr_end, seed):
    """Train on ``ids`` (int32, -1 = sentence break); returns (loss sum, number of pairs)."""
    n = len(ids)
    d = W_in.shape[1]
    state = np.empty(1, dtype=np.uint64)
    state[0] = np.uint64(seed)

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
        for k in range(1, negative + 1):
            targets[k] = _draw_index(cdf, _uniform(state))
        lr = np.float32(lr_start + (lr_end - lr_start) * (t / m_kept))
        # Scores, gradient coefficients and the input rows' gradients, from the current rows;
        # an output row is used while it is in cache for all three.
        # The loss is -log of the product of the window's probabilities: one log per window
        # instead of one per score (a third of the kernel's time), flushed before underflow.
        prob = 1.0
        for j in range(m):
            v = W_in[contexts[j]]
            gj = grad_in[j]
            gj[:] = 0.0
            for k in range(negative + 1):
                u = W_out[targets[k]]
                x = np.float32(0.0)
                for i in range(d):
                    x += v[i] * u[i]
                x = min(max(x, -MAX_SCORE), MAX_SCORE)
                # label 1 for the center, 0 for a negative; e / (1 + e) is 1 - σ(x) for the
                # center and σ(x) for a negative: minus dJ/dx by eqs 55 and 61.
                sign = 1.0 if k == 0 else -1.0
                e = math.exp(-sign * x)
                prob *= 1.0 / (1.0 + e)  # σ(x) for the center, σ(-x) for a negative
                g = np.float32(sign * e / (1.0 + e))
                coef[j, k] = g
                for i in range(d):
                    gj[i] += g * u[i]
            if prob < 1e-250:
                loss -= math.log(prob)
                prob = 1.0
        loss -= math.log(prob)
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
    """The fast path; same interface as ``NumpyKernel``."""

    chunk_words = 1 << 18  # ~0.3 s of training: the granularity of progress, Ctrl-C and checkpoints

    def __init__(self, counts, total_words, *, window=5, negative=5, sample=1e-3, threads=1):
        self.keep = sampler.keep_probs(counts, total_words, sample)
        self.cdf = sampler.noise_cdf(counts)
        self.window, self.negative = window, negative
        self.threads = max(1, int(threads))
        self._pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None

    def train_chunk(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        parts = self.threads if len(ids) >= 10_000 * self.threads else 1
        bounds = np.linspace(0, len(ids), parts + 1).astype(np.int64)
        lrs = np.linspace(lr_start, lr_end, parts + 1)
        jobs = [
            (W_in, W_out, ids[bounds[p] : bounds[p + 1]], self.keep, self.cdf, self.window,
             self.negative, lrs[p], lrs[p + 1], s)
            for p, s in enumerate(segment_seeds(seed, parts))
        ]
        if parts == 1:
            results = [train_segment(*jobs[0])]
        else:
            results = list(self._pool.map(lambda job: train_segment(*job), jobs))
        return sum(r[0] for r in results), sum(r[1] for r in results)
