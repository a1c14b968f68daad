"""Numerical gradient checks: every loss, every parameter block, centered differences.

Each check builds a small random problem in float64 (|V| = 20, d = 5, K = 8 negatives with
deliberate repeats), holds the negatives fixed so f(x + h) and f(x - h) see the same samples,
and compares the analytic gradient with (f(x + h) - f(x - h)) / 2h coordinate by coordinate.

Error measure: ``||a - n|| / (||a|| + ||n||)`` over the block (0 when both are 0): the
relative error of the block as a whole, so finite-difference noise on near-zero coordinates does
not dominate it, while a flipped sign gives 1 and a missing or miscounted term a large value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v import losses

V, D, K = 20, 5, 8


@dataclass
class Row:
    function: str
    block: str
    error: float
    passed: bool


def numeric_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Centered finite differences of scalar f at x (x is restored afterwards)."""
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = f()
        flat[i] = old - h
        minus = f()
        flat[i] = old
        g[i] = (plus - minus) / (2 * h)
    return grad


def relative_error(analytic, numeric) -> float:
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    denom = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(analytic - numeric) / denom) if denom > 0 else 0.0


def check_gradient(f, x: np.ndarray, analytic: np.ndarray, h: float = 1e-5) -> float:
    """Max relative error between ``analytic`` and the numeric gradient of f() w.r.t. x."""
    return relative_error(analytic, numeric_gradient(f, x, h))


def _problem(rng: np.random.Generator):
    W_in = rng.normal(0, 1, (V, D))
    W_out = rng.normal(0, 1, (V, D))
    neg = rng.integers(0, V, K)
    neg[1] = neg[0]  # a repeated negative
    neg[2] = neg[0]  # ... three times
    return W_in, W_out, neg


def _single_checks(name, loss_fn, W_in, W_out, c, o, extra, neg=None):
    """Rows for v_c, u_o, each distinct negative's u_w and the whole U of one (c, o) pair."""
    v = W_in[c]

    def f():
        return loss_fn(v, o, W_out, *extra)[0]

    _, g_v, g_U = loss_fn(v, o, W_out, *extra)
    num_U = numeric_gradient(f, W_out)
    rows = [
        (name, "v_c", check_gradient(f, v, g_v)),
        (name, "u_o", relative_error(g_U[o], num_U[o])),
        (name, "U (all rows)", relative_error(g_U, num_U)),
    ]
    if neg is not None:
        negs = [w for w in dict.fromkeys(neg.tolist()) if w != o]
        counts = {w: int(np.sum(neg == w)) for w in negs}
        worst = max(negs, key=lambda w: counts[w])
        rows.append((name, f"u_w negatives ({len(neg)}, one drawn {counts[worst]}x)",
                     relative_error(g_U[negs], num_U[negs])))
    return rows


def run_gradcheck(seed: int = 0, tol: float = 1e-6, ns_fn=None, softmax_fn=None) -> list[Row]:
    """All checks; ``ns_fn`` / ``softmax_fn`` replace the loss functions (tests inject wrong
    gradients to prove that the checker fails)."""
    ns_fn = ns_fn or losses.neg_sampling_loss_and_gradient
    softmax_fn = softmax_fn or losses.naive_softmax_loss_and_gradient
    rng = np.random.default_rng(seed)
    W_in, W_out, neg = _problem(rng)
    c, o = 3, int(neg[0]) ^ 1  # o differs from the repeated negative
    raw = []
    raw += _single_checks("naive_softmax", softmax_fn, W_in, W_out, c, o, ())
    raw += _single_checks("neg_sampling", ns_fn, W_in, W_out, c, o, (neg,), neg)

    contexts = [1, 4, 4, 7]  # a window with a repeated context word
    window_neg = rng.integers(0, V, (len(contexts), K))
    window_neg[:, 1] = window_neg[:, 0]
    for name, fn, extra in (
        ("skipgram+softmax", softmax_fn, None),
        ("skipgram+neg_sampling", ns_fn, window_neg),
    ):
        def f(fn=fn, extra=extra):
            return losses.skipgram(c, contexts, W_in, W_out, fn, extra)[0]

        _, g_in, g_out = losses.skipgram(c, contexts, W_in, W_out, fn, extra)
        raw.append((name, "W_in (all rows)", check_gradient(f, W_in, g_in)))
        raw.append((name, "W_out (all rows)", check_gradient(f, W_out, g_out)))

    # The batched forms the kernels are tested against.
    centers = rng.integers(0, V, 6)
    ctx = rng.integers(0, V, 6)
    bneg = rng.integers(0, V, (6, K))
    bneg[:, 1] = bneg[:, 0]
    for name, fn in (
        ("ns_loss_batch", lambda: losses.ns_loss_batch(W_in, W_out, centers, ctx, bneg)),
        ("softmax_loss_batch", lambda: losses.softmax_loss_batch(W_in, W_out, centers, ctx)),
    ):
        _, g_in, g_out = fn()
        raw.append((name, "W_in (all rows)", check_gradient(lambda fn=fn: fn()[0], W_in, g_in)))
        raw.append((name, "W_out (all rows)", check_gradient(lambda fn=fn: fn()[0], W_out, g_out)))

    # The seed's identities.
    v, U = W_in[c], W_out
    y = np.zeros(V)
    y[o] = 1.0
    y_hat = losses.softmax(U @ v)
    cross_entropy = -np.sum(y * np.log(y_hat))
    raw.append(("identity eq 5", "-Σ y log ŷ = -log ŷ_o",
                relative_error(cross_entropy, softmax_fn(v, o, U)[0])))
    x = np.linspace(-8, 8, 33)
    s = losses.sigmoid(x)
    h = 1e-5
    numeric = (losses.sigmoid(x + h) - losses.sigmoid(x - h)) / (2 * h)
    raw.append(("identity eq 44", "σ'(x) = σ(x)(1 - σ(x))", relative_error(s * (1 - s), numeric)))
    return [Row(f, b, e, bool(e <= tol)) for f, b, e in raw]


def format_table(rows: list[Row]) -> str:
    header = ("function", "parameter block", "max rel. error", "result")
    body = [(r.function, r.block, f"{r.error:.2e}", "PASS" if r.passed else "FAIL") for r in rows]
    widths = [max(len(str(x[i])) for x in [header, *body]) for i in range(4)]
    lines = ["  ".join(str(x[i]).ljust(widths[i]) for i in range(4)).rstrip()
             for x in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
