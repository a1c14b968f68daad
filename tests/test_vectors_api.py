"""``Vectors`` read like gensim's ``KeyedVectors``: the same ``most_similar`` answers and
``similarity`` values as gensim on the same (trained) vectors, ``v[word]``, ``in``, ``len``,
``words``, ``matrix`` and ``to_gensim``."""

import sys

import numpy as np
import pytest

import w2v
from w2v import demo
from w2v.errors import VectorsError
from w2v.vectors.vectors import UnknownWord, Vectors

gensim = pytest.importorskip("gensim")

QUERIES = [  # (positive, negative) in gensim's keyword form
    (["king", "female"], ["male"]),
    (["coffee"], []),
    ("rain", []),
    (["great", "wonderful"], ["boring"]),
    (["queen"], ["female", "palace"]),
]


@pytest.fixture(scope="module")
def vectors(tmp_path_factory) -> Vectors:
    folder = tmp_path_factory.mktemp("vectors")
    corpus = demo.write(folder / "demo.txt", n_tokens=60_000, seed=5)
    return w2v.train(corpus, out=folder / "run", dim=24, epochs=3, threads=1,
                     quiet=True).vectors


@pytest.fixture(scope="module")
def peer(vectors):
    """gensim's KeyedVectors built by hand from the same words and rows (not by to_gensim)."""
    kv = gensim.models.KeyedVectors(vectors.dim)
    kv.add_vectors(list(vectors.words), np.array(vectors.matrix))
    return kv


@pytest.mark.parametrize("positive, negative", QUERIES)
def test_most_similar_matches_gensim(vectors, peer, positive, negative):
    ours = vectors.most_similar(positive=positive, negative=negative, topn=8)
    theirs = peer.most_similar(positive=positive, negative=negative, topn=8)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=2e-6)


def test_similarity_matches_gensim(vectors, peer):
    words = ["king", "queen", "male", "female", "coffee", "tea", "rain", "boring", "the"]
    ours = [[vectors.similarity(a, b) for b in words] for a in words]
    theirs = [[peer.similarity(a, b) for b in words] for a in words]
    np.testing.assert_allclose(ours, theirs, atol=2e-6)
    assert vectors.similarity("king", "king") == pytest.approx(1.0, abs=1e-6)


def test_to_gensim_holds_the_same_words_and_rows(vectors, peer):
    kv = vectors.to_gensim()
    assert kv.index_to_key == vectors.words
    assert np.array_equal(kv.vectors, vectors.matrix)
    assert np.array_equal(kv["queen"], vectors["queen"])
    assert kv.most_similar("tea", topn=5) == peer.most_similar("tea", topn=5)


def test_to_gensim_without_gensim_says_what_to_install(vectors, monkeypatch):
    monkeypatch.setitem(sys.modules, "gensim", None)
    monkeypatch.setitem(sys.modules, "gensim.models", None)
    with pytest.raises(VectorsError, match="pip install gensim"):
        vectors.to_gensim()


def test_getitem_is_a_copy_of_the_row(vectors):
    row = vectors["king"]
    assert np.array_equal(row, vectors.matrix[vectors.words.index("king")])
    row[:] = 0
    assert np.any(vectors["king"] != 0)
    pair = vectors[["king", "queen"]]
    assert pair.shape == (2, vectors.dim)
    assert np.array_equal(pair[1], vectors["queen"])
    assert vectors[[]].shape == (0, vectors.dim)


def test_an_unknown_word_is_a_key_error_naming_the_closest(vectors):
    with pytest.raises(KeyError) as caught:
        vectors["kingg"]
    assert isinstance(caught.value, VectorsError) and isinstance(caught.value, UnknownWord)
    assert str(caught.value).startswith("'kingg' is not in the vocabulary; closest: king")
    with pytest.raises(UnknownWord):
        vectors.similarity("king", "kingg")


def test_container_protocol(vectors):
    assert "king" in vectors and "kingg" not in vectors
    assert len(vectors) == len(vectors.words) == vectors.matrix.shape[0]
    assert vectors.matrix is vectors.vectors
    assert repr(vectors) == f"Vectors({len(vectors):,} words, 24-d)"


def test_a_lowercased_run_folds_the_keys_of_getitem():
    v = Vectors(["king", "queen"], np.eye(2, dtype=np.float32), lowercase=True)
    assert np.array_equal(v["KING"], [1, 0]) and "Queen" in v
    assert v.similarity("King", "QUEEN") == 0.0
