"""Evaluation equals gensim's evaluate_word_analogies / evaluate_word_pairs."""

from pathlib import Path

import numpy as np
import pytest

from w2v.errors import VectorsError
from w2v.util.tables import format_analogy_report, format_pairs_report
from w2v.vectors.evaluate import evaluate_analogies
from w2v.vectors.vectors import Vectors
from w2v.vectors.word_pairs import evaluate_word_pairs

gensim = pytest.importorskip("gensim")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def as_gensim(v):
    kv = gensim.models.KeyedVectors(v.dim)
    kv.add_vectors(v.words, np.asarray(v.vectors))
    return kv


# Case variants ("Paris" after "paris", "BIG" before "big") exercise the folding rules; the
# last question's answer is one of its inputs; "oslo", "tiny" are out of vocabulary.
WORDS = ["paris", "france", "rome", "BIG", "italy", "berlin", "germany", "madrid", "spain",
         "Paris", "big", "bigger", "small", "smaller", "tall", "taller", "good", "better", "bad",
         "worse", "Rome", "ROME", "rOme", "FRANCE", "France", "Big"]
QUESTIONS = """: capital-common-countries
paris france rome italy
paris france berlin germany
rome italy madrid spain
berlin germany oslo norway
Madrid Spain Paris France
: family
: currency
big bigger small smaller
: city-in-state
tall taller good better
: more-semantic
good better bad worse
: gram2-opposite
big bigger tiny tinier
bigger big smaller small
not a question
paris rome france paris
"""
PAIRS = """# comment
Word 1\tWord 2\tHuman (mean)
paris\tfrance\t8.0
rome\titaly\t7.5
big\tsmall\t2.0
good\tbad\t1.0
tall\tbig\t5.5
oslo\tnorway\t9.0
bigger\tsmaller\t3.0
Paris\tROME\t6.0
france\tfrance\t10
"""


def compare_analogies(v, path, restrict, case_insensitive):
    ours = evaluate_analogies(v, path, restrict_vocab=restrict, case_insensitive=case_insensitive)
    score, sections = as_gensim(v).evaluate_word_analogies(
        str(path), restrict_vocab=restrict, case_insensitive=case_insensitive)
    theirs = {s["section"]: s for s in sections}
    for s in ours["sections"]:
        ref = theirs[s["section"]]
        assert s["seen"] == len(ref["correct"]) + len(ref["incorrect"])
        assert s["correct"] == len(ref["correct"]), s["section"]
    total = theirs["Total accuracy"]
    assert ours["total"]["seen"] == len(total["correct"]) + len(total["incorrect"])
    assert (ours["total"]["accuracy"] or 0.0) == pytest.approx(score, abs=1e-3)
    return ours


def compare_pairs(v, path, restrict, case_insensitive):
    ours = evaluate_word_pairs(v, path, restrict_vocab=restrict, case_insensitive=case_insensitive)
    pearson, spearman, oov = as_gensim(v).evaluate_word_pairs(
        str(path), restrict_vocab=restrict, case_insensitive=case_insensitive)
    assert ours["spearman"] == pytest.approx(spearman[0], abs=1e-6)
    assert ours["pearson"] == pytest.approx(pearson[0], abs=1e-6)
    assert 100 * ours["oov_ratio"] == pytest.approx(oov)
    return ours


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("restrict", [300000, 14])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_against_gensim(tmp_path, seed, restrict, case_insensitive):
    (tmp_path / "q.txt").write_text(QUESTIONS)
    (tmp_path / "p.tsv").write_text(PAIRS)
    rng = np.random.default_rng(seed)
    matrix = rng.normal(size=(len(WORDS), 5)).astype(np.float32)
    variants = [i for i, w in enumerate(WORDS) if w.lower() in ("rome", "france", "big")]
    matrix[variants] = matrix[WORDS.index("rome")] + 0.05 * matrix[variants]  # crowd the top 5
    v = Vectors(WORDS, matrix)
    ours = compare_analogies(v, tmp_path / "q.txt", restrict, case_insensitive)
    assert ours["questions"] == 11 and ours["invalid_lines"] == 1
    assert ours["oov_skipped"] == ours["questions"] - ours["seen"] >= 2
    assert ours["semantic"]["seen"] == sum(s["seen"] for s in ours["sections"][:5])
    assert ours["syntactic"]["seen"] == ours["sections"][5]["seen"]
    assert ours["sections"][1] == {"section": "family", "correct": 0, "seen": 0,
                                   "accuracy": None}
    compare_pairs(v, tmp_path / "p.tsv", restrict, case_insensitive)


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
    r = evaluate_analogies(v, tmp_path / "q.txt")
    assert r["total"]["accuracy"] == 1.0 and r["total"]["seen"] == 30
    assert r["coverage"] == 1.0 and r["semantic"]["accuracy"] == 1.0
    assert r["syntactic"]["accuracy"] is None
    report = format_analogy_report(r)
    assert "capitals" in report and "100.0%" in report and "coverage: 30/30" in report


def test_malformed_files(tmp_path):
    v = Vectors(WORDS, np.random.default_rng(0).normal(size=(len(WORDS), 4)).astype(np.float32))
    (tmp_path / "q.txt").write_text("paris france rome italy\n")
    with pytest.raises(VectorsError, match="q.txt:1: a question before any ': section'"):
        evaluate_analogies(v, tmp_path / "q.txt")
    (tmp_path / "p.tsv").write_text("paris\tfrance\t1\noslo\tnorway\t2\nparis france 3\n")
    with pytest.raises(VectorsError, match=r"1 word pairs .*\(1 out of vocabulary, 1 lines"):
        evaluate_word_pairs(v, tmp_path / "p.tsv")
    with pytest.raises(VectorsError, match="does not exist"):
        evaluate_word_pairs(v, tmp_path / "none.tsv")


def test_extra_columns_and_report(tmp_path):
    """A MEN/SimLex-style file with extra columns gives the same numbers as its first three."""
    rng = np.random.default_rng(3)
    v = Vectors(WORDS, rng.normal(size=(len(WORDS), 4)).astype(np.float32))
    three = "".join(f"{a}\t{b}\t{rng.uniform(0, 10):.2f}\n" for a, b in
                    zip(WORDS[:12], WORDS[12:24]))
    (tmp_path / "three.tsv").write_text(three)
    (tmp_path / "more.tsv").write_text(three.replace("\n", "\tNN\t0.5\n"))
    r3 = compare_pairs(v, tmp_path / "three.tsv", 300000, True)
    rm = evaluate_word_pairs(v, tmp_path / "more.tsv")
    assert rm == r3 and r3["pairs"] == 12 and r3["coverage"] == 1.0
    assert "Spearman rho" in format_pairs_report("three.tsv", r3)


def shared_words(eval_dir):
    words = []
    for line in (eval_dir / "questions-words.txt").read_text().splitlines():
        if not line.startswith(":"):
            words += line.split()
    for line in (eval_dir / "wordsim353.tsv").read_text().splitlines():
        if not line.startswith("#"):
            words += line.split("\t")[:2]
    return list(dict.fromkeys(words))


def planted_for(questions_path, words, seed=5, d=16):
    """Random vectors, then for every third question the answer is moved near b - a + c of the
    original vectors, so a good share of the questions are right (exact per-section counts:
    no pathological near-ties)."""
    rng = np.random.default_rng(seed)
    index = {w: i for i, w in enumerate(words)}
    M0 = rng.normal(size=(len(words), d))
    M = M0.copy()
    for line in questions_path.read_text().splitlines()[::3]:
        if not line.startswith(":"):
            a, b, c, x = (index[w] for w in line.split())
            M[x] = 0.5 * M0[x] + (M0[b] - M0[a] + M0[c])
    return M.astype(np.float32)


@pytest.mark.shared_data
def test_real_eval_files_against_gensim(shared_data):
    eval_dir = shared_data / "eval"
    words = shared_words(eval_dir)
    lower = list(dict.fromkeys(w.lower() for w in words))
    # lower-case words first (more frequent), then the original spellings that differ
    vocab = lower + [w for w in words if w != w.lower()]
    v = Vectors(vocab, planted_for(eval_dir / "questions-words.txt", vocab))
    for restrict, case_insensitive in ((300000, True), (len(lower) * 2 // 3, False)):
        ours = compare_analogies(v, eval_dir / "questions-words.txt", restrict, case_insensitive)
        assert ours["questions"] == 19544
        if case_insensitive and restrict == 300000:
            assert ours["seen"] == 19544 and ours["total"]["accuracy"] > 0.05
        compare_pairs(v, eval_dir / "wordsim353.tsv", restrict, case_insensitive)


# ------------------------------------------------------------ built-in sets (w2v/data/eval)


def builtin_vectors():
    from w2v.vectors.evalsets import DATA

    words = shared_words(DATA)
    lower = list(dict.fromkeys(w.lower() for w in words))
    vocab = lower + [w for w in words if w != w.lower()]
    return Vectors(vocab, planted_for(DATA / "questions-words.txt", vocab))


def test_builtin_files_are_gensims_copies():
    import hashlib

    from gensim.test.utils import datapath

    from w2v.vectors.evalsets import BUILTIN, DATA

    readme = (DATA / "README.md").read_text()
    for name, (_, file) in BUILTIN.items():
        ours = (DATA / file).read_bytes()
        if name != "phrases":  # word2vec.c's phrase analogies: gensim does not ship them
            assert ours == Path(datapath(file)).read_bytes(), name
        assert hashlib.md5(ours).hexdigest() in readme  # the recorded checksum is true
        assert f"`{name}`" in readme and f"## {file}" in readme  # and it has a licence note


def test_builtin_sets_evaluate_as_gensim():
    from w2v.vectors.evalsets import DATA

    v = builtin_vectors()
    ours = compare_analogies(v, DATA / "questions-words.txt", 300000, True)
    assert ours["questions"] == 19544 and ours["seen"] == 19544
    assert ours["total"]["accuracy"] > 0.05
    compare_pairs(v, DATA / "wordsim353.tsv", 300000, True)


def test_evaluate_cli_defaults_and_names(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner
    from gensim.test.utils import datapath

    from w2v.cli import main

    def run(*args):
        r = CliRunner().invoke(main, ["evaluate", "--vectors", str(path), *map(str, args)])
        assert "Traceback" not in r.output
        return r

    path = tmp_path / "v.txt"
    builtin_vectors().save_word2vec(path, binary=False)
    default = run("--json")
    assert default.exit_code == 0 and "using the built-in sets" in default.stderr
    explicit = json.loads(run("--analogies", datapath("questions-words.txt"), "--similarity",
                              datapath("wordsim353.tsv"), "--json").stdout)
    report = json.loads(default.stdout)
    assert report["analogies"] == explicit["analogies"]
    assert report["similarity"]["wordsim353"] == explicit["similarity"][datapath("wordsim353.tsv")]
    named = json.loads(run("--analogies", "google", "--json").stdout)
    assert named["analogies"] == explicit["analogies"] and named["similarity"] == {}
    named = json.loads(run("--similarity", "wordsim353", "--json").stdout)
    assert "analogies" not in named and list(named["similarity"]) == ["wordsim353"]
    assert run("--similarity", "wordsim353").stdout.startswith("wordsim353: Spearman rho")
    for args, message in ((["--analogies", "googel"], "neither a file nor a built-in analogy "
                           "set (google, phrases)"),
                          (["--analogies", "wordsim353"], "is a built-in word-pair set, not an "
                           "analogy set"),
                          (["--similarity", tmp_path], "is a folder, not a file")):
        r = run(*args)
        assert r.exit_code == 1 and message in r.output, r.output
    monkeypatch.chdir(tmp_path)  # a file named like a set is read as the file
    (tmp_path / "google").write_text(": s\nparis france rome italy\n")
    assert json.loads(run("--analogies", "google", "--json").stdout)["analogies"]["questions"] == 1


def test_package_data_globs_cover_every_data_file():
    """pyproject's package-data decides what a (non-editable) install ships; a data file its
    globs miss would be absent from an installed w2v."""
    import fnmatch

    from w2v.vectors.evalsets import DATA

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    root = DATA.parents[2]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["w2v"]
    for file in DATA.iterdir():
        relative = file.relative_to(root / "w2v").as_posix()
        assert any(fnmatch.fnmatch(relative, g) for g in globs), relative
