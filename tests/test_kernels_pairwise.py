"""Skip-gram one pair at a time (``Config.pairwise``, docs/derivations.md §7) against independent
references: a naive Python loop of word2vec.c's order (each (context, center) pair's scores from
the rows the pairs before it left) for the numpy reference, the numpy reference for the compiled
kernel; and the run differs from the window-at-once rule it replaces."""

import math

import numpy as np
import pytest
from click.testing import CliRunner
from test_kernels import naive_windows, problem
from test_kernels_cbow_hs import naive_one_input, targets_of

from w2v import demo
from w2v.cli import main as cli
from w2v.config import Config
from w2v.errors import ConfigError
from w2v.kernels.base import Settings, Tables, alias_table, keep_probs, output_rows
from w2v.kernels.registry import inputs_of, make_kernel
from w2v.objectives import hs


def naive_pairs(W_in, W_out, ids, keep, noise, tree, loss_kind, window, negative, lr0, lr1, seed):
    """Each window's contexts in order; for each, every target's score from the rows as they
    are, then the target rows move, then the context's row (word2vec.c's pair, with the window's
    negatives)."""
    loss, pairs = 0.0, 0
    for c, contexts, negs, lr in naive_windows(ids, keep, noise, window, negative, lr0, lr1,
                                               seed):
        for o in contexts:  # this pair's scores from the rows the pairs before it left
            pair_loss, neu1e = naive_one_input(W_out, W_in[o].astype(np.float64),
                                               targets_of(loss_kind, c, negs, tree), lr)
            W_in[o] += (lr * neu1e).astype(np.float32)
            loss, pairs = loss + pair_loss, pairs + 1
    return loss, pairs


def _setup(seed, loss, V=20, d=8, n=300):
    counts, ids, W_in, W_out = problem(seed, V, d, n)
    return counts, ids, W_in, W_out[: output_rows(loss, V)].copy()


def _run(backend, loss, inputs, counts, sample, W_in, W_out, ids, seed, window=3, negative=4):
    kernel = make_kernel("sg", loss, backend, Tables(counts, counts.sum(), sample),
                         Settings(window=window, negative=negative if loss == "ns" else 0),
                         inputs)
    A_in, A_out = W_in.copy(), W_out.copy()
    return kernel.train_segment(A_in, A_out, ids, 0.05, 0.01, seed), A_in, A_out


@pytest.mark.parametrize("loss", ["ns", "hs"])
@pytest.mark.parametrize("sample", [0.0, 1e-2])
def test_numpy_pairs_equal_naive_loop(loss, sample):
    counts, ids, W_in, W_out = _setup(5, loss)
    (got, n), A_in, A_out = _run("numpy", loss, "pairs", counts, sample, W_in, W_out, ids, 777)
    B_in, B_out = W_in.copy(), W_out.copy()
    ref, ref_n = naive_pairs(B_in, B_out, ids, keep_probs(counts, counts.sum(), sample),
                             alias_table(counts), hs.huffman_tree(counts), loss, 3,
                             4 if loss == "ns" else 0, 0.05, 0.01, 777)
    assert n == ref_n > 0 and got == pytest.approx(ref, rel=1e-7)
    np.testing.assert_allclose(A_in, B_in, atol=1e-6)
    np.testing.assert_allclose(A_out, B_out, atol=1e-6)


@pytest.mark.parametrize("loss", ["ns", "hs"])
@pytest.mark.parametrize("seed, V, d, n, sample", [(1, 20, 8, 300, 0.0), (3, 200, 50, 3000, 1e-3)])
def test_numba_pairs_equal_numpy_reference(loss, seed, V, d, n, sample):
    counts, ids, W_in, W_out = _setup(seed, loss, V, d, n)
    kw = dict(window=5, negative=5)
    (got, n_got), A_in, A_out = _run("numba", loss, "pairs", counts, sample, W_in, W_out, ids,
                                     seed, **kw)
    (ref, n_ref), B_in, B_out = _run("numpy", loss, "pairs", counts, sample, W_in, W_out, ids,
                                     seed, **kw)
    assert n_got == n_ref > 0 and got == pytest.approx(ref, rel=1e-5)
    np.testing.assert_allclose(A_in, B_in, atol=1e-5)
    np.testing.assert_allclose(A_out, B_out, atol=1e-5)


@pytest.mark.parametrize("loss", ["ns", "hs"])
def test_pairs_differ_from_the_window_at_once_by_second_order(loss):
    """Both rules take the same pairs and agree to first order in lr (eq 143): the difference
    from one snapshot shrinks as lr², so a tenth of the lr leaves about a hundredth of it."""
    counts, ids, W_in, W_out = _setup(2, loss)

    def gap(scale):
        runs = [make_kernel("sg", loss, "numpy", Tables(counts, counts.sum(), 0.0),
                            Settings(window=3, negative=4 if loss == "ns" else 0), inputs)
                for inputs in ("rows", "pairs")]
        out = []
        for kernel in runs:
            A_in, A_out = W_in.copy(), W_out.copy()
            _, n = kernel.train_segment(A_in, A_out, ids[:40], 0.05 * scale, 0.05 * scale, 4)
            out.append((A_in.astype(np.float64), A_out.astype(np.float64), n))
        (a_in, a_out, n_a), (b_in, b_out, n_b) = out
        assert n_a == n_b > 0
        moved = np.abs(a_in - W_in).max()
        return max(np.abs(a_in - b_in).max(), np.abs(a_out - b_out).max()), moved

    big, moved_big = gap(1.0)
    small, moved_small = gap(0.1)
    assert big > 1e-4  # the rules differ
    assert math.isclose(moved_small / moved_big, 0.1, rel_tol=0.2)  # the steps are first order
    assert small / big < 0.03  # the difference is second order (0.01, with room for float32)


def test_pairwise_picks_the_pairs_input_side_and_refuses_what_it_does_not_train(tmp_path):
    assert inputs_of(Config(pairwise=True)) == "pairs"
    assert inputs_of(Config()) == "rows"
    with pytest.raises(ConfigError, match="subwords"):
        Config(pairwise=True, subwords=True)
    corpus = demo.write(tmp_path / "d.txt", 2_000)
    result = CliRunner().invoke(cli, ["train", str(corpus), "--out", str(tmp_path / "run"),
                                      "--arch", "cbow", "--pairwise", "-q"])
    assert result.exit_code != 0
    assert "no numba kernel for CBOW with the ns loss one pair at a time" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "run").exists()
