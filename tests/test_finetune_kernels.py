"""The lock of ``W_in``'s rows (``Tables.lock``, gensim's ``vectors_lockf``) in every kernel:
a hand-derived case where a row's step must be its lock times the unlocked step, locked rows
bit-identical after training while the others move, the compiled kernels equal to the numpy
reference with a lock, and the bag input side too."""

import numpy as np
import pytest
from test_kernel_compose import _bag_problem
from test_kernels import problem

from w2v.kernels.base import Settings, Tables, check_bags
from w2v.kernels.numba import bag, ns
from w2v.kernels.numba.compose import kernel as numba_kernel
from w2v.kernels.reference import inputs, targets
from w2v.kernels.reference.compose import kernel as numpy_kernel
from w2v.kernels.registry import KERNELS

COMBOS = sorted(k for k in KERNELS if k[1] != "softmax")  # (arch, loss, backend)


def _train(key, counts, ids, W_in, W_out, lock=None, sample=0.0, window=3, lr=(0.05, 0.01)):
    tables = Tables(counts, counts.sum(), sample, lock=lock)
    kernel = KERNELS[key](tables, Settings(window=window, negative=4))
    A_in, A_out = W_in.copy(), W_out[: kernel.output_rows].copy()
    result = kernel.train_segment(A_in, A_out, ids, *lr, 99)
    return result, A_in, A_out


@pytest.mark.parametrize("key", COMBOS)
def test_a_rows_step_is_its_lock_times_the_unlocked_step(key):
    """Sentences of two distinct words with window 1: each word is the only context of one
    window, so its row of W_in is read and moved once, and the output rows never see a moved
    input row. By hand, then: W_out ends the same whatever the lock, and each input row moves
    by its lock factor times what it moves without one (0: not at all)."""
    rng = np.random.default_rng(1)
    V, d = 12, 6
    counts = np.arange(V, 0, -1) * 10
    ids = np.array([w for p in range(0, V, 2) for w in (p, p + 1, -1)], dtype=np.int32)
    W_in = rng.uniform(-0.5, 0.5, (V, d)).astype(np.float32)
    W_out = rng.uniform(-0.5, 0.5, (V, d)).astype(np.float32)
    lock = rng.uniform(0, 1, V).astype(np.float32)
    lock[[0, 3, 7]] = 0.0
    free = _train(key, counts, ids, W_in, W_out, window=1)
    locked = _train(key, counts, ids, W_in, W_out, lock, window=1)
    assert free[0] == locked[0]  # the loss: every score is taken before any input row moves
    assert np.array_equal(free[2], locked[2])
    step = free[1].astype(np.float64) - W_in
    assert np.all(np.abs(step).sum(axis=1) > 0)  # every row trains when free
    np.testing.assert_allclose(locked[1] - W_in.astype(np.float64), lock[:, None] * step,
                               atol=2e-7)  # float32 rounding of the rows, ~0.5 in size
    assert np.array_equal(locked[1][[0, 3, 7]], W_in[[0, 3, 7]])


@pytest.mark.parametrize("key", COMBOS)
def test_locked_rows_stay_bit_identical_while_the_others_train(key):
    counts, ids, W_in, W_out = problem(3)
    lock = np.ones(len(counts), np.float32)
    frozen = [0, 2, 5, 11]
    lock[frozen] = 0.0
    (loss, n), A_in, A_out = _train(key, counts, ids, W_in, W_out, lock, sample=1e-2)
    assert n > 0 and np.isfinite(loss)
    assert A_in[frozen].tobytes() == W_in[frozen].tobytes()
    others = np.setdiff1d(np.unique(ids[ids >= 0]), frozen)
    assert all(not np.array_equal(A_in[w], W_in[w]) for w in others)
    assert not np.array_equal(A_out[frozen], W_out[frozen])  # their output rows train


@pytest.mark.parametrize("arch, loss", sorted({k[:2] for k in COMBOS}))
def test_compiled_kernels_equal_the_reference_with_a_lock(arch, loss):
    counts, ids, W_in, W_out = problem(4)
    lock = np.random.default_rng(4).choice([0.0, 0.5, 1.0], len(counts)).astype(np.float32)
    (l1, n1), A_in, A_out = _train((arch, loss, "numba"), counts, ids, W_in, W_out, lock, 1e-2)
    (l2, n2), B_in, B_out = _train((arch, loss, "numpy"), counts, ids, W_in, W_out, lock, 1e-2)
    assert n1 == n2 > 0 and l1 == pytest.approx(l2, rel=1e-5)
    np.testing.assert_allclose(A_in, B_in, atol=1e-5)
    np.testing.assert_allclose(A_out, B_out, atol=1e-5)


def test_the_bag_side_locks_each_row_of_a_bag():
    counts, ids, W_in, W_out, bags = _bag_problem(7)
    lock = np.ones(len(W_in), np.float32)
    frozen = [1, len(counts), len(counts) + 3]  # a word's row and two subword rows
    lock[frozen] = 0.0
    moved = []
    for cls in (numba_kernel(bag, ns), numpy_kernel(inputs.Bag, targets.NS)):
        tables = Tables(counts, counts.sum(), 1e-2, bags=bags, lock=lock)
        A_in, A_out = W_in.copy(), W_out.copy()
        cls(tables, Settings(window=3, negative=4)).train_segment(A_in, A_out, ids, 0.05, 0.01,
                                                                   31)
        assert A_in[frozen].tobytes() == W_in[frozen].tobytes()
        moved.append(A_in)
    np.testing.assert_allclose(moved[0], moved[1], atol=1e-5)
    assert not np.array_equal(moved[0], W_in)


def test_a_lock_without_every_rows_factor_is_refused():
    with pytest.raises(ValueError, match="one factor per input row"):
        Tables(np.array([3, 2, 1]), 6, 0.0, lock=np.ones(2))
    bags = check_bags(([0, 1, 3, 4], [0, 1, 4, 2]), 3)  # row 4 is a subword's
    with pytest.raises(ValueError, match=r"\(5\)"):
        Tables(np.array([3, 2, 1]), 6, 0.0, bags=bags, lock=np.ones(3))
    assert Tables(np.array([3, 2, 1]), 6, 0.0, bags=bags).lock.tolist() == [1.0] * 5
