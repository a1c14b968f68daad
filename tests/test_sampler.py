import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from w2v import sampler


def test_keep_probs_formula_by_hand():
    # T = 10,000 words, s = 1e-3: s*T = 10.
    # f = 1000: (sqrt(1000/10) + 1) * 10/1000 = (10 + 1) * 0.01 = 0.11
    # f = 40:   (sqrt(40/10) + 1) * 10/40 = (2 + 1) * 0.25 = 0.75
    # f = 10:   (1 + 1) * 1 = 2 -> capped at 1
    keep = sampler.keep_probs([1000, 40, 10], total_words=10_000, sample=1e-3)
    np.testing.assert_allclose(keep, [0.11, 0.75, 1.0])
    assert sampler.keep_probs([1000, 1], 10_000, 0.0).tolist() == [1.0, 1.0]


def test_subsample_rate_and_breaks():
    rng = np.random.default_rng(0)
    ids = np.tile(np.array([0, 1, -1], dtype=np.int32), 20_000)
    keep = np.array([0.25, 1.0])
    out = sampler.subsample(ids, keep, rng)
    assert np.sum(out == -1) == 20_000 and np.sum(out == 1) == 20_000
    assert np.sum(out == 0) / 20_000 == pytest.approx(0.25, abs=0.01)


def test_negatives_follow_unigram_075():
    counts = np.array([1000, 300, 120, 40, 9, 1])
    rng = np.random.default_rng(42)
    draws = sampler.draw_negatives(rng, sampler.noise_cdf(counts), 200_000)
    observed = np.bincount(draws, minlength=len(counts))
    expected = counts**0.75 / np.sum(counts**0.75) * len(draws)
    assert stats.chisquare(observed, expected).pvalue > 0.001
    assert draws.min() >= 0 and draws.max() < len(counts)


def naive_pairs(ids, radii):
    """Per-token loop: every word within radii[t] of t, stopping at sentence breaks."""
    pairs = []
    for t, c in enumerate(ids):
        if c < 0:
            continue
        for s in range(t - 1, t - radii[t] - 1, -1):
            if s < 0 or ids[s] < 0:
                break
            pairs.append((c, ids[s]))
        for s in range(t + 1, t + radii[t] + 1):
            if s >= len(ids) or ids[s] < 0:
                break
            pairs.append((c, ids[s]))
    return sorted(pairs)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-1, 6), max_size=60), st.integers(1, 6), st.integers(0, 2**32))
def test_window_pairs_equal_naive_loop_and_radii_in_bounds(ids, window, seed):
    ids = np.array(ids, dtype=np.int64)
    radii = sampler.draw_radii(np.random.default_rng(seed), len(ids), window)
    assert ((radii >= 1) & (radii <= window)).all()
    centers, contexts = sampler.window_pairs_from_radii(ids, radii)
    assert sorted(zip(centers.tolist(), contexts.tolist())) == naive_pairs(ids.tolist(), radii)


def test_all_radii_occur():
    radii = sampler.draw_radii(np.random.default_rng(1), 10_000, 5)
    assert set(radii.tolist()) == {1, 2, 3, 4, 5}
