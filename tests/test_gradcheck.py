"""The gradient checker passes the seed's gradients and fails wrong ones."""

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import losses
from w2v.cli import main
from w2v.gradcheck import check_gradient, run_gradcheck


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_rows_pass(seed):
    rows = run_gradcheck(seed=seed)
    assert rows and all(r.passed for r in rows), [r for r in rows if not r.passed]
    blocks = {(r.function, r.block.split(" (")[0]) for r in rows}
    for block in ("v_c", "u_o", "U"):
        assert ("neg_sampling", block) in blocks and ("naive_softmax", block) in blocks
    assert ("neg_sampling", "u_w negatives") in blocks


def ns_repeats_counted_once(v, o, U, neg):
    # The classic bug: g_U[neg] += g with fancy indexing adds a repeated row only once.
    J, g_v, g_pos, g_neg = losses.ns_batch_terms(v[None], U[o][None], U[neg][None])
    g_U = np.zeros_like(U)
    g_U[o] += g_pos[0]
    g_U[neg] += g_neg[0]
    return J[0], g_v[0], g_U


def ns_flipped_sign(v, o, U, neg):
    J, g_v, g_U = losses.neg_sampling_loss_and_gradient(v, o, U, neg)
    return J, -g_v, g_U


def softmax_missing_term(v, o, U):
    # dJ/dv_c without the -u_o term (eq 15's first term forgotten)
    J, g_v, g_U = losses.naive_softmax_loss_and_gradient(v, o, U)
    return J, g_v + U[o], g_U


@pytest.mark.parametrize(
    "kwargs, function, block",
    [
        ({"ns_fn": ns_repeats_counted_once}, "neg_sampling", "u_w negatives"),
        ({"ns_fn": ns_flipped_sign}, "neg_sampling", "v_c"),
        ({"softmax_fn": softmax_missing_term}, "naive_softmax", "v_c"),
    ],
)
def test_wrong_gradients_fail(kwargs, function, block):
    rows = run_gradcheck(**kwargs)
    failed = {(r.function, r.block.split(" (")[0]) for r in rows if not r.passed}
    assert (function, block) in failed


def test_check_gradient_on_a_known_function():
    x = np.array([0.3, -1.2, 2.0])
    f = lambda: float(np.sum(x**3))  # noqa: E731
    assert check_gradient(f, x, 3 * x**2) < 1e-9
    assert check_gradient(f, x, 3 * x**2 + np.array([0, 0, 0.1])) > 1e-3


def test_cli_exit_codes(monkeypatch):
    result = CliRunner().invoke(main, ["gradcheck"])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output and result.output.count("PASS") >= 15
    import w2v.gradcheck as gc

    real = gc.run_gradcheck
    monkeypatch.setattr(gc, "run_gradcheck",
                        lambda seed, tol: real(seed=seed, tol=tol, ns_fn=ns_flipped_sign))
    result = CliRunner().invoke(main, ["gradcheck"])
    assert result.exit_code == 1 and "FAIL" in result.output
