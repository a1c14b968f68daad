"""fastText's CBOW with subwords (the ``cbow_bag`` input side): a repeated n-gram row's step,
locked rows, and the registry's choice of the bag sides for a subword config. Its naive-loop,
numpy-reference and compiled-side tests run beside skip-gram's bag side in
test_kernel_compose.py."""

import numpy as np
import pytest
from test_kernel_compose import _bag_problem

from w2v.config import Config
from w2v.errors import ConfigError
from w2v.kernels.base import Settings, Tables
from w2v.kernels.numba import bag, cbow_bag, compose, hs, ns
from w2v.kernels.reference import inputs, targets
from w2v.kernels.reference.compose import kernel as numpy_kernel
from w2v.kernels.registry import check_supported, inputs_of, make_kernel


def test_a_repeated_row_gets_the_step_once_per_occurrence():
    """Two context words sharing an n-gram row: that row moves twice as far as a row of one
    bag alone (fastText adds the gradient once per entry of the concatenated list)."""
    W_in = np.zeros((5, 2), np.float32)
    W_out = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]], np.float32)
    bags = (np.array([0, 2, 4, 5]), np.array([0, 3, 1, 3, 4], np.int32))  # row 3 in bags 0, 1
    tables = Tables(np.array([1, 1, 1]), 3, 0.0, bags=bags)
    kernel = make_kernel("cbow", "ns", "numpy", tables, Settings(window=1, negative=1), "bags")
    kernel.train_segment(W_in, W_out, np.array([0, 2, 1], np.int32), 0.1, 0.1, 5)
    moved = np.abs(W_in).sum(axis=1)
    assert moved[3] > 0 and moved[3] == pytest.approx(2 * moved[0])


def test_the_registry_trains_bags_for_a_subword_config():
    tables = Tables(np.array([3, 2, 1]), 6, 0.0, bags=(np.arange(4), np.arange(3)))
    assert inputs_of(Config()) == "rows" and inputs_of(Config(subwords=True)) == "bags"
    assert inputs_of(Config(subwords=True, maxn=0)) == "rows"  # maxn 0 turns them off
    for arch, side in (("sg", bag), ("cbow", cbow_bag)):
        for loss in ("ns", "hs"):
            k = make_kernel(arch, loss, "numba", tables, Settings(), inputs_of(
                Config(subwords=True, arch=arch, loss=loss, negative=5 if loss == "ns" else 0)))
            assert k.inputs is side
    with pytest.raises(ConfigError, match="softmax loss with subwords"):
        check_supported("sg", "softmax", "numpy", "bags")


@pytest.mark.parametrize("target, numpy_target, loss", [(ns, targets.NS, "ns"),
                                                        (hs, targets.HS, "hs")])
def test_locked_rows_stay_and_numba_equals_numpy(target, numpy_target, loss):
    """Each row's lock factor (Tables.lock) scales its step in the CBOW bag side as in the
    others: a row locked at 0 never moves, and the compiled side equals the reference."""
    counts, ids, W_in, W_out, bags = _bag_problem(20)
    lock = np.ones(len(W_in), np.float32)
    lock[[0, 2, len(counts) + 1]] = 0.0  # two words' own rows and one n-gram row
    lock[3] = 0.5
    results = []
    for kernel_cls in (compose.kernel(cbow_bag, target), numpy_kernel(inputs.CbowBag,
                                                                      numpy_target)):
        tables = Tables(counts, counts.sum(), 1e-2, bags=bags, lock=lock)
        A_in, A_out = W_in.copy(), W_out[: 19 if loss == "hs" else 20].copy()
        kernel_cls(tables, Settings(window=3, negative=4)).train_segment(A_in, A_out, ids, 0.05,
                                                                         0.01, 31)
        results.append(A_in)
    for A_in in results:
        assert np.array_equal(A_in[lock == 0], W_in[lock == 0])
        assert not np.array_equal(A_in[3], W_in[3])
    np.testing.assert_allclose(results[0], results[1], atol=1e-5)
