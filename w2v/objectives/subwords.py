"""Subword input side: a word's vector is the mean of its bag of rows, with NS or HS on top.

Equation numbers refer to ``docs/derivations.md`` §5. A bag is a list of rows of W_in (the
word's own row, then its n-grams' ``V + bucket`` rows, from ``SubwordSpec.rows``); a row may be
in it more than once (c_r times: a repeated n-gram, or two n-grams in one bucket):

- x = (1/|G|) Σ_i v_{g_i} = (1/|G|) Σ_r c_r v_r                       (eq 124);
- dJ/dv_r = (c_r/|G|) dJ/dx, zero off the bag                           (eqs 126, 127);
- skip-gram (w2v's direction): each context word's bag predicts the center (eq 128);
- CBOW: the context words' bags concatenated into one bag B, h its mean  (eqs 129, 130).

The loss on top is the existing one (``ns.neg_sampling_loss_and_gradient``,
``hs.hs_loss_and_gradient``), unchanged: only the input vector is formed differently, and its
gradient spread over the bag. ``*_loss_and_gradient`` return true gradients;
``fasttext_direction`` is the step fastText (and w2v, §5.3) applies instead, |G| times the true
input gradient (eqs 131, 132). Everything is pure and takes no lr. ``spread_fn`` (eq 126) can
be replaced, so that gradcheck can be shown a wrong one.
"""

from __future__ import annotations

import numpy as np

from w2v.objectives import hs, ns


def bag_mean(W_in, bag):
    """x = the mean of W_in's rows listed in ``bag``, each as many times as listed (eq 124).

    >>> bag_mean(np.array([[0.0], [3.0]]), [0, 1, 1]).tolist()
    [2.0]
    """
    bag = np.asarray(bag)
    if bag.size == 0:
        raise ValueError("an empty bag has no mean: the word has no vector (§5.2)")
    return np.sum(W_in[bag], axis=0) / len(bag)


def bag_gradient(grad_x, bag, n_rows: int):
    """dJ/dW_in from dJ/dx: row r is (c_r/|G|) dJ/dx (eq 126), other rows 0 (eq 127); a row in
    the bag twice gets its share twice (``np.add.at`` adds repeated indices).

    >>> bag_gradient(np.array([3.0]), [0, 1, 1], 3).ravel().tolist()
    [1.0, 2.0, 0.0]
    """
    out = np.zeros((n_rows, grad_x.shape[0]), dtype=grad_x.dtype)
    np.add.at(out, np.asarray(bag), grad_x / len(bag))
    return out


def fasttext_direction(grad_x, bag, n_rows: int):
    """fastText's D_in (eq 131): the whole dJ/dx added to the row of every entry of the bag,
    c_r times for a row listed c_r times; |G| times ``bag_gradient`` (eq 132)."""
    out = np.zeros((n_rows, grad_x.shape[0]), dtype=grad_x.dtype)
    np.add.at(out, np.asarray(bag), grad_x)
    return out


def bag_loss_and_gradient(W_in, bag, x_loss, spread_fn=bag_gradient):
    """J(x) for x the bag's mean, through ``x_loss(x) -> (J, dJ/dx, dJ/d outputs)``.

    Returns (J, dJ/dx, dJ/dW_in, dJ/d outputs): the input rows by eq 126."""
    x = bag_mean(W_in, bag)
    J, g_x, g_out = x_loss(x)
    return J, g_x, spread_fn(g_x, bag, len(W_in)), g_out


def bag_ns_loss_and_gradient(W_in, W_out, bag, target, negatives, spread_fn=bag_gradient):
    """One pair: the bag's mean predicts ``target`` against ``negatives`` (eq 73 with h -> x).
    Returns (J, dJ/dW_in, dJ/dW_out), true gradients (eqs 77-82, 126)."""
    J, _, g_in, g_out = bag_loss_and_gradient(
        W_in, bag, lambda x: ns.neg_sampling_loss_and_gradient(x, target, W_out, negatives),
        spread_fn)
    return J, g_in, g_out


def bag_hs_loss_and_gradient(W_in, U_inner, bag, target, tree: hs.HuffmanTree,
                             spread_fn=bag_gradient):
    """One pair: the bag's mean walks ``target``'s path (eq 95 with v -> x).
    Returns (J, dJ/dW_in, dJ/dU_inner), true gradients (eqs 108-110, 126)."""
    nodes, bits = tree.path(target)
    J, _, g_in, g_U = bag_loss_and_gradient(
        W_in, bag, lambda x: hs.hs_loss_and_gradient(x, nodes, bits, U_inner), spread_fn)
    return J, g_in, g_U


def skipgram_bags_ns(W_in, W_out, bags, center, negatives, spread_fn=bag_gradient):
    """A skip-gram window in w2v's direction: context position j's bag ``bags[j]`` predicts
    the center with its own negatives ``negatives[j]`` (eq 128). Returns (J, dJ/dW_in,
    dJ/dW_out): positions add, including rows that different words' bags share."""
    parts = [bag_ns_loss_and_gradient(W_in, W_out, bag, center, neg, spread_fn)
             for bag, neg in zip(bags, negatives)]
    return tuple(sum(p[i] for p in parts) for i in range(3))


def skipgram_bags_hs(W_in, U_inner, bags, center, tree: hs.HuffmanTree, spread_fn=bag_gradient):
    """A skip-gram window in w2v's direction with HS: every context bag walks the center's
    path (eqs 111, 128). Returns (J, dJ/dW_in, dJ/dU_inner)."""
    parts = [bag_hs_loss_and_gradient(W_in, U_inner, bag, center, tree, spread_fn)
             for bag in bags]
    return tuple(sum(p[i] for p in parts) for i in range(3))


def cbow_bag(bags) -> list[int]:
    """fastText's CBOW input: the context words' bags concatenated, B = G_o1 ‖ ... ‖ G_om (eq 129).

    >>> cbow_bag([[0, 5], [1, 5, 6]])
    [0, 5, 1, 5, 6]
    """
    return [int(r) for bag in bags for r in bag]


def cbow_bags_ns(W_in, W_out, bags, center, negatives, spread_fn=bag_gradient):
    """CBOW with subwords and NS: h is the mean over the concatenated bag (eq 129), rows get
    (c_r(B)/|B|) dJ/dh (eq 130). Returns (J, dJ/dW_in, dJ/dW_out)."""
    return bag_ns_loss_and_gradient(W_in, W_out, cbow_bag(bags), center, negatives, spread_fn)


def cbow_bags_hs(W_in, U_inner, bags, center, tree: hs.HuffmanTree, spread_fn=bag_gradient):
    """CBOW with subwords and HS: eq 129's h walks the center's path (eqs 116, 130).
    Returns (J, dJ/dW_in, dJ/dU_inner)."""
    return bag_hs_loss_and_gradient(W_in, U_inner, cbow_bag(bags), center, tree, spread_fn)
