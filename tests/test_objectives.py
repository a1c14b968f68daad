"""The seed's equations against hand-worked cases, finite differences and identities."""

import numpy as np
import pytest

from w2v.objectives import common, ns, softmax, windows
from w2v.objectives.gradcheck import check_gradient


def tiny():
    # |V| = 3, d = 2: v_c = (1, 0); rows u_0 = (1, 0), u_1 = (0, 1), u_2 = (-1, 0).
    return np.array([1.0, 0.0]), np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])


def test_naive_softmax_hand_worked():
    v, U = tiny()
    J, g_v, g_U = softmax.naive_softmax_loss_and_gradient(v, 0, U)
    # scores U v = (1, 0, -1); Z = e + 1 + 1/e = 4.086161269
    # ŷ = (e, 1, 1/e) / Z = (0.665240956, 0.244728471, 0.090030573)
    # J = -log 0.665240956 = 0.407605964                                  (eq 5)
    assert pytest.approx(0.407605964, abs=1e-9) == J
    # dJ/dv_c = Σ_w (ŷ_w - y_w) u_w = (-0.334759044 - 0.090030573, 0.244728471)   (eq 18)
    np.testing.assert_allclose(g_v, [-0.424789617, 0.244728471], atol=1e-9)
    # dJ/du_w = (ŷ_w - y_w) v_c                                          (eqs 26, 33)
    np.testing.assert_allclose(
        g_U, [[-0.334759044, 0], [0.244728471, 0], [0.090030573, 0]], atol=1e-9
    )


def test_neg_sampling_hand_worked_with_repeated_negative():
    v, U = tiny()
    J, g_v, g_U = ns.neg_sampling_loss_and_gradient(v, 0, U, np.array([2, 2]))
    # u_o·v = 1 and u_2·v = -1, so each of the three terms is -log σ(1) = log(1 + 1/e)
    # = 0.3132616875; J = 3 * 0.3132616875 = 0.9397850625
    assert pytest.approx(0.9397850625, abs=1e-9) == J
    # 1 - σ(1) = 0.268941421
    # dJ/dv_c = -(0.268941421) u_0 + 2 (0.268941421) u_2 = (-0.806824263, 0)   (eq 49)
    np.testing.assert_allclose(g_v, [-0.806824263, 0], atol=1e-9)
    # dJ/du_o = -(0.268941421) v_c                                           (eq 55)
    np.testing.assert_allclose(g_U[0], [-0.268941421, 0], atol=1e-9)
    # u_2 drawn twice gets twice (1 - σ(1)) v_c                              (eq 61, seed 001 h)
    np.testing.assert_allclose(g_U[2], [0.537882842, 0], atol=1e-9)
    np.testing.assert_allclose(g_U[1], [0, 0])


def test_neg_sampling_hand_worked_with_outside_word_among_negatives():
    v, U = tiny()
    J, g_v, g_U = ns.neg_sampling_loss_and_gradient(v, 0, U, np.array([0, 2]))
    # σ(1) = 0.731058579, σ(-1) = 0.268941421
    # terms: -log σ(u_0·v) = -log σ(1) = 0.3132616875        (the positive)
    #        -log σ(-u_0·v) = -log σ(-1) = 1.3132616875      (o drawn as a negative)
    #        -log σ(-u_2·v) = -log σ(1) = 0.3132616875
    # J = 1.9397850625
    assert pytest.approx(1.9397850625, abs=1e-9) == J
    # dJ/du_0 = -(1 - σ(1)) v_c + (1 - σ(-1)) v_c = (-0.268941421 + 0.731058579) v_c
    #         = (0.462117157, 0): both terms add                    (eqs 55 and 61)
    np.testing.assert_allclose(g_U[0], [0.462117157, 0], atol=1e-9)
    np.testing.assert_allclose(g_U[2], [0.268941421, 0], atol=1e-9)
    # dJ/dv_c = 0.462117157 u_0 + 0.268941421 u_2 = (0.193175736, 0)  (eq 49)
    np.testing.assert_allclose(g_v, [0.193175736, 0], atol=1e-9)


def _random(seed, V=12, d=4, K=6):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(V, d)), rng.normal(size=(V, d)), rng.integers(0, V, K)


@pytest.mark.parametrize("seed", range(5))
def test_single_losses_against_finite_differences(seed):
    W_in, W_out, neg = _random(seed)
    neg[1] = neg[0]
    v = W_in[2]
    for fn, extra in ((softmax.naive_softmax_loss_and_gradient, ()),
                      (ns.neg_sampling_loss_and_gradient, (neg,))):
        _, g_v, g_U = fn(v, 5, W_out, *extra)

        def f(fn=fn, extra=extra):
            return fn(v, 5, W_out, *extra)[0]

        assert check_gradient(f, v, g_v) < 1e-7
        assert check_gradient(f, W_out, g_U) < 1e-7


def test_negative_equal_to_outside_word_gets_both_terms():
    W_in, W_out, _ = _random(1)
    neg = np.array([5, 5, 1])
    v = W_in[0]
    _, _, g_U = ns.neg_sampling_loss_and_gradient(v, 5, W_out, neg)
    f = lambda: ns.neg_sampling_loss_and_gradient(v, 5, W_out, neg)[0]  # noqa: E731
    assert check_gradient(f, W_out, g_U) < 1e-7


def test_skipgram_sums_and_eq64():
    W_in, W_out, _ = _random(2)
    contexts = [1, 3, 3, 8]
    rng = np.random.default_rng(0)
    negs = rng.integers(0, 12, (4, 5))
    J, g_in, g_out = windows.skipgram(4, contexts, W_in, W_out,
                                     ns.neg_sampling_loss_and_gradient, negs)
    # eqs 62-63: the sums of the per-context terms, computed here by hand
    parts = [ns.neg_sampling_loss_and_gradient(W_in[4], o, W_out, n)
             for o, n in zip(contexts, negs)]
    assert pytest.approx(sum(p[0] for p in parts)) == J
    np.testing.assert_allclose(g_in[4], sum(p[1] for p in parts))
    np.testing.assert_allclose(g_out, sum(p[2] for p in parts))
    # eq 64: no other input row gets a gradient
    assert not np.delete(g_in, 4, axis=0).any()


def test_batched_forms_equal_a_loop_of_single_pairs():
    W_in, W_out, _ = _random(3)
    rng = np.random.default_rng(1)
    centers, contexts = rng.integers(0, 12, 9), rng.integers(0, 12, 9)
    negs = rng.integers(0, 12, (9, 5))
    J, g_in, g_out = ns.ns_loss_batch(W_in, W_out, centers, contexts, negs)
    Js, g_in2, g_out2 = softmax.softmax_loss_batch(W_in, W_out, centers, contexts)
    ref = [np.zeros(1), np.zeros_like(W_in), np.zeros_like(W_out)]
    ref_s = [np.zeros(1), np.zeros_like(W_in), np.zeros_like(W_out)]
    for c, o, n in zip(centers, contexts, negs):
        for acc, out in ((ref, ns.neg_sampling_loss_and_gradient(W_in[c], o, W_out, n)),
                         (ref_s, softmax.naive_softmax_loss_and_gradient(W_in[c], o, W_out))):
            acc[0] += out[0]
            acc[1][c] += out[1]
            acc[2] += out[2]
    assert pytest.approx(ref[0][0]) == J and Js == pytest.approx(ref_s[0][0])
    for a, b in ((g_in, ref[1]), (g_out, ref[2]), (g_in2, ref_s[1]), (g_out2, ref_s[2])):
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_stability_for_large_scores():
    v = np.array([100.0, 0.0])
    U = np.array([[100.0, 0.0], [-100.0, 0.0], [0.0, 1.0]])
    J, g_v, _ = softmax.naive_softmax_loss_and_gradient(v, 1, U)
    assert np.isfinite(J) and pytest.approx(20000.0) == J
    J, g_v, _ = ns.neg_sampling_loss_and_gradient(v, 1, U, np.array([0]))
    assert np.isfinite(J) and pytest.approx(20000.0) == J
    assert np.isfinite(g_v).all()
    assert common.log_sigmoid(-1000.0) == pytest.approx(-1000.0)


def test_identities():
    x = np.linspace(-20, 20, 81)
    s = common.sigmoid(x)
    np.testing.assert_allclose(s, 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(common.log_sigmoid(x), np.log(s), atol=1e-12)
    # eq 5: cross-entropy with one-hot y equals -log ŷ_o
    v, U = tiny()
    y_hat = common.softmax(U @ v)
    J = softmax.naive_softmax_loss_and_gradient(v, 1, U)[0]
    assert -np.sum(np.eye(3)[1] * np.log(y_hat)) == pytest.approx(J)


def test_saturated_scores_keep_their_tiny_gradients():
    # u_o·v = 40: 1 - σ(40) rounds to 0 in float64, but the true factor is σ(-40) = e^-40/(1+e^-40)
    v = np.array([4.0, 0.0])
    U = np.array([[10.0, 0.0], [-10.0, 0.0]])
    _, g_v, g_U = ns.neg_sampling_loss_and_gradient(v, 0, U, np.array([1]))
    tiny_factor = np.exp(-40.0) / (1 + np.exp(-40.0))
    np.testing.assert_allclose(g_U[0], -tiny_factor * v, rtol=1e-12)  # not rounded to 0
    np.testing.assert_allclose(g_U[1], tiny_factor * v, rtol=1e-12)  # σ(u_1·v) = σ(-40)


@pytest.mark.parametrize("fn, extra", [(softmax.naive_softmax_loss_and_gradient, ()),
                                       (ns.neg_sampling_loss_and_gradient, ([3, 3, 7],))])
def test_dtype_follows_the_inputs_and_inputs_are_not_mutated(fn, extra):
    W_in, W_out, _ = _random(4)
    v, U = W_in[0].copy(), W_out.copy()
    ref = fn(v, 2, U, *extra)
    J32, g_v32, g_U32 = fn(v.astype(np.float32), 2, U.astype(np.float32), *extra)
    assert g_v32.dtype == g_U32.dtype == np.float32 and ref[1].dtype == np.float64
    np.testing.assert_allclose(g_v32, ref[1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(g_U32, ref[2], rtol=1e-4, atol=1e-5)
    assert pytest.approx(ref[0], rel=1e-5) == J32
    np.testing.assert_array_equal(v, W_in[0])
    np.testing.assert_array_equal(U, W_out)


# ------------------------------------------- the kernels' direction (windows.py)


def _kernel_window(seed=6, V=12, d=4, K=5):
    """A window with a repeated context, a negative drawn twice and a negative equal to the
    center: every way a row can receive several terms."""
    W_in, W_out, _ = _random(seed, V, d)
    center, contexts = 3, np.array([1, 7, 7, 10])
    negs = np.array([5, 5, 3, 0, 9][:K])
    return W_in, W_out, center, contexts, negs


def test_kernel_pairs_rename_the_seed_variables():
    W_in, W_out, center, contexts, negs = _kernel_window()
    inputs, outputs, tiled = windows.kernel_pairs(center, contexts, negs)
    # each context o_j is the seed's v_c, the center is every pair's outside word o
    J, _, _ = ns.ns_loss_batch(W_in, W_out, inputs, outputs, tiled)
    by_hand = sum(ns.neg_sampling_loss_and_gradient(W_in[o], center, W_out, negs)[0]
                  for o in contexts)
    assert pytest.approx(by_hand, rel=1e-12) == J
    assert windows.kernel_pairs(center, contexts)[2] is None


def test_ns_window_terms_equal_the_seed_pairs_summed():
    """The shared-negatives window (eq 45 summed by eq 62) equals ns_loss_batch over the
    renamed pairs, and its gradient passes finite differences."""
    W_in, W_out, center, contexts, negs = _kernel_window()
    targets = np.concatenate([[center], negs])
    loss, g_v, g_u = windows.ns_window_terms(W_in[contexts], W_out[targets])
    J, ref_in, ref_out = ns.ns_loss_batch(W_in, W_out, *windows.kernel_pairs(center, contexts,
                                                                            negs))
    got_in, got_out = np.zeros_like(W_in), np.zeros_like(W_out)
    np.add.at(got_in, contexts, g_v)
    np.add.at(got_out, targets, g_u)
    assert pytest.approx(J, rel=1e-12) == float(np.sum(loss))
    np.testing.assert_allclose(got_in, ref_in, atol=1e-12)
    np.testing.assert_allclose(got_out, ref_out, atol=1e-12)

    def f():
        return float(np.sum(windows.ns_window_terms(W_in[contexts], W_out[targets])[0]))

    assert check_gradient(f, W_in, got_in) < 1e-7
    assert check_gradient(f, W_out, got_out) < 1e-7


def test_softmax_window_terms_equal_the_seed_pairs_summed():
    W_in, W_out, center, contexts, _ = _kernel_window()
    loss, g_v, g_U = windows.softmax_window_terms(W_in[contexts], W_out, center)
    inputs, outputs, _ = windows.kernel_pairs(center, contexts)
    J, ref_in, ref_out = softmax.softmax_loss_batch(W_in, W_out, inputs, outputs)
    got_in = np.zeros_like(W_in)
    np.add.at(got_in, contexts, g_v)
    assert pytest.approx(J, rel=1e-12) == float(np.sum(loss))
    np.testing.assert_allclose(got_in, ref_in, atol=1e-12)
    np.testing.assert_allclose(g_U, ref_out, atol=1e-12)

    def f():
        return float(np.sum(windows.softmax_window_terms(W_in[contexts], W_out, center)[0]))

    assert check_gradient(f, W_in, got_in) < 1e-7
    assert check_gradient(f, W_out, g_U) < 1e-7
