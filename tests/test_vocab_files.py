"""``save_vocab`` / ``read_vocab`` (word2vec.c's ``-save-vocab`` / ``-read-vocab``): the file w2v
writes equals word2vec.c's own for the same corpus (the peer: same words, counts and order up
to ties, whose order word2vec.c's unstable qsort leaves unspecified), word2vec.c reads it back
unchanged, and a run that reads a vocabulary trains bit-identically (one thread) to the run that
counted it; min_count and max_vocab still apply, as word2vec.c's ReadVocab does (SortVocab); a
corpus word outside the vocabulary is dropped, as the reference encoder with that vocabulary
drops it."""

import itertools
import subprocess
from pathlib import Path

import numpy as np
import pytest

import w2v
from w2v.errors import W2VError
from w2v.text import encoded
from w2v.text.vocab import Vocab
from w2v.text.vocab_files import read_vocab, restrict, save_vocab

WORD2VEC = Path("/work/peers/word2vec/word2vec")  # built by scripts/peers.py
KW = dict(dim=12, epochs=1, threads=1, quiet=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return w2v.demo.write(tmp_path_factory.mktemp("vf") / "d.txt", 20_000)


@pytest.fixture(scope="module")
def counted(corpus, tmp_path_factory):
    root = tmp_path_factory.mktemp("counted")
    run = w2v.train(corpus, out=root / "run", save_vocab=str(root / "v.txt"), **KW)
    return run, root / "v.txt"


def pairs(path):
    return [tuple(line.split()) for line in Path(path).read_text().splitlines()]


def same_up_to_ties(a, b):
    """Equal lists of (word, count) but for the order of words with the same count."""
    groups = [[(c, sorted(w for w, _ in g)) for c, g in itertools.groupby(x, key=lambda p: p[1])]
              for x in (a, b)]
    return [c for c, _ in groups[0]] == [c for c, _ in groups[1]] and groups[0] == groups[1]


def test_saved_file_is_word2vec_format_of_the_run_vocab(counted, corpus):
    run, saved = counted
    lines = pairs(saved)
    vocab = Vocab.load(Path(run.path) / "vocab.txt")
    assert lines[0] == ("</s>", str(len(corpus.read_text().splitlines())))
    assert lines[1:] == [(w, str(c)) for w, c in zip(vocab.words, vocab.counts.tolist())]


@pytest.mark.skipif(not WORD2VEC.exists(), reason="word2vec.c not built (scripts/peers.py)")
def test_equals_word2vec_c_save_vocab(counted, corpus, tmp_path):
    theirs, again = tmp_path / "c.txt", tmp_path / "again.txt"
    common = ["-size", "4", "-iter", "1", "-threads", "1", "-min-count", "5",
              "-output", str(tmp_path / "c.vec")]
    subprocess.run([WORD2VEC, "-train", corpus, "-save-vocab", theirs, *common], check=True,
                   capture_output=True, timeout=120)
    assert same_up_to_ties(pairs(theirs), pairs(counted[1]))
    assert pairs(theirs)[0] == pairs(counted[1])[0]  # </s> and its count first
    subprocess.run([WORD2VEC, "-train", corpus, "-read-vocab", counted[1], "-save-vocab", again,
                    *common], check=True, capture_output=True, timeout=120)
    assert same_up_to_ties(pairs(again), pairs(counted[1]))  # word2vec.c reads ours


@pytest.mark.parametrize("which", ["word2vec.c format", "run vocab.txt"])
def test_read_vocab_trains_bit_identically(counted, corpus, tmp_path, which):
    run, saved = counted
    source = saved if which == "word2vec.c format" else Path(run.path) / "vocab.txt"
    again = w2v.train(corpus, out=tmp_path / "again", read_vocab=source, **KW)  # a Path too
    assert again.config.read_vocab == str(source)
    assert Vocab.load(Path(again.path) / "vocab.txt") == Vocab.load(Path(run.path) / "vocab.txt")
    assert np.array_equal(again.vectors.matrix, run.vectors.matrix)


def test_min_count_and_max_vocab_apply_to_a_read_vocab(counted, corpus, tmp_path):
    _, saved = counted
    kw = dict(KW, min_count=40, max_vocab=30)
    direct = w2v.train(corpus, out=tmp_path / "direct", **kw)
    read = w2v.train(corpus, out=tmp_path / "read", read_vocab=str(saved), **kw)
    assert len(read.vectors) == 30 and read.vectors.words == direct.vectors.words
    assert np.array_equal(read.vectors.matrix, direct.vectors.matrix)


def test_unknown_corpus_words_are_dropped_as_the_reference_encoder_does(corpus, tmp_path):
    given = tmp_path / "v.txt"
    given.write_text("</s> 9\nthe 500\nking 30\nqueen 30\nzzz 2\n")
    fixed = restrict(read_vocab(given), min_count=1, max_vocab=None)
    assert fixed.words == ["the", "king", "queen", "zzz"]  # file order, </s> dropped
    counting = encoded.count_and_encode([corpus], tmp_path / "a.ids", fixed=fixed)
    *_, vocab = _with_result(counting)
    encoded.encode([corpus], fixed, tmp_path / "b.ids")
    assert (tmp_path / "a.ids").read_bytes() == (tmp_path / "b.ids").read_bytes()
    assert vocab.words == fixed.words and vocab.counts.tolist() == [500, 30, 30, 2]
    assert vocab.total_words == len(corpus.read_text().split())  # the corpus's tokens


def _with_result(gen):
    """The items of ``gen`` (progress), then its return value."""
    result = yield from gen
    yield result


def test_unsorted_file_is_sorted_stably_and_round_trips(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("b 2\na 5\nc 2\nd 1\n")
    v = restrict(read_vocab(path), min_count=2, max_vocab=None)
    assert v.words == ["a", "b", "c"]  # by count; the tie b, c keeps the file's order
    save_vocab(tmp_path / "out.txt", v, lines=4)
    assert pairs(tmp_path / "out.txt") == [("</s>", "4"), ("a", "5"), ("b", "2"), ("c", "2")]


@pytest.mark.parametrize("text, message", [
    (None, "does not exist"),
    ("the 5\nbad line here\n", ":2: expected 'word count'"),
    ("the x\n", ":1: expected 'word count'"),
    ("", "holds no words"),
    ("the 5\nthe 3\n", "the word 'the' twice"),
    ("the 3\ncat 2\n", "Empty vocabulary"),
])
def test_bad_vocab_files_are_one_line_errors(corpus, tmp_path, text, message):
    path = tmp_path / "v.txt"
    if text is not None:
        path.write_text(text)
    with pytest.raises(W2VError, match=message):
        w2v.train(corpus, out=tmp_path / "run", read_vocab=str(path), **KW)
    assert not (tmp_path / "run" / "state.json").exists()
