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
from w2v.vectors.vectors import Vectors

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


def test_a_word_without_rows_has_no_vector(tmp_path):
    ft = train_fasttext(tmp_path, ["longer", "words", "only"], minn=5, maxn=6, bucket=100)
    ft.save_model(str(tmp_path / "m.bin"))
    v = Vectors.load(tmp_path / "m.bin")
    assert not ft.get_word_vector("ab").any()  # fastText answers zeros
    with pytest.raises(VectorsError, match="'ab' has no vector: it is not in the vocabulary"):
        v.subwords.vector("ab")
    assert np.allclose(v.subwords.vector("abcd"), ft.get_word_vector("abcd"), atol=1e-6)


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
