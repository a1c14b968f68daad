"""The one-pass encoder against the two-pass one (count, then encode with the final vocabulary)
and against a naive model of what pruning drops; standard input and pipes."""

import gzip
import io
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.errors import VocabError
from w2v.text import encoded
from w2v.text.sentences import iter_sentences
from w2v.text.vocab import build_vocab

WORDS = ["a", "b", "c", "é", "zz", "q", "日本", "x"]


def one_pass(path, out, **kw):
    gen = encoded.count_and_encode(path, out, **kw)
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value


def two_pass(path, out, min_count, max_words, prune_at):
    vocab = build_vocab(iter_sentences(path, max_words=max_words), min_count=min_count,
                        prune_at=prune_at)
    n = encoded.encode(path, vocab, out, max_words=max_words)
    return vocab, encoded.read_ids(out, 0, n).tolist()


def naive_one_pass_ids(lines, vocab, max_words, prune_at):
    """What reading once must give: the two-pass ids, except that an occurrence of a word
    before its last pruning is dropped (its count was forgotten with it)."""
    counts, last_pruned, occurrences, floor = {}, {}, [], 1
    chunks = [c for line in lines for c in
              (line[i:i + max_words] for i in range(0, len(line), max_words))]
    for s, chunk in enumerate(chunks):
        for w in chunk:
            counts[w] = counts.get(w, 0) + 1
        occurrences.append(chunk)
        if len(counts) > prune_at:
            for w in [w for w, c in counts.items() if c <= floor]:
                del counts[w]
                last_pruned[w] = s
            floor += 1
    ids = []
    for s, chunk in enumerate(occurrences):
        kept = [vocab.index[w] for w in chunk if w in vocab.index and s > last_pruned.get(w, -1)]
        ids += kept + [-1] if kept else []
    return ids


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=9), max_size=14),
       st.integers(1, 3), st.integers(1, 4), st.integers(1, 9), st.integers(1, 64))
def test_one_pass_equals_two_pass_pruning_included(tmp_path_factory, lines, min_count,
                                                    max_words, prune_at, block):
    tmp = tmp_path_factory.mktemp("e")
    (tmp / "c.txt").write_text("\n".join(" ".join(line) for line in lines), encoding="utf-8")
    if not any(lines) or max(map(len, lines)) == 0:
        return
    old, encoded.BLOCK_IDS = encoded.BLOCK_IDS, block  # many flushes and in-place blocks
    try:
        try:
            ref_vocab, ref_ids = two_pass(tmp / "c.txt", tmp / "ref", min_count, max_words,
                                          prune_at)
        except Exception as e:  # an empty vocabulary: the one-pass encoder must say the same
            with pytest.raises(type(e)):
                one_pass(tmp / "c.txt", tmp / "ids", min_count=min_count, max_words=max_words,
                         prune_at=prune_at)
            return
        vocab = one_pass(tmp / "c.txt", tmp / "ids", min_count=min_count, max_words=max_words,
                         prune_at=prune_at)
    finally:
        encoded.BLOCK_IDS = old
    assert vocab == ref_vocab  # same words, counts (pruning included) and total
    ids = encoded.read_ids(tmp / "ids", 0, 10**6).tolist()
    assert ids == naive_one_pass_ids(lines, vocab, max_words, prune_at)
    if prune_at >= len(set(w for line in lines for w in line)):  # no pruning: exactly equal
        assert ids == ref_ids
    assert not list(tmp.glob(".*.tmp"))


def test_pruned_word_loses_only_its_early_occurrences(tmp_path):
    """prune_at 2: line 2 makes three words, so a and c (count 1) are pruned; a comes back in
    line 3 with count 2. Both encoders agree on the counts; reading once drops line 1's a."""
    path = tmp_path / "c.txt"
    path.write_text("a b b\nc\na a b\n")
    vocab = one_pass(path, tmp_path / "ids", min_count=1, prune_at=2)
    assert vocab.words == ["b", "a"] and vocab.counts.tolist() == [3, 2]
    assert encoded.read_ids(tmp_path / "ids", 0, 100).tolist() == [0, 0, -1, 1, 1, 0, -1]
    assert two_pass(path, tmp_path / "ref", 1, 1000, 2)[1] == [1, 0, 0, -1, 1, 1, 0, -1]


def test_everything_pruned_is_a_clear_error(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b\nc d\n")
    with pytest.raises(VocabError, match="pruning"):
        one_pass(path, tmp_path / "ids", min_count=1, prune_at=1)


class _Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BufferedReader(io.BytesIO(data))


@pytest.mark.parametrize("compress", [False, True])
def test_standard_input_equals_the_file(tmp_path, monkeypatch, compress):
    text = "the cat sat\non the mat\nthe end\n" * 50
    path = tmp_path / "c.txt"
    path.write_text(text)
    data = gzip.compress(text.encode()) if compress else text.encode()
    monkeypatch.setattr(sys, "stdin", _Stdin(data))  # gzip recognised by its magic bytes
    from_stdin = one_pass("-", tmp_path / "a", min_count=1)
    from_file = one_pass(path, tmp_path / "b", min_count=1)
    assert from_stdin == from_file
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()


def test_a_pipe_is_read_once(tmp_path):
    """`w2v train <(zcat c.gz)`: a FIFO can be read only once."""
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen([sys.executable, "-c",
                               f"open({str(fifo)!r}, 'w').write('a b a\\nb a\\n' * 100)"])
    vocab = one_pass(fifo, tmp_path / "ids", min_count=1)
    writer.wait(timeout=30)
    assert vocab.words == ["a", "b"] and vocab.counts.tolist() == [300, 200]
    ids = np.fromfile(tmp_path / "ids", dtype="<i4")
    assert ids[:4].tolist() == [0, 1, 0, -1] and len(ids) == 700
