"""Hierarchical softmax: the Huffman tree against hand-worked trees and an independent heapq
Huffman, the leaf probabilities against eq 101, the gradients against finite differences."""

import doctest
import heapq
import math
from fractions import Fraction

import numpy as np
import pytest

from w2v.errors import VocabError
from w2v.objectives import common, gradcheck_extra, hs
from w2v.objectives.gradcheck import check_gradient


def paths(tree):
    V = len(tree.lengths)
    return [(tree.path(w)[1].tolist(), tree.path(w)[0].tolist()) for w in range(V)]


# ------------------------------------------------------------------------- hand-worked trees


# (5, 3, 2, 1): leaves queue from the rarest: 3, 2, 1, 0; inner ids = creation step.
#   step 0: leaf 3 (1), leaf 2 (2)       -> inner 0 (count 3); bits: 3 -> 0, 2 -> 1
#   step 1: inner 0 (3) vs leaf 1 (3): tie -> the inner node first; then leaf 1
#                                        -> inner 1 (count 6); bits: inner 0 -> 0, 1 -> 1
#   step 2: leaf 0 (5), inner 1 (6)      -> inner 2 = root (11); bits: 0 -> 0, inner 1 -> 1
#   codes root -> leaf: 0 = "0"; 1 = "1 1"; 2 = "1 0 1"; 3 = "1 0 0"   (docs/derivations §2.1)
# (1, 1, 1, 1): step 0 merges leaves 3, 2 (bit 1 to 2) -> inner 0 (2); step 1: leaf 1 (1) <
#   inner 0 (2), so leaves 1, 0 (bit 1 to 0) -> inner 1 (2); step 2: no leaves left: inner 0,
#   then inner 1 (bit 1) -> root 2.
# (1, 1) and (9, 1): leaf 1 is picked first (bit 0), leaf 0 second (bit 1), frequent or not.
@pytest.mark.parametrize("counts, expected", [
    ([5, 3, 2, 1], [([0], [2]), ([1, 1], [2, 1]), ([1, 0, 1], [2, 1, 0]), ([1, 0, 0], [2, 1, 0])]),
    ([1, 1, 1, 1], [([1, 1], [2, 1]), ([1, 0], [2, 1]), ([0, 1], [2, 0]), ([0, 0], [2, 0])]),
    ([1, 1], [([1], [0]), ([0], [0])]),
    ([9, 1], [([1], [0]), ([0], [0])]),
])
def test_hand_worked_trees(counts, expected):
    assert paths(hs.huffman_tree(counts)) == expected


def test_padding_mask_and_dtypes():
    t = hs.huffman_tree([5, 3, 2, 1])
    assert t.codes.dtype == np.uint8 and t.points.dtype == np.int32
    assert t.codes.shape == t.points.shape == (4, 3)
    np.testing.assert_array_equal(t.lengths, [1, 2, 3, 3])
    np.testing.assert_array_equal(t.mask, np.arange(3) < np.array([1, 2, 3, 3])[:, None])
    assert not t.codes[~t.mask].any() and not t.points[~t.mask].any()  # 0 padding


@pytest.mark.parametrize("counts, message", [
    ([3], "at least 2 words"), ([], "at least 2 words"), ([1, 2, 3], "sorted by descending"),
    ([2, -1], "non-negative"), (["a", "b"], "non-negative"),
])
def test_bad_counts_are_one_line_errors(counts, message):
    with pytest.raises(VocabError, match=message):
        hs.huffman_tree(counts)


# ------------------------------------------------------------------------ tree properties


def random_counts(rng, V, kind):
    counts = {"zipf": rng.zipf(1.4, V), "few": rng.integers(1, 4, V),
              "wide": rng.integers(1, 10**9, V)}[kind]
    return np.sort(counts)[::-1]


CASES = [(V, kind, seed) for V in (2, 3, 17, 200) for kind in ("zipf", "few", "wide")
         for seed in (0, 1)]


@pytest.mark.parametrize("V, kind, seed", CASES)
def test_prefix_free_kraft_entropy_and_points(V, kind, seed):
    counts = random_counts(np.random.default_rng(seed), V, kind)
    tree = hs.huffman_tree(counts)
    codes = ["".join(map(str, tree.path(w)[1].tolist())) for w in range(V)]
    ordered = sorted(codes)  # a prefix of a code sorts right before it (or one of its extensions)
    assert all(not b.startswith(a) for a, b in zip(ordered, ordered[1:]))
    assert sum(Fraction(1, 2 ** len(c)) for c in codes) == 1  # eq 102, exactly
    p = counts / counts.sum()
    entropy = -sum(q * math.log2(q) for q in p if q > 0)
    assert entropy - 1e-9 <= float(np.sum(p * tree.lengths)) < entropy + 1  # eq 103
    # Each proper prefix of a code is one inner node: prefix -> point must be a bijection onto
    # 0..V-2, and the empty prefix must be the root V-2.
    node_of = {}
    for w in range(V):
        points, bits = tree.path(w)
        for j in range(len(bits)):
            assert node_of.setdefault(tuple(bits[:j].tolist()), int(points[j])) == points[j]
    assert node_of[()] == V - 2
    assert sorted(node_of.values()) == list(range(V - 1))
    # Ties may change which tree is built, never its expected length (both are optimal).
    ref, _ = heapq_huffman(counts.tolist())
    assert int(np.dot(counts, tree.lengths)) == sum(c * len(r[0]) for c, r in zip(counts, ref))


def heapq_huffman(counts):
    """An independent Huffman: a heap, first pop -> bit 0, second -> bit 1, inner id = step."""
    V = len(counts)
    heap = [(c, w) for w, c in enumerate(counts)]
    heapq.heapify(heap)
    children = {}
    for step in range(V - 1):
        a, b = heapq.heappop(heap), heapq.heappop(heap)
        children[V + step] = (a[1], b[1])
        heapq.heappush(heap, (a[0] + b[0], V + step))
    out, stack = {}, [(2 * V - 2, [], [])]
    while stack:
        node, codes, points = stack.pop()
        if node < V:
            out[node] = (codes, points)
            continue
        for bit, child in enumerate(children[node]):
            stack.append((child, codes + [bit], points + [node - V]))
    return [out[w] for w in range(V)], children


@pytest.mark.parametrize("seed", range(6))
def test_tie_free_counts_give_the_heapq_tree_exactly(seed):
    V = [2, 3, 17, 60, 200, 1000][seed]
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.choice(10**12, V, replace=False) + 1)[::-1]
    ref, children = heapq_huffman(counts.tolist())
    weights = dict(enumerate(counts.tolist()))
    for node in sorted(children):
        weights[node] = sum(weights[c] for c in children[node])
    assert len(set(weights.values())) == 2 * V - 1  # no ties: the Huffman tree is unique
    assert paths(hs.huffman_tree(counts)) == ref


def test_tie_free_counts_give_gensims_tree():
    from gensim.models.keyedvectors import KeyedVectors
    from gensim.models.word2vec import _assign_binary_codes

    counts = np.sort(np.random.default_rng(7).choice(10**9, 40, replace=False) + 1)[::-1]
    kv = KeyedVectors(vector_size=1)
    kv.add_vectors([str(w) for w in range(len(counts))], np.zeros((len(counts), 1)))
    for w, c in enumerate(counts.tolist()):
        kv.set_vecattr(w, "count", c)
    _assign_binary_codes(kv)
    tree = hs.huffman_tree(counts)
    for w in range(len(counts)):
        points, codes = tree.path(w)
        assert codes.tolist() == kv.get_vecattr(w, "code").tolist()
        assert points.tolist() == kv.get_vecattr(w, "point").tolist()


# --------------------------------------------------------------------- leaf probabilities


@pytest.mark.parametrize("V", [2, 3, 17, 1000])
@pytest.mark.parametrize("seed", [0, 1])
def test_leaf_probabilities_sum_to_one(V, seed):
    rng = np.random.default_rng(seed)
    tree = hs.huffman_tree(random_counts(rng, V, "zipf"))
    U, v = rng.normal(0, 1, (V - 1, 8)), rng.normal(0, 1, 8)
    P = hs.leaf_probabilities(v, U, tree)
    assert abs(P.sum() - 1) < 1e-12  # eq 101
    # against a naive product over each path (eq 94) and exp(-J) (eq 95)
    for w in rng.integers(0, V, 5):
        nodes, bits = tree.path(w)
        naive = math.prod(1 / (1 + math.exp(-(1 - 2 * int(b)) * float(U[n] @ v)))
                          for n, b in zip(nodes, bits))
        assert P[w] == pytest.approx(naive, rel=1e-12)
        J = hs.hs_loss_and_gradient(v, nodes, bits, U)[0]
        assert P[w] == pytest.approx(math.exp(-J), rel=1e-12)
    # U_inner = 0, the initial state: P(w) = 2^-L_w
    np.testing.assert_allclose(hs.leaf_probabilities(v, U * 0, tree), 2.0 ** -tree.lengths)


# ------------------------------------------------------------------------------ gradients


def test_hs_loss_hand_worked():
    # tree of (5, 3, 2, 1): word 2 walks nodes 2, 1, 0 with bits 1, 0, 1
    tree = hs.huffman_tree([5, 3, 2, 1])
    nodes, bits = tree.path(2)
    U = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])  # u_0, u_1, u_2
    v = np.array([1.0, 0.0])
    J, g_v, g_U = hs.hs_loss_and_gradient(v, nodes, bits, U)
    # x = (u_2·v, u_1·v, u_0·v) = (-1, 0, 1); s = (-1, +1, -1); σ(s x) = σ(1), σ(0), σ(-1)
    # J = 0.3132616875 + 0.6931471806 + 1.3132616875 = 2.3196705556          (eq 95)
    assert pytest.approx(2.3196705556, abs=1e-9) == J
    # g_j = σ(x_j) - 1 + d_j = (0.268941421, -0.5, 0.731058579)              (eq 107)
    # dJ/dv = 0.268941421 u_2 - 0.5 u_1 + 0.731058579 u_0 = (0.462117158, -0.5)   (eq 108)
    np.testing.assert_allclose(g_v, [0.462117158, -0.5], atol=1e-9)
    # dJ/du_{n_j} = g_j v                                                    (eq 109)
    np.testing.assert_allclose(g_U, [[0.731058579, 0], [-0.5, 0], [0.268941421, 0]], atol=1e-9)


def test_hs_matches_word2vec_c_update_loop():
    # word2vec.c's inner loop with an exact σ: f = σ(x); g = (1 - code - f) lr;
    # neu1e += g u_n; u_n += g v; then v += neu1e. It must equal -lr times eqs 108-109.
    rng = np.random.default_rng(3)
    tree = hs.huffman_tree(random_counts(rng, 30, "zipf"))
    U, v, lr = rng.normal(0, 1, (29, 6)), rng.normal(0, 1, 6), 0.05
    nodes, bits = tree.path(29)
    _, g_v, g_U = hs.hs_loss_and_gradient(v, nodes, bits, U)
    U_c, v_c, neu1e = U.copy(), v.copy(), np.zeros(6)
    for n, code in zip(nodes, bits):
        f = 1 / (1 + math.exp(-float(U_c[n] @ v_c)))
        g = (1 - int(code) - f) * lr
        neu1e += g * U_c[n]
        U_c[n] += g * v_c
    v_c += neu1e
    np.testing.assert_allclose(v_c, v - lr * g_v, atol=1e-14)
    np.testing.assert_allclose(U_c, U - lr * g_U, atol=1e-14)


@pytest.mark.parametrize("seed", range(4))
def test_hs_gradients_against_finite_differences(seed):
    rng = np.random.default_rng(seed)
    tree = hs.huffman_tree(random_counts(rng, 25, "zipf"))
    U, v = rng.normal(0, 1, (24, 5)), rng.normal(0, 1, 5)
    nodes, bits = tree.path(int(rng.integers(25)))
    _, g_v, g_U = hs.hs_loss_and_gradient(v, nodes, bits, U)

    def f():
        return hs.hs_loss_and_gradient(v, nodes, bits, U)[0]

    assert check_gradient(f, v, g_v) < 1e-8
    assert check_gradient(f, U, g_U) < 1e-8
    off = np.setdiff1d(np.arange(24), nodes)
    assert not g_U[off].any()  # eq 110


def test_batch_and_window_equal_loops_of_single_pairs():
    rng = np.random.default_rng(4)
    tree = hs.huffman_tree(random_counts(rng, 15, "few"))
    W_in, U = rng.normal(0, 1, (15, 4)), rng.normal(0, 1, (14, 4))
    inputs, targets = rng.integers(0, 15, 12), rng.integers(0, 15, 12)
    J, g_in, g_U = hs.hs_loss_batch(W_in, U, inputs, targets, tree)
    ref = [0.0, np.zeros_like(W_in), np.zeros_like(U)]
    for i, t in zip(inputs, targets):
        Jp, gv, gU = hs.hs_loss_and_gradient(W_in[i], *tree.path(t), U)
        ref[0] += Jp
        ref[1][i] += gv
        ref[2] += gU
    assert pytest.approx(ref[0]) == J
    np.testing.assert_allclose(g_in, ref[1], atol=1e-12)
    np.testing.assert_allclose(g_U, ref[2], atol=1e-12)
    # the skip-gram window (eq 111) is the batch of (context, center) pairs; eqs 112-114
    center, contexts = 2, [5, 9, 9, 0]
    Jw, gw_in, gw_U = hs.skipgram_hs(center, contexts, W_in, U, tree)
    Jb, gb_in, gb_U = hs.hs_loss_batch(W_in, U, contexts, [center] * 4, tree)
    assert Jw == pytest.approx(Jb)
    np.testing.assert_allclose(gw_in, gb_in, atol=1e-12)
    np.testing.assert_allclose(gw_U, gb_U, atol=1e-12)
    single = hs.hs_loss_and_gradient(W_in[9], *tree.path(center), U)[1]
    np.testing.assert_allclose(gw_in[9], 2 * single)  # m_w = 2 (eq 112)
    assert not np.delete(gw_in, contexts, axis=0).any()  # the center's row included (eq 114)


def test_float32_no_mutation_and_saturated_scores():
    rng = np.random.default_rng(5)
    tree = hs.huffman_tree(random_counts(rng, 10, "zipf"))
    W_in, U = rng.normal(0, 1, (10, 4)), rng.normal(0, 1, (9, 4))
    keep = W_in.copy(), U.copy()
    ref = hs.hs_loss_batch(W_in, U, [1, 2, 2], [0, 9, 4], tree)
    out = hs.hs_loss_batch(W_in.astype(np.float32), U.astype(np.float32), [1, 2, 2], [0, 9, 4],
                           tree)
    assert out[1].dtype == out[2].dtype == np.float32
    np.testing.assert_allclose(out[1], ref[1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out[2], ref[2], rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(W_in, keep[0])
    np.testing.assert_array_equal(U, keep[1])
    # x = 40 with d = 0: 1 - σ(40) rounds to 0, but g = -σ(-40) is not 0 (eq 107's form)
    U, v = np.array([[10.0, 0.0]]), np.array([4.0, 0.0])
    g_U = hs.hs_loss_and_gradient(v, [0], [0], U)[2]
    np.testing.assert_allclose(g_U[0], -common.sigmoid(-40.0) * v, rtol=1e-12)


def test_doctests():
    assert doctest.testmod(hs).failed == 0


# ------------------------------------------------------------- gradcheck rows, wrong ones fail


def hs_flipped_code_bit(v, path_nodes, code_bits, U_inner):
    # The loss is right; the gradient uses d_1 flipped, so g_1 is off by exactly 1 (eq 107).
    J = hs.hs_loss_and_gradient(v, path_nodes, code_bits, U_inner)[0]
    bits = np.array(code_bits, dtype=np.uint8)
    bits[0] ^= 1
    _, g_v, g_U = hs.hs_loss_and_gradient(v, path_nodes, bits, U_inner)
    return J, g_v, g_U


def test_a_flipped_code_bit_fails_far_above_tol():
    rows = gradcheck_extra.extra_gradcheck_rows(hs_fn=hs_flipped_code_bit)
    bad = {(r.function, r.block.split(" (")[0]): r.error for r in rows}
    for key in [("hs", "v"), ("hs", "U_inner"), ("skipgram+hs", "W_in"), ("skipgram+hs", "U_inner"),
                ("cbow_hs (mean)", "h"), ("cbow_hs (sum)", "W_in")]:
        assert bad[key] > 1e-3, key  # an error of order 1 in one factor
    assert bad[("cbow_ns (mean)", "W_in")] < 1e-8 and bad[("hs_loss_batch", "U_inner")] < 1e-8
