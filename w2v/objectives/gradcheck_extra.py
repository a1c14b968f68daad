"""Gradient checks for CBOW and hierarchical softmax, as rows for the ``w2v gradcheck`` table.

Same method as ``gradcheck`` (primitives in ``checking``), which appends these rows to its
table: one random float64 problem from ``np.random.Generator(seed)``
(|V| = 20, d = 5, K = 8 negatives with one word drawn three times, a window whose context
holds one word twice, and word2vec.c's Huffman tree over Zipf-like counts), the negatives and
paths held fixed, centered differences, and the error max|a - n| / (max|a| + max|n|) per block.
Equation numbers refer to ``docs/derivations.md``.

Wrong gradients can be injected to watch their rows FAIL (``tests/test_hs.py``,
``tests/test_cbow.py``): ``ns_fn`` / ``hs_fn`` replace the h-level losses
(``ns.neg_sampling_loss_and_gradient``, ``hs.hs_loss_and_gradient``) everywhere they are
used; ``cbow_ns_fn`` / ``cbow_hs_fn`` replace the whole CBOW functions.
"""

from __future__ import annotations

import functools

import numpy as np

from w2v.objectives import cbow, common, hs, ns
from w2v.objectives.checking import Row, check_gradient, numeric_gradient, relative_error

V, D, K = 20, 5, 8
CONTEXTS = [1, 4, 4, 7]  # m = 4 positions, word 4 at two of them
INJECTABLE = ("ns_fn", "hs_fn", "cbow_ns_fn", "cbow_hs_fn")


def _problem(rng: np.random.Generator, c: int):
    """Random weights, descending Zipf-like counts, and K negatives with one word other than
    the center c drawn 3 times."""
    W_in = rng.normal(0, 1, (V, D))
    W_out = rng.normal(0, 1, (V, D))
    U_inner = rng.normal(0, 1, (V - 1, D))
    counts = np.sort(rng.zipf(1.5, V) + rng.integers(0, 3, V))[::-1]
    neg = rng.integers(0, V, K)
    neg[:3] = (c + 1 + rng.integers(0, V - 1)) % V  # a repeated negative (seed 001, question h)
    return W_in, W_out, U_inner, hs.huffman_tree(counts), neg


def _full_checks(name, fn, W_in, W_out, out_name, extra_blocks=()):
    """Rows for W_in and the output matrix ``out_name`` of ``fn() -> (J, dJ/dW_in, dJ/dW_out)``;
    each ``extra_blocks`` entry (label, rows) is a sub-block of the output matrix's rows."""
    _, g_in, g_out = fn()
    num_out = numeric_gradient(lambda: fn()[0], W_out)
    rows = [(name, "W_in (all rows)", check_gradient(lambda: fn()[0], W_in, g_in))]
    rows += [(name, label, relative_error(g_out[r], num_out[r])) for label, r in extra_blocks]
    rows.append((name, f"{out_name} (all rows)", relative_error(g_out, num_out)))
    return rows


def _h_check(name, h_loss, h):
    """The row for dJ/dh (eqs 77, 116): ``h_loss(h) -> (J, dJ/dh, ...)`` on a fixed h."""
    h = h.copy()
    return (name, "h", check_gradient(lambda: h_loss(h)[0], h, h_loss(h)[1]))


def _cbow_ns_rows(fns, W_in, W_out, c, neg):
    """CBOW+NS, mean and sum: dJ/dh (eq 77), all of W_in (eq 86), u_c and u_k (eqs 78-82)."""
    rows = []
    for mean, label in ((True, "mean"), (False, "sum")):
        name = f"cbow_ns ({label})"
        h = cbow.cbow_hidden(W_in, CONTEXTS, mean)
        rows.append(_h_check(name, lambda x: fns["ns_fn"](x, c, W_out, neg), h))
        others = [w for w in dict.fromkeys(neg.tolist()) if w != c]
        most = max((int(np.sum(neg == w)) for w in others), default=0)
        blocks = [("u_c", [c]), (f"u_k negatives ({K}, one drawn {most}x)", others)]
        fn = functools.partial(fns["cbow_ns_fn"], W_in, W_out, CONTEXTS, c, neg, mean)
        rows += _full_checks(name, fn, W_in, W_out, "W_out", blocks if mean else ())
    return rows


def _hs_rows(fns, W_in, U_inner, tree, c, rng):
    """HS on one pair (eqs 108-110), the skip-gram window (eqs 112-114), CBOW+HS (eqs 116-117)
    and the batched form; the single pair walks the longest path."""
    w = int(np.argmax(tree.lengths))  # the longest path
    nodes, bits = tree.path(w)
    v = W_in[0].copy()
    pair = functools.partial(fns["hs_fn"], v, nodes, bits, U_inner)
    _, g_v, g_U = pair()
    num_U = numeric_gradient(lambda: pair()[0], U_inner)
    rows = [("hs", "v", check_gradient(lambda: pair()[0], v, g_v)),
            ("hs", f"u_n path nodes (L = {len(nodes)})", relative_error(g_U[nodes], num_U[nodes])),
            ("hs", "U_inner (all rows)", relative_error(g_U, num_U))]
    window = functools.partial(hs.skipgram_hs, c, CONTEXTS, W_in, U_inner, tree, fns["hs_fn"])
    rows += _full_checks("skipgram+hs", window, W_in, U_inner, "U_inner")
    for mean, label in ((True, "mean"), (False, "sum")):
        name = f"cbow_hs ({label})"
        h = cbow.cbow_hidden(W_in, CONTEXTS, mean)
        rows.append(_h_check(name, lambda x: fns["hs_fn"](x, *tree.path(c), U_inner), h))
        fn = functools.partial(fns["cbow_hs_fn"], W_in, U_inner, CONTEXTS, c, tree, mean)
        rows += _full_checks(name, fn, W_in, U_inner, "U_inner")
    B = 6
    inputs, targets = rng.integers(0, V, B), rng.integers(0, V, B)
    inputs[1], targets[1] = inputs[0], targets[0]
    batch = functools.partial(hs.hs_loss_batch, W_in, U_inner, inputs, targets, tree)
    rows += _full_checks("hs_loss_batch", batch, W_in, U_inner, "U_inner")
    return rows


def _rule_rows(fns, W_in, W_out, c, neg):
    """word2vec.c's CBOW direction against the true gradient: m times (mean), 1/m (sum), eq 121."""
    m = len(CONTEXTS)
    rows = []
    cases = ((True, m, "D_in = m dJ/dW_in"), (False, 1 / m, "D_in = dJ/dW_in / m"))
    for mean, factor, label in cases:
        _, g_in, _ = fns["cbow_ns_fn"](W_in, W_out, CONTEXTS, c, neg, mean)
        _, d_in, _ = cbow.word2vec_c_cbow_ns_direction(W_in, W_out, CONTEXTS, c, neg, mean)
        name = f"word2vec.c cbow ({'mean' if mean else 'sum'})"
        rows.append((name, f"{label} (eq 121)", relative_error(d_in, factor * g_in)))
    return rows


def _identity_rows(U_inner, tree, rng):
    """Σ_w P(w|v) = 1 (eq 101), the Kraft equality (eq 102), σ(x) + σ(-x) = 1 (eq 67)."""
    v = rng.normal(0, 1, D)
    total = float(np.sum(hs.leaf_probabilities(v, U_inner, tree)))
    kraft = float(np.sum(2.0 ** -tree.lengths.astype(np.float64)))
    x = np.linspace(-30, 30, 61)
    return [("identity eq 101", "Σ_w P(w|v) = 1", relative_error(total, 1.0)),
            ("identity eq 102", "Σ_w 2^-L_w = 1", relative_error(kraft, 1.0)),
            ("identity eq 67", "σ(x) + σ(-x) = 1",
             relative_error(common.sigmoid(x) + common.sigmoid(-x), np.ones_like(x)))]


def extra_gradcheck_rows(seed: int = 0, tol: float = 1e-6, **injected) -> list[Row]:
    """Every CBOW and HS check on one random problem; a row passes when its error <= ``tol``.

    ``injected`` may set ``ns_fn``, ``hs_fn``, ``cbow_ns_fn``, ``cbow_hs_fn`` (see the module
    docstring); the CBOW functions are built on the injected h-level losses unless given.
    """
    unknown = set(injected) - set(INJECTABLE)
    if unknown:
        raise TypeError(f"unknown injected functions: {sorted(unknown)}")
    fns = {"ns_fn": ns.neg_sampling_loss_and_gradient, "hs_fn": hs.hs_loss_and_gradient}
    fns.update({k: v for k, v in injected.items() if k in ("ns_fn", "hs_fn")})
    fns["cbow_ns_fn"] = injected.get("cbow_ns_fn") or functools.partial(
        _cbow_ns_default, ns_fn=fns["ns_fn"])
    fns["cbow_hs_fn"] = injected.get("cbow_hs_fn") or functools.partial(
        _cbow_hs_default, hs_fn=fns["hs_fn"])
    rng = np.random.default_rng(seed)
    c = 3
    W_in, W_out, U_inner, tree, neg = _problem(rng, c)
    raw = _cbow_ns_rows(fns, W_in, W_out, c, neg)
    raw += _hs_rows(fns, W_in, U_inner, tree, c, rng)
    raw += _rule_rows(fns, W_in, W_out, c, neg)
    raw += _identity_rows(U_inner, tree, rng)
    return [Row(f, b, e, bool(e <= tol)) for f, b, e in raw]


def _cbow_ns_default(W_in, W_out, contexts, center, negatives, mean, ns_fn):
    return cbow.cbow_ns_loss_and_gradient(W_in, W_out, contexts, center, negatives, mean, ns_fn)


def _cbow_hs_default(W_in, U_inner, contexts, center, tree, mean, hs_fn):
    return cbow.cbow_hs_loss_and_gradient(W_in, U_inner, contexts, center, tree, mean, hs_fn)
