"""The hierarchical-softmax and CBOW kernels against independent references: a naive Python loop
of exactly what each kernel does (its own window walk, negatives and rule, written out pair by
pair) for the numpy references, the numpy references for the compiled kernels, and the
objectives' gradients (``hs.skipgram_hs``, ``cbow.*``) for single windows."""

import math

import numpy as np
import pytest
from test_kernels import SplitMix64, alias_draw, naive_windows, problem

from w2v.kernels.base import Settings, Tables, alias_table, keep_probs, output_rows
from w2v.kernels.registry import make_kernel
from w2v.objectives import cbow, hs
from w2v.training.local import LocalTrainer, segment_seeds

CBOW_VARIANTS = [(mean, rule) for mean in (True, False) for rule in ("word2vec.c", "gradient")]


def sigma(x):
    return 1.0 / (1.0 + math.exp(-x))


def log_sigma(x):
    """log σ(x) without cancellation on either side."""
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def targets_of(loss, center, negs, tree):
    """[(row, label)]: label 1 = "this branch / the center", 0 = "the other branch / noise".
    NS: the center with label 1, each negative with 0. HS: the center's path, label 1 - d_l."""
    if loss == "ns":
        return [(center, 1.0)] + [(k, 0.0) for k in negs]
    nodes, bits = tree.path(center)
    return [(int(n), 1.0 - float(b)) for n, b in zip(nodes, bits)]


def coefficient(label, x, skip):
    """word2vec.c's (1 - code - f), minus dJ/dx; 0 for a node it skips (|x| >= 6) if ``skip``."""
    return 0.0 if skip and abs(x) >= 6.0 else label - sigma(x)


def naive_sg_hs(W_in, U, ids, keep, tree, window, lr0, lr1, seed, skip=False):
    """Skip-gram with HS, one window at a time: every context row predicts the center's path;
    all scores from the rows as the window found them; then the nodes, then the inputs."""
    loss, pairs = 0.0, 0
    for c, contexts, _, lr in naive_windows(ids, keep, None, window, 0, lr0, lr1, seed):
        path = targets_of("hs", c, None, tree)
        d_in = [np.zeros(W_in.shape[1]) for _ in contexts]
        d_out = [np.zeros(W_in.shape[1]) for _ in path]
        for j, o in enumerate(contexts):
            v = W_in[o].astype(np.float64)
            for k, (n, label) in enumerate(path):
                u = U[n].astype(np.float64)
                x = float(v @ u)
                loss -= log_sigma(x if label == 1.0 else -x)
                g = coefficient(label, x, skip)
                d_in[j] += g * u
                d_out[k] += g * v
        for k, (n, _) in enumerate(path):
            U[n] += (lr * d_out[k]).astype(np.float32)
        for j, o in enumerate(contexts):
            W_in[o] += (lr * d_in[j]).astype(np.float32)
        pairs += len(contexts)
    return loss, pairs


def naive_one_input(W_out, h, targets, lr, skip=False):
    """One input row h (float64) against [(row, label)]: every score from the rows as they are,
    then each target row moves by lr · coef · h (a row listed twice, twice). Returns (the loss,
    neu1e = minus dJ/dh)."""
    loss, neu1e, steps = 0.0, np.zeros(len(h)), []
    for row, label in targets:
        u = W_out[row].astype(np.float64)
        x = float(u @ h)
        loss -= log_sigma(x if label == 1.0 else -x)
        g = coefficient(label, x, skip)
        neu1e += g * u
        steps.append((row, g * h))
    for row, step in steps:  # after every score: one snapshot
        W_out[row] += (lr * step).astype(np.float32)
    return loss, neu1e


def naive_cbow(W_in, W_out, ids, keep, noise, tree, loss_kind, window, negative, mean, rule,
               lr0, lr1, seed, skip=False):
    """CBOW, one window at a time: h = the mean (or sum) of the context rows predicts the
    center (NS) or its path (HS); the targets move by lr · coef · h, and each context position
    by lr · factor · neu1e, factor = 1 (word2vec.c, mean), 1/m (word2vec.c, sum; gradient,
    mean) or 1 (gradient, sum)."""
    loss, n_windows = 0.0, 0
    for c, contexts, negs, lr in naive_windows(ids, keep, noise, window, negative, lr0, lr1,
                                               seed):
        m = len(contexts)
        h = np.zeros(W_in.shape[1])
        for o in contexts:
            h += W_in[o].astype(np.float64)
        if mean:
            h /= m
        window_loss, neu1e = naive_one_input(W_out, h, targets_of(loss_kind, c, negs, tree), lr,
                                             skip)
        loss += window_loss
        word2vec_c = {True: 1.0, False: 1.0 / m}  # per position, with the mean / the sum
        true_gradient = {True: 1.0 / m, False: 1.0}
        factor = (word2vec_c if rule == "word2vec.c" else true_gradient)[mean]
        for o in contexts:  # a word at two positions is moved twice
            W_in[o] += (lr * factor * neu1e).astype(np.float32)
        n_windows += 1
    return loss, n_windows


def _setup(seed, V=20, d=8, n=300, sample=1e-2, loss="ns"):
    counts, ids, W_in, W_out = problem(seed, V, d, n)
    return counts, ids, W_in, W_out[: output_rows(loss, V)].copy(), sample


def _run(backend, arch, loss, counts, sample, W_in, W_out, ids, seed, window=3, negative=4,
         mean=True, rule="word2vec.c", lrs=(0.05, 0.01), skip=False):
    kernel = make_kernel(arch, loss, backend, Tables(counts, counts.sum(), sample),
                         Settings(window=window, negative=negative, cbow_mean=mean,
                                  cbow_rule=rule, hs_skip=skip and loss == "hs",
                                  ns_skip=skip and loss == "ns"))
    assert kernel.output_rows == len(W_out)
    A_in, A_out = W_in.copy(), W_out.copy()
    return kernel.train_segment(A_in, A_out, ids, *lrs, seed), A_in, A_out


def _naive(arch, loss, counts, sample, W_in, W_out, ids, seed, window=3, negative=4, mean=True,
           rule="word2vec.c", skip=False):
    keep = keep_probs(counts, counts.sum(), sample)
    tree = hs.huffman_tree(counts)
    B_in, B_out = W_in.copy(), W_out.copy()
    if arch == "sg":
        out = naive_sg_hs(B_in, B_out, ids, keep, tree, window, 0.05, 0.01, seed, skip)
    else:
        out = naive_cbow(B_in, B_out, ids, keep, alias_table(counts), tree, loss, window,
                         negative if loss == "ns" else 0, mean, rule, 0.05, 0.01, seed, skip)
    return out, B_in, B_out


CASES = [("sg", "hs", True, "word2vec.c")] + [
    (arch_loss[0], arch_loss[1], mean, rule) for arch_loss in (("cbow", "ns"), ("cbow", "hs"))
    for mean, rule in CBOW_VARIANTS]


@pytest.mark.parametrize("arch, loss, mean, rule", CASES)
@pytest.mark.parametrize("sample", [0.0, 1e-2])
def test_numpy_reference_equals_naive_loop(arch, loss, mean, rule, sample):
    counts, ids, W_in, W_out, _ = _setup(5, loss=loss)
    (got, n), A_in, A_out = _run("numpy", arch, loss, counts, sample, W_in, W_out, ids, 777,
                                 mean=mean, rule=rule)
    (ref, ref_n), B_in, B_out = _naive(arch, loss, counts, sample, W_in, W_out, ids, 777,
                                       mean=mean, rule=rule)
    # float32 rows: a different summation order flips last bits, which move the loss ~1e-9
    assert n == ref_n > 0 and got == pytest.approx(ref, rel=1e-7)
    np.testing.assert_allclose(A_in, B_in, atol=1e-6)
    np.testing.assert_allclose(A_out, B_out, atol=1e-6)
    assert not np.array_equal(A_in, W_in) and not np.array_equal(A_out, W_out)  # it trained


@pytest.mark.parametrize("arch, loss, mean, rule", CASES)
@pytest.mark.parametrize("seed, V, d, n, sample", [(1, 20, 8, 300, 0.0), (2, 20, 8, 300, 1e-2),
                                                   (3, 200, 50, 3000, 1e-3)])
def test_numba_equals_numpy_reference(arch, loss, mean, rule, seed, V, d, n, sample):
    if (mean, rule, n) == (False, "gradient", 3000):
        # There h, the sum of up to 10 rows, takes full steps per position and drives scores
        # past ±8, where the kernel's σ table saturates (within 3.4e-4 of σ, documented in
        # base.sigmoid_table) and the exact reference does not: 1.2e-5 apart after 3000 words.
        n = 2000
    counts, ids, W_in, W_out, _ = _setup(seed, V, d, n, loss=loss)
    kw = dict(window=5, negative=5, mean=mean, rule=rule)
    (got, n_got), A_in, A_out = _run("numba", arch, loss, counts, sample, W_in, W_out, ids, seed,
                                     **kw)
    (ref, n_ref), B_in, B_out = _run("numpy", arch, loss, counts, sample, W_in, W_out, ids, seed,
                                     **kw)
    assert n_got == n_ref > 0 and got == pytest.approx(ref, rel=1e-5)
    np.testing.assert_allclose(A_in, B_in, atol=1e-5)
    np.testing.assert_allclose(A_out, B_out, atol=1e-5)


# (arch, mean, loss): hs_skip (word2vec.c's and gensim's HS) and ns_skip (gensim's NS); the
# naive loops exist for sg + hs and for CBOW
SKIP_CASES = [("sg", True, "hs"), ("cbow", True, "hs"), ("cbow", False, "hs"), ("cbow", True, "ns")]


def _saturated(seed, loss, d=8, n=1000):
    """A problem whose scores often pass ±6: rows 4 times the usual scale (|x| >= 6 for about a
    tenth of the terms at d = 8)."""
    counts, ids, W_in, W_out, _ = _setup(seed, d=d, n=n, loss=loss)
    return counts, ids, 4 * W_in, 4 * W_out


@pytest.mark.parametrize("arch, mean, loss", SKIP_CASES)
def test_skip_numpy_reference_equals_naive_loop(arch, mean, loss):
    """With hs_skip (ns_skip) a term of |x| >= 6 gets no step and its loss counts; the run
    differs from the one without (so terms were skipped)."""
    counts, ids, W_in, W_out = _saturated(6, loss)
    kw = dict(mean=mean, skip=True)
    (got, n), A_in, A_out = _run("numpy", arch, loss, counts, 0.0, W_in, W_out, ids, 5, **kw)
    (ref, ref_n), B_in, B_out = _naive(arch, loss, counts, 0.0, W_in, W_out, ids, 5, **kw)
    assert n == ref_n > 0 and got == pytest.approx(ref, rel=1e-7)
    np.testing.assert_allclose(A_in, B_in, atol=1e-6)
    np.testing.assert_allclose(A_out, B_out, atol=1e-6)
    _, C_in, C_out = _naive(arch, loss, counts, 0.0, W_in, W_out, ids, 5, mean=mean)
    assert np.abs(C_in - B_in).max() > 1e-3 and np.abs(C_out - B_out).max() > 1e-3


@pytest.mark.parametrize("arch, mean, loss", [*SKIP_CASES, ("sg", True, "ns")])
@pytest.mark.parametrize("d", [8, 50])
def test_skip_numba_equals_numpy_reference(arch, mean, loss, d):
    counts, ids, W_in, W_out = _saturated(7, loss, d=d)
    if d == 50:
        W_in, W_out = W_in / 1.5, W_out / 1.5  # a similar spread of scores at d = 50
    kw = dict(window=5, mean=mean, skip=True)
    (got, n_got), A_in, A_out = _run("numba", arch, loss, counts, 0.0, W_in, W_out, ids, 3,
                                     **kw)
    (ref, n_ref), B_in, B_out = _run("numpy", arch, loss, counts, 0.0, W_in, W_out, ids, 3,
                                     **kw)
    assert n_got == n_ref > 0 and got == pytest.approx(ref, rel=1e-5)
    np.testing.assert_allclose(A_in, B_in, atol=1e-5)
    np.testing.assert_allclose(A_out, B_out, atol=1e-5)
    _, C_in, C_out = _run("numba", arch, loss, counts, 0.0, W_in, W_out, ids, 3, window=5,
                          mean=mean)
    assert np.abs(C_in - A_in).max() > 1e-3 and np.abs(C_out - A_out).max() > 1e-3  # skipped


def _negatives(noise, seed, K, windows):
    """The negatives of each window: K per window from the stream seeded by the first draw."""
    neg_rng = SplitMix64(SplitMix64(seed).next())
    return [[alias_draw(noise, neg_rng.next()) for _ in range(K)] for _ in range(windows)]


# [5, 7, 5, 9] with window 1: radius 1 everywhere, so the windows are fixed: (5: 7), (7: 5, 5),
# (5: 7, 9), (9: 5); the second has m = 2 positions holding one word.
SENTENCE = [5, 7, 5, 9]
WINDOWS = [(5, [7]), (7, [5, 5]), (5, [7, 9]), (9, [5])]


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_sg_hs_window_is_minus_lr_times_the_gradient(backend):
    """Each window's update is -lr times the gradient of ``hs.skipgram_hs`` (eqs 111-113) at the
    rows the previous window left."""
    counts, _, W_in, W_out, _ = _setup(1, loss="hs")
    tree = hs.huffman_tree(counts)
    ids = np.array(SENTENCE, dtype=np.int32)
    (_, pairs), A_in, A_out = _run(backend, "sg", "hs", counts, 0.0, W_in, W_out, ids, 99,
                                   window=1, lrs=(0.05, 0.05))
    B_in, B_out = W_in.astype(np.float64), W_out.astype(np.float64)
    for center, contexts in WINDOWS:
        _, g_in, g_U = hs.skipgram_hs(center, contexts, B_in, B_out, tree)
        B_in -= 0.05 * g_in
        B_out -= 0.05 * g_U
    assert pairs == 6
    np.testing.assert_allclose(A_in, B_in, atol=1e-6)
    np.testing.assert_allclose(A_out, B_out, atol=1e-6)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("loss", ["ns", "hs"])
@pytest.mark.parametrize("mean, rule", CBOW_VARIANTS)
def test_cbow_window_is_minus_lr_times_its_direction(backend, loss, mean, rule):
    """Each window moves the output rows by -lr dJ/dW_out and the input rows by -lr D_in: the
    true gradient (``cbow_*_loss_and_gradient``, eq 118) or word2vec.c's direction
    (``word2vec_c_cbow_*_direction``, eq 120), which is m times it with the mean (eq 121)."""
    counts, _, W_in, W_out, _ = _setup(2, loss=loss)
    tree = hs.huffman_tree(counts)
    ids = np.array(SENTENCE, dtype=np.int32)
    K = 3
    (_, n), A_in, A_out = _run(backend, "cbow", loss, counts, 0.0, W_in, W_out, ids, 99,
                               window=1, negative=K, mean=mean, rule=rule, lrs=(0.05, 0.05))
    negs = _negatives(alias_table(counts), 99, K, len(WINDOWS))
    B_in, B_out = W_in.astype(np.float64), W_out.astype(np.float64)
    for (center, contexts), neg in zip(WINDOWS, negs):
        if loss == "ns":
            args = (B_in, B_out, contexts, center, np.array(neg))
            true = cbow.cbow_ns_loss_and_gradient(*args, mean)
            w2c = cbow.word2vec_c_cbow_ns_direction(*args, mean)
        else:
            args = (B_in, B_out, contexts, center, tree)
            true = cbow.cbow_hs_loss_and_gradient(*args, mean)
            w2c = cbow.word2vec_c_cbow_hs_direction(*args, mean)
        np.testing.assert_allclose(w2c[2], true[2])  # the output side is the same
        factor = len(contexts) if mean else 1 / len(contexts)
        np.testing.assert_allclose(w2c[1], factor * true[1], atol=1e-12)  # eq 121
        _, D_in, D_out = true if rule == "gradient" else w2c
        B_in -= 0.05 * D_in
        B_out -= 0.05 * D_out
    assert n == len(WINDOWS)
    np.testing.assert_allclose(A_in, B_in, atol=1e-6)
    np.testing.assert_allclose(A_out, B_out, atol=1e-6)


def test_tables_build_word2vec_cs_tree_once_and_the_same_on_a_rebuild():
    counts = np.sort(np.random.default_rng(3).zipf(1.4, 300))[::-1]
    tables = Tables(counts, int(counts.sum()), 1e-3)
    tree, again = tables.huffman, Tables(counts, int(counts.sum()), 1e-3).huffman
    assert tables.huffman is tree  # built once, shared by every kernel of the run
    ref = hs.huffman_tree(counts)
    for name in ("codes", "points", "lengths"):
        assert np.array_equal(getattr(tree, name), getattr(ref, name))
        assert np.array_equal(getattr(tree, name), getattr(again, name))
    assert tree.points.max() == len(counts) - 2 == output_rows("hs", len(counts)) - 1


@pytest.mark.parametrize("arch, loss", [("sg", "hs"), ("cbow", "ns"), ("cbow", "hs")])
def test_hogwild_threads_train_the_same_windows(arch, loss):
    """Two threads cut a chunk into seeded segments (each cut moved to the next sentence
    break); the count of pairs (windows for CBOW) equals that of the same segments run one
    after another."""
    counts, ids, W_in, W_out, _ = _setup(5, V=50, n=70_000, loss=loss)
    kernel = make_kernel(arch, loss, "numba", Tables(counts, counts.sum(), 1e-2),
                         Settings(window=3, negative=4))
    with LocalTrainer(kernel, threads=2) as trainer:
        loss_sum, pairs = trainer.train_chunk(W_in.copy(), W_out.copy(), ids, 0.05, 0.01, 3)
        parts = 2 * LocalTrainer.segments_per_thread
        equal = np.linspace(0, len(ids), parts + 1).astype(int)
        bounds = [next((i + 1 for i in range(b - 1, len(ids)) if ids[i] == -1), len(ids))
                  if b > 0 else 0 for b in equal]  # the first position after a break, naively
        lrs = np.linspace(0.05, 0.01, parts + 1)
        seq = [kernel.train_segment(W_in.copy(), W_out.copy(), ids[a:b], l0, l1, s)
               for a, b, l0, l1, s in zip(bounds, bounds[1:], lrs, lrs[1:],
                                          segment_seeds(3, parts))]
    assert pairs == sum(p for _, p in seq) > 0 and np.isfinite(loss_sum)
