"""Gradient checks for the subword input side (``subwords``), as rows of ``w2v gradcheck``.

Same method as ``gradcheck`` (primitives in ``checking``): one random float64 problem from
``np.random.Generator(seed)``, centered differences, the error max|a - n| / (max|a| + max|n|)
per block. The problem is built from real n-grams (``SubwordSpec(3, 4, 16)`` over 12 words, so
W_in has 12 + 16 rows): ``aaaa`` holds the 3-gram ``aaa`` twice, and with 16 buckets other
n-grams share rows too, so the bags have rows listed more than once, the case a scatter with
fancy indexing gets wrong; ``king`` and ``kings`` share n-grams across the words of a window.
Equation numbers refer to ``docs/derivations.md`` §5.

``spread_fn`` replaces ``subwords.bag_gradient`` (eq 126) everywhere, so that tests can show
these rows a wrong gradient and watch them FAIL (``tests/test_subwords_objectives.py``).
"""

from __future__ import annotations

import functools

import numpy as np

from w2v.objectives import hs, subwords
from w2v.objectives.checking import Row, check_gradient, numeric_gradient, relative_error
from w2v.text.subwords import SubwordSpec

WORDS = ["the", "king", "kings", "queen", "aaaa", "of", "a", "naïve", "x", "ab", "dog", "cat"]
SPEC = SubwordSpec(3, 4, 16)
D, K = 5, 6
WORD = "aaaa"  # its bag lists the row of 'aaa' twice
WINDOW = ["king", "kings", "aaaa", "king"]  # a repeated word; two words sharing n-grams
INJECTABLE = ("spread_fn",)


def bag(word: str) -> list[int]:
    """G_w for the problem's vocabulary (eq 123): own row if known, then n-gram rows."""
    word_id = WORDS.index(word) if word in WORDS else None
    return SPEC.rows(word, word_id, len(WORDS))


def _problem(rng: np.random.Generator):
    V = len(WORDS)
    W_in = rng.normal(0, 1, (V + SPEC.buckets, D))
    W_out = rng.normal(0, 1, (V, D))
    U_inner = rng.normal(0, 1, (V - 1, D))
    counts = np.sort(rng.integers(1, 50, V))[::-1]
    neg = rng.integers(0, V, (len(WINDOW), K))
    neg[:, 1] = neg[:, 0]  # a repeated negative in every set
    return W_in, W_out, U_inner, hs.huffman_tree(counts), neg


def _checks(name, fn, W_in, W_out, out_name, in_blocks=()):
    """Rows for the ``in_blocks`` (label, rows) of W_in, all of W_in and all of the output
    matrix, for ``fn() -> (J, dJ/dW_in, dJ/dW_out)``."""
    _, g_in, g_out = fn()
    num_in = numeric_gradient(lambda: fn()[0], W_in)
    rows = [(name, label, relative_error(g_in[r], num_in[r])) for label, r in in_blocks]
    rows.append((name, "W_in (all rows)", relative_error(g_in, num_in)))
    rows.append((name, f"{out_name} (all rows)",
                 check_gradient(lambda: fn()[0], W_out, g_out)))
    return rows


def _bag_blocks(word: str):
    """W_in blocks of one word's bag: its own row, n-gram rows listed once, rows listed more."""
    G = bag(word)
    counts = {r: G.count(r) for r in G}
    once = [r for r, c in counts.items() if c == 1 and r >= len(WORDS)]
    more = [r for r, c in counts.items() if c > 1]
    return [("own row v_w", [G[0]]),
            (f"n-gram rows in the bag once ({len(once)})", once),
            (f"rows in the bag twice or more ({len(more)}, |G| = {len(G)})", more)]


def _pair_rows(spread, W_in, W_out, U_inner, tree, neg):
    c = WORDS.index("queen")
    G = bag(WORD)
    ns_pair = functools.partial(subwords.bag_ns_loss_and_gradient, W_in, W_out, G, c, neg[0],
                                spread)
    x = subwords.bag_mean(W_in, G)
    x_loss = functools.partial(subwords.ns.neg_sampling_loss_and_gradient, o=c, U=W_out,
                               neg=neg[0])
    rows = [(f"bag+ns ({WORD})", "x (the bag's mean, eq 124)",
             check_gradient(lambda: x_loss(x)[0], x, x_loss(x)[1]))]
    rows += _checks(f"bag+ns ({WORD})", ns_pair, W_in, W_out, "W_out", _bag_blocks(WORD))
    oov = functools.partial(subwords.bag_ns_loss_and_gradient, W_in, W_out, bag("kingdom"), c,
                            neg[0], spread)
    rows += _checks("bag+ns (kingdom, out of vocabulary)", oov, W_in, W_out, "W_out")
    hs_pair = functools.partial(subwords.bag_hs_loss_and_gradient, W_in, U_inner, G, c, tree,
                                spread)
    rows += _checks(f"bag+hs ({WORD})", hs_pair, W_in, U_inner, "U_inner", _bag_blocks(WORD))
    return rows


def _window_rows(spread, W_in, W_out, U_inner, tree, neg):
    c = WORDS.index("the")
    bags = [bag(w) for w in WINDOW]
    fns = [("skipgram+bags+ns", subwords.skipgram_bags_ns, W_out, neg, "W_out"),
           ("skipgram+bags+hs", subwords.skipgram_bags_hs, U_inner, tree, "U_inner"),
           ("cbow+bags+ns", subwords.cbow_bags_ns, W_out, neg[0], "W_out"),
           ("cbow+bags+hs", subwords.cbow_bags_hs, U_inner, tree, "U_inner")]
    rows = []
    for name, fn, out, extra, out_name in fns:
        rows += _checks(name, functools.partial(fn, W_in, out, bags, c, extra, spread),
                        W_in, out, out_name)
    return rows


def _rule_rows(W_in, W_out, neg):
    """fastText's direction is |G| times the true input gradient (eq 132), pair and CBOW bag."""
    c = WORDS.index("queen")
    rows = []
    for name, G in ((f"fastText rule ({WORD})", bag(WORD)),
                    ("fastText rule (cbow bag)", subwords.cbow_bag([bag(w) for w in WINDOW]))):
        _, g_x, g_in, _ = subwords.bag_loss_and_gradient(
            W_in, G, lambda x: subwords.ns.neg_sampling_loss_and_gradient(x, c, W_out, neg[0]))
        d_in = subwords.fasttext_direction(g_x, G, len(W_in))
        rows.append((name, f"D_in = |G| dJ/dW_in, |G| = {len(G)} (eq 132)",
                     relative_error(d_in, len(G) * g_in)))
    return rows


def subword_gradcheck_rows(seed: int = 0, tol: float = 1e-6, spread_fn=None) -> list[Row]:
    """Every subword check on one random problem; a row passes when its error <= ``tol``."""
    spread = spread_fn or subwords.bag_gradient
    W_in, W_out, U_inner, tree, neg = _problem(np.random.default_rng(seed))
    raw = _pair_rows(spread, W_in, W_out, U_inner, tree, neg)
    raw += _window_rows(spread, W_in, W_out, U_inner, tree, neg)
    raw += _rule_rows(W_in, W_out, neg)
    return [Row(f, b, e, bool(e <= tol)) for f, b, e in raw]
