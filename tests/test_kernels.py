"""Both SGD kernels against independent references: the batched seed equations for the numpy
kernel, a naive Python loop with the same random stream for the numba kernel."""

import numpy as np
import pytest

from w2v import losses, sampler
from w2v.kernel_numba import (
    NumbaKernel,
    _log_sigmoid,
    alias_probs,
    alias_table,
    segment_seeds,
    sigmoid_table,
    train_segment,
)
from w2v.kernel_numpy import NumpyKernel

MASK = (1 << 64) - 1


class SplitMix64:
    """splitmix64 in plain Python integers (the kernel's generator, written independently)."""

    def __init__(self, seed):
        self.x = seed & MASK

    def next(self):
        self.x = (self.x + 0x9E3779B97F4A7C15) & MASK
        z = self.x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) / 2.0**53


def alias_draw(table, r):
    """The kernel's draw rule in Python integers: column from the high half of r, kept if the
    low half is below its threshold, else its alias."""
    i = ((r >> 32) * len(table)) >> 32
    entry = int(table[i])
    return i if (r & 0xFFFFFFFF) < (entry >> 32) else entry & 0xFFFFFFFF


def naive_hogbatch(W_in, W_out, ids, keep, noise, window, negative, lr0, lr1, seed):
    """The kernel's documented semantics, one window at a time, in float64 numpy with the exact
    sigmoid."""
    rng = SplitMix64(seed)
    neg_rng = SplitMix64(rng.next())  # the negatives' stream
    kept = [w for w in ids if w < 0 or keep[w] >= 1.0 or rng.uniform() < keep[w]]
    loss, pairs = 0.0, 0
    for t, c in enumerate(kept):
        if c < 0:
            continue
        b = 1 + rng.next() % window
        left = []
        for s in range(t - 1, max(-1, t - b - 1), -1):
            if kept[s] < 0:
                break
            left.append(kept[s])
        right = []
        for s in range(t + 1, min(len(kept), t + b + 1)):
            if kept[s] < 0:
                break
            right.append(kept[s])
        contexts = left + right
        if not contexts:
            continue
        targets = [c] + [alias_draw(noise, neg_rng.next()) for _ in range(negative)]
        lr = lr0 + (lr1 - lr0) * t / len(kept)
        # The window's loss: the seed's NS loss of every (context -> center) pair, shared negatives
        V = W_in[contexts].astype(np.float64)
        U = W_out[targets].astype(np.float64)
        scores = V @ U.T
        labels = np.array([1.0] + [0.0] * negative)
        loss += float(np.sum(-losses.log_sigmoid(np.where(labels == 1, scores, -scores))))
        g = labels - losses.sigmoid(scores)  # minus dL/dscore
        grad_in, grad_out = g @ U, g.T @ V
        np.add.at(W_out, targets, (lr * grad_out).astype(np.float32))
        np.add.at(W_in, contexts, (lr * grad_in).astype(np.float32))
        pairs += len(contexts)
    return loss, pairs


def problem(seed=0, V=20, d=8):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.integers(1, 200, V))[::-1]
    ids = rng.integers(0, V, 300).astype(np.int32)
    ids[rng.integers(0, 300, 25)] = -1  # sentence breaks
    W_in = rng.uniform(-0.5, 0.5, (V, d)).astype(np.float32)
    W_out = rng.uniform(-0.5, 0.5, (V, d)).astype(np.float32)
    return counts, ids, W_in, W_out


@pytest.mark.parametrize("sample", [0.0, 1e-2])
def test_numba_equals_naive_loop(sample):
    counts, ids, W_in, W_out = problem()
    keep = sampler.keep_probs(counts, counts.sum(), sample)
    noise = alias_table(counts)
    A_in, A_out = W_in.copy(), W_out.copy()
    loss, pairs = train_segment(
        A_in, A_out, ids, keep, noise, sigmoid_table(), 3, 4, 0.05, 0.01, 12345)
    B_in, B_out = W_in.copy(), W_out.copy()
    ref_loss, ref_pairs = naive_hogbatch(B_in, B_out, ids, keep, noise, 3, 4, 0.05, 0.01, 12345)
    assert pairs == ref_pairs > 0
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(A_in, B_in, atol=1e-5)
    np.testing.assert_allclose(A_out, B_out, atol=1e-5)
    assert not np.array_equal(A_in, W_in)  # it trained


def test_one_window_is_minus_lr_times_the_gradient():
    """The sentence [5, 7] with window 1 makes two windows of one pair each (7 predicts 5, then
    5 predicts 7). Each update must be -lr times the seed's gradient (ns_loss_batch, input =
    context, output = center) at the rows left by the previous window."""
    counts, _, W_in, W_out = problem(1)
    keep = np.ones(len(counts))
    noise = alias_table(counts)
    ids = np.array([5, 7], dtype=np.int32)  # two words: two windows, each with one context
    neg_rng = SplitMix64(SplitMix64(99).next())  # the negatives' stream
    negs1 = [alias_draw(noise, neg_rng.next()) for _ in range(3)]
    A_in, A_out = W_in.copy(), W_out.copy()
    train_segment(A_in, A_out, ids, keep, noise, sigmoid_table(), 1, 3, 0.1, 0.1, 99)
    B_in, B_out = W_in.astype(np.float64), W_out.astype(np.float64)
    _, g_in, g_out = losses.ns_loss_batch(B_in, B_out, [7], [5], [negs1])
    B_in -= 0.1 * g_in
    B_out -= 0.1 * g_out
    negs2 = [alias_draw(noise, neg_rng.next()) for _ in range(3)]
    _, g_in, g_out = losses.ns_loss_batch(B_in, B_out, [5], [7], [negs2])
    B_in -= 0.1 * g_in
    B_out -= 0.1 * g_out
    np.testing.assert_allclose(A_in, B_in, atol=1e-6)
    np.testing.assert_allclose(A_out, B_out, atol=1e-6)


@pytest.mark.parametrize("power", [0.75, 1.0])
def test_alias_table_draws_the_noise_distribution(power):
    """The table's exact distribution is the seed's noise P(w) ∝ count^0.75 (to 2^-32), and
    draws by the kernel's rule follow it (a chi-square-sized check on 20,000 draws)."""
    counts = np.array([1000, 500, 90, 40, 7, 3, 1, 1, 1, 250])
    p = counts**power / np.sum(counts**power)
    table = alias_table(counts, power)
    np.testing.assert_allclose(alias_probs(table), p, atol=1e-9)
    rng = SplitMix64(3)
    draws = np.bincount([alias_draw(table, rng.next()) for _ in range(20_000)], minlength=10)
    expected = 20_000 * p
    assert np.sum((draws - expected) ** 2 / expected) < 30  # chi2(9) 99.95% quantile is 30


def test_alias_table_on_a_skewed_vocabulary():
    counts = np.sort(np.random.default_rng(0).zipf(1.3, 5000))[::-1]
    p = counts**0.75 / np.sum(counts**0.75)
    np.testing.assert_allclose(alias_probs(alias_table(counts)), p, rtol=1e-6, atol=1e-12)


def test_sigmoid_table_is_within_1e6_of_the_exact_sigmoid():
    table = sigmoid_table()
    xs = np.concatenate([np.linspace(-8, 8, 20_001), [-30, -8.5, 8.5, 30]]).astype(np.float32)
    got = np.array([_log_sigmoid(table, x) for x in xs], dtype=np.float64)
    x = xs.astype(np.float64)
    inside = np.abs(x) < 8
    np.testing.assert_allclose(got[inside, 0], losses.sigmoid(x[inside]), atol=1e-6)
    # Interpolation error h^2/8 max|(log σ)''| = 1.9e-6, plus float32 rounding of values near -8.
    np.testing.assert_allclose(got[inside, 1], losses.log_sigmoid(x[inside]), atol=3e-6)
    # Saturated outside: off by at most sigma(-8) = 3.4e-4.
    np.testing.assert_allclose(got[~inside, 0], losses.sigmoid(x[~inside]), atol=3.4e-4)
    np.testing.assert_allclose(got[~inside, 1], losses.log_sigmoid(x[~inside]), atol=3.4e-4)
    assert np.isnan(_log_sigmoid(table, np.float32(np.nan))[1])  # divergence shows in the loss


def test_numba_kernel_deterministic_with_one_thread():
    counts, ids, W_in, W_out = problem(2)
    k = NumbaKernel(counts, counts.sum(), window=3, negative=4, sample=1e-2, threads=1)
    out = []
    for _ in range(2):
        A_in, A_out = W_in.copy(), W_out.copy()
        out.append((k.train_chunk(A_in, A_out, ids, 0.05, 0.01, 7), A_in, A_out))
    assert out[0][0] == out[1][0]
    assert np.array_equal(out[0][1], out[1][1]) and np.array_equal(out[0][2], out[1][2])
    assert len(set(segment_seeds(7, 4))) == 4


def test_numpy_kernel_step_equals_batched_loss():
    """One minibatch of the numpy kernel is W - lr * grad of ns_loss_batch (seed direction)."""
    counts, ids, W_in, W_out = problem(3)
    k = NumpyKernel(counts, counts.sum(), window=2, negative=3, sample=0.0, batch_pairs=10**6)
    A_in, A_out = W_in.copy(), W_out.copy()
    loss, n = k.train_chunk(A_in, A_out, ids, 0.05, 0.05, 11)
    # Replay the kernel's draws from the same Generator.
    rng = np.random.default_rng(11)
    kept = sampler.subsample(ids, k.keep, rng)
    centers, contexts = sampler.window_pairs(kept, 2, rng)
    negs = sampler.draw_negatives(rng, k.cdf, (len(centers), 3))
    ref_loss, g_in, g_out = losses.ns_loss_batch(
        W_in.astype(np.float64), W_out.astype(np.float64), centers, contexts, negs)
    assert n == len(centers) and loss == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(A_in, W_in - 0.05 * g_in, atol=1e-5)
    np.testing.assert_allclose(A_out, W_out - 0.05 * g_out, atol=1e-5)


def test_numpy_softmax_kernel_step():
    counts, ids, W_in, W_out = problem(4)
    k = NumpyKernel(counts, counts.sum(), window=2, sample=0.0, loss="softmax",
                    batch_pairs=10**6)
    A_in, A_out = W_in.copy(), W_out.copy()
    loss, n = k.train_chunk(A_in, A_out, ids, 0.05, 0.05, 5)
    rng = np.random.default_rng(5)
    kept = sampler.subsample(ids, k.keep, rng)
    centers, contexts = sampler.window_pairs(kept, 2, rng)
    ref_loss, g_in, g_out = losses.softmax_loss_batch(
        W_in.astype(np.float64), W_out.astype(np.float64), centers, contexts)
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(A_in, W_in - 0.05 * g_in, atol=1e-5)
    np.testing.assert_allclose(A_out, W_out - 0.05 * g_out, atol=1e-5)
