import gzip
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.errors import RunError, VectorsError
from w2v.run.rundir import latest_run
from w2v.text.vocab import Vocab
from w2v.util.tables import format_ranked, format_table
from w2v.vectors import topk
from w2v.vectors import vectors as vectors_module
from w2v.vectors.evaluate import evaluate_analogies
from w2v.vectors.formats import write_records
from w2v.vectors.vectors import Vectors


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


def random_vectors(n=60, d=6, seed=0):
    rng = np.random.default_rng(seed)
    return Vectors([f"w{i}" for i in range(n)], rng.normal(size=(n, d)).astype(np.float32))


def as_gensim(v):
    gensim = pytest.importorskip("gensim")
    kv = gensim.models.KeyedVectors(v.dim)
    kv.add_vectors(v.words, np.asarray(v.vectors))
    return kv


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


@pytest.mark.parametrize("seed", range(3))
def test_queries_equal_gensim(seed):
    v = random_vectors(seed=seed)
    kv = as_gensim(v)

    def same(ours, theirs):
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)

    same(v.similar("w3", topn=7), kv.most_similar("w3", topn=7))
    same(v.analogy("w1", "w2", "w3", topn=7), kv.most_similar(["w1", "w3"], ["w2"], topn=7))
    same(v.most_similar(["w1", "w4", "w4"], ["w9"], topn=5, restrict_vocab=30),
         kv.most_similar(["w1", "w4", "w4"], ["w9"], topn=5, restrict_vocab=30))


def test_3cosmul_against_direct_formula():
    v = random_vectors(40, seed=0)
    unit = v.vectors / np.linalg.norm(v.vectors, axis=1, keepdims=True)

    def cos(i, j):
        return float(unit[i] @ unit[j])

    a, b, c = 3, 7, 11
    expected = {}
    for x in range(40):
        if x in (a, b, c):
            continue
        pa, pb, pc = ((1 + cos(x, y)) / 2 for y in (a, b, c))
        expected[v.words[x]] = pa * pc / (pb + 1e-3)
    got = v.analogy("w3", "w7", "w11", topn=37, method="mul")
    best = sorted(expected.items(), key=lambda kv: -kv[1])
    assert [w for w, _ in got] == [w for w, _ in best]
    for w, s in got:
        assert s == pytest.approx(expected[w], rel=1e-4)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's own init_sims call
def test_3cosmul_equals_gensim_with_its_epsilon(monkeypatch):
    v = random_vectors(seed=4)
    monkeypatch.setattr(vectors_module, "COSMUL_EPS", 1e-6)
    ours = v.analogy("w1", "w2", "w3", topn=10, method="mul")
    theirs = as_gensim(v).most_similar_cosmul(["w1", "w3"], ["w2"], topn=10)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-4)


def test_oov_names_the_word_and_close_spellings():
    with pytest.raises(VectorsError, match="'kng' is not in the vocabulary; closest: king"):
        planted().similar("kng")
    with pytest.raises(VectorsError, match="'Queen' is not in the vocabulary; closest: queen"):
        planted().analogy("Queen", "female", "male")


def test_bad_query_arguments():
    v = planted()
    with pytest.raises(VectorsError, match="must differ"):
        v.analogy("king", "king", "female")
    with pytest.raises(VectorsError, match="unknown analogy method"):
        v.analogy("king", "male", "female", method="cos")
    with pytest.raises(VectorsError, match="topn must be a positive integer"):
        v.similar("king", topn=0)
    with pytest.raises(VectorsError, match="at least one word"):
        v.most_similar([])


def test_constructor_rejects_mismatch_and_duplicates():
    with pytest.raises(VectorsError, match="2 words but 3 vectors"):
        Vectors(["a", "b"], np.zeros((3, 2), np.float32))
    with pytest.raises(VectorsError, match="duplicate word 'a'"):
        Vectors(["a", "b", "a"], np.zeros((3, 2), np.float32))
    with pytest.raises(VectorsError, match=r"\(V, d\) matrix"):
        Vectors(["a"], np.zeros(2, np.float32))


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
    # and files written by gensim (binary: no newline after a record) load here
    other = tmp_path / ("g.bin" if binary else "g.txt")
    kv.save_word2vec_format(str(other), binary=binary)
    again = Vectors.load(other)
    assert again.words == words
    np.testing.assert_allclose(again.vectors, v.vectors, rtol=1e-6)


def test_word2vec_c_text_layout_and_content_detection(tmp_path):
    """word2vec.c's text format ends each line with a space; and the format is recognized by
    content whatever the file is called, gzipped or not."""
    W = np.array([[0.5, -1.25], [3.0, 0.125]], dtype=np.float32)
    text = tmp_path / "c.bin"  # a text file with a misleading name
    text.write_bytes(b"2 2\nfoo 0.5 -1.25 \nbar 3 0.125 \n")
    v = Vectors.load(text)
    assert v.words == ["foo", "bar"] and np.array_equal(v.vectors, W)
    binary = tmp_path / "b.txt"  # binary, word2vec.c layout: a newline after every record
    binary.write_bytes(b"2 2\n" + b"".join(w + b" " + r.astype("<f4").tobytes() + b"\n"
                                            for w, r in zip([b"foo", b"bar"], W)))
    assert Vectors.load(binary).words == ["foo", "bar"]
    np.testing.assert_array_equal(Vectors.load(binary).vectors, W)
    for src in (text, binary):
        gz = tmp_path / (src.name + ".gz")
        gz.write_bytes(gzip.compress(src.read_bytes()))
        np.testing.assert_array_equal(Vectors.load(gz).vectors, W)


def test_whitespace_word_rejected_and_nothing_written(tmp_path):
    v = Vectors(["ok", "new york"], np.ones((2, 2), np.float32))
    target = tmp_path / "v.txt"
    target.write_text("previous\n")
    with pytest.raises(VectorsError, match="'new york'.*whitespace"):
        v.save_word2vec(target, binary=False)
    assert target.read_text() == "previous\n" and os.listdir(tmp_path) == ["v.txt"]


@pytest.mark.parametrize("binary", [False, True])
def test_truncated_file(tmp_path, binary):
    v = Vectors([f"w{i}" for i in range(10)], np.ones((10, 4), np.float32))
    path = tmp_path / "v"
    v.save_word2vec(path, binary=binary)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(VectorsError, match=f"{path}.*truncated"):
        Vectors.load(path)


@pytest.mark.parametrize("content, message", [
    (b"hello world\n", "not a word2vec file"),
    (b"\x00\x01\x02", "not a word2vec file"),
    (b"", "not a word2vec file"),
    (b"2 3\na 1 2 3\nb 1 2\n", "vector 2 .* has 2 values, expected 3"),
    (b"2 2\na 1 2\na 3 4\n", "the word 'a' twice"),
    (b"1 2\na 1 x\n", "vector 1 has a non-number"),
])
def test_not_a_vectors_file(tmp_path, content, message):
    path = tmp_path / "v.txt"
    path.write_bytes(content)
    with pytest.raises(VectorsError, match=message):
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
    (run / "vectors.npy").rename(run / "W")  # recognized by its magic bytes, not its name
    assert Vectors.load(run / "W").words == ["a", "b", "c"]


def test_npy_errors(tmp_path):
    np.save(tmp_path / "vectors.npy", np.zeros((4, 2), np.float32))
    with pytest.raises(VectorsError, match="vocab.txt does not exist"):
        Vectors.load(tmp_path / "vectors.npy")
    Vocab(["a", "b", "c"], [3, 2, 1]).save(tmp_path / "vocab.txt")
    with pytest.raises(VectorsError, match="4 rows but .* 3 words"):
        Vectors.load(tmp_path)
    data = (tmp_path / "vectors.npy").read_bytes()
    (tmp_path / "vectors.npy").write_bytes(data[:-8])
    with pytest.raises(VectorsError, match="truncated"):
        Vectors.load(tmp_path)
    (tmp_path / "vectors.npy").write_bytes(b"2 2\n")
    with pytest.raises(VectorsError, match="not a .npy file"):
        Vectors.load(tmp_path)
    with pytest.raises(VectorsError, match="has no vectors.npy"):
        Vectors.load(tmp_path / "..")


def test_latest_run_by_vectors_mtime(tmp_path):
    for name, mtime in (("old", 1_000_000), ("new", 2_000_000), ("mid", 1_500_000)):
        run = tmp_path / "runs" / name
        run.mkdir(parents=True)
        np.save(run / "vectors.npy", np.zeros((1, 1), np.float32))
        os.utime(run / "vectors.npy", (mtime, mtime))
    (tmp_path / "runs" / "untrained").mkdir()
    assert latest_run(tmp_path / "runs") == tmp_path / "runs" / "new"
    with pytest.raises(RunError, match="no trained vectors"):
        latest_run(tmp_path / "nothing")


def test_tables_align():
    table = format_ranked([("queen", 0.81234), ("princess", 0.5)])
    lines = table.splitlines()
    assert lines[0].split() == ["#", "word", "score"] and lines[2].split() == ["1", "queen",
                                                                             "0.8123"]
    assert len({line.index("word") for line in lines[:1]} | {lines[2].index("queen")}) == 1
    assert lines[2].endswith("0.8123") and lines[3].endswith("0.5000")
    assert format_table([("a", 1)], ["x", "count"], right=(1,)).splitlines()[2] == "a      1"


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
        evaluate_analogies(planted(), tmp_path / "q.txt")


@pytest.mark.parametrize("n", [5, 300, 20_000])
def test_top_rows_equal_a_full_sort(n):
    """The partial sort against a stable full sort, with ties."""
    rng = np.random.default_rng(n)
    scores = rng.integers(0, 50, size=(6, n)).astype(np.float32)  # many ties
    scores[0] = 1.0
    k = 8
    for row in scores:
        expected = np.argsort(-row, kind="stable")[:k]
        np.testing.assert_array_equal(topk.top_rows(row, k), expected)


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_write_in_blocks_round_trip(tmp_path, monkeypatch, binary):
    """Rows are formatted a block at a time; blocks that split the matrix unevenly (7 rows
    each, 23 rows) read back exactly as the matrix written in one piece."""
    from w2v.vectors import formats

    rng = np.random.default_rng(2)
    words = [f"w{i}" for i in range(23)]
    matrix = rng.normal(size=(23, 10)).astype(np.float32)
    whole = tmp_path / ("whole.bin" if binary else "whole.txt")
    formats.write_word2vec(whole, words, matrix, binary)
    monkeypatch.setattr(formats, "WRITE_BLOCK_VALUES", 75)  # 7 rows of 10 per block
    blocks = tmp_path / ("blocks.bin" if binary else "blocks.txt")
    formats.write_word2vec(blocks, words, matrix, binary)
    assert blocks.read_bytes() == whole.read_bytes()
    back_words, back = formats.read_word2vec(blocks)
    assert back_words == words
    np.testing.assert_array_equal(back, matrix)


# ------------------------------------------------------------- issue 11: loading and queries


def records(binary, rows=3, d=10):
    rng = np.random.default_rng(0)
    M = rng.normal(size=(rows, d)).astype("<f4")
    if binary:
        return b"".join(f"w{i} ".encode() + r.tobytes() + b"\n" for i, r in enumerate(M))
    return "".join(f"w{i} " + " ".join(f"{x:.9g}" for x in r) + "\n"
                   for i, r in enumerate(M)).encode()


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("header", [b"99999999999 10", b"3 99999999999", b"1000 10"])
def test_header_that_disagrees_with_the_file_size(tmp_path, binary, gz, header):
    """A header claiming more than the file can hold is named as such before anything is
    allocated: text records take at least 2d+1 bytes, binary ones 4d+1, and gzip expands at
    most 1032:1 (zlib's FAQ); a claim within that bound fails as truncated when the data ends."""
    data = header + b"\n" + records(binary)
    path = tmp_path / "v.bin"
    path.write_bytes(gzip.compress(data) if gz else data)
    claimed, dim = (int(x) for x in header.split())
    most = path.stat().st_size * (1032 if gz else 1)
    if claimed * (2 * dim + 1) <= most:  # only "1000 10" gzipped
        with pytest.raises(VectorsError, match="truncated: 3 of 1,000 vectors"):
            Vectors.load(path)
        return
    with pytest.raises(VectorsError, match=f"header says {claimed:,} vectors of dimension "
                                           f"{dim:,}.*header and the file size disagree"):
        Vectors.load(path)


def test_header_check_accepts_the_smallest_records(tmp_path):
    """The size bound is exact for the shortest possible records: one-letter words, one-digit
    values, no newline after the last record (text) or after any record (binary)."""
    text = tmp_path / "t.txt"
    text.write_bytes(b"2 3\na 1 2 3\nb 4 5 6")
    assert Vectors.load(text).vectors.tolist() == [[1, 2, 3], [4, 5, 6]]
    M = np.array([[1, 2], [3, 4]], dtype="<f4")
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"2 2\n" + b"a " + M[0].tobytes() + b"b " + M[1].tobytes())
    np.testing.assert_array_equal(Vectors.load(binary).vectors, M)


@pytest.mark.parametrize("damage, message", [
    (lambda gz: gz[: len(gz) // 2], "truncated"),
    (lambda gz: gz[:-8] + bytes(8), "corrupt gzip"),  # CRC and size zeroed
])
def test_damaged_gzip_vectors(tmp_path, damage, message):
    v = Vectors([f"w{i}" for i in range(50)], np.ones((50, 8), np.float32))
    plain = tmp_path / "v.txt"
    v.save_word2vec(plain, binary=False)
    path = tmp_path / "v.txt.gz"
    path.write_bytes(damage(gzip.compress(plain.read_bytes())))
    with pytest.raises(VectorsError, match=f"{path}.*{message}"):
        Vectors.load(path)
    misnamed = tmp_path / "plain.txt.gz"  # not gzip at all: read by content, as text
    misnamed.write_bytes(plain.read_bytes())
    assert Vectors.load(misnamed).words == v.words


def lowercase_run(tmp_path, state):
    run = tmp_path / "run"
    run.mkdir()
    W = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    np.save(run / "vectors.npy", W)
    Vocab(["king", "queen", "male", "female", "tea"], [5, 4, 3, 2, 1]).save(run / "vocab.txt")
    if state is not None:
        (run / "state.json").write_text(state if isinstance(state, str) else
                                        __import__("json").dumps(state))
    return run


def test_lowercase_runs_fold_query_words(tmp_path):
    run = lowercase_run(tmp_path, {"format": "w2v-checkpoint", "config": {"lowercase": True}})
    plain = Vectors(Vocab.load(run / "vocab.txt").words, np.load(run / "vectors.npy"))
    assert plain.lowercase is False
    for path in (run, run / "vectors.npy"):
        v = Vectors.load(path)
        assert v.lowercase is True
        assert v.similar("KING", topn=3) == plain.similar("king", topn=3)
        assert v.most_similar(["King"], ["Tea"]) == plain.most_similar(["king"], ["tea"])
        for method in ("add", "mul"):
            assert (v.analogy("King", "MALE", "Female", method=method)
                    == plain.analogy("king", "male", "female", method=method))
        assert "QUEEN" in v and "QUEEN" not in plain
        with pytest.raises(VectorsError, match="must differ"):
            v.analogy("king", "KING", "female")
        with pytest.raises(VectorsError, match="'Kingg' is not in the vocabulary; closest: king"):
            v.similar("Kingg")
    with pytest.raises(VectorsError, match="'KING' is not in the vocabulary"):
        plain.similar("KING")
    from w2v.vectors.plot import plot_words

    info = plot_words(Vectors.load(run), ["KING", "Queen", "tea", "king"], tmp_path / "w.png")
    assert info["plotted"] == ["king", "queen", "tea"] and info["missing"] == []


@pytest.mark.parametrize("state, lowercase", [
    (None, False),  # not a run folder: no state.json
    ({"format": "w2v-checkpoint", "config": {"lowercase": False}}, False),
    ({"format": "w2v-checkpoint", "config": {"dim": 4}}, False),  # older runs: no key
    ({"format": "something else", "config": {"lowercase": True}}, False),  # not w2v's
])
def test_lowercase_flag_from_state(tmp_path, state, lowercase):
    assert Vectors.load(lowercase_run(tmp_path, state)).lowercase is lowercase


@pytest.mark.parametrize("state", [
    '{"format": "w2v-checkpoint", "config": {"lowercase": tr',
    "[1, 2]",
    '{"format": "w2v-checkpoint", "config": {"lowercase": "yes"}}',
    '{"format": "w2v-checkpoint", "config": 3}',
    b"\xff\xfe{}",
])
def test_corrupt_state_json_is_one_error(tmp_path, state):
    run = lowercase_run(tmp_path, None)
    path = run / "state.json"
    path.write_bytes(state if isinstance(state, bytes) else state.encode())
    with pytest.raises(VectorsError, match=f"{path}"):
        Vectors.load(run)


def test_non_finite_vectors_and_overflowing_norms():
    with pytest.raises(VectorsError, match="1 vectors have NaN or infinite values.*'b'"):
        Vectors(["a", "b"], np.array([[1, 0], [np.nan, 1]], np.float32)).similar("a")
    big = np.array([[3e38, 3e38], [1, 1], [1, -1]], np.float32)  # |row 0|² overflows float32
    ref = big.astype(np.float64) / np.linalg.norm(big.astype(np.float64), axis=1, keepdims=True)
    np.testing.assert_allclose(Vectors(["a", "b", "c"], big).unit, ref, atol=1e-7)


# ------------------------------------------------------------ several words (w2v similar)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's own init_sims call
@pytest.mark.parametrize("positive, negative", [
    (["w1", "w5"], ["w9"]), (["w1", "w5", "w7"], []), (["w2"], ["w3", "w4"]),
    (["w1", "w1", "w6"], ["w6"]),  # repeats count each time, as in gensim
])
def test_several_words_equal_gensim(monkeypatch, positive, negative):
    v = random_vectors(seed=7)
    kv = as_gensim(v)

    def same(ours, theirs, rtol):
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=rtol)

    same(v.most_similar(positive, negative, topn=8),
         kv.most_similar(positive, negative, topn=8), 1e-5)
    monkeypatch.setattr(vectors_module, "COSMUL_EPS", 1e-6)  # gensim's epsilon
    same(v.most_similar(positive, negative, topn=8, method="mul"),
         kv.most_similar_cosmul(positive, negative, topn=8), 1e-4)


def test_several_words_cosmul_against_direct_formula():
    v = random_vectors(30, seed=2)
    unit = v.vectors / np.linalg.norm(v.vectors, axis=1, keepdims=True)
    pos, neg = [1, 4, 9], [2, 6]
    expected = {}
    for x in range(30):
        if x in pos + neg:
            continue
        shifted = {y: (1 + unit[x] @ unit[y]) / 2 for y in pos + neg}
        expected[v.words[x]] = (np.prod([shifted[y] for y in pos])
                                / (np.prod([shifted[y] for y in neg]) + 1e-3))
    got = v.most_similar([f"w{i}" for i in pos], [f"w{i}" for i in neg], topn=25, method="mul")
    assert [w for w, _ in got] == sorted(expected, key=lambda w: -expected[w])
    for w, s in got:
        assert s == pytest.approx(expected[w], rel=1e-4)


def test_several_words_exclude_inputs_and_reject_bad_methods():
    v = planted()
    got = v.most_similar(["king", "female"], ["male"], topn=len(v))
    assert got[0][0] == "queen" and not {"king", "female", "male"} & {w for w, _ in got}
    assert len(got) == len(v) - 3
    assert got == v.analogy("king", "male", "female", topn=len(v))
    with pytest.raises(VectorsError, match="3CosMul needs at least one positive word"):
        v.most_similar([], ["male"], method="mul")
    with pytest.raises(VectorsError, match="unknown method 'cos'"):
        v.most_similar(["king"], method="cos")


# ------------------------------------------------------------ GloVe files (no header line)


def glove_text(words, matrix) -> str:
    return "".join(f"{w} {' '.join(f'{x:.9g}' for x in row)}\n" for w, row in zip(words, matrix))


@pytest.mark.parametrize("gz", [False, True])
def test_glove_file_equals_gensim_no_header(tmp_path, gz):
    gensim = pytest.importorskip("gensim")
    rng = np.random.default_rng(3)
    words = ["the", ",", "2014", "naïve", "of", "-", "1.5"]  # numeric words are words too
    matrix = rng.normal(size=(len(words), 5)).astype(np.float32)
    path = tmp_path / ("g.txt.gz" if gz else "g.txt")
    data = glove_text(words, matrix).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    v = Vectors.load(path)
    kv = gensim.models.KeyedVectors.load_word2vec_format(str(path), no_header=True)
    assert v.words == kv.index_to_key == words
    np.testing.assert_array_equal(v.vectors, kv.vectors)
    np.testing.assert_array_equal(v.vectors, matrix)


def test_glove_in_several_blocks_and_one_dimension(tmp_path, monkeypatch):
    from w2v.vectors import glove

    monkeypatch.setattr(glove, "BLOCK_VALUES", 7)  # 7 // 3 tokens: 2 rows per block
    words = [f"w{i}" for i in range(10)]
    matrix = np.arange(20, dtype=np.float32).reshape(10, 2) / 7
    path = tmp_path / "g.txt"
    path.write_text(glove_text(words, matrix))
    v = Vectors.load(path)
    assert v.words == words and np.array_equal(v.vectors, matrix)
    one = tmp_path / "one.txt"
    one.write_text("a 0.5\nb -1.25\n")  # d = 1: still not a header (0.5 is not a count)
    v = Vectors.load(one)
    assert v.words == ["a", "b"] and v.vectors.ravel().tolist() == [0.5, -1.25]


@pytest.mark.parametrize("content, message", [
    (b"a 1 2 3\nb 1 2\n", r"line 2 \('b'\) has 2 values but the first row has 3"),
    (b"a 1 2\nb 1 2\nc 1 2 3 4\n", r"line 3 \('c'\) has 4 values but the first row has 2"),
    (b"a 1 2\n\nb 1 x\n", "line 3 has a value that is not a number"),
    (b"a 1 2\na 3 4\n", "the word 'a' twice"),
])
def test_glove_rows_that_disagree(tmp_path, content, message):
    path = tmp_path / "g.txt"
    path.write_bytes(content)
    with pytest.raises(VectorsError, match=message):
        Vectors.load(path)


@pytest.mark.parametrize("binary", [False, True])
def test_a_header_claiming_fewer_rows_is_an_error(tmp_path, binary):
    """'2 2' over three records loaded two words and then called the third unknown."""
    words, matrix = ["a", "b", "c"], np.arange(6, dtype=np.float32).reshape(3, 2)
    path = tmp_path / "v.bin"
    with open(path, "wb") as f:
        write_records(f, words, matrix, binary=binary)
    data = path.read_bytes()
    path.write_bytes(b"2 2" + data[data.index(b"\n"):])
    with pytest.raises(VectorsError, match="the header and the rows disagree"):
        Vectors.load(path)
    path.write_bytes(data)  # the same records under the right header load
    assert Vectors.load(path).words == words
