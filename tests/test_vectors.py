import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.errors import VectorsError
from w2v.vectors import Vectors, latest_run
from w2v.vocab import Vocab


def planted():
    """Vectors built so that king - male + female = queen exactly, plus distractors."""
    gender = {"male": np.array([1.0, 0, 0, 0]), "female": np.array([-1.0, 0, 0, 0])}
    royal, fruit = np.array([0, 1.0, 0, 0]), np.array([0, 0, 1.0, 0])
    vecs = {
        "male": gender["male"] + 0.1 * np.array([0, 0, 0, 1.0]),
        "female": gender["female"] + 0.1 * np.array([0, 0, 0, 1.0]),
        "king": gender["male"] + royal,
        "queen": gender["female"] + royal,
        "apple": fruit,
        "pear": fruit + 0.2 * np.array([0, 0, 0, 1.0]),
        "banana": fruit - 0.3 * np.array([0, 0, 0, 1.0]),
    }
    return Vectors(list(vecs), np.array(list(vecs.values()), dtype=np.float32))


def test_analogy_and_similar_on_planted_vectors():
    v = planted()
    assert v.analogy("king", "male", "female")[0][0] == "queen"
    assert v.analogy("king", "male", "female", method="mul")[0][0] == "queen"
    top = v.similar("apple", topn=2)
    assert [w for w, _ in top] == ["pear", "banana"]
    assert all(w not in ("king", "male", "female")
               for w, _ in v.analogy("king", "male", "female", topn=10))


def test_most_similar_scores_are_cosines():
    v = planted()
    a, b = v.vectors[v.index["apple"]], v.vectors[v.index["pear"]]
    cosine = a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    assert v.similar("apple", 1)[0][1] == pytest.approx(cosine)


def test_3cosmul_against_direct_formula():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    v = Vectors(words, rng.normal(size=(40, 6)).astype(np.float32))
    unit = v.vectors / np.linalg.norm(v.vectors, axis=1, keepdims=True)

    def cos(i, j):
        return float(unit[i] @ unit[j])

    a, b, c = 3, 7, 11
    expected = {}
    for x in range(40):
        if x in (a, b, c):
            continue
        pa, pb, pc = ((1 + cos(x, y)) / 2 for y in (a, b, c))
        expected[words[x]] = pa * pc / (pb + 1e-3)
    got = v.analogy("w3", "w7", "w11", topn=39, method="mul")
    best = sorted(expected.items(), key=lambda kv: -kv[1])
    assert [w for w, _ in got] == [w for w, _ in best]
    for w, s in got:
        assert s == pytest.approx(expected[w], rel=1e-4)


def test_oov_names_the_word_and_close_spellings():
    with pytest.raises(VectorsError, match="'kng' is not in the vocabulary; closest: king"):
        planted().similar("kng")


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_round_trip_and_gensim(tmp_path, binary):
    rng = np.random.default_rng(1)
    words = ["the", "naïve", "日本", "a-b", "x"]
    v = Vectors(words, rng.normal(size=(5, 7)).astype(np.float32))
    path = tmp_path / ("v.bin" if binary else "v.txt")
    v.save_word2vec(path, binary=binary)
    back = Vectors.load(path)
    assert back.words == words
    np.testing.assert_array_equal(back.vectors, v.vectors)  # %.9g text is exact for float32
    gensim = pytest.importorskip("gensim")
    kv = gensim.models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert kv.index_to_key == words
    np.testing.assert_array_equal(kv.vectors, v.vectors)
    # and files written by gensim load here
    other = tmp_path / ("g.bin" if binary else "g.txt")
    kv.save_word2vec_format(str(other), binary=binary)
    again = Vectors.load(other)
    assert again.words == words
    np.testing.assert_allclose(again.vectors, v.vectors, rtol=1e-6)


def test_whitespace_word_rejected(tmp_path):
    v = Vectors(["new york"], np.ones((1, 2), np.float32))
    with pytest.raises(VectorsError, match="'new york'.*whitespace"):
        v.save_word2vec(tmp_path / "v.txt", binary=False)


@pytest.mark.parametrize("binary", [False, True])
def test_truncated_file(tmp_path, binary):
    v = Vectors([f"w{i}" for i in range(10)], np.ones((10, 4), np.float32))
    path = tmp_path / "v"
    v.save_word2vec(path, binary=binary)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(VectorsError, match="truncated|malformed"):
        Vectors.load(path)


@pytest.mark.parametrize("content", [b"hello world\n", b"\x00\x01\x02", b""])
def test_not_a_vectors_file(tmp_path, content):
    path = tmp_path / "v.txt"
    path.write_bytes(content)
    with pytest.raises(VectorsError, match="not a word2vec file"):
        Vectors.load(path)


def test_run_folder_and_npy_with_vocab(tmp_path):
    run = tmp_path / "runs" / "r1"
    run.mkdir(parents=True)
    W = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.save(run / "vectors.npy", W)
    Vocab(["a", "b", "c"], [3, 2, 1]).save(run / "vocab.txt")
    for path in (run, run / "vectors.npy"):
        v = Vectors.load(path)
        assert v.words == ["a", "b", "c"] and np.array_equal(v.vectors, W)
    assert isinstance(Vectors.load(run).vectors, np.memmap)
    assert latest_run(tmp_path / "runs") == run
    with pytest.raises(VectorsError, match="no trained vectors"):
        latest_run(tmp_path / "nothing")


words_strategy = st.lists(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
            min_size=1, max_size=8).filter(lambda w: not any(c.isspace() for c in w)),
    min_size=1, max_size=12, unique=True)


@settings(max_examples=40, deadline=None)
@given(words_strategy, st.booleans())
def test_formats_round_trip_any_words(tmp_path_factory, words, binary):
    rng = np.random.default_rng(len(words))
    v = Vectors(words, rng.normal(size=(len(words), 3)).astype(np.float32))
    path = tmp_path_factory.mktemp("f") / "v"
    v.save_word2vec(path, binary=binary)
    back = Vectors.load(path)
    assert back.words == words and np.array_equal(back.vectors, v.vectors)
    Vocab(words, list(range(len(words), 0, -1))).save(path.with_name("vocab.txt"))
    assert Vocab.load(path.with_name("vocab.txt")).words == words


def test_analogy_file_without_questions(tmp_path):
    (tmp_path / "q.txt").write_bytes(b"\x00\x01 binary")
    with pytest.raises(VectorsError, match="no analogy questions"):
        planted().evaluate_analogies(tmp_path / "q.txt")
