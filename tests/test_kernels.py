"""The kernels against independent references: a naive Python loop with its own SplitMix64 and
alias draw (the specification) for the numpy reference, the numpy reference for the compiled
kernel, and the seed's batched equations for every window update."""

import numpy as np
import pytest

from w2v.errors import ConfigError
from w2v.kernels.base import Settings, Tables, alias_probs, alias_table, keep_probs, sigmoid_table
from w2v.kernels.numba import ns as ns_side
from w2v.kernels.numba import ops, rows
from w2v.kernels.numba.compose import compose
from w2v.kernels.reference import walk as ref
from w2v.kernels.registry import KERNELS, check_supported, make_kernel
from w2v.objectives import common, ns, softmax, windows
from w2v.training.local import LocalTrainer, segment_seeds

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


def naive_windows(ids, keep, noise, window, negative, lr0, lr1, seed):
    """The kernels' walk, one window at a time: (center, contexts, negatives, lr) in order."""
    rng = SplitMix64(seed)
    neg_rng = SplitMix64(rng.next())  # the negatives' stream
    kept = [w for w in ids if w < 0 or keep[w] >= 1.0 or rng.uniform() < keep[w]]
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
        negs = [alias_draw(noise, neg_rng.next()) for _ in range(negative)]
        yield c, contexts, negs, lr0 + (lr1 - lr0) * t / len(kept)


def naive_hogbatch(W_in, W_out, ids, keep, noise, window, negative, lr0, lr1, seed):
    """The kernel's documented semantics, one window at a time, in float64 numpy with the exact
    sigmoid."""
    loss, pairs = 0.0, 0
    for c, contexts, negs, lr in naive_windows(ids, keep, noise, window, negative, lr0, lr1,
                                               seed):
        targets = [c] + negs
        # The window's loss: the seed's NS loss of every (context -> center) pair, shared negatives
        V = W_in[contexts].astype(np.float64)
        U = W_out[targets].astype(np.float64)
        scores = V @ U.T
        labels = np.array([1.0] + [0.0] * negative)
        loss += float(np.sum(-common.log_sigmoid(np.where(labels == 1, scores, -scores))))
        g = labels - common.sigmoid(scores)  # minus dL/dscore
        grad_in, grad_out = g @ U, g.T @ V
        np.add.at(W_out, targets, (lr * grad_out).astype(np.float32))
        np.add.at(W_in, contexts, (lr * grad_in).astype(np.float32))
        pairs += len(contexts)
    return loss, pairs


def seed_equations_loop(W_in, W_out, ids, keep, noise, window, negative, lr0, lr1, seed, loss):
    """The same windows, each step -lr times the gradient of the seed's batched equations
    (``ns_loss_batch`` / ``softmax_loss_batch`` of the window's renamed pairs), in float64."""
    W_in, W_out = W_in.astype(np.float64), W_out.astype(np.float64)
    total, pairs = 0.0, 0
    for c, contexts, negs, lr in naive_windows(ids, keep, noise, window, negative, lr0, lr1,
                                               seed):
        inputs, outputs, tiled = windows.kernel_pairs(c, contexts, negs)
        if loss == "ns":
            J, g_in, g_out = ns.ns_loss_batch(W_in, W_out, inputs, outputs, tiled)
        else:
            J, g_in, g_out = softmax.softmax_loss_batch(W_in, W_out, inputs, outputs)
        W_in -= lr * g_in
        W_out -= lr * g_out
        total, pairs = total + J, pairs + len(contexts)
    return total, pairs, W_in, W_out


def problem(seed=0, V=20, d=8, n=300):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.integers(1, 200, V))[::-1]
    ids = rng.integers(0, V, n).astype(np.int32)
    ids[rng.integers(0, n, n // 12)] = -1  # sentence breaks
    W_in = rng.uniform(-0.5, 0.5, (V, d)).astype(np.float32)
    W_out = rng.uniform(-0.5, 0.5, (V, d)).astype(np.float32)
    return counts, ids, W_in, W_out


@pytest.mark.parametrize("sample", [0.0, 1e-2])
def test_numba_equals_naive_loop(sample):
    counts, ids, W_in, W_out = problem()
    keep = keep_probs(counts, counts.sum(), sample)
    noise = alias_table(counts)
    A_in, A_out = W_in.copy(), W_out.copy()
    loss, pairs = compose(rows, ns_side)(
        A_in, A_out, ids, keep, (noise, 4, np.inf), sigmoid_table(), 3,
        (np.ones(len(W_in), np.float32),),
        0.05, 0.01, 12345)
    B_in, B_out = W_in.copy(), W_out.copy()
    ref_loss, ref_pairs = naive_hogbatch(B_in, B_out, ids, keep, noise, 3, 4, 0.05, 0.01, 12345)
    assert pairs == ref_pairs > 0
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(A_in, B_in, atol=1e-5)
    np.testing.assert_allclose(A_out, B_out, atol=1e-5)
    assert not np.array_equal(A_in, W_in)  # it trained


def _segment(backend, loss, counts, sample, window, negative, W_in, W_out, ids, seed):
    kernel = make_kernel("sg", loss, backend, Tables(counts, counts.sum(), sample),
                         Settings(window=window, negative=negative))
    A_in, A_out = W_in.copy(), W_out.copy()
    return kernel.train_segment(A_in, A_out, ids, 0.05, 0.01, seed), A_in, A_out


@pytest.mark.parametrize("sample", [0.0, 1e-2])
def test_numpy_reference_equals_naive_loop(sample):
    counts, ids, W_in, W_out = problem(5)
    (loss, pairs), A_in, A_out = _segment("numpy", "ns", counts, sample, 3, 4, W_in, W_out, ids,
                                          777)
    B_in, B_out = W_in.copy(), W_out.copy()
    keep = keep_probs(counts, counts.sum(), sample)
    ref = naive_hogbatch(B_in, B_out, ids, keep, alias_table(counts), 3, 4, 0.05, 0.01, 777)
    assert pairs == ref[1] > 0 and loss == pytest.approx(ref[0], rel=1e-9)
    np.testing.assert_allclose(A_in, B_in, atol=1e-6)
    np.testing.assert_allclose(A_out, B_out, atol=1e-6)
    assert not np.array_equal(A_out, W_out)


@pytest.mark.parametrize("seed, V, d, n, sample", [(1, 20, 8, 300, 0.0), (2, 20, 8, 300, 1e-2),
                                                   (3, 200, 50, 5000, 1e-3)])
def test_numba_equals_numpy_reference(seed, V, d, n, sample):
    counts, ids, W_in, W_out = problem(seed, V, d, n)
    (loss, pairs), A_in, A_out = _segment("numba", "ns", counts, sample, 5, 5, W_in, W_out, ids,
                                          seed)
    (ref_loss, ref_pairs), B_in, B_out = _segment("numpy", "ns", counts, sample, 5, 5, W_in,
                                                  W_out, ids, seed)
    assert pairs == ref_pairs > 0 and loss == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(A_in, B_in, atol=1e-5)
    np.testing.assert_allclose(A_out, B_out, atol=1e-5)


def test_numpy_walk_and_draws_equal_the_naive_walk():
    """Exactly the same windows and negatives, from the vectorised streams."""
    counts, ids, _, _ = problem(6, n=2000)
    keep, noise = keep_probs(counts, counts.sum(), 1e-2), alias_table(counts)
    walk = ref.walk(ids, keep, 4, 99)
    negs = ref.alias_draws(noise, ref.splitmix64(walk.neg_seed, 0,
                                                             3 * len(walk.centers)))
    got = [(int(c), walk.contexts[a:b].tolist(), negs[3 * i : 3 * i + 3].tolist())
           for i, (c, a, b) in enumerate(zip(walk.centers, walk.offsets, walk.offsets[1:]))]
    want = [(c, ctx, ng) for c, ctx, ng, _ in naive_windows(ids, keep, noise, 4, 3, 0, 0, 99)]
    assert got == want and len(want) > 100
    rng = SplitMix64(2**64 - 5)  # wraps around 2^64 within the first draws
    assert ref.splitmix64(2**64 - 5, 0, 4).tolist() == [rng.next() for _ in range(4)]


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_one_window_is_minus_lr_times_the_gradient(backend):
    """The sentence [5, 7] with window 1 makes two windows of one pair each (7 predicts 5, then
    5 predicts 7). Each update must be -lr times the seed's gradient (ns_loss_batch, input =
    context, output = center) at the rows left by the previous window."""
    counts, _, W_in, W_out = problem(1)
    noise = alias_table(counts)
    ids = np.array([5, 7], dtype=np.int32)  # two words: two windows, each with one context
    neg_rng = SplitMix64(SplitMix64(99).next())  # the negatives' stream
    negs1 = [alias_draw(noise, neg_rng.next()) for _ in range(3)]
    kernel = make_kernel("sg", "ns", backend, Tables(counts, counts.sum(), 0.0),
                         Settings(window=1, negative=3))
    A_in, A_out = W_in.copy(), W_out.copy()
    kernel.train_segment(A_in, A_out, ids, 0.1, 0.1, 99)
    B_in, B_out = W_in.astype(np.float64), W_out.astype(np.float64)
    _, g_in, g_out = ns.ns_loss_batch(B_in, B_out, [7], [5], [negs1])
    B_in -= 0.1 * g_in
    B_out -= 0.1 * g_out
    negs2 = [alias_draw(noise, neg_rng.next()) for _ in range(3)]
    _, g_in, g_out = ns.ns_loss_batch(B_in, B_out, [5], [7], [negs2])
    B_in -= 0.1 * g_in
    B_out -= 0.1 * g_out
    np.testing.assert_allclose(A_in, B_in, atol=1e-6)
    np.testing.assert_allclose(A_out, B_out, atol=1e-6)


@pytest.mark.parametrize("loss", ["ns", "softmax"])
def test_numpy_kernels_follow_the_seed_batched_equations(loss):
    """Every window of a numpy kernel is W - lr * grad of the seed's batched form of its
    pairs (each context predicting the center), from the rows the previous window left."""
    counts, ids, W_in, W_out = problem(3)
    (got, n), A_in, A_out = _segment("numpy", loss, counts, 1e-2, 2, 3, W_in, W_out, ids, 11)
    keep = keep_probs(counts, counts.sum(), 1e-2)
    ref_loss, ref_n, B_in, B_out = seed_equations_loop(
        W_in, W_out, ids, keep, alias_table(counts), 2, 3, 0.05, 0.01, 11, loss)
    assert n == ref_n > 0 and got == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(A_in, B_in, atol=1e-5)
    np.testing.assert_allclose(A_out, B_out, atol=1e-5)


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
    got = np.array([ops.log_sigmoid(table, x) for x in xs], dtype=np.float64)
    x = xs.astype(np.float64)
    inside = np.abs(x) < 8
    np.testing.assert_allclose(got[inside, 0], common.sigmoid(x[inside]), atol=1e-6)
    # Interpolation error h^2/8 max|(log σ)''| = 1.9e-6, plus float32 rounding of values near -8.
    np.testing.assert_allclose(got[inside, 1], common.log_sigmoid(x[inside]), atol=3e-6)
    # Saturated outside: off by at most sigma(-8) = 3.4e-4.
    np.testing.assert_allclose(got[~inside, 0], common.sigmoid(x[~inside]), atol=3.4e-4)
    np.testing.assert_allclose(got[~inside, 1], common.log_sigmoid(x[~inside]), atol=3.4e-4)
    assert np.isnan(ops.log_sigmoid(table, np.float32(np.nan))[1])  # divergence shows


def _trainer(counts, threads, backend="numba"):
    kernel = make_kernel("sg", "ns", backend, Tables(counts, counts.sum(), 1e-2),
                         Settings(window=3, negative=4))
    return LocalTrainer(kernel, threads=threads)


def test_numba_kernel_deterministic_with_one_thread():
    counts, ids, W_in, W_out = problem(2)
    k = _trainer(counts, 1)
    out = []
    for _ in range(2):
        A_in, A_out = W_in.copy(), W_out.copy()
        out.append((k.train_chunk(A_in, A_out, ids, 0.05, 0.01, 7), A_in, A_out))
    assert out[0][0] == out[1][0]
    assert np.array_equal(out[0][1], out[1][1]) and np.array_equal(out[0][2], out[1][2])
    assert len(set(segment_seeds(7, 4))) == 4


def test_one_thread_is_one_segment_with_the_first_segment_seed():
    counts, ids, W_in, W_out = problem(4)
    trainer = _trainer(counts, 1)
    A_in, A_out = W_in.copy(), W_out.copy()
    got = trainer.train_chunk(A_in, A_out, ids, 0.05, 0.01, 21)
    B_in, B_out = W_in.copy(), W_out.copy()
    want = trainer.kernel.train_segment(B_in, B_out, ids, 0.05, 0.01, segment_seeds(21, 1)[0])
    assert got == want and np.array_equal(A_in, B_in) and np.array_equal(A_out, B_out)
    assert trainer.chunk_words == LocalTrainer.words_per_thread


def test_threads_split_a_chunk_into_seeded_segments_with_the_lr_ramp():
    """Two threads: 16 segments, each with its own seed and its share of [lr_start, lr_end],
    cut at the first sentence break after each of 16 equal parts (no window is cut in two).
    Hogwild makes the weights order-dependent, but which pairs are trained is not: the pair
    count equals that of the same segments run one after another."""
    counts, ids, W_in, W_out = problem(5, V=50, n=70_000)
    with _trainer(counts, 2) as trainer:
        assert trainer.chunk_words == 2 * LocalTrainer.words_per_thread
        _, pairs = trainer.train_chunk(W_in.copy(), W_out.copy(), ids, 0.05, 0.01, 3)
        parts = 2 * LocalTrainer.segments_per_thread
        equal = np.linspace(0, len(ids), parts + 1).astype(int)
        bounds = [next((i + 1 for i in range(b - 1, len(ids)) if ids[i] == -1), len(ids))
                  if b > 0 else 0 for b in equal]  # the first position after a break, naively
        assert all(b == len(ids) or ids[b - 1] == -1 for b in bounds[1:])
        lrs = np.linspace(0.05, 0.01, parts + 1)
        seq = [trainer.kernel.train_segment(W_in.copy(), W_out.copy(), ids[a:b], l0, l1, s)
               for a, b, l0, l1, s in zip(bounds, bounds[1:], lrs, lrs[1:],
                                          segment_seeds(3, parts))]
        assert pairs == sum(p for _, p in seq) > 0
    assert trainer._pool is None  # shut down on leaving the block


def test_a_python_kernel_runs_on_one_thread_in_small_chunks():
    counts, ids, W_in, W_out = problem(6)
    trainer = _trainer(counts, 4, backend="numpy")
    assert trainer.threads == 1 and trainer._pool is None
    assert trainer.chunk_words == LocalTrainer.reference_chunk_words
    A_in, A_out = W_in.copy(), W_out.copy()
    got = trainer.train_chunk(A_in, A_out, ids, 0.05, 0.01, 8)
    B_in, B_out = W_in.copy(), W_out.copy()
    assert got == trainer.kernel.train_segment(B_in, B_out, ids, 0.05, 0.01,
                                               segment_seeds(8, 1)[0])
    assert np.array_equal(A_in, B_in)


def test_registry_builds_every_kernel_and_refuses_the_rest():
    counts = np.array([5, 3, 2, 1])
    tables = Tables(counts, 11, 1e-3)
    assert {(a, loss) for a, loss, _ in KERNELS} == {("sg", "ns"), ("sg", "hs"), ("cbow", "ns"),
                                                     ("cbow", "hs"), ("sg", "softmax")}
    for key, cls in KERNELS.items():
        kernel = make_kernel(*key, tables, Settings())
        assert type(kernel) is cls and kernel.output_rows == (3 if key[1] == "hs" else 4)
        assert kernel.nogil == (key[2] == "numba")
    for key in [("sg", "softmax", "numba"), ("cbow", "softmax", "numpy"), ("cbow", "ns", "jax")]:
        with pytest.raises(ConfigError, match="kernels exist for: skip-gram \\+ ns on numba or"):
            check_supported(*key)
        with pytest.raises(ConfigError, match=f"no {key[2]} kernel"):
            make_kernel(*key, tables, Settings())
    assert tables.noise is tables.noise  # built once, shared
