"""The numpy sampler against hand computations, naive per-token loops and a chi-square test."""

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


def test_keep_probs_zero_count_is_kept_without_warning():
    with np.errstate(all="raise"):
        assert sampler.keep_probs([0, 5], 100, 0.1).tolist() == [1.0, 1.0]


def test_subsample_rate_and_breaks():
    rng = np.random.default_rng(0)
    ids = np.tile(np.array([0, 1, -1], dtype=np.int32), 20_000)
    keep = np.array([0.25, 1.0])
    out = sampler.subsample(ids, keep, rng)
    assert np.sum(out == -1) == 20_000 and np.sum(out == 1) == 20_000
    assert np.sum(out == 0) / 20_000 == pytest.approx(0.25, abs=0.01)
    # order is preserved: what is left is the input with some 0s removed
    assert out[out != 0].tolist() == ids[ids != 0].tolist()


def test_negatives_follow_unigram_075():
    counts = np.array([1000, 300, 120, 40, 9, 1])
    rng = np.random.default_rng(42)
    draws = sampler.draw_negatives(rng, sampler.noise_cdf(counts), 200_000)
    observed = np.bincount(draws, minlength=len(counts))
    expected = counts**0.75 / np.sum(counts**0.75) * len(draws)
    assert stats.chisquare(observed, expected).pvalue > 0.001
    assert draws.min() >= 0 and draws.max() < len(counts)


class FixedUniforms:
    """A stand-in Generator whose random() returns chosen values, to probe the inversion."""

    def __init__(self, u):
        self.u = np.asarray(u, dtype=np.float64)

    def random(self, shape):
        return self.u.reshape(shape)


def test_negatives_at_the_edges_of_the_cdf():
    counts = np.array([16, 0, 1])  # p^0.5 = 4, 0, 1: cdf = 0.8, 0.8, 1.0
    cdf = sampler.noise_cdf(counts, power=0.5)
    u = [0.0, 0.7999, 0.8, 0.9, np.nextafter(1.0, 0.0)]
    draws = sampler.draw_negatives(FixedUniforms(u), cdf, (5,))
    assert draws.tolist() == [0, 0, 2, 2, 2]  # the zero-count word is never drawn
    assert draws.dtype == np.int64


def naive_pairs(ids, radii):
    """Per-token loop: every word within radii[t] of t, stopping at sentence breaks; contexts
    left to right."""
    pairs = []
    for t, c in enumerate(ids):
        if c < 0:
            continue
        left = []
        for s in range(t - 1, t - radii[t] - 1, -1):
            if s < 0 or ids[s] < 0:
                break
            left.append((c, ids[s]))
        right = []
        for s in range(t + 1, t + radii[t] + 1):
            if s >= len(ids) or ids[s] < 0:
                break
            right.append((c, ids[s]))
        pairs += left[::-1] + right
    return pairs


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(-1, 6), max_size=60), st.integers(1, 6), st.integers(0, 2**32))
def test_window_pairs_equal_naive_loop(ids, window, seed):
    ids = np.array(ids, dtype=np.int64)
    radii = sampler.draw_radii(np.random.default_rng(seed), len(ids), window)
    assert ((radii >= 1) & (radii <= window)).all()
    centers, contexts = sampler.window_pairs_from_radii(ids, radii)
    assert list(zip(centers.tolist(), contexts.tolist())) == naive_pairs(ids.tolist(), radii)
    assert centers.dtype == contexts.dtype == np.int64


def with_breaks(lengths):
    """Distinct ids 0, 1, 2, ... (so an id names its position's word) with -1 between
    sentences; also returns each id's sentence number and position."""
    ids, sentence, position = [], {}, {}
    for k, n in enumerate(lengths):
        for _ in range(n):
            w = len(sentence)
            sentence[w], position[w] = k, len(ids)
            ids.append(w)
        ids.append(-1)
    return np.array(ids, dtype=np.int64), sentence, position


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=8), st.integers(1, 8),
       st.integers(0, 2**32))
def test_radii_recovered_from_pairs_and_no_pair_crosses_a_break(lengths, window, seed):
    ids, sentence, position = with_breaks(lengths)
    centers, contexts = sampler.window_pairs(ids, window, np.random.default_rng(seed))
    assert all(sentence[c] == sentence[o] for c, o in zip(centers.tolist(), contexts.tolist()))
    dist = np.abs(np.array([position[c] - position[o]
                            for c, o in zip(centers.tolist(), contexts.tolist())], dtype=int))
    assert ((dist >= 1) & (dist <= window)).all()
    # A center with room on both sides has exactly 2 b contexts: b is its radius.
    for w, k in sentence.items():
        p, start = position[w], position[w] - sum(1 for v in sentence if sentence[v] == k
                                                   and v < w)
        end = start + lengths[k]
        if p - start >= window and end - 1 - p >= window:
            n = int(np.sum(centers == w))
            assert n % 2 == 0 and 1 <= n // 2 <= window


def test_all_radii_occur_uniformly():
    radii = sampler.draw_radii(np.random.default_rng(1), 50_000, 5)
    observed = np.bincount(radii, minlength=6)[1:]
    assert observed.sum() == 50_000
    assert stats.chisquare(observed).pvalue > 0.001


def test_window_pairs_of_empty_and_breaks_only():
    for ids in ([], [-1, -1], [3]):
        c, o = sampler.window_pairs(np.array(ids, dtype=np.int64), 3, np.random.default_rng(0))
        assert len(c) == len(o) == 0


def test_sentence_cuts_fall_after_breaks():
    ids = np.array([0, 1, 2, -1, 3, -1, 4, 5, 6, 7, 8, -1, 9, -1])
    assert sampler._sentence_cuts(ids, 5) == [0, 4, 6, 12, 14]  # 6..11 is longer than 5
    assert sampler._sentence_cuts(ids, 100) == [0, 14]
    assert sampler._sentence_cuts(ids[:-1], 1) == [0, 4, 6, 12, 13]  # no final break
    assert sampler._sentence_cuts(np.arange(10), 3) == [0, 10]  # no break at all


@pytest.mark.parametrize("chunk_words", [4, 7, 1000])
def test_batches_with_radius_one_give_every_adjacent_pair(chunk_words):
    """window = 1 leaves no randomness in the windows: batches (no subsampling) must give
    exactly the adjacent pairs of each sentence, whatever the chunking."""
    ids, _, _ = with_breaks([3, 0, 5, 1, 2, 4])
    keep = np.ones(ids.max() + 1)
    cdf = sampler.noise_cdf(np.arange(1, ids.max() + 2))
    got = list(sampler.batches(ids, keep, cdf, 1, 3, np.random.default_rng(0), batch_pairs=3,
                               chunk_words=chunk_words))
    centers = np.concatenate([c for c, _, _ in got])
    contexts = np.concatenate([o for _, o, _ in got])
    expected = naive_pairs(ids.tolist(), [1] * len(ids))
    assert sorted(zip(centers.tolist(), contexts.tolist())) == sorted(expected)
    for c, o, neg in got:
        assert len(c) == len(o) <= 3 and neg.shape == (len(c), 3)
        assert neg.min() >= 0 and neg.max() < len(cdf)
