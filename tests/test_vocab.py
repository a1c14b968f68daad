from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.errors import VocabError
from w2v.text.vocab import Vocab, build_vocab, count_words


def test_hand_counted():
    # "the" 4, "cat" 2, "sat" 2, "mat" 1, "on" 1: ties broken alphabetically
    corpus = [["the", "cat", "sat"], ["on", "the", "mat"], ["the", "cat", "sat", "the"]]
    v = build_vocab(corpus, min_count=2)
    assert v.words == ["the", "cat", "sat"]
    assert v.counts.tolist() == [4, 2, 2]
    assert v.total_words == 10
    assert build_vocab(corpus, min_count=1, max_vocab=4).words == ["the", "cat", "sat", "mat"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", "é", "日本"]), max_size=8),
                min_size=1, max_size=30))
def test_counts_add_up(sentences):
    tokens = [w for s in sentences for w in s]
    if not tokens:
        with pytest.raises(VocabError, match="no words"):
            build_vocab(sentences, min_count=1)
        return
    v = build_vocab(sentences, min_count=1)
    assert v.total_words == len(tokens) == v.counts.sum()
    assert dict(zip(v.words, v.counts.tolist())) == Counter(tokens)
    assert list(v.counts) == sorted(v.counts, reverse=True)


def test_pruning_bounds_the_table():
    # 1000 singletons and one frequent word: pruning at 50 entries drops rare words as it goes
    sentences = [[f"rare{i}", "common"] for i in range(1000)]
    counts, total = count_words(sentences, prune_at=50)
    assert len(counts) <= 51 and counts["common"] == 1000 and total == 2000


def test_empty_vocabulary_error_suggests_min_count():
    with pytest.raises(VocabError, match="no word occurs 5 times.*min_count 2") as e:
        build_vocab([["a", "b", "a"]], min_count=5)
    assert e.value.settings() == ["min_count"]  # the CLI renders it as its flag
    assert e.value.render(lambda key: "--" + key.replace("_", "-")).endswith("--min-count 2")


def test_round_trip_non_ascii(tmp_path):
    v = Vocab(["naïve", "日本語", "Ω", "a"], [9, 4, 4, 1], total_words=30)
    v.save(tmp_path / "vocab.txt")
    assert Vocab.load(tmp_path / "vocab.txt") == v


@pytest.mark.parametrize("content, message", [
    ("not a vocab\n", "not a w2v vocabulary"),
    ("# w2v-vocab 9 total_words=3\n", "version 9"),
    ("# w2v-vocab 1 total_words=3\na\tx\n", "malformed"),
    ("# w2v-vocab 1 total_words=3\nab\n", "word<TAB>count"),
])
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "vocab.txt"
    path.write_text(content)
    with pytest.raises(VocabError, match=message):
        Vocab.load(path)


def test_whitespace_word_rejected(tmp_path):
    with pytest.raises(VocabError, match="whitespace"):
        Vocab(["a b"], [1]).save(tmp_path / "v.txt")
    assert not (tmp_path / "v.txt").exists()


def test_counts_dtype():
    assert Vocab(["a"], [3]).counts.dtype == np.int64


WORDS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
                max_size=8).filter(lambda w: not any(ch.isspace() for ch in w))


@settings(max_examples=100, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=20, unique=True), st.data())
def test_save_load_round_trip_any_words(tmp_path_factory, words, data):
    """Any non-whitespace words survive the text format: accents, CJK, controls, U+FFFD."""
    counts = sorted(data.draw(st.lists(st.integers(1, 10**12), min_size=len(words),
                                       max_size=len(words))), reverse=True)
    v = Vocab(words, counts, total_words=sum(counts) + data.draw(st.integers(0, 100)))
    path = tmp_path_factory.mktemp("v") / "vocab.txt"
    v.save(path)
    assert Vocab.load(path) == v
