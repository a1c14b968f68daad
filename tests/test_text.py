"""The streaming reader against str.split() of each line; encode against a naive loop."""

import bz2
import gzip
import lzma
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.errors import CorpusError
from w2v.text import encoded, read
from w2v.text import sentences as sent
from w2v.text.vocab import Vocab, build_vocab

SST_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "sst_to_text.py"


def sentences(path, **kw):
    return list(sent.iter_sentences([path], **kw))


def naive(text, max_words):
    """The reference: str.split() of each line, cut into chunks of max_words."""
    out = []
    for line in text.split("\n"):
        tokens = line.split()
        out += [tokens[i : i + max_words] for i in range(0, len(tokens), max_words)]
    return out


def naive_lines(text):
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def naive_encode(text, vocab, max_words):
    """word2vec.c's order: chunk the line, drop unknown words, -1 after a non-empty chunk."""
    out = []
    for chunk in naive(text, max_words):
        kept = [vocab.index[w] for w in chunk if w in vocab.index]
        out += kept + [-1] if kept else []
    return out


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.integers(1, 7), st.integers(1, 64))
def test_any_bytes_never_crash(tmp_path_factory, data, max_words, block):
    path = tmp_path_factory.mktemp("b") / "x.txt"
    path.write_bytes(data)
    stats = sent.CorpusStats()
    out = list(sent.iter_sentences([path], max_words=max_words, stats=stats, block_size=block))
    assert all(0 < len(s) <= max_words for s in out)
    assert stats.tokens == sum(map(len, out))
    # the same bytes decoded whole with errors="replace" give the same tokens
    assert out == naive(data.decode("utf-8", errors="replace"), max_words)
    assert stats.invalid_bytes >= stats.replacements


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300), st.integers(1, 7),
       st.integers(1, 64))
def test_valid_utf8_tokens_equal_str_split(tmp_path_factory, text, max_words, block):
    path = tmp_path_factory.mktemp("t") / "x.txt"
    path.write_bytes(text.encode("utf-8"))
    stats = sent.CorpusStats()
    out = list(sent.iter_sentences([path], max_words=max_words, stats=stats, block_size=block))
    # Lines are split on "\n" only: other line breaks (\r, \x1c..) are whitespace to str.split.
    assert out == naive(text, max_words)
    assert [w for s in out for w in s] == text.split()  # chunking keeps every token, in order
    assert stats.lines == naive_lines(text)
    assert stats.replacements == stats.invalid_bytes == 0  # a genuine U+FFFD is not counted


@pytest.mark.parametrize("block", [1, 2, 3, 5, 7])
def test_tokens_straddling_block_boundaries(tmp_path, block):
    text = "naïve 日本語 x\n\n  héllo   wörld \nend"
    path = tmp_path / "c.txt"
    path.write_bytes(text.encode())  # multi-byte characters fall across blocks too
    assert sentences(path, block_size=block) == naive(text, 1000)


@pytest.mark.parametrize("suffix, opener", [(".gz", gzip.open), (".bz2", bz2.open),
                                            (".xz", lzma.open), (".txt", open)])
def test_compressed_inputs(tmp_path, suffix, opener):
    text = "the cat sat\non the mat\n" * 50
    path = tmp_path / f"c{suffix}"
    with opener(path, "wb") as f:
        f.write(text.encode())
    assert sentences(path) == naive(text, 1000)


def test_several_files_in_order_and_a_single_path(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one two")  # no final newline: the line still ends with the file
    b.write_text("three\n")
    stats = sent.CorpusStats()
    assert list(sent.iter_sentences([a, b], stats=stats)) == [["one", "two"], ["three"]]
    assert stats.lines == 2 and stats.tokens == 3
    assert list(sent.iter_sentences(str(a))) == [["one", "two"]]


def test_invalid_utf8_replaced_and_counted(tmp_path):
    path = tmp_path / "bad.txt"
    # \xff and \xfe: one byte each; \xe2\x82 is a truncated 3-byte sequence (one replacement
    # for two bytes); a final lone \xc3 is completed by nothing.
    path.write_bytes(b"caf\xc3\xa9 ok\nbad\xff\xfe word \xe2\x82\n\xc3")
    stats = sent.CorpusStats()
    out = list(sent.iter_sentences([path], stats=stats, block_size=3))
    assert out == [["café", "ok"], ["bad\ufffd\ufffd", "word", "\ufffd"], ["\ufffd"]]
    assert stats.replacements == 4 and stats.invalid_bytes == 5


def test_long_line_without_newline_streams_in_chunks(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(b"w1 w2 w3 " * 20_000)  # 60k tokens, one line, no newline
    stats = sent.CorpusStats()
    out = list(sent.iter_sentences([path], max_words=1000, stats=stats, block_size=4096))
    assert [len(s) for s in out] == [1000] * 60
    assert out[0][:4] == ["w1", "w2", "w3", "w1"]
    assert stats.lines == 1 and stats.tokens == 60_000


def test_junk_token_longer_than_the_limit_is_skipped_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(sent, "MAX_TOKEN_CHARS", 50)
    path = tmp_path / "junk.txt"
    path.write_bytes(b"a " + b"x" * 300 + b" b\nc " + b"y" * 40 + b"\n")
    stats = sent.CorpusStats()
    out = list(sent.iter_sentences([path], stats=stats, block_size=16))
    assert out == [["a", "b"], ["c", "y" * 40]]  # no tail of the junk leaks in as a token
    assert stats.dropped_long_tokens == 1 and stats.lines == 2


def test_lowercase(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("The CAT ÉTÉ\n")
    assert sentences(path, lowercase=True) == [["the", "cat", "été"]]


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing.txt", "does not exist"),
    (lambda p: p, "is a directory"),
])
def test_path_errors(tmp_path, make, message):
    with pytest.raises(CorpusError, match=message):
        list(sent.iter_sentences([make(tmp_path)]))


def test_every_path_is_checked_before_reading(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("a b\n")
    it = sent.iter_sentences([good, tmp_path / "typo.txt"])
    with pytest.raises(CorpusError, match="typo.txt does not exist"):
        next(it)


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "c.txt"
    path.write_text("a\n")
    monkeypatch.setattr(read.os, "access", lambda p, mode: False)  # root reads anything
    with pytest.raises(CorpusError, match="not readable"):
        sentences(path)


@pytest.mark.parametrize("name, data", [
    ("c.txt.gz", gzip.compress(b"hello world\n" * 1000)[:50]),  # truncated
    ("c.txt.gz", b"plain text, not gzip\n"),
    ("c.txt.bz2", bz2.compress(b"hello world\n" * 1000)[:40]),
    ("c.txt.xz", b"not xz at all"),
])
def test_corrupt_compressed_files(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError, match="cannot read|not a gzip file"):
        sentences(path)


def test_encode_round_trip(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b x c\n\nx x\nb a a b a\n")
    vocab = Vocab(["a", "b", "c"], [5, 3, 1])
    n = encoded.encode([path], vocab, tmp_path / "ids", max_words=3)
    ids = encoded.read_ids(tmp_path / "ids", 0, n)
    assert encoded.read_ids(tmp_path / "ids", 2, 3).tolist() == ids[2:5].tolist()
    expected = naive_encode(path.read_text(), vocab, 3)
    assert n == len(ids) and ids.tolist() == expected
    assert encoded.count_ids(tmp_path / "ids", block=2) == (n, sum(i >= 0 for i in expected))
    assert ids.dtype == np.int32
    assert (tmp_path / "ids").read_bytes() == np.array(expected, dtype="<i4").tobytes()
    assert not (tmp_path / "ids.tmp").exists()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "é", "zz", "q"]), max_size=9),
                max_size=12),
       st.sets(st.sampled_from(["a", "b", "c", "é"])), st.integers(1, 4), st.integers(1, 8))
def test_encode_equals_naive_loop(tmp_path_factory, lines, known, max_words, flush_every):
    """Tiny flush sizes put buffer boundaries between an all-unknown chunk and its -1."""
    tmp = tmp_path_factory.mktemp("e")
    text = "\n".join(" ".join(line) for line in lines)
    (tmp / "c.txt").write_text(text, encoding="utf-8")
    vocab = Vocab(sorted(known), [1] * len(known))
    old, encoded.BLOCK_IDS = encoded.BLOCK_IDS, flush_every
    try:
        n = encoded.encode(tmp / "c.txt", vocab, tmp / "ids", max_words=max_words)
    finally:
        encoded.BLOCK_IDS = old
    assert encoded.read_ids(tmp / "ids", 0, n).tolist() == naive_encode(text, vocab, max_words)
    assert n == (tmp / "ids").stat().st_size // 4


def test_long_line_memory_stays_bounded(tmp_path):
    """1M tokens on one line: held whole, its token list alone would take ~60 MB."""
    import tracemalloc

    path = tmp_path / "long.txt"
    path.write_bytes(b"ab " * 1_000_000)
    tracemalloc.start()
    n = sum(len(s) for s in sent.iter_sentences([path], block_size=1 << 16))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 1_000_000
    assert peak < 5_000_000, peak


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "ü", "日"]), max_size=6), max_size=10))
def test_vocab_counts_add_up_to_tokens_read(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("v") / "c.txt"
    path.write_text("\n".join(" ".join(line) for line in lines), encoding="utf-8")
    stats = sent.CorpusStats()
    tokens = sum(map(len, lines))
    if tokens == 0:
        return
    vocab = build_vocab(sent.iter_sentences(path, stats=stats), min_count=1)
    assert vocab.total_words == stats.tokens == int(vocab.counts.sum()) == tokens


def test_sst_converter(tmp_path):
    src = tmp_path / "datasetSentences.txt"
    src.write_bytes("sentence_index\tsentence\r\n1\tA fine film .\r\n2\tCafé -lrb- x -rrb-\n"
                    "garbage line\n".encode())
    dst = tmp_path / "sst.txt"
    run = subprocess.run([sys.executable, str(SST_SCRIPT), str(src), str(dst)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert dst.read_text(encoding="utf-8") == "A fine film .\nCafé -lrb- x -rrb-\n"
    assert "wrote 2 sentences" in run.stdout and "skipped 1" in run.stdout
    bad = subprocess.run([sys.executable, str(SST_SCRIPT), str(dst), str(tmp_path / "o.txt")],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "expected the header" in bad.stderr


@pytest.mark.shared_data
def test_real_corpus_matches_str_split(shared_data, tmp_path):
    path = shared_data / "wiki" / "wiki-1.5m.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        text = f.read()
    stats = sent.CorpusStats()
    out = list(sent.iter_sentences(path, stats=stats))
    assert out == naive(text, 1000)
    assert stats.lines == naive_lines(text) and stats.replacements == 0


@pytest.mark.parametrize("name, data, message", [
    ("c.txt.gz", b"plain text, not gzip\n", "is not a gzip file"),
    ("c.txt.gz", gzip.compress(b"hello world\n" * 1000)[:50], r"\(is the file complete\?\)"),
    ("c.txt.gz", gzip.compress(b"hello world\n" * 1000)[:-8] + bytes(8), "is corrupt"),
    ("c.txt.bz2", b"plain text, not bzip2\n", "is not a bzip2 file"),
    ("c.txt.bz2", bz2.compress(b"hello world\n" * 1000)[:40], r"\(is the file complete\?\)"),
    ("c.txt.xz", b"not xz at all", "is not an xz file"),
    ("c.txt.xz", lzma.compress(b"hello world\n" * 1000)[:40], r"\(is the file complete\?\)"),
])
def test_corrupt_compressed_files_say_what_is_wrong(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError, match=f"cannot read {path}: .*{message}") as e:
        sentences(path)
    if "complete" not in message:
        assert "complete" not in str(e.value)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["a", "bb", "x" * 9, "y" * 20, "é" * 7, " ", " ", "\n"]),
                max_size=30), st.integers(1, 32), st.integers(2, 10))
def test_junk_is_decided_by_length_not_by_blocks(tmp_path_factory, pieces, block, limit):
    """A token over MAX_TOKEN_CHARS is dropped whether its line ends in the same block (it
    used to be kept then) or streams across blocks."""
    text = "".join(pieces)
    path = tmp_path_factory.mktemp("j") / "c.txt"
    path.write_bytes(text.encode())
    old, sent.MAX_TOKEN_CHARS = sent.MAX_TOKEN_CHARS, limit
    try:
        stats = sent.CorpusStats()
        out = list(sent.iter_sentences([path], stats=stats, block_size=block))
    finally:
        sent.MAX_TOKEN_CHARS = old
    kept = "\n".join(" ".join(t for t in line.split() if len(t) <= limit)
                     for line in text.split("\n"))
    assert out == naive(kept, 1000)
    assert stats.dropped_long_tokens == sum(len(t) > limit for t in text.split())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["ΑΣ", "ΣΑ", "Σ", "A.Σ", "İ", "ǅ", "a", " ", "\n", "\u3000"]),
                max_size=30), st.integers(1, 16))
def test_lowercase_is_str_lower_of_the_text_whatever_the_blocks(tmp_path_factory, pieces, block):
    """Final sigma depends on the next letter: lowering a block that ends inside a word used
    to give ς where the whole text gives σ."""
    text = "".join(pieces)
    path = tmp_path_factory.mktemp("l") / "c.txt"
    path.write_bytes(text.encode())
    out = list(sent.iter_sentences([path], lowercase=True, block_size=block))
    assert out == naive(text.lower(), 1000)
