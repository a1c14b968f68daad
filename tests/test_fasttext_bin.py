"""fastText .bin models (w2v/vectors/fasttext_bin.py, subword_vectors.py), against the fasttext
package: a tiny model is trained and saved by fastText, loaded by w2v, and every vector and
neighbour list compared with fastText's own answers."""

import json
import random
import struct

import numpy as np
import pytest
from click.testing import CliRunner
from test_subwords import random_words, train_fasttext

from w2v.cli import main
from w2v.errors import VectorsError
from w2v.text.subwords import SubwordSpec
from w2v.vectors.fasttext_bin import read_fasttext_bin
from w2v.vectors.subword_vectors import SubwordRows
from w2v.vectors.vectors import UnknownWord, Vectors

SETTINGS = {"default": {}, "small": {"minn": 2, "maxn": 5, "bucket": 2000}}


@pytest.fixture(scope="module", params=sorted(SETTINGS))
def model(request, tmp_path_factory):
    """(fastText's model, its .bin path, the words it was trained on)."""
    folder = tmp_path_factory.mktemp(f"ft-{request.param}")
    vocab = random_words(random.Random(7), 30) + ["king", "queen", "naïve", "日本語", "😀"]
    ft = train_fasttext(folder, vocab, **SETTINGS[request.param])
    path = folder / "model.bin"
    ft.save_model(str(path))
    return ft, path, vocab


def test_settings_and_words(model):
    ft, path, _ = model
    m = read_fasttext_bin(path)
    assert m.words == ft.words and m.version == 12
    args = ft.f.getArgs()
    assert m.spec == SubwordSpec(args.minn, args.maxn, args.bucket)
    assert (m.args["dim"], m.args["model"], m.args["loss"]) == (10, "sg", "ns")
    assert np.array_equal(m.input, ft.get_input_matrix())


def test_vectors_equal_fasttexts(model):
    ft, path, vocab = model
    v = Vectors.load(path)
    assert v.words == ft.words and v.subwords is not None
    for i, word in enumerate(v.words):
        assert np.allclose(v.vectors[i], ft.get_word_vector(word), rtol=0, atol=1e-6), word
    oov = [w for w in random_words(random.Random(3), 300) + ["kings", "naïveté", "日本"]
           if w not in v.index]
    assert len(oov) > 100
    for word in oov:
        assert np.allclose(v.subwords.vector(word), ft.get_word_vector(word), rtol=0,
                           atol=1e-6), word


def test_similar_from_the_command_line_matches_fasttext(model):
    ft, path, _ = model
    for word in ("king", "naïve", "日本語"):
        r = CliRunner().invoke(main, ["similar", "--vectors", str(path), word, "-n", "5",
                                      "--json"])
        assert r.exit_code == 0, r.output
        got = [(x["word"], x["score"]) for x in json.loads(r.stdout)["results"]]
        expected = [(w, s) for s, w in ft.get_nearest_neighbors(word, k=5)]
        assert [w for w, _ in got] == [w for w, _ in expected]
        assert np.allclose([s for _, s in got], [s for _, s in expected], atol=1e-5)


OOV = ("kings", "naïveté", "日本", "queenly", "kingdom")  # outside the vocabulary, with n-grams
NOTE = "note: {} is not in the vocabulary: its vector is the mean of its n-gram rows"


def ranked(args):
    """(word, score) pairs of a query command's --json output, and its stderr."""
    r = CliRunner().invoke(main, [str(a) for a in args] + ["-n", "5", "--json"])
    assert r.exit_code == 0, r.output
    return [(x["word"], x["score"]) for x in json.loads(r.stdout)["results"]], r.stderr


def assert_same_ranking(got, fasttext_answer):
    expected = [(w, s) for s, w in fasttext_answer]
    assert [w for w, _ in got] == [w for w, _ in expected]
    assert np.allclose([s for _, s in got], [s for _, s in expected], rtol=0, atol=1e-5)


def test_oov_words_get_fasttexts_vectors(model):
    ft, path, _ = model
    v = Vectors.load(path)
    words = [w for w in random_words(random.Random(5), 300) + list(OOV) if w not in v]
    assert len(words) > 100 and all(v.has_vector(w) for w in OOV)
    for word in words:
        assert np.allclose(v[word], ft.get_word_vector(word), rtol=0, atol=1e-6), word
    assert np.allclose(v[["king", *OOV]], [ft.get_word_vector(w) for w in ("king", *OOV)],
                       rtol=0, atol=1e-6)
    cos = ft.get_word_vector("kings") @ ft.get_word_vector("日本") / np.linalg.norm(
        ft.get_word_vector("kings")) / np.linalg.norm(ft.get_word_vector("日本"))
    assert v.similarity("kings", "日本") == pytest.approx(float(cos), abs=1e-6)


def test_similar_of_an_oov_word_matches_fasttext(model):
    ft, path, _ = model
    for word in OOV:
        got, notes = ranked(["similar", "--vectors", path, word])
        assert_same_ranking(got, ft.get_nearest_neighbors(word, k=5))
        assert notes.count(NOTE.format(word)) == 1, notes
    _, notes = ranked(["similar", "--vectors", path, "kings", "king", "--minus", "kings"])
    assert notes.count(NOTE.format("kings")) == 1 and "king is" not in notes


@pytest.mark.parametrize("a, b, c", [("kings", "king", "queen"), ("king", "kings", "naïve"),
                                     ("日本", "queenly", "kingdom")])
def test_analogy_with_oov_words_matches_fasttext(model, a, b, c):
    ft, path, _ = model
    got, notes = ranked(["analogy", "--vectors", path, a, b, c])
    assert_same_ranking(got, ft.get_analogies(a, b, c, k=5))
    assert {line for line in notes.splitlines() if "n-gram rows" in line} == {
        NOTE.format(w) for w in (a, b, c) if w in OOV}


def test_plot_places_oov_words_by_their_ngram_vectors(model, tmp_path):
    from w2v.vectors.plot import plot_words, project_2d

    ft, path, vocab = model
    words = ["king", "queen", "kings", "kingdom", "naïve", "queenly"]
    (tmp_path / "words.txt").write_text(" ".join(words), encoding="utf-8")
    r = CliRunner().invoke(main, ["plot", "--vectors", str(path), "--words",
                                  str(tmp_path / "words.txt"), "-o", str(tmp_path / "p.png")])
    assert r.exit_code == 0 and (tmp_path / "p.png").is_file(), r.output
    assert [NOTE.format(w) in r.stderr for w in words] == [w in OOV for w in words], r.stderr
    done = plot_words(Vectors.load(path), words, tmp_path / "q.png")
    assert done["plotted"] == words and not done["missing"]
    expected = project_2d(np.array([ft.get_word_vector(w) for w in words], dtype=np.float64))
    assert np.allclose(np.abs(done["coords"]), np.abs(expected), atol=1e-5)  # up to SVD signs


def test_a_word_without_rows_has_no_vector(tmp_path):
    ft = train_fasttext(tmp_path, ["longer", "words", "only"], minn=5, maxn=6, bucket=100)
    ft.save_model(str(tmp_path / "m.bin"))
    v = Vectors.load(tmp_path / "m.bin")
    assert not ft.get_word_vector("ab").any()  # fastText answers zeros
    with pytest.raises(VectorsError, match="'ab' has no vector: it is not in the vocabulary"):
        v.subwords.vector("ab")
    assert np.allclose(v.subwords.vector("abcd"), ft.get_word_vector("abcd"), atol=1e-6)
    with pytest.raises(UnknownWord, match="'ab' is not in the vocabulary and has no n-gram of"):
        v["ab"]
    r = CliRunner().invoke(main, ["similar", "--vectors", str(tmp_path / "m.bin"), "ab"])
    assert r.exit_code == 1 and "Traceback" not in r.output and len(r.output.splitlines()) == 1
    assert "'ab' is not in the vocabulary and has no n-gram of 5 to 6 characters" in r.output


# ------------------------------------------------------------------ files that are not models


def fasttext_file(words=("a", "b"), dim=2, bucket=3, version=12, quantized=False, pruned=-1,
                  loss=2, cut=0):
    """A fastText .bin written from the layout in fastText's saveModel, independently of w2v's
    reader; ``cut`` drops that many bytes from the end."""
    out = struct.pack("<ii", 793712314, version)
    out += struct.pack("<12id", dim, 5, 1, 1, 5, 1, loss, 2, bucket, 3, 3, 100, 1e-4)
    out += struct.pack("<iiiqq", len(words), len(words), 0, 10, pruned)
    for w in words:
        out += w.encode() + b"\0" + struct.pack("<qb", 5, 0)
    rows = len(words) + bucket
    out += struct.pack("<?qq", quantized, rows, dim) + np.arange(rows * dim, dtype="<f4").tobytes()
    out += struct.pack("<?qq", False, len(words), dim) + bytes(4 * len(words) * dim)
    return out[:len(out) - cut]


def test_hand_built_file(tmp_path):
    path = tmp_path / "m.bin"
    path.write_bytes(fasttext_file())
    v = Vectors.load(path)
    # "a": its own row 0, then <a>, its only 3-gram, at row r; row i is [2i, 2i + 1]
    rows = SubwordSpec(3, 3, 3).rows("a", 0, 2)
    assert rows[0] == 0 and len(rows) == 2
    r = rows[1]
    assert v.vectors[0].tolist() == [r, r + 1.0]  # the mean of [0, 1] and [2r, 2r + 1]
    assert np.allclose(v.vectors[0], np.arange(10.0).reshape(5, 2)[rows].mean(axis=0))


@pytest.mark.parametrize("kwargs, message", [
    ({"version": 13}, "version 13; w2v reads versions up to 12"),
    ({"quantized": True}, "quantized fastText model"),
    ({"pruned": 0}, "pruned fastText dictionary"),
    ({"loss": 9}, "damaged fastText header"),
    ({"cut": 1}, "is truncated or damaged"),
    ({"cut": 60}, "is truncated: the fastText model ends at byte"),
])
def test_bad_models_are_one_line_errors(tmp_path, kwargs, message):
    path = tmp_path / "m.bin"
    path.write_bytes(fasttext_file(**kwargs))
    r = CliRunner().invoke(main, ["similar", "--vectors", str(path), "a"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert message in r.output and len(r.output.strip().splitlines()) == 1, r.output


def test_not_a_model_at_all(tmp_path):
    path = tmp_path / "m.bin"
    path.write_bytes(bytes(range(256)) * 4)
    r = CliRunner().invoke(main, ["similar", "--vectors", str(path), "a"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1, r.output


def test_word_pairs_scored_through_ngrams(model, tmp_path):
    from scipy import stats

    from w2v.vectors.word_pairs import evaluate_word_pairs

    ft, path, vocab = model
    v = Vectors.load(path)
    rng = random.Random(11)
    unknown = [w for w in random_words(rng, 80) if w not in v.index][:20]
    pairs = [(rng.choice(vocab), rng.choice(vocab)) for _ in range(25)]
    pairs += [(rng.choice(vocab), w) for w in unknown]
    gold = [rng.uniform(0, 10) for _ in pairs]
    file = tmp_path / "pairs.tsv"
    file.write_text("".join(f"{a}\t{b}\t{s}\n" for (a, b), s in zip(pairs, gold)), "utf-8")

    def cos(a, b):
        x, y = ft.get_word_vector(a), ft.get_word_vector(b)
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    skipped = evaluate_word_pairs(v, file)
    assert (skipped["pairs"], skipped["oov_skipped"], skipped["from_ngrams"]) == (25, 20, 0)
    scored = evaluate_word_pairs(v, file, oov="subwords")
    assert (scored["pairs"], scored["oov_skipped"], scored["from_ngrams"]) == (45, 0, 20)
    expected = stats.spearmanr(gold, [cos(a, b) for a, b in pairs])[0]
    assert scored["spearman"] == pytest.approx(expected, abs=1e-9)
    with pytest.raises(VectorsError, match="n-gram rows"):
        evaluate_word_pairs(Vectors(v.words, v.vectors), file, oov="subwords")


@pytest.mark.parametrize("fmt", ["txt", "bin"])
def test_export_writes_fasttexts_word_vectors(model, tmp_path, fmt):
    ft, path, _ = model
    out = tmp_path / f"vectors.{fmt}"
    r = CliRunner().invoke(main, ["export", str(path), "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"{out} holds whole-word vectors only: the n-gram rows" in r.stderr
    if fmt == "txt":  # fastText's .vec layout: "V d", then a word and its vector per line
        lines = out.read_text(encoding="utf-8").splitlines()
        assert lines[0] == f"{len(ft.words)} 10" and [x.split()[0] for x in lines[1:]] == ft.words
    exported = Vectors.load(out)
    assert exported.words == ft.words and exported.subwords is None
    assert np.allclose(exported.vectors, [ft.get_word_vector(w) for w in ft.words], rtol=0,
                       atol=1e-6)
    with pytest.raises(UnknownWord):  # what the docs say: the n-gram rows are lost
        exported["kings"]


@pytest.mark.parametrize("minn, maxn, words", [
    (5, 6, {"abc": True, "ab": False, "": False, "</s>": False}),  # c + 2 >= minn
    (1, 1, {"a": True, "": False}),  # "<>" has only the two markers, which are skipped
    (3, 6, {"a": True, "": False}),  # "<>" is too short
    (1, 2, {"": True}),  # "<>" itself is a 2-gram
])
def test_which_words_outside_the_vocabulary_have_a_vector(minn, maxn, words):
    spec = SubwordSpec(minn, maxn, 10)
    rows = SubwordRows(["hello"], np.arange(22, dtype=np.float32).reshape(11, 2), spec)
    v = Vectors(["hello"], rows.word_matrix(), subwords=rows)
    assert {w: v.has_vector(w) for w in words} == words
    for word, has in words.items():
        if has:
            assert np.allclose(v[word], rows.matrix[spec.rows(word, None, 1)].mean(axis=0))
        else:
            with pytest.raises(UnknownWord, match="end-of-line" if word == "</s>" else
                               f"has no n-gram of {minn} to {maxn} characters"):
                v[word]
