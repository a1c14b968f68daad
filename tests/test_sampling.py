"""The kernels' sampling (subsampling, noise draws, dynamic windows) against hand computations,
naive per-token loops and chi-square tests, through the numpy reference's vectorised steps."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from w2v.kernels.base import alias_probs, alias_table, keep_probs
from w2v.kernels.reference import walk as numpy_ref


def test_keep_probs_formula_by_hand():
    # T = 10,000 words, s = 1e-3: s*T = 10.
    # f = 1000: (sqrt(1000/10) + 1) * 10/1000 = (10 + 1) * 0.01 = 0.11
    # f = 40:   (sqrt(40/10) + 1) * 10/40 = (2 + 1) * 0.25 = 0.75
    # f = 10:   (1 + 1) * 1 = 2 -> capped at 1
    keep = keep_probs([1000, 40, 10], total_words=10_000, sample=1e-3)
    np.testing.assert_allclose(keep, [0.11, 0.75, 1.0])
    assert keep_probs([1000, 1], 10_000, 0.0).tolist() == [1.0, 1.0]


def test_keep_probs_zero_count_is_kept_without_warning():
    with np.errstate(all="raise"):
        assert keep_probs([0, 5], 100, 0.1).tolist() == [1.0, 1.0]


def test_subsample_rate_and_breaks():
    ids = np.tile(np.array([0, 1, -1], dtype=np.int32), 20_000)
    keep = np.array([0.25, 1.0])
    n_draws = int(np.count_nonzero(numpy_ref.subsample_mask(ids, keep)))
    assert n_draws == 20_000  # only the words with keep < 1 draw
    out = numpy_ref.subsample(ids, keep, numpy_ref.splitmix64(0, 0, n_draws))
    assert np.sum(out == -1) == 20_000 and np.sum(out == 1) == 20_000
    assert np.sum(out == 0) / 20_000 == pytest.approx(0.25, abs=0.01)
    # order is preserved: what is left is the input with some 0s removed
    assert out[out != 0].tolist() == ids[ids != 0].tolist()


def test_negatives_follow_unigram_075():
    counts = np.array([1000, 300, 120, 40, 9, 1])
    draws = numpy_ref.alias_draws(alias_table(counts), numpy_ref.splitmix64(42, 0, 200_000))
    observed = np.bincount(draws, minlength=len(counts))
    expected = counts**0.75 / np.sum(counts**0.75) * len(draws)
    assert stats.chisquare(observed, expected).pvalue > 0.001
    assert draws.min() >= 0 and draws.max() < len(counts)


def test_negatives_at_the_edges_of_the_alias_columns():
    counts = np.array([16, 0, 1])  # p^0.5 = 4, 0, 1: p = 0.8, 0, 0.2
    table = alias_table(counts, power=0.5)
    # Vose by hand: q = 3 p = (2.4, 0, 0.6); column 2 (small) takes alias 0, q_0 = 2.4 - 0.4;
    # column 1 (small) takes alias 0, q_0 = 2.0 - 1 = 1: thresholds (2^32 - 1, 0, 0.6 * 2^32).
    assert (table >> np.uint64(32)).tolist() == [2**32 - 1, 0, round(0.6 * 2**32)]
    assert (table & np.uint64(0xFFFFFFFF)).tolist() == [0, 0, 0]
    third = 2**32 // 3 + 1  # the first high half that selects column 1
    hi_lo = [(0, 0), (third - 1, 2**32 - 1), (third, 0), (2 * third, 0),
             (2**32 - 1, round(0.6 * 2**32) - 1), (2**32 - 1, round(0.6 * 2**32))]
    r = np.array([(h << 32) | lo for h, lo in hi_lo], dtype=np.uint64)
    draws = numpy_ref.alias_draws(table, r)
    assert draws.tolist() == [0, 0, 0, 2, 2, 0]  # the zero-count word is never drawn
    assert draws.dtype == np.int64
    np.testing.assert_allclose(alias_probs(table), [0.8, 0.0, 0.2], atol=1e-9)


def naive_pairs(ids, radii):
    """Per-token loop: every word within radii[t] of t, stopping at sentence breaks; contexts
    nearest left first, then left to right (the kernels' order)."""
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
        pairs += left + right
    return pairs


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(-1, 6), max_size=60), st.integers(1, 6), st.integers(0, 2**32))
def test_window_contexts_equal_naive_loop(ids, window, seed):
    ids = np.array(ids, dtype=np.int64)
    radii = np.random.default_rng(seed).integers(1, window + 1, size=len(ids))
    flat, offsets = numpy_ref.window_contexts(ids, *numpy_ref.spans(ids, radii))
    centers = np.repeat(ids, np.diff(offsets))
    assert list(zip(centers.tolist(), flat.tolist())) == naive_pairs(ids.tolist(), radii)
    assert flat.dtype == np.int64


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


def walk_pairs(ids, window, seed):
    """(centers, contexts) of every window numpy_ref.walk makes, without subsampling."""
    w = numpy_ref.walk(ids, np.ones(max(ids.max(initial=0) + 1, 1)), window, seed)
    return np.repeat(w.centers, np.diff(w.offsets)), w.contexts


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=8), st.integers(1, 8),
       st.integers(0, 2**32))
def test_radii_recovered_from_pairs_and_no_pair_crosses_a_break(lengths, window, seed):
    ids, sentence, position = with_breaks(lengths)
    centers, contexts = walk_pairs(ids, window, seed)
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
    ids = np.arange(50_010)  # one sentence: every inner position has room for radius 5
    w = numpy_ref.walk(ids, np.ones(len(ids)), 5, 1)
    radii = np.diff(w.offsets)[5:-5] // 2
    observed = np.bincount(radii, minlength=6)[1:]
    assert observed.sum() == 50_000
    assert stats.chisquare(observed).pvalue > 0.001


def test_walk_of_empty_and_breaks_only():
    for ids in ([], [-1, -1], [3]):
        c, o = walk_pairs(np.array(ids, dtype=np.int64), 3, 0)
        assert len(c) == len(o) == 0
