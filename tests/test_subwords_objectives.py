"""The subword input side (w2v/objectives/subwords.py): the gradcheck rows pass, wrong
gradients fail where they are wrong, and bags of one row are word2vec again."""

import numpy as np
import pytest
from click.testing import CliRunner
from test_gradcheck import blocks

from w2v.cli import main
from w2v.objectives import cbow, hs, ns, subwords
from w2v.objectives.gradcheck import run_gradcheck
from w2v.objectives.gradcheck_subwords import WORD, bag, subword_gradcheck_rows


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_subword_rows_pass(seed):
    rows = subword_gradcheck_rows(seed=seed)
    assert rows and all(r.passed and r.error < 1e-8 for r in rows), rows
    found = blocks(rows)
    pair = f"bag+ns ({WORD})"
    assert {(pair, "x"), (pair, "own row v_w"), (pair, "n-gram rows in the bag once"),
            (pair, "rows in the bag twice or more"), (pair, "W_in"), (pair, "W_out")} <= found
    for name in ("skipgram+bags+ns", "skipgram+bags+hs", "cbow+bags+ns", "cbow+bags+hs",
                 "bag+ns (kingdom, out of vocabulary)", f"bag+hs ({WORD})"):
        assert (name, "W_in") in found
    assert any(r.function.startswith("fastText rule") for r in rows)


def test_the_problem_has_the_repeats_it_claims():
    G = bag(WORD)
    assert len(G) != len(set(G))  # 'aaa' twice
    assert set(bag("king")[1:]) & set(bag("kings")[1:])  # shared n-gram rows
    assert len(bag("kingdom")) > 0 and all(r >= 12 for r in bag("kingdom"))  # n-grams only


# ------------------------------------------------------------------ wrong gradients to inject


def spread_without_mean(grad_x, G, n_rows):
    # The mean's 1/|G| forgotten: fastText's step, not the gradient.
    return subwords.fasttext_direction(grad_x, G, n_rows)


def spread_repeats_once(grad_x, G, n_rows):
    # out[G] += ... with fancy indexing: a row listed twice gets its share once.
    out = np.zeros((n_rows, grad_x.shape[0]))
    out[np.asarray(G)] += grad_x / len(G)
    return out


@pytest.mark.parametrize("wrong, must_fail, must_pass", [
    (spread_without_mean,
     [(f"bag+ns ({WORD})", "own row v_w"), (f"bag+ns ({WORD})", "n-gram rows in the bag once"),
      (f"bag+hs ({WORD})", "W_in"), ("skipgram+bags+ns", "W_in"), ("cbow+bags+hs", "W_in"),
      ("bag+ns (kingdom, out of vocabulary)", "W_in")],
     [(f"bag+ns ({WORD})", "W_out"), (f"bag+ns ({WORD})", "x"), ("cbow+bags+hs", "U_inner")]),
    (spread_repeats_once,
     [(f"bag+ns ({WORD})", "rows in the bag twice or more"), (f"bag+ns ({WORD})", "W_in"),
      ("skipgram+bags+ns", "W_in"), ("cbow+bags+ns", "W_in")],
     [(f"bag+ns ({WORD})", "own row v_w"), (f"bag+ns ({WORD})", "n-gram rows in the bag once"),
      (f"bag+ns ({WORD})", "W_out")]),
])
def test_wrong_spreads_fail_where_they_are_wrong(wrong, must_fail, must_pass):
    rows = run_gradcheck(spread_fn=wrong)
    assert set(must_fail) <= blocks(rows, passed=False)
    assert set(must_pass) <= blocks(rows, passed=True)
    assert all(r.passed for r in rows if not r.function.startswith(("bag", "skipgram+bags",
                                                                    "cbow+bags")))


def test_cli_lists_the_subword_rows_and_fails_on_a_wrong_one(monkeypatch):
    result = CliRunner().invoke(main, ["gradcheck"])
    assert result.exit_code == 0 and f"bag+ns ({WORD})" in result.output
    import w2v.objectives.gradcheck as gc

    real = gc.run_gradcheck
    monkeypatch.setattr(gc, "run_gradcheck", lambda seed, tol: real(
        seed=seed, tol=tol, spread_fn=spread_repeats_once))
    result = CliRunner().invoke(main, ["gradcheck"])
    assert result.exit_code == 1 and "checks failed" in result.output
    line = next(ln for ln in result.output.splitlines()
                if ln.startswith(f"bag+ns ({WORD})") and "twice or more" in ln)
    assert line.endswith("FAIL"), line


# ------------------------------------------------------------ one-row bags are word2vec again


def test_bags_of_one_row_are_the_plain_losses():
    rng = np.random.default_rng(4)
    V, d = 9, 4
    W_in, W_out, U = rng.normal(size=(V, d)), rng.normal(size=(V, d)), rng.normal(size=(V - 1, d))
    tree = hs.huffman_tree(np.arange(V, 0, -1))
    contexts, c, neg = [1, 4, 4, 7], 2, rng.integers(0, V, (4, 5))
    bags = [[o] for o in contexts]
    J, g_in, g_out = subwords.skipgram_bags_ns(W_in, W_out, bags, c, neg)
    ref = ns.ns_loss_batch(W_in, W_out, contexts, [c] * 4, neg)  # context rows predict c
    assert np.isclose(J, ref[0]) and np.allclose(g_in, ref[1]) and np.allclose(g_out, ref[2])
    J, g_in, g_U = subwords.skipgram_bags_hs(W_in, U, bags, c, tree)
    ref = hs.skipgram_hs(c, contexts, W_in, U, tree)
    assert np.isclose(J, ref[0]) and np.allclose(g_in, ref[1]) and np.allclose(g_U, ref[2])
    for mine, theirs, out, extra in ((subwords.cbow_bags_ns, cbow.cbow_ns_loss_and_gradient,
                                      W_out, neg[0]),
                                     (subwords.cbow_bags_hs, cbow.cbow_hs_loss_and_gradient,
                                      U, tree)):
        got, ref = mine(W_in, out, bags, c, extra), theirs(W_in, out, contexts, c, extra, True)
        assert all(np.allclose(a, b) for a, b in zip(got, ref))


def test_fasttext_direction_by_a_naive_loop():
    rng = np.random.default_rng(1)
    g, G = rng.normal(size=3), [5, 2, 5, 0, 5]
    naive = np.zeros((6, 3))
    for r in G:  # fastText's Model::update: grad added to every entry's row
        naive[r] += g
    assert np.array_equal(subwords.fasttext_direction(g, G, 6), naive)
    assert np.allclose(subwords.bag_gradient(g, G, 6), naive / len(G))


def test_an_empty_bag_has_no_mean():
    with pytest.raises(ValueError, match="no vector"):
        subwords.bag_mean(np.zeros((3, 2)), [])
