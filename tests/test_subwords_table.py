"""The compiled row table (w2v/text/subword_table.py) against the pure-Python reference
(w2v/text/subwords.py), which tests/test_subwords.py checks against fastText itself."""

import random

import numpy as np
import pytest
from test_subwords import random_words

from w2v.text.subword_table import mean_rows, row_table
from w2v.text.subwords import SubwordSpec
from w2v.vectors.subword_vectors import SubwordRows, _mean_rows

SPECIAL = ["", "a", "ab", "</s>", "<s>", "</s", "<", ">", "aaaa", "naïve", "日本語", "😀ok",
           "e\u0301t\u00e9", "x" * 40, "ünïcödé" * 3, "ok\udcff\udc80", "a b", "\u00a0"]


def words_to_test(seed=0):
    rng = random.Random(seed)
    return SPECIAL + random_words(rng, 2000) + random_words(rng, 200, longest=30)


@pytest.mark.parametrize("minn, maxn, buckets", [
    (3, 6, 2_000_000), (1, 1, 50), (1, 3, 1000), (0, 2, 97), (2, 5, 1), (5, 6, 100),
    (0, 0, 0), (4, 3, 10),
])
@pytest.mark.parametrize("first_id", [0, 7, None])
def test_table_equals_the_reference(minn, maxn, buckets, first_id):
    spec, words, nwords = SubwordSpec(minn, maxn, buckets), words_to_test(minn), 5000
    offsets, rows = row_table(words, spec, nwords, first_id=first_id)
    assert offsets[0] == 0 and len(offsets) == len(words) + 1 and rows.dtype == np.int32
    for k, word in enumerate(words):
        own = None if first_id is None else first_id + k
        assert rows[offsets[k]:offsets[k + 1]].tolist() == spec.rows(word, own, nwords), word


def test_rows_beyond_int32():
    spec = SubwordSpec(3, 6, 2**32 - 5)
    words = words_to_test()[:300]
    offsets, rows = row_table(words, spec, nwords=100)
    assert rows.dtype == np.int64 and rows.max() > 2**31
    for k, word in enumerate(words):
        assert rows[offsets[k]:offsets[k + 1]].tolist() == spec.rows(word, k, 100), word


def test_empty_word_list():
    offsets, rows = row_table([], SubwordSpec(), 0)
    assert offsets.tolist() == [0] and len(rows) == 0


def test_means_equal_the_reference():
    rng = np.random.default_rng(0)
    spec, words = SubwordSpec(4, 5, 300), words_to_test()[:500]
    matrix = rng.normal(size=(len(words) + 300, 7)).astype(np.float32)
    offsets, rows = row_table(words, spec, len(words), first_id=None)
    got = mean_rows(matrix, offsets, rows)
    groups = [spec.rows(w, None, len(words)) for w in words]
    for k, group in enumerate(groups):
        expected = _mean_rows(matrix, [group])[0] if group else np.zeros(7, np.float32)
        np.testing.assert_allclose(got[k], expected, rtol=1e-6, atol=1e-7)
    empty = [w for w, g in zip(words, groups) if not g]  # "<a>" has no n-gram of 4 characters
    assert "a" in empty and "ab" not in empty
    assert [w for w, v in zip(words, got) if not v.any()] == empty

@pytest.mark.parametrize("block", [1, 333, 1 << 16])
def test_word_matrix_equals_the_mean_of_each_words_rows(block):
    rng = np.random.default_rng(1)
    words = list(dict.fromkeys(words_to_test()))
    spec = SubwordSpec(3, 6, 1000)
    matrix = rng.normal(size=(len(words) + 1000, 5)).astype(np.float32)
    rows = SubwordRows(words, matrix, spec)
    got = rows.word_matrix(block)
    for i, word in enumerate(words):
        np.testing.assert_allclose(got[i], matrix[spec.rows(word, i, len(words))].mean(axis=0),
                                   rtol=1e-5, atol=1e-6)
