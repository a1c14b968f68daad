import bz2
import gzip
import lzma

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v import corpus
from w2v.errors import CorpusError
from w2v.vocab import Vocab


def sentences(path, **kw):
    return list(corpus.iter_sentences([path], **kw))


def naive(text, max_words):
    """The reference: str.split() of each line, cut into chunks of max_words."""
    out = []
    for line in text.split("\n"):
        tokens = line.split()
        out += [tokens[i : i + max_words] for i in range(0, len(tokens), max_words)]
    return out


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.integers(1, 7), st.integers(1, 64))
def test_any_bytes_never_crash(tmp_path_factory, data, max_words, block):
    path = tmp_path_factory.mktemp("b") / "x.txt"
    path.write_bytes(data)
    stats = corpus.CorpusStats()
    out = list(corpus.iter_sentences([path], max_words=max_words, stats=stats, block_size=block))
    assert all(0 < len(s) <= max_words for s in out)
    assert stats.tokens == sum(map(len, out))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300), st.integers(1, 7),
       st.integers(1, 64))
def test_valid_utf8_tokens_equal_str_split(tmp_path_factory, text, max_words, block):
    path = tmp_path_factory.mktemp("t") / "x.txt"
    path.write_bytes(text.encode("utf-8"))
    out = list(corpus.iter_sentences([path], max_words=max_words, block_size=block))
    # Lines are split on "\n" only: other line breaks (\r, \x1c..) are whitespace to str.split.
    assert out == naive(text, max_words)


@pytest.mark.parametrize("suffix, opener", [(".gz", gzip.open), (".bz2", bz2.open),
                                            (".xz", lzma.open), (".txt", open)])
def test_compressed_inputs(tmp_path, suffix, opener):
    text = "the cat sat\non the mat\n" * 50
    path = tmp_path / f"c{suffix}"
    with opener(path, "wb") as f:
        f.write(text.encode())
    assert sentences(path) == naive(text, 1000)


def test_several_files_in_order(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one two")  # no final newline: the line still ends with the file
    b.write_text("three\n")
    assert list(corpus.iter_sentences([a, b])) == [["one", "two"], ["three"]]


def test_invalid_utf8_replaced_and_counted(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xc3\xa9 ok\nbad\xff\xfe word\n\xc3")
    stats = corpus.CorpusStats()
    out = list(corpus.iter_sentences([path], stats=stats, block_size=3))
    assert out == [["café", "ok"], ["bad\ufffd\ufffd", "word"], ["\ufffd"]]
    assert stats.replacements == 3


def test_long_line_without_newline_streams_in_chunks(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(b"w1 w2 w3 " * 20_000)  # 60k tokens, one line, no newline
    stats = corpus.CorpusStats()
    out = list(corpus.iter_sentences([path], max_words=1000, stats=stats, block_size=4096))
    assert [len(s) for s in out] == [1000] * 60
    assert out[0][:4] == ["w1", "w2", "w3", "w1"]
    assert stats.lines == 1 and stats.tokens == 60_000


def test_lowercase(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("The CAT\n")
    assert sentences(path, lowercase=True) == [["the", "cat"]]


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing.txt", "does not exist"),
    (lambda p: p, "is a directory"),
    (lambda p: "-", "stdin"),
])
def test_path_errors(tmp_path, make, message):
    with pytest.raises(CorpusError, match=message):
        list(corpus.iter_sentences([make(tmp_path)]))


def test_truncated_gzip(tmp_path):
    path = tmp_path / "c.txt.gz"
    path.write_bytes(gzip.compress(b"hello world\n" * 1000)[:50])
    with pytest.raises(CorpusError, match="cannot read"):
        list(corpus.iter_sentences([path]))


def test_encode_round_trip(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b x c\n\nx x\nb a a b a\n")
    vocab = Vocab(["a", "b", "c"], [5, 3, 1])
    n = corpus.encode([path], vocab, tmp_path / "ids", max_words=3)
    ids = corpus.read_ids(tmp_path / "ids", 0, n)
    assert corpus.read_ids(tmp_path / "ids", 2, 3).tolist() == ids[2:5].tolist()
    # naive: drop OOV "x", chunk lines of 3 tokens before dropping, -1 after each chunk
    expected = []
    for chunk in naive(path.read_text(), 3):
        kept = [vocab.index[w] for w in chunk if w in vocab.index]
        expected += kept + [-1] if kept else []
    assert n == len(ids) and ids.tolist() == expected
    assert corpus.count_ids(tmp_path / "ids", block=2) == (n, sum(i >= 0 for i in expected))
    assert ids.dtype == np.int32


def test_long_line_memory_stays_bounded(tmp_path):
    """1M tokens on one line: held whole, its token list alone would take ~60 MB."""
    import tracemalloc

    path = tmp_path / "long.txt"
    path.write_bytes(b"ab " * 1_000_000)
    tracemalloc.start()
    n = sum(len(s) for s in corpus.iter_sentences([path], block_size=1 << 16))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 1_000_000
    assert peak < 5_000_000, peak
