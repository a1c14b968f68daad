"""PackedWords behaves as the list it packs (the reference): length, indices, slices with any
step, iteration across its decoding blocks; and it holds a fraction of the list's memory."""

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.training import packed

WORD = st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1,
               max_size=8).filter(lambda w: not any(c.isspace() for c in w))


@settings(max_examples=80, deadline=None)
@given(words=st.lists(WORD, max_size=60), block=st.integers(1, 7), data=st.data())
def test_packed_words_are_the_list(words, block, data):
    old, packed.BLOCK = packed.BLOCK, block
    try:
        p = packed.PackedWords(words)
        assert len(p) == len(words) and list(p) == words
        n = len(words)
        start, stop = data.draw(st.integers(-n - 2, n + 2)), data.draw(st.integers(-n - 2, n + 2))
        step = data.draw(st.sampled_from([1, 1, 2, 3, -1, -2]))
        assert p[start:stop:step] == words[start:stop:step]
        if n:
            i = data.draw(st.integers(-n, n - 1))
            assert p[i] == words[i]
        with pytest.raises(IndexError):
            p[n]
    finally:
        packed.BLOCK = old


def test_packed_words_take_a_quarter_of_the_list():
    words = [f"w{k}" for k in range(200_000)]
    p = packed.PackedWords(words)
    as_list = sys.getsizeof(words) + sum(map(sys.getsizeof, words))
    as_packed = sys.getsizeof(p._data) + p._ends.nbytes
    assert as_packed * 4 < as_list, (as_packed, as_list)
    assert p._ends.dtype == np.int64 and p[123_456] == "w123456"
