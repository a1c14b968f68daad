"""CBOW with NS and HS against a hand-worked case, naive loops, word2vec.c's update loop and
finite differences; wrong gradients (a missing 1/m, a repeat counted once) must fail."""

import doctest
import math

import numpy as np
import pytest

from w2v.objectives import cbow, gradcheck_extra, hs, ns
from w2v.objectives.gradcheck import check_gradient

S1 = 1 / (1 + math.exp(1))  # σ(-1) = 0.2689414214


def tiny():
    # V = 3, d = 2; contexts (0, 1, 1): m = 3, word 1 at two positions; center c = 2
    W_in = np.array([[3.0, 0.0], [0.0, 1.5], [5.0, 5.0]])  # h = (3, 0)/3 + 2 (0, 1.5)/3 = (1, 1)
    W_out = np.array([[0.0, -1.0], [7.0, 7.0], [1.0, 0.0]])  # u_0·h = -1, u_c·h = 1
    return W_in, W_out, [0, 1, 1], 2, np.array([0, 0])  # negative 0 drawn twice


def test_cbow_hidden_mean_and_sum_against_a_loop():
    W_in, _, contexts, _, _ = tiny()
    total = np.zeros(2)
    for o in contexts:
        total += W_in[o]
    np.testing.assert_allclose(cbow.cbow_hidden(W_in, contexts, mean=False), total)  # eq 71
    np.testing.assert_allclose(cbow.cbow_hidden(W_in, contexts), total / 3)  # eq 70
    np.testing.assert_allclose(cbow.cbow_hidden(W_in, contexts), [1.0, 1.0])


def test_cbow_ns_hand_worked_mean():
    W_in, W_out, contexts, c, neg = tiny()
    J, g_in, g_out = cbow.cbow_ns_loss_and_gradient(W_in, W_out, contexts, c, neg)
    # three terms, each -log σ(1) = log(1 + 1/e) = 0.3132616875                 (eq 73)
    assert pytest.approx(0.9397850625, abs=1e-9) == J
    # dJ/dh = -σ(-1) u_c + 2 σ(-1) u_0 = (-0.268941421, -0.537882843)          (eq 77)
    g_h = np.array([-S1, -2 * S1])
    np.testing.assert_allclose(g_h, [-0.268941421, -0.537882843], atol=1e-9)
    # dJ/dv_0 = (1/3) dJ/dh, dJ/dv_1 = (2/3) dJ/dh (two positions), dJ/dv_2 = 0  (eqs 86, 87)
    np.testing.assert_allclose(g_in, [[-0.089647140, -0.179294281],
                                      [-0.179294281, -0.358588562], [0, 0]], atol=1e-9)
    # dJ/du_c = -σ(-1) h; dJ/du_0 = 2 σ(u_0·h) h = 2 σ(-1) h; u_1 untouched       (eqs 78-82)
    np.testing.assert_allclose(g_out, [[0.537882843, 0.537882843], [0, 0],
                                       [-0.268941421, -0.268941421]], atol=1e-9)


def test_word2vec_c_direction_hand_worked():
    W_in, W_out, contexts, c, neg = tiny()
    J, d_in, d_out = cbow.word2vec_c_cbow_ns_direction(W_in, W_out, contexts, c, neg)
    g_h = np.array([-S1, -2 * S1])
    # mean: dJ/dh once per position: row 0 gets 1x, row 1 gets 2x (eq 120, beta = 1)
    np.testing.assert_allclose(d_in, [g_h, 2 * g_h, [0, 0]], atol=1e-12)
    np.testing.assert_allclose(d_out, cbow.cbow_ns_loss_and_gradient(W_in, W_out, contexts, c,
                                                                     neg)[2])
    # sum: h = (3, 3), gensim divides dJ/dh by m = 3 (eq 120, beta = 1/m)
    _, d_sum, _ = cbow.word2vec_c_cbow_ns_direction(W_in, W_out, contexts, c, neg, mean=False)
    h = np.array([3.0, 3.0])
    g_h_sum = ns.neg_sampling_loss_and_gradient(h, c, W_out, neg)[1]
    np.testing.assert_allclose(d_sum, [g_h_sum / 3, 2 * g_h_sum / 3, [0, 0]], atol=1e-12)


def random_window(seed, V=12, d=4, K=6):
    rng = np.random.default_rng(seed)
    W_in, W_out = rng.normal(size=(V, d)), rng.normal(size=(V, d))
    U = rng.normal(size=(V - 1, d))
    tree = hs.huffman_tree(np.sort(rng.zipf(1.5, V))[::-1])
    neg = rng.integers(0, V, K)
    neg[1] = neg[0]
    return W_in, W_out, U, tree, [3, 5, 5, 9, 0], 7, neg


@pytest.mark.parametrize("mean", [True, False])
def test_cbow_equals_seed_ns_at_h_plus_a_chain_rule_loop(mean):
    W_in, W_out, _, _, contexts, c, neg = random_window(0)
    J, g_in, g_out = cbow.cbow_ns_loss_and_gradient(W_in, W_out, contexts, c, neg, mean)
    h = sum(W_in[o] for o in contexts) / (len(contexts) if mean else 1)
    J_ref, g_h, g_out_ref = ns.neg_sampling_loss_and_gradient(h, c, W_out, neg)
    ref = np.zeros_like(W_in)
    for o in contexts:  # once per position, so word 5 gets two shares
        ref[o] += g_h / (len(contexts) if mean else 1)
    assert pytest.approx(J_ref) == J
    np.testing.assert_allclose(g_in, ref, atol=1e-14)
    np.testing.assert_allclose(g_out, g_out_ref)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("mean", [True, False])
def test_cbow_gradients_against_finite_differences(seed, mean):
    W_in, W_out, U, tree, contexts, c, neg = random_window(seed)
    neg[2] = c  # the center also drawn as a negative: u_c gets both terms (eq 82)
    for fn, out, extra in ((cbow.cbow_ns_loss_and_gradient, W_out, (neg,)),
                           (cbow.cbow_hs_loss_and_gradient, U, (tree,))):
        _, g_in, g_out = fn(W_in, out, contexts, c, *extra, mean)

        def f(fn=fn, out=out, extra=extra):
            return fn(W_in, out, contexts, c, *extra, mean)[0]

        assert check_gradient(f, W_in, g_in) < 1e-8
        assert check_gradient(f, out, g_out) < 1e-8
        rows = sorted(set(contexts))
        assert not np.delete(g_in, rows, axis=0).any()  # eq 87: the center's row too


def _word2vec_c_cbow_ns_loop(W_in, W_out, contexts, c, neg, lr, mean):
    """word2vec.c's CBOW NS step with an exact σ (gensim's when mean=False): neu1e from the
    rows before their update, output rows updated term by term, neu1e added per position."""
    W_in, W_out = W_in.copy(), W_out.copy()
    h = W_in[contexts].sum(0)
    if mean:
        h = h / len(contexts)
    neu1e = np.zeros_like(h)
    for target, label in [(c, 1)] + [(k, 0) for k in neg]:
        f = 1 / (1 + math.exp(-float(h @ W_out[target])))
        g = (label - f) * lr
        neu1e += g * W_out[target]
        W_out[target] += g * h
    if not mean:
        neu1e /= len(contexts)
    for o in contexts:
        W_in[o] += neu1e
    return W_in, W_out


def _word2vec_c_cbow_hs_loop(W_in, U, contexts, nodes, bits, lr):
    W_in, U = W_in.copy(), U.copy()
    h = W_in[contexts].mean(0)
    neu1e = np.zeros_like(h)
    for n, code in zip(nodes, bits):
        f = 1 / (1 + math.exp(-float(h @ U[n])))
        g = (1 - int(code) - f) * lr
        neu1e += g * U[n]
        U[n] += g * h
    for o in contexts:
        W_in[o] += neu1e
    return W_in, U


@pytest.mark.parametrize("mean", [True, False])
def test_word2vec_c_direction_equals_its_update_loop(mean):
    # distinct negatives other than the center: then word2vec.c's sequential step is exactly
    # one snapshot's W - lr D (docs/derivations §3)
    W_in, W_out, U, tree, contexts, c, _ = random_window(1)
    neg = np.array([1, 2, 4, 8])
    lr = 0.05
    _, d_in, d_out = cbow.word2vec_c_cbow_ns_direction(W_in, W_out, contexts, c, neg, mean)
    loop_in, loop_out = _word2vec_c_cbow_ns_loop(W_in, W_out, contexts, c, neg, lr, mean)
    np.testing.assert_allclose(loop_in, W_in - lr * d_in, atol=1e-14)
    np.testing.assert_allclose(loop_out, W_out - lr * d_out, atol=1e-14)
    # and the true rule differs from it by m (mean) or 1/m (sum) on the context rows (eq 121)
    _, g_in, g_out = cbow.cbow_ns_loss_and_gradient(W_in, W_out, contexts, c, neg, mean)
    m = len(contexts)
    np.testing.assert_allclose(d_in, (m if mean else 1 / m) * g_in, atol=1e-14)
    np.testing.assert_array_equal(d_out, g_out)
    if mean:
        _, d_in, d_U = cbow.word2vec_c_cbow_hs_direction(W_in, U, contexts, c, tree)
        loop_in, loop_U = _word2vec_c_cbow_hs_loop(W_in, U, contexts, *tree.path(c), lr)
        np.testing.assert_allclose(loop_in, W_in - lr * d_in, atol=1e-14)
        np.testing.assert_allclose(loop_U, U - lr * d_U, atol=1e-14)
        _, g_in, g_U = cbow.cbow_hs_loss_and_gradient(W_in, U, contexts, c, tree)
        np.testing.assert_allclose(d_in, m * g_in, atol=1e-14)
        np.testing.assert_array_equal(d_U, g_U)


def test_float32_in_float32_out_and_no_mutation():
    W_in, W_out, U, tree, contexts, c, neg = random_window(2)
    keep = W_in.copy(), W_out.copy(), U.copy()
    ref = cbow.cbow_hs_loss_and_gradient(W_in, U, contexts, c, tree)
    out = cbow.cbow_hs_loss_and_gradient(W_in.astype(np.float32), U.astype(np.float32),
                                         contexts, c, tree)
    assert out[1].dtype == out[2].dtype == np.float32
    np.testing.assert_allclose(out[1], ref[1], rtol=1e-4, atol=1e-5)
    out = cbow.cbow_ns_loss_and_gradient(W_in.astype(np.float32), W_out.astype(np.float32),
                                         contexts, c, neg)
    assert out[1].dtype == out[2].dtype == np.float32
    for a, b in zip(keep, (W_in, W_out, U)):
        np.testing.assert_array_equal(a, b)


def test_doctests():
    assert doctest.testmod(cbow).failed == 0


# ----------------------------------------------------------------- wrong gradients must fail


def blocks(rows, passed=None):
    return {(r.function, r.block.split(" (")[0]) for r in rows
            if passed is None or r.passed == passed}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_extra_rows_all_pass(seed):
    rows = gradcheck_extra.extra_gradcheck_rows(seed=seed)
    assert rows and all(r.passed and 0 <= r.error < 1e-8 for r in rows), rows
    found = blocks(rows)
    assert {("hs", "v"), ("hs", "u_n path nodes"), ("hs", "U_inner")} <= found
    for name in ("skipgram+hs", "hs_loss_batch", "cbow_hs", "cbow_ns"):
        assert any(f.startswith(name) and b == "W_in" for f, b in found), name
    assert {"identity eq 101", "identity eq 102", "identity eq 67"} <= {r.function for r in rows}


def errors(rows):
    return {(r.function, r.block.split(" (")[0]): r.error for r in rows}


def cbow_ns_missing_1_over_m(W_in, W_out, contexts, center, negatives, mean):
    # dJ/dv_w = m_w dJ/dh even with the mean: eq 85 without α (word2vec.c's rule, eq 120)
    J, g_in, g_out = cbow.cbow_ns_loss_and_gradient(W_in, W_out, contexts, center, negatives,
                                                    mean)
    return J, g_in * (len(contexts) if mean else 1), g_out


def cbow_ns_repeated_negative_once(W_in, W_out, contexts, center, negatives, mean):
    # g_out[neg] += ... with fancy indexing adds a negative drawn n_w times only once (eq 81)
    h = cbow.cbow_hidden(W_in, contexts, mean)
    J, g_h, g_pos, g_neg = ns.ns_batch_terms(h[None], W_out[center][None],
                                                 W_out[negatives][None])
    g_out = np.zeros_like(W_out)
    g_out[center] += g_pos[0]
    g_out[negatives] += g_neg[0]
    return J[0], cbow.context_gradient(g_h[0], contexts, len(W_in), mean), g_out


def cbow_repeated_context_once(W_in, W_out, contexts, center, negatives, mean):
    # g_in[contexts] += ... adds a word at m_w = 2 positions only once (eq 85)
    J, _, g_out = cbow.cbow_ns_loss_and_gradient(W_in, W_out, contexts, center, negatives, mean)
    h = cbow.cbow_hidden(W_in, contexts, mean)
    g_h = ns.neg_sampling_loss_and_gradient(h, center, W_out, negatives)[1]
    g_in = np.zeros_like(W_in)
    g_in[np.asarray(contexts)] += g_h / (len(contexts) if mean else 1)
    return J, g_in, g_out


@pytest.mark.parametrize("fn, must_fail, must_pass", [
    (cbow_ns_missing_1_over_m, [("cbow_ns (mean)", "W_in")],
     [("cbow_ns (mean)", "h"), ("cbow_ns (mean)", "W_out"), ("cbow_ns (sum)", "W_in")]),
    (cbow_ns_repeated_negative_once, [("cbow_ns (mean)", "u_k negatives"),
                                      ("cbow_ns (mean)", "W_out"), ("cbow_ns (sum)", "W_out")],
     [("cbow_ns (mean)", "u_c"), ("cbow_ns (mean)", "W_in"), ("cbow_ns (sum)", "W_in")]),
    (cbow_repeated_context_once, [("cbow_ns (mean)", "W_in"), ("cbow_ns (sum)", "W_in")],
     [("cbow_ns (mean)", "W_out"), ("cbow_ns (sum)", "W_out")]),
])
def test_wrong_cbow_gradients_fail_far_above_tol(fn, must_fail, must_pass):
    err = errors(gradcheck_extra.extra_gradcheck_rows(cbow_ns_fn=fn))
    for key in must_fail:
        assert err[key] > 1e-2, key  # four orders of magnitude above the 1e-6 tolerance
    for key in must_pass:
        assert err[key] < 1e-8, key  # the failure is located, not global
    assert err[("cbow_hs (mean)", "W_in")] < 1e-8  # HS rows do not use cbow_ns_fn


def test_missing_1_over_m_error_is_m_minus_1_over_m_plus_1():
    # a gradient m times too large: max|m a - a| / (m max|a| + max|a|) = (m - 1) / (m + 1)
    err = errors(gradcheck_extra.extra_gradcheck_rows(cbow_ns_fn=cbow_ns_missing_1_over_m))
    m = len(gradcheck_extra.CONTEXTS)
    assert err[("cbow_ns (mean)", "W_in")] == pytest.approx((m - 1) / (m + 1), rel=1e-6)


def test_unknown_injection_is_refused():
    with pytest.raises(TypeError, match="hsfn"):
        gradcheck_extra.extra_gradcheck_rows(hsfn=hs.hs_loss_and_gradient)
