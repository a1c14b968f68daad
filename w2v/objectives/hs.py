"""Hierarchical softmax: word2vec.c's Huffman tree and the path loss, as pure numpy functions.

Equation numbers refer to ``docs/derivations.md`` (eqs 65-122, continuing seed 000's 1-64).
The tree is built the way word2vec.c's ``CreateBinaryTree`` builds it (§2.1): a two-queue merge
of the counts sorted by descending count, inner node ``a`` created at step ``a``, the root last
(id V - 2), and the second node picked at each step (the larger) on the branch with code 1.
A word's path is read from the root down: at inner node ``points[w, j]`` take the branch
``codes[w, j]`` (eq 91).

The loss of one (input vector v, target word w) pair is eq 95,
``J = -Σ_j log σ((1 - 2 d_j) u_{n_j}ᵀ v)``, and its true gradients are eqs 107-110. Nothing here
takes a learning rate or mutates its inputs, and float32 inputs give float32 gradients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v.errors import VocabError
from w2v.objectives.common import log_sigmoid, sigmoid


@dataclass(frozen=True)
class HuffmanTree:
    """Codes and points of every word, padded with 0 after ``lengths[w]`` entries.

    codes: (V, L_max) uint8, the bits d_1..d_L from root to leaf (eq 91);
    points: (V, L_max) int32, the inner nodes n_1..n_L, ids in [0, V - 2], n_1 = V - 2 the root;
    lengths: (V,) int32, L_w >= 1. Inner node ids index the rows of ``U_inner`` (V - 1 rows).
    """

    codes: np.ndarray
    points: np.ndarray
    lengths: np.ndarray

    def path(self, w: int) -> tuple[np.ndarray, np.ndarray]:
        """(points, codes) of word w without padding: the arguments of hs_loss_and_gradient."""
        n = int(self.lengths[w])
        return self.points[w, :n], self.codes[w, :n]

    @property
    def mask(self) -> np.ndarray:
        """(V, L_max) bool: True where ``codes`` and ``points`` hold a real entry."""
        return np.arange(self.codes.shape[1]) < self.lengths[:, None]


def huffman_tree(counts) -> HuffmanTree:
    """word2vec.c's Huffman tree over ``counts`` sorted by descending count (the Vocab order).

    Deterministic: ties between a leaf and an inner node go to the inner node, as word2vec.c's
    strict ``<`` does (§2.1, worked example).

    >>> t = huffman_tree([5, 3, 2, 1])
    >>> [t.path(w)[1].tolist() for w in range(4)], t.path(2)[0].tolist()
    ([[0], [1, 1], [1, 0, 1], [1, 0, 0]], [2, 1, 0])
    """
    counts = np.asarray(counts)
    if counts.ndim != 1 or len(counts) < 2:
        raise VocabError("hierarchical softmax needs a vocabulary of at least 2 words")
    if not np.issubdtype(counts.dtype, np.number) or np.any(counts < 0):
        raise VocabError("word counts must be non-negative numbers")
    if np.any(np.diff(counts) > 0):
        raise VocabError("word counts must be sorted by descending count, as Vocab stores them")
    parent, bit = _merge(counts.tolist())
    return _paths(np.asarray(parent), np.asarray(bit, dtype=np.uint8), len(counts))


def _merge(counts: list) -> tuple[list[int], list[int]]:
    """The two-queue merge (eqs 88-90): parent node and branch bit of every node but the root.

    Leaves are read from the rarest (V - 1) toward 0; inner nodes V..2V-2 in creation order.
    Both queues are non-decreasing (eq 90), so their fronts are the two candidates.
    """
    V = len(counts)
    weight = list(counts) + [0] * (V - 1)
    parent = [0] * (2 * V - 1)
    bit = [0] * (2 * V - 1)
    leaf, inner = V - 1, V  # the fronts of the two queues
    for new in range(V, 2 * V - 1):
        picked = []
        for _ in range(2):
            # inner == new: no inner node is waiting (word2vec.c's 1e15 sentinel)
            if leaf >= 0 and (inner == new or weight[leaf] < weight[inner]):
                picked.append(leaf)
                leaf -= 1
            else:
                picked.append(inner)
                inner += 1
        first, second = picked
        weight[new] = weight[first] + weight[second]  # eq 88
        parent[first] = parent[second] = new
        bit[second] = 1  # eq 89: the second pick, the larger, gets code 1
    return parent, bit


def _paths(parent: np.ndarray, bit: np.ndarray, V: int) -> HuffmanTree:
    """Walk the leaves up to the root and store each edge at its root-to-leaf position (eq 91).

    Two walks over the leaves not yet at the root: the first measures L_w, the second writes
    the edge i steps above leaf w into column L_w - 1 - i, directly into the padded outputs.
    """
    root = 2 * V - 2
    lengths = np.zeros(V, dtype=np.int32)
    live, node = np.arange(V), np.arange(V)
    while live.size:
        lengths[live] += 1
        node = parent[node]
        live, node = live[node != root], node[node != root]
    codes = np.zeros((V, int(lengths.max())), dtype=np.uint8)
    points = np.zeros((V, int(lengths.max())), dtype=np.int32)
    live, node, step = np.arange(V), np.arange(V), 0
    while live.size:
        col = lengths[live] - 1 - step
        up = parent[node]
        codes[live, col] = bit[node]  # the branch into ``node`` ...
        points[live, col] = up - V  # ... is decided at its parent
        live, node, step = live[up != root], up[up != root], step + 1
    return HuffmanTree(codes, points, lengths)


# ------------------------------------------------------------------------------------ loss


def hs_batch_terms(v, u_nodes, codes, mask=None):
    """Hierarchical softmax on gathered rows, for B pairs at once, from one snapshot.

    v: (B, d) input vectors; u_nodes: (B, L, d) the rows U_inner[n_j] of each target's path;
    codes: (B, L) the bits d_j; mask: (B, L) bool, False on padding (None: all real).
    Returns (loss (B,) by eq 95, dJ/dv (B, d) by eq 108, dJ/du_nodes (B, L, d) by eq 109);
    the caller scatters the node rows with ``np.add.at``, since pairs share nodes (the root).
    """
    x = np.einsum("bld,bd->bl", u_nodes, v)
    s = np.where(np.asarray(codes) != 0, -1, 1).astype(x.dtype)  # s_j = 1 - 2 d_j
    real = np.ones(x.shape, dtype=x.dtype) if mask is None else np.asarray(mask, dtype=x.dtype)
    loss = -np.sum(real * log_sigmoid(s * x), axis=1)  # eq 95
    g = real * (-s * sigmoid(-s * x))  # g_j = σ(x_j) - 1 + d_j without cancellation, eq 107
    g_v = np.einsum("bl,bld->bd", g, u_nodes)  # eq 108
    g_nodes = g[:, :, None] * v[:, None, :]  # eq 109
    return loss, g_v, g_nodes


def hs_window_terms(v, u_path, codes):
    """The kernels' skip-gram window with HS, on gathered rows, from one snapshot: each of the
    m context rows ``v`` (m, d) walks the center's path, ``u_path`` (L, d) with bits ``codes``
    (L,) (eq 111). Returns (loss (m,), dJ/dv (m, d) one row per position (eq 112 before the
    positions of one word are added), dJ/du_path (L, d) (eq 113)).

    >>> loss, g_v, g_u = hs_window_terms(np.ones((3, 2)), np.zeros((2, 2)), np.array([0, 1]))
    >>> bool(np.allclose(loss, 2 * np.log(2))), g_u.tolist()
    (True, [[-1.5, -1.5], [1.5, 1.5]])
    """
    m, L = len(v), len(codes)
    loss, g_v, g_nodes = hs_batch_terms(v, np.broadcast_to(u_path, (m, *u_path.shape)),
                                        np.broadcast_to(np.asarray(codes), (m, L)))
    return loss, g_v, g_nodes.sum(axis=0)


def hs_loss_and_gradient(v, path_nodes, code_bits, U_inner):
    """J = -Σ_j log σ((1 - 2 d_j) u_{n_j}ᵀ v) (eq 95); returns (J, dJ/dv, dJ/dU_inner as rows).

    - dJ/dv = Σ_j g_j u_{n_j} with g_j = σ(u_{n_j}ᵀv) - 1 + d_j        (eqs 107, 108);
    - dJ/du_{n_j} = g_j v, and zero for the nodes off the path          (eqs 109, 110).

    >>> U = np.zeros((3, 2)); J, g_v, g_U = hs_loss_and_gradient(np.ones(2), [2, 1], [1, 0], U)
    >>> bool(np.isclose(J, 2 * np.log(2))), g_U[2].tolist(), g_U[1].tolist()
    (True, [0.5, 0.5], [-0.5, -0.5])
    """
    path_nodes = np.asarray(path_nodes)
    loss, g_v, g_nodes = hs_batch_terms(v[None], U_inner[path_nodes][None],
                                        np.asarray(code_bits)[None])
    grad_U = np.zeros_like(U_inner)
    np.add.at(grad_U, path_nodes, g_nodes[0])  # a path's nodes are distinct; add.at regardless
    return loss[0], g_v[0], grad_U


def hs_loss_batch(W_in, U_inner, inputs, targets, tree: HuffmanTree):
    """Summed HS loss and full gradients over many (input, target) pairs from one snapshot.

    Pair i is J_hs(W_in[inputs[i]], targets[i]) (eq 95). word2vec.c's skip-gram direction passes
    inputs = context words, targets = centers (eq 111); the seed's passes them the other way.
    Returns (J, dJ/dW_in, dJ/dU_inner); repeated inputs and shared nodes add up (eqs 112, 113).
    """
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    width = int(tree.lengths[targets].max(initial=1))
    points = tree.points[targets, :width]
    mask = tree.mask[targets, :width]
    loss, g_v, g_nodes = hs_batch_terms(W_in[inputs], U_inner[points], tree.codes[targets, :width],
                                        mask)
    grad_in = np.zeros_like(W_in)
    grad_U = np.zeros_like(U_inner)
    np.add.at(grad_in, inputs, g_v)
    np.add.at(grad_U, points[mask], g_nodes[mask])
    return float(np.sum(loss, dtype=np.float64)), grad_in, grad_U


def skipgram_hs(center, contexts, W_in, U_inner, tree: HuffmanTree,
                loss_fn=hs_loss_and_gradient):
    """One skip-gram window with HS in word2vec.c's direction: each context row predicts the
    center's path (eq 111). Returns (J, dJ/dW_in, dJ/dU_inner) by eqs 112-114: a context word
    seen twice gets both terms, and every other input row (the center's too) gets zero.
    ``loss_fn`` has hs_loss_and_gradient's signature (gradcheck injects wrong ones)."""
    nodes, bits = tree.path(center)
    loss = 0.0
    grad_in = np.zeros_like(W_in)
    grad_U = np.zeros_like(U_inner)
    for o in contexts:
        J, g_v, g_U = loss_fn(W_in[o], nodes, bits, U_inner)
        loss += J
        grad_in[o] += g_v
        grad_U += g_U
    return loss, grad_in, grad_U


def leaf_probabilities(v, U_inner, tree: HuffmanTree) -> np.ndarray:
    """P(w | v) for every word (eq 94): they sum to 1 (eq 101), and to 2^-L_w at U_inner = 0."""
    x = U_inner[tree.points] @ v  # (V, L_max)
    s = np.where(tree.codes != 0, -1.0, 1.0)
    return np.exp(np.sum(np.where(tree.mask, log_sigmoid(s * x), 0.0), axis=1))
