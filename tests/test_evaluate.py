"""Evaluation equals gensim's evaluate_word_analogies / evaluate_word_pairs."""

import numpy as np
import pytest

from w2v.vectors import Vectors

gensim = pytest.importorskip("gensim")


def vectors_for(words, seed=0, d=8):
    rng = np.random.default_rng(seed)
    # a shared "country -> capital" offset plus noise, so some answers are right
    base = rng.normal(size=(len(words), d)).astype(np.float32)
    return Vectors(words, base)


def as_gensim(v):
    kv = gensim.models.KeyedVectors(v.dim)
    kv.add_vectors(v.words, np.asarray(v.vectors))
    return kv


WORDS = ["paris", "france", "rome", "italy", "berlin", "germany", "madrid", "spain", "Paris",
         "big", "bigger", "small", "smaller", "tall", "taller", "good", "better", "bad", "worse"]
QUESTIONS = """: capital-common-countries
paris france rome italy
paris france berlin germany
rome italy madrid spain
berlin germany oslo norway
: gram2-opposite
big bigger small smaller
tall taller good better
good better bad worse
big bigger tiny tinier
"""
PAIRS = """# comment
paris\tfrance\t8.0
rome\titaly\t7.5
big\tsmall\t2.0
good\tbad\t1.0
tall\tbig\t5.5
oslo\tnorway\t9.0
bigger\tsmaller\t3.0
"""


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("restrict", [None, 12])
def test_against_gensim(tmp_path, seed, restrict):
    (tmp_path / "q.txt").write_text(QUESTIONS)
    (tmp_path / "p.tsv").write_text(PAIRS)
    v = vectors_for(WORDS, seed)
    ours = v.evaluate_analogies(tmp_path / "q.txt", restrict_vocab=restrict or 300000)
    score, sections = as_gensim(v).evaluate_word_analogies(
        str(tmp_path / "q.txt"), restrict_vocab=restrict or 300000)
    total = next(s for s in sections if s["section"] == "Total accuracy")
    assert ours["total"]["seen"] == len(total["correct"]) + len(total["incorrect"])
    assert ours["total"]["accuracy"] == pytest.approx(score, abs=1e-3)
    pairs = v.evaluate_word_pairs(tmp_path / "p.tsv", restrict_vocab=restrict or 300000)
    pearson, spearman, oov = as_gensim(v).evaluate_word_pairs(
        str(tmp_path / "p.tsv"), restrict_vocab=restrict or 300000)
    assert pairs["spearman"] == pytest.approx(spearman[0], abs=1e-6)
    assert pairs["pearson"] == pytest.approx(pearson[0], abs=1e-6)
    assert 100 * pairs["oov_ratio"] == pytest.approx(oov)


def test_planted_analogies_are_correct(tmp_path):
    # country_i = e_i and capital_i = (e_i + e_7) / sqrt(2): for a question
    # (country_a, capital_a, country_b, ?) the 3CosAdd target has cosine 0.958 with capital_b
    # and at most 0.40 with any other candidate.
    eye = np.eye(8)
    countries = [f"country{i}" for i in range(6)]
    words, vecs = [], []
    for i, c in enumerate(countries):
        words += [c, c.replace("country", "capital")]
        vecs += [eye[i], (eye[i] + eye[7]) / np.sqrt(2)]
    v = Vectors(words, np.array(vecs, dtype=np.float32))
    q = [": capitals"] + [f"{a} {a.replace('country', 'capital')} {b} "
                          f"{b.replace('country', 'capital')}"
                          for a in countries for b in countries if a != b]
    (tmp_path / "q.txt").write_text("\n".join(q) + "\n")
    r = v.evaluate_analogies(tmp_path / "q.txt")
    assert r["total"]["accuracy"] == 1.0 and r["total"]["seen"] == 30


@pytest.mark.shared_data
def test_real_eval_files_against_gensim(shared_data):
    words = []
    eval_dir = shared_data / "eval"
    for line in (eval_dir / "questions-words.txt").read_text().splitlines():
        if not line.startswith(":"):
            words += line.lower().split()
    for line in (eval_dir / "wordsim353.tsv").read_text().splitlines():
        if not line.startswith("#"):
            words += line.lower().split("\t")[:2]
    words = sorted(set(words))
    v = vectors_for(words, seed=5, d=16)
    ours = v.evaluate_analogies(shared_data / "eval" / "questions-words.txt")
    score, sections = as_gensim(v).evaluate_word_analogies(
        str(shared_data / "eval" / "questions-words.txt"))
    assert ours["total"]["accuracy"] == pytest.approx(score, abs=1e-3)
    assert ours["questions"] == 19544
    pairs = v.evaluate_word_pairs(shared_data / "eval" / "wordsim353.tsv")
    pearson, spearman, oov = as_gensim(v).evaluate_word_pairs(
        str(shared_data / "eval" / "wordsim353.tsv"))
    assert pairs["spearman"] == pytest.approx(spearman[0], abs=1e-6)
