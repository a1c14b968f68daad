"""The gradient checker passes the seed's gradients and fails wrong ones."""

import numpy as np
import pytest
from click.testing import CliRunner
from test_cbow import (
    cbow_ns_missing_1_over_m,
    cbow_ns_repeated_negative_once,
    cbow_repeated_context_once,
)
from test_hs import hs_flipped_code_bit

from w2v.cli import main
from w2v.objectives import ns, softmax
from w2v.objectives.gradcheck import (
    Row,
    check_gradient,
    format_table,
    relative_error,
    run_gradcheck,
)


def blocks(rows, passed=None):
    """{(function, block name without its parenthesised detail)} of the rows."""
    return {(r.function, r.block.split(" (")[0]) for r in rows
            if passed is None or r.passed == passed}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_rows_pass(seed):
    rows = run_gradcheck(seed=seed)
    assert rows and all(r.passed for r in rows), [r for r in rows if not r.passed]
    assert all(0 <= r.error < 1e-8 for r in rows)
    found = blocks(rows)
    for function in ("naive_softmax", "neg_sampling", "neg_sampling (o in negs)"):
        for block in ("v_c", "u_o", "U"):
            assert (function, block) in found
    assert ("neg_sampling", "u_w negatives") in found
    for function in ("skipgram+softmax", "skipgram+neg_sampling", "ns_loss_batch",
                     "softmax_loss_batch"):
        assert {(function, "W_in"), (function, "W_out")} <= found
    assert {"identity eq 5", "identity eq 44"} <= {r.function for r in rows}


# ----------------------------------------------------------------- wrong gradients to inject


def ns_repeats_counted_once(v, o, U, neg):
    # The classic bug: g_U[neg] += g with fancy indexing adds a repeated row only once.
    J, g_v, g_pos, g_neg = ns.ns_batch_terms(v[None], U[o][None], U[neg][None])
    g_U = np.zeros_like(U)
    g_U[o] += g_pos[0]
    g_U[neg] += g_neg[0]
    return J[0], g_v[0], g_U


def ns_o_overwritten(v, o, U, neg):
    # Scatter the negatives, then *assign* u_o's term: a negative equal to o loses its term.
    J, g_v, g_pos, g_neg = ns.ns_batch_terms(v[None], U[o][None], U[neg][None])
    g_U = np.zeros_like(U)
    np.add.at(g_U, neg, g_neg[0])
    g_U[o] = g_pos[0]
    return J[0], g_v[0], g_U


def ns_flipped_sign(v, o, U, neg):
    J, g_v, g_U = ns.neg_sampling_loss_and_gradient(v, o, U, neg)
    return J, -g_v, g_U


def ns_flipped_output_sign(v, o, U, neg):
    J, g_v, g_U = ns.neg_sampling_loss_and_gradient(v, o, U, neg)
    return J, g_v, -g_U


def softmax_missing_term(v, o, U):
    # dJ/dv_c without the -u_o term (eq 15's first term forgotten)
    J, g_v, g_U = softmax.naive_softmax_loss_and_gradient(v, o, U)
    return J, g_v + U[o], g_U


def softmax_missing_minus_one(v, o, U):
    # dJ/du_o = ŷ_o v_c instead of (ŷ_o - 1) v_c (eq 26 confused with eq 33)
    J, g_v, g_U = softmax.naive_softmax_loss_and_gradient(v, o, U)
    g_U = g_U.copy()
    g_U[o] += v
    return J, g_v, g_U


@pytest.mark.parametrize(
    "kwargs, must_fail, must_pass",
    [
        ({"ns_fn": ns_repeats_counted_once}, [("neg_sampling", "u_w negatives")],
         [("neg_sampling", "v_c"), ("neg_sampling", "u_o")]),
        ({"ns_fn": ns_o_overwritten}, [("neg_sampling (o in negs)", "u_o")],
         [("neg_sampling", "u_o"), ("neg_sampling (o in negs)", "v_c")]),
        ({"ns_fn": ns_flipped_sign},
         [("neg_sampling", "v_c"), ("skipgram+neg_sampling", "W_in")],
         [("neg_sampling", "U"), ("naive_softmax", "v_c")]),
        ({"ns_fn": ns_flipped_output_sign},
         [("neg_sampling", "u_o"), ("neg_sampling", "U"), ("skipgram+neg_sampling", "W_out")],
         [("neg_sampling", "v_c")]),
        ({"softmax_fn": softmax_missing_term},
         [("naive_softmax", "v_c"), ("skipgram+softmax", "W_in")],
         [("naive_softmax", "U"), ("neg_sampling", "v_c")]),
        ({"softmax_fn": softmax_missing_minus_one},
         [("naive_softmax", "u_o"), ("naive_softmax", "U"), ("skipgram+softmax", "W_out")],
         [("naive_softmax", "v_c")]),
    ],
)
def test_wrong_gradients_fail(kwargs, must_fail, must_pass):
    rows = run_gradcheck(**kwargs)
    assert set(must_fail) <= blocks(rows, passed=False)
    assert set(must_pass) <= blocks(rows, passed=True)  # the failure is located, not global


def test_check_gradient_directly_on_repeated_negatives():
    rng = np.random.default_rng(5)
    v, U = rng.normal(size=4), rng.normal(size=(10, 4))
    neg = np.array([6, 6, 6, 2])

    def f():
        return ns.neg_sampling_loss_and_gradient(v, 1, U, neg)[0]

    good = ns.neg_sampling_loss_and_gradient(v, 1, U, neg)[2]
    bad = ns_repeats_counted_once(v, 1, U, neg)[2]
    assert check_gradient(f, U, good) < 1e-8
    # row 6 is drawn 3 times but counted once, so it gets 1/3 of its true gradient
    assert check_gradient(f, U, bad) > 1e-2


def test_check_gradient_on_a_known_function():
    x = np.array([0.3, -1.2, 2.0])
    f = lambda: float(np.sum(x**3))  # noqa: E731
    assert check_gradient(f, x, 3 * x**2) < 1e-9
    assert check_gradient(f, x, 3 * x**2 + np.array([0, 0, 0.1])) > 1e-3
    assert check_gradient(f, x, -3 * x**2) == pytest.approx(1.0)  # a flipped sign gives 1
    np.testing.assert_array_equal(x, [0.3, -1.2, 2.0])  # x is restored


def test_relative_error_edge_cases():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), np.ones(4)) == np.inf
    # a zero gradient against a nonzero one is wholly wrong
    assert relative_error(np.zeros(2), np.array([0.0, 1e-3])) == 1.0
    # the largest coordinate error over the block's largest entry: |2.2 - 2| / (2.2 + 2)
    assert relative_error([1.0, 2.2], [1.0, 2.0]) == pytest.approx(0.2 / 4.2)


def test_format_table_aligns_columns():
    rows = [Row("naive_softmax", "v_c", 1.5e-11, True),
            Row("skipgram+neg_sampling", "u_w negatives (8, one drawn 3x)", 0.5, False)]
    lines = format_table(rows).splitlines()
    assert len(lines) == 4 and set(lines[1]) == {"-", " "}
    starts = [lines[0].index(h) for h in ("parameter block", "max rel. error", "result")]
    for line, cells in zip(lines[2:], (("v_c", "1.50e-11", "PASS"), ("u_w", "5.00e-01", "FAIL"))):
        assert [line.index(c) for c in cells] == starts


def test_cli_exit_codes(monkeypatch):
    result = CliRunner().invoke(main, ["gradcheck"])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output
    assert result.output.count("PASS") == result.output.count("\n") - 3  # header, rule, total
    import w2v.objectives.gradcheck as gc

    real = gc.run_gradcheck
    monkeypatch.setattr(gc, "run_gradcheck",
                        lambda seed, tol: real(seed=seed, tol=tol, ns_fn=ns_flipped_sign))
    result = CliRunner().invoke(main, ["gradcheck"])
    assert result.exit_code == 1 and "FAIL" in result.output


def test_the_table_holds_every_cbow_and_hs_row():
    """``w2v gradcheck`` is the seed's rows, then every CBOW and HS row of gradcheck_extra, then
    the subword rows (tests/test_subwords_objectives.py)."""
    from w2v.objectives.gradcheck_extra import extra_gradcheck_rows
    from w2v.objectives.gradcheck_subwords import subword_gradcheck_rows

    rows = run_gradcheck(seed=1)
    extra, sub = extra_gradcheck_rows(seed=1), subword_gradcheck_rows(seed=1)
    assert rows[-len(extra) - len(sub):-len(sub)] == extra and len(rows) > len(extra) > 20
    assert rows[-len(sub):] == sub
    found = blocks(rows)
    for function in ("cbow_ns (mean)", "cbow_ns (sum)", "cbow_hs (mean)", "cbow_hs (sum)"):
        assert {(function, "h"), (function, "W_in")} <= found  # h and every context row
    assert {("hs", "u_n path nodes"), ("skipgram+hs", "W_in"), ("skipgram+hs", "U_inner"),
            ("cbow_ns (mean)", "u_k negatives")} <= found


@pytest.mark.parametrize("key, wrong, failing", [
    ("cbow_ns_fn", cbow_ns_missing_1_over_m, ("cbow_ns (mean)", "W_in")),
    ("cbow_ns_fn", cbow_ns_repeated_negative_once, ("cbow_ns (mean)", "u_k negatives")),
    ("cbow_ns_fn", cbow_repeated_context_once, ("cbow_ns (sum)", "W_in")),
    ("hs_fn", hs_flipped_code_bit, ("skipgram+hs", "U_inner")),
])
def test_cli_fails_on_wrong_cbow_and_hs_gradients(monkeypatch, key, wrong, failing):
    """A missing 1/m, a repeat counted once (negative or context), a flipped code bit: the
    command prints FAIL on the block and exits 1."""
    import w2v.objectives.gradcheck as gc

    real = gc.run_gradcheck
    monkeypatch.setattr(gc, "run_gradcheck",
                        lambda seed, tol: real(seed=seed, tol=tol, **{key: wrong}))
    result = CliRunner().invoke(main, ["gradcheck"])
    assert result.exit_code == 1 and "checks failed" in result.output
    line = next(ln for ln in result.output.splitlines()
                if ln.startswith(failing[0]) and failing[1] in ln)
    assert line.endswith("FAIL"), line
