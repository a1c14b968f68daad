"""Numerical gradient checks: every loss, every parameter block, centered differences.

Each check builds a small random problem in float64 (|V| = 20, d = 5, K = 8 negatives with
deliberate repeats) from an explicit ``np.random.Generator(seed)``, holds the negatives fixed so
f(x + h) and f(x - h) see the same samples, and compares the analytic gradient with
(f(x + h) - f(x - h)) / 2h coordinate by coordinate; ``checking`` holds the primitives and the
error measure. ``run_gradcheck`` is the whole ``w2v gradcheck`` table: the seed's losses here,
then CBOW and hierarchical softmax from ``gradcheck_extra``, then the subword input side from
``gradcheck_subwords``.
"""

from __future__ import annotations

import numpy as np

from w2v.objectives import common, gradcheck_extra, gradcheck_subwords, ns, softmax, windows
from w2v.objectives.checking import (  # noqa: F401  (Row, check_gradient: this module's API)
    Row,
    check_gradient,
    numeric_gradient,
    relative_error,
)
from w2v.util.tables import format_table as aligned_table

V, D, K = 20, 5, 8


def _problem(rng: np.random.Generator):
    """Random weights and K negatives whose first word is drawn at least three times."""
    W_in = rng.normal(0, 1, (V, D))
    W_out = rng.normal(0, 1, (V, D))
    neg = rng.integers(0, V, K)
    neg[1] = neg[0]  # a repeated negative (seed 001, question h)
    neg[2] = neg[0]  # ... three times
    return W_in, W_out, neg


def _pair_checks(name, loss_fn, W_in, W_out, c, o, neg=None):
    """Rows for v_c, u_o, the negatives' rows and the whole U of one (center, outside) pair."""
    v = W_in[c].copy()
    extra = () if neg is None else (neg,)

    def f():
        return loss_fn(v, o, W_out, *extra)[0]

    _, g_v, g_U = loss_fn(v, o, W_out, *extra)
    num_U = numeric_gradient(f, W_out)
    rows = [
        (name, "v_c", check_gradient(f, v, g_v)),
        (name, "u_o", relative_error(g_U[o], num_U[o])),
        (name, "U (all rows)", relative_error(g_U, num_U)),
    ]
    others = [] if neg is None else [w for w in dict.fromkeys(neg.tolist()) if w != o]
    if others:
        most = max(int(np.sum(neg == w)) for w in others)
        rows.append((name, f"u_w negatives ({len(neg)}, one drawn {most}x)",
                     relative_error(g_U[others], num_U[others])))
    return rows


def _window_checks(name, loss_fn, W_in, W_out, c, contexts, negatives):
    """Rows for the skip-gram window sum (eqs 62-64): all of W_in and all of W_out."""

    def f():
        return windows.skipgram(c, contexts, W_in, W_out, loss_fn, negatives)[0]

    _, g_in, g_out = windows.skipgram(c, contexts, W_in, W_out, loss_fn, negatives)
    return [
        (name, "W_in (all rows)", check_gradient(f, W_in, g_in)),
        (name, "W_out (all rows)", check_gradient(f, W_out, g_out)),
    ]


def _batch_checks(name, batch_fn, W_in, W_out):
    """Rows for a batched form ``batch_fn() -> (loss, grad_W_in, grad_W_out)``, which reads
    W_in and W_out: all of each, from one snapshot."""
    _, g_in, g_out = batch_fn()
    return [
        (name, "W_in (all rows)", check_gradient(lambda: batch_fn()[0], W_in, g_in)),
        (name, "W_out (all rows)", check_gradient(lambda: batch_fn()[0], W_out, g_out)),
    ]


def _identity_checks(W_in, W_out, c, o, softmax_fn):
    """The seed's identities: one-hot cross-entropy = -log ŷ_o (eq 5), σ' = σ(1 - σ) (eq 44)."""
    v = W_in[c]
    y = np.zeros(V)
    y[o] = 1.0
    cross_entropy = -np.sum(y * np.log(common.softmax(W_out @ v)))
    x = np.linspace(-8, 8, 33)
    s = common.sigmoid(x)
    h = 1e-5
    numeric = (common.sigmoid(x + h) - common.sigmoid(x - h)) / (2 * h)
    return [
        ("identity eq 5", "-Σ y log ŷ = -log ŷ_o",
         relative_error(cross_entropy, softmax_fn(v, o, W_out)[0])),
        ("identity eq 44", "σ'(x) = σ(x)(1 - σ(x))", relative_error(s * (1 - s), numeric)),
    ]


def run_gradcheck(seed: int = 0, tol: float = 1e-6, ns_fn=None, softmax_fn=None,
                  **injected) -> list[Row]:
    """The whole ``w2v gradcheck`` table: the seed's losses, then CBOW and hierarchical softmax
    (``gradcheck_extra``); a row passes when its error is at most ``tol``.

    ``ns_fn`` / ``softmax_fn`` replace ``ns.neg_sampling_loss_and_gradient`` /
    ``softmax.naive_softmax_loss_and_gradient`` everywhere they are used (single pairs, the
    skip-gram window, eq 5, and CBOW's h-level loss), so tests can inject a wrong gradient and
    watch its rows FAIL; ``injected`` may also set ``hs_fn``, ``cbow_ns_fn`` and ``cbow_hs_fn``
    (``gradcheck_extra.INJECTABLE``), and ``spread_fn``, the subword bag's eq 126
    (``gradcheck_subwords.INJECTABLE``).
    """
    spread_fn = injected.pop("spread_fn", None)
    extra = dict(injected, **({"ns_fn": ns_fn} if ns_fn is not None else {}))
    return (_seed_rows(seed, tol, ns_fn, softmax_fn)
            + gradcheck_extra.extra_gradcheck_rows(seed=seed, tol=tol, **extra)
            + gradcheck_subwords.subword_gradcheck_rows(seed, tol, spread_fn))


def _seed_rows(seed: int, tol: float, ns_fn, softmax_fn) -> list[Row]:
    """The seed's checks (eqs 1-64) on one random problem."""
    ns_fn = ns_fn or ns.neg_sampling_loss_and_gradient
    softmax_fn = softmax_fn or softmax.naive_softmax_loss_and_gradient
    rng = np.random.default_rng(seed)
    W_in, W_out, neg = _problem(rng)
    c, o = 3, int(neg[0]) ^ 1  # o differs from the repeated negative
    raw = []
    raw += _pair_checks("naive_softmax", softmax_fn, W_in, W_out, c, o)
    raw += _pair_checks("neg_sampling", ns_fn, W_in, W_out, c, o, neg)
    # o drawn twice as a negative: u_o then gets its positive term and two negative ones.
    neg_o = neg.copy()
    neg_o[-2:] = o
    raw += _pair_checks("neg_sampling (o in negs)", ns_fn, W_in, W_out, c, o, neg_o)

    contexts = [1, 4, 4, 7]  # a window with a repeated context word
    window_neg = rng.integers(0, V, (len(contexts), K))
    window_neg[:, 1] = window_neg[:, 0]
    raw += _window_checks("skipgram+softmax", softmax_fn, W_in, W_out, c, contexts, None)
    raw += _window_checks("skipgram+neg_sampling", ns_fn, W_in, W_out, c, contexts, window_neg)

    # The batched forms the training kernels are tested against: repeats in every column.
    B = 6
    centers, ctx = rng.integers(0, V, B), rng.integers(0, V, B)
    centers[1], ctx[1] = centers[0], ctx[0]
    bneg = rng.integers(0, V, (B, K))
    bneg[:, 1] = bneg[:, 0]
    raw += _batch_checks(
        "ns_loss_batch", lambda: ns.ns_loss_batch(W_in, W_out, centers, ctx, bneg), W_in, W_out
    )
    raw += _batch_checks(
        "softmax_loss_batch", lambda: softmax.softmax_loss_batch(W_in, W_out, centers, ctx),
        W_in, W_out,
    )

    raw += _identity_checks(W_in, W_out, c, o, softmax_fn)
    return [Row(f, b, e, bool(e <= tol)) for f, b, e in raw]


def format_table(rows: list[Row]) -> str:
    """Aligned columns: function, parameter block, max relative error, PASS/FAIL."""
    body = [(r.function, r.block, f"{r.error:.2e}", "PASS" if r.passed else "FAIL") for r in rows]
    return aligned_table(body, ["function", "parameter block", "max rel. error", "result"])
