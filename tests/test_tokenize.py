"""The compiled front end (``stream`` + ``tokenize`` + ``wordtable``) against Python's own rules:
whitespace against ``str.isspace()`` for every code point, and ``count_and_encode`` against the
pure-Python reference (``iter_sentences`` + ``build_vocab`` + ``encode``: ``str.split()``,
CPython's UTF-8 decoder, ``str.lower()``) on text rich in Unicode, whitespace of every kind and
invalid bytes, in tiny blocks and tables, with one thread and with two."""

import dataclasses
import gzip
import sys
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v.errors import CorpusError
from w2v.text import encoded, stream, tokenize, wordtable
from w2v.text import sentences as sent
from w2v.text.vocab import build_vocab

SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
WORDS = ["a", "B", "the", "é", "ÉTÉ", "日本", "ΣΑΣ", "σς", "İ", "ß", "ǅ", "😀", "\ufffd", "x" * 9,
         "ü" * 6, "İ" * 5, "a.Σ", "\u0301", "\x00", "\x7f", "\x1b"]
INVALID = [b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf",
           b"\x80", b"\xe1\x9a", b"\xe2\x80", b"\xc2"]  # truncated spaces among them
FIXTURE = [HealthCheck.function_scoped_fixture]  # ``tiny`` is set anew in every example
PIECES = ([w.encode() for w in WORDS] + [s.encode() for s in SPACES] + INVALID
          + [b" ", b" ", b"\n", b"\n"])


def one_pass(path, out, **kw):
    gen = encoded.count_and_encode(path, out, **kw)
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value


def reference(path, out, lowercase, max_words):
    """The pure-Python pass: vocabulary, ids and stats."""
    stats = sent.CorpusStats()
    vocab = build_vocab(sent.iter_sentences(path, lowercase, max_words, stats), min_count=1)
    n = encoded.encode(path, vocab, out, lowercase, max_words)
    return vocab, encoded.read_ids(out, 0, n).tolist(), stats


def compiled(path, out, lowercase, max_words, threads):
    stats = sent.CorpusStats()
    vocab = one_pass(path, out, lowercase=lowercase, max_words=max_words, min_count=1,
                     stats=stats, threads=threads)
    return vocab, encoded.read_ids(out, 0, 10**7).tolist(), stats


@pytest.fixture
def tiny(monkeypatch):
    """Tiny blocks, id buffers and tables: every carry, flush and growth path runs."""
    def set_sizes(block, ids=3, entries=1):
        monkeypatch.setattr(stream, "BLOCK_BYTES", block)
        monkeypatch.setattr(encoded, "BLOCK_IDS", ids)
        monkeypatch.setattr(wordtable, "FIRST_ENTRIES", entries)
    return set_sizes


def test_whitespace_is_str_isspace_for_every_code_point():
    for c in range(sys.maxunicode + 1):
        if 0xD800 <= c < 0xE000:
            continue
        raw = chr(c).encode()
        buf = np.frombuffer(b"x" + raw + b"x", np.uint8)
        space = chr(c).isspace()
        assert tokenize.first_space(buf) == (1 if space else -1), hex(c)
        assert tokenize.last_space_end(buf) == (1 + len(raw) if space else 0), hex(c)


def test_invalid_bytes_never_look_like_whitespace():
    """A truncated space (\\xe2\\x80 then a letter) is two replacements and a letter."""
    for raw in [b"\xe2\x80A", b"\xe2\x80", b"\xc2", b"\xe3\x80", b"\xe1\x9aA", b"\xe2\x81\x9e"]:
        buf = np.frombuffer(raw, np.uint8)
        assert tokenize.first_space(buf) == -1 and tokenize.last_space_end(buf) == 0, raw


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE)
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.integers(1, 40), st.integers(1, 5),
       st.booleans(), st.sampled_from([1, 2]))
def test_compiled_pass_equals_python(tmp_path_factory, tiny, pieces, block, max_words,
                                     lowercase, threads):
    tmp = tmp_path_factory.mktemp("t")
    (tmp / "c.txt").write_bytes(b"".join(pieces))
    try:
        ref = reference(tmp / "c.txt", tmp / "ref", lowercase, max_words)
    except Exception as e:  # no words at all: the compiled pass must say the same
        with pytest.raises(type(e)):
            compiled(tmp / "c.txt", tmp / "ids", lowercase, max_words, threads)
        return
    tiny(block)
    vocab, ids, stats = compiled(tmp / "c.txt", tmp / "ids", lowercase, max_words, threads)
    assert vocab == ref[0]
    assert ids == ref[1]
    assert dataclasses.asdict(stats) == dataclasses.asdict(ref[2])


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE)
@given(st.lists(st.sampled_from(PIECES + [b"y" * 30, "é".encode() * 13, "İ".encode() * 7]),
                max_size=40),
       st.integers(1, 40), st.integers(2, 12), st.booleans())
def test_junk_tokens_are_dropped_by_length_alone(tmp_path_factory, tiny, monkeypatch, pieces,
                                                 block, limit, lowercase):
    """Over ``limit`` characters (decoded, lowercased: İ becomes two) a token is junk, in both
    passes, wherever the blocks fall; the Python pass is held to str.split() itself."""
    monkeypatch.setattr(sent, "MAX_TOKEN_CHARS", limit)
    tmp = tmp_path_factory.mktemp("j")
    data = b"".join(pieces)
    (tmp / "c.txt").write_bytes(data)
    text = data.decode("utf-8", errors="replace")
    text = text.lower() if lowercase else text
    expected = [[t for t in line.split() if len(t) <= limit] for line in text.split("\n")]
    dropped = sum(len(t) > limit for t in text.split())
    try:
        ref = reference(tmp / "c.txt", tmp / "ref", lowercase, 1000)
    except Exception as e:
        with pytest.raises(type(e)):
            compiled(tmp / "c.txt", tmp / "ids", lowercase, 1000, 2)
        return
    words = ref[0].words
    assert [words[i] for i in ref[1] if i >= 0] == [t for line in expected for t in line]
    assert ref[2].dropped_long_tokens == dropped
    tiny(block)
    vocab, ids, stats = compiled(tmp / "c.txt", tmp / "ids", lowercase, 1000, 2)
    assert (vocab, ids) == ref[:2]
    assert dataclasses.asdict(stats) == dataclasses.asdict(ref[2])


def test_two_threads_equal_one_on_a_larger_corpus(tmp_path, tiny):
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(3000)] + ["é", "日本語", "Straße"]
    words = rng.choice(vocab, size=60_000, p=None)
    seps = rng.choice([" ", " ", " ", "\n", "\t", "\u3000"], size=60_000)
    text = "".join(w + s for w, s in zip(words, seps))
    path = tmp_path / "c.txt.gz"
    path.write_bytes(gzip.compress(text.encode()))
    tiny(4096, ids=1000, entries=16)
    results = [compiled(path, tmp_path / f"ids{t}", True, 7, t) for t in (1, 2)]
    assert results[0] == results[1]
    assert (tmp_path / "ids1").read_bytes() == (tmp_path / "ids2").read_bytes()
    assert results[0][:2] == reference(path, tmp_path / "ref", True, 7)[:2]


def test_progress_advances_block_by_block(tmp_path, tiny):
    path = tmp_path / "c.txt"
    path.write_text("a b c\n" * 1000)
    tiny(600)
    seen = [(s.tokens, s.bytes_read) for s in encoded.count_and_encode(path, tmp_path / "ids")]
    assert len(set(seen)) >= 10
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(seen, seen[1:]))
    assert seen[-1] == (3000, path.stat().st_size)


def test_a_corrupt_input_is_a_clear_error_from_the_reader_thread(tmp_path):
    path = tmp_path / "c.txt.gz"
    words = np.random.default_rng(0).integers(0, 10**6, 100_000).astype(str)
    whole = gzip.compress(" ".join(words).encode())
    path.write_bytes(whole[: len(whole) // 2])  # truncated after a few blocks
    with pytest.raises(CorpusError, match="cannot read"):
        one_pass(path, tmp_path / "ids", min_count=1, threads=2)
    assert not list(tmp_path.glob(".*.tmp"))


def test_closing_early_stops_the_reader_thread(tmp_path, tiny):
    path = tmp_path / "c.txt"
    path.write_text("a b c\n" * 100_000)
    tiny(1024)
    gen = encoded.count_and_encode(path, tmp_path / "ids", threads=2)
    next(gen)
    gen.close()  # as when the user presses Ctrl-C while counting
    for t in threading.enumerate():
        if t.name == "w2v-reader":
            t.join(timeout=5)
            assert not t.is_alive()


def test_a_huge_junk_token_streams_in_bounded_memory(tmp_path):
    """40 MB without whitespace: carried whole it would cost over 80 MB of copies."""
    import tracemalloc

    path = tmp_path / "junk.txt"
    with open(path, "wb") as f:
        f.write(b"a b ")
        for _ in range(40):
            f.write(b"x" * (1 << 20))
        f.write(b"\xe2\x82 b\n")  # a truncated sequence ends the junk: replaced and counted
    (tmp_path / "warm.txt").write_text("a x" * 10**6 + " b\n")  # numba's first call allocates
    one_pass(tmp_path / "warm.txt", tmp_path / "ids", min_count=1, threads=1)
    stats = sent.CorpusStats()
    tracemalloc.start()
    vocab = one_pass(path, tmp_path / "ids", min_count=1, stats=stats, threads=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert vocab.words == ["b", "a"] and vocab.counts.tolist() == [2, 1]
    assert stats.dropped_long_tokens == 1 and stats.tokens == 3
    assert stats.replacements == 1 and stats.invalid_bytes == 2
    assert peak < 16 << 20, peak


@pytest.mark.shared_data
def test_real_corpus_equals_the_python_pass(shared_data, tmp_path):
    path = shared_data / "wiki" / "wiki-1.5m.txt.gz"
    for threads in (1, 2):
        vocab = one_pass(path, tmp_path / "ids", min_count=5, threads=threads)
        ref = build_vocab(sent.iter_sentences(path), min_count=5)
        assert vocab == ref
        encoded.encode(path, ref, tmp_path / "ref")
        assert (tmp_path / "ids").read_bytes() == (tmp_path / "ref").read_bytes()
