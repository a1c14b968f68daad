"""The analogy search of evaluation (``analogy_scan.best_rows``) against the brute-force search
it replaced: each question's normalized target against every row, ``topk.top_rows``."""

import numpy as np
import pytest

from w2v.vectors.analogy_scan import best_rows
from w2v.vectors.topk import top_rows


def _brute_force(unit, questions, k):
    """The search as it was: each question's normalized target against every row."""
    out = []
    for a, b, c in questions:
        target = unit[b] - unit[a] + unit[c]
        target /= max(float(np.linalg.norm(target)), 1e-30)
        out.append(top_rows(unit @ target, k).tolist())
    return out


@pytest.mark.parametrize("n, dim, block", [(300, 16, 1 << 24), (300, 16, 1000), (5, 3, 7)])
def test_analogy_scan_equals_brute_force(n, dim, block, monkeypatch):
    """Random unit vectors, columns in one block or in many (as restrict_vocab 300,000
    would need), and fewer rows than k."""
    from w2v.vectors import analogy_scan

    monkeypatch.setattr(analogy_scan, "BLOCK_FLOATS", block)
    rng = np.random.default_rng(n + dim)
    unit = rng.normal(size=(n, dim)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    questions = rng.integers(0, n, size=(200, 3))
    got = best_rows(unit, questions, 8, threads=3)
    assert got.tolist() == _brute_force(unit, questions, min(8, n))


def test_analogy_scan_breaks_ties_toward_the_frequent_word():
    """Rows 2, 3 and 4 are the same vector: equal scores rank by row, as top_rows does."""
    unit = np.array([[1, 0], [0, 1], [0.6, 0.8], [0.6, 0.8], [0.6, 0.8], [-1, 0]], np.float32)
    assert best_rows(unit, [(5, 1, 0)], 4).tolist() == _brute_force(unit, [(5, 1, 0)], 4)
    assert best_rows(unit, [(5, 1, 0)], 4)[0, 1:].tolist() == [2, 3, 4]
    assert best_rows(unit, np.zeros((0, 3), int), 4).shape == (0, 4)
