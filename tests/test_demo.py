"""The demo corpus: deterministic, the requested size, its structure planted by construction,
and recovered by training (gensim as the independent reference, then both w2v kernels and
every architecture and loss)."""

import doctest
import re

import numpy as np
import pytest

from w2v import demo
from w2v.config import Config
from w2v.errors import W2VError
from w2v.training.session import run as train
from w2v.vectors.plot import DEFAULT_WORDS
from w2v.vectors.vectors import Vectors

# The CS224n words as the corpus plants them: the plot's clusters (people split by pair).
SUBGROUPS = [
    ["great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet", "enjoyable"],
    ["boring", "bad", "dumb", "annoying"],
    ["female", "male"], ["queen", "king"], ["man", "woman"],
    ["rain", "snow", "hail"], ["coffee", "tea"],
]
ANALOGIES = [("king", "male", "female", "queen"), ("man", "male", "female", "woman"),
             ("queen", "female", "male", "king"), ("woman", "female", "male", "man")]
TOPICAL = [demo.REVIEWS["good"]["adj"], demo.REVIEWS["bad"]["adj"],
           demo.TOPICS["weather"]["word"], demo.TOPICS["drinks"]["word"]]


def _templates():
    yield from demo.PERSON_TEMPLATES + demo.GENDER_TEMPLATES
    for table in (*demo.TOPICS.values(), *demo.REVIEWS.values()):
        yield from table["templates"]


LONGEST = max(len(t.split()) for t in _templates())


def _cues(table: dict) -> dict[str, str]:
    """word -> the factor value it signals, e.g. 'throne' -> 'royal', 'her' -> 'f'."""
    return {w: value for value, slots in table.items() for words in slots.values() for w in words}


GENDER = _cues(demo.GENDER_CUES)
RANK = _cues(demo.RANK_CUES)
PAIR = {w: pair for pair, words in demo.PAIR_CUES.items() for w in words}


@pytest.fixture(scope="module")
def lines():
    return list(demo.generate(300_000, seed=0))


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = demo.write(tmp_path / "a.txt", 20_000, seed=3).read_bytes()
    b = demo.write(tmp_path / "b.txt", 20_000, seed=3).read_bytes()
    c = demo.write(tmp_path / "c.txt", 20_000, seed=4).read_bytes()
    assert a == b and a != c
    assert a.decode().splitlines() == list(demo.generate(20_000, seed=3))


def test_docstring_examples():
    assert doctest.testmod(demo).failed == 0


def test_draws_do_not_depend_on_the_block_size(monkeypatch):
    # the stream is Generator.random's, whatever the block: one double per choice
    reference = list(demo.generate(3_000, seed=5))
    monkeypatch.setattr(demo._Draws, "BLOCK", 7)
    assert list(demo.generate(3_000, seed=5)) == reference


@pytest.mark.parametrize("n", [500, 20_000, 300_000])
def test_token_count_within_five_percent(n, lines):
    got = sum(len(line.split()) for line in (lines if n == 300_000 else demo.generate(n)))
    assert n <= got < n + LONGEST <= n * 1.05


def test_rejects_an_empty_request(tmp_path):
    with pytest.raises(W2VError, match="at least 1 token"):
        demo.write(tmp_path / "x.txt", 0)
    assert not list(tmp_path.iterdir())


def test_a_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = demo.write(tmp_path / "demo.txt", 2_000)
    before = path.read_bytes()
    calls = iter(range(100))

    def failing(draws):
        if next(calls) == 50:
            raise OSError("disk full")
        return demo._review(draws)

    monkeypatch.setattr(demo, "_sentence", failing)
    with pytest.raises(OSError):
        demo.write(path, 2_000, seed=9)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["demo.txt"]


def test_every_assignment_word_is_frequent(lines):
    counts = dict.fromkeys(DEFAULT_WORDS, 0)
    for line in lines:
        for w in line.split():
            if w in counts:
                counts[w] += 1
    assert min(counts.values()) >= 300, counts


def test_lines_are_lower_case_words(lines):
    assert all(re.fullmatch(r"[a-z]+( [a-z]+)*", line) for line in lines[:5_000])


def test_cue_words_signal_one_factor_value():
    # no word may cue two values of one factor, or two factors at once
    for table in (demo.GENDER_CUES, demo.RANK_CUES):
        values = [{w for words in slots.values() for w in words} for slots in table.values()]
        assert not set.intersection(*values)
    cue_sets = [set(GENDER), set(RANK), set(PAIR), set(demo.PEOPLE), set(demo.GENDER_ADJECTIVES
                .values())]
    assert sum(map(len, cue_sets)) == len(set().union(*cue_sets))


def test_person_sentences_carry_their_own_gender_rank_and_pair(lines):
    seen = set()
    for line in lines:
        words = line.split()
        people = [w for w in words if w in demo.PEOPLE]
        if not people:
            continue
        assert len(people) == 1, line
        gender, rank, pair = demo.PEOPLE[people[0]]
        genders = {GENDER[w] for w in words if w in GENDER}
        ranks = {RANK[w] for w in words if w in RANK}
        assert genders == {gender} and ranks == {rank}, line  # e.g. king: he/his, throne/palace
        assert {PAIR[w] for w in words if w in PAIR} <= {pair}, line
        assert not set(words) & set(demo.GENDER_ADJECTIVES.values()), line
        seen.add(people[0])
    assert seen == set(demo.PEOPLE)


def test_male_and_female_carry_gender_only(lines):
    sexes = {v: k for k, v in demo.GENDER_ADJECTIVES.items()}
    n = 0
    for line in lines:
        words = line.split()
        present = [w for w in words if w in sexes]
        if not present:
            continue
        n += 1
        assert len(present) == 1, line
        assert {GENDER[w] for w in words if w in GENDER} == {sexes[present[0]]}, line
        assert not set(words) & (set(RANK) | set(PAIR) | set(demo.PEOPLE)), line
    assert n > 0.1 * len(lines)


def test_planted_groups_never_share_a_sentence(lines):
    groups = {"people": set(demo.PEOPLE) | set(demo.GENDER_ADJECTIVES.values()),
              **{name: set(t["word"]) for name, t in demo.TOPICS.items()},
              **{name: set(r["adj"]) for name, r in demo.REVIEWS.items()}}
    for line in lines:
        words = set(line.split())
        assert sum(bool(words & g) for g in groups.values()) == 1, line


# ---------------------------------------------------------------- training recovers it


def _assert_planted(model, unit):
    """``model.most_similar(positive=, negative=, topn=)`` (gensim's and w2v's signature) and
    ``unit(words)`` -> unit rows: the analogies, neighbours and clusters the corpus plants."""
    from sklearn.cluster import KMeans

    for a, b, c, expected in ANALOGIES:
        assert model.most_similar(positive=[a, c], negative=[b], topn=1)[0][0] == expected
    for group in TOPICAL:  # nearest neighbour in the whole vocabulary
        for w in group:
            top = model.most_similar(positive=[w], topn=1)[0][0]
            assert top in group, (w, top)
    words = [w for g in SUBGROUPS for w in g]
    X = unit(words)
    sims = X @ X.T - 2 * np.eye(len(words))
    for i, w in enumerate(words):  # nearest among the 24, as on the plot
        assert any(words[int(np.argmax(sims[i]))] in g and w in g for g in SUBGROUPS), w
    labels = KMeans(len(SUBGROUPS), n_init=10, random_state=0).fit_predict(X)
    clusters = {frozenset(w for w, lab in zip(words, labels) if lab == k) for k in set(labels)}
    assert clusters == {frozenset(g) for g in SUBGROUPS}


def test_gensim_recovers_the_planted_structure():
    gensim = pytest.importorskip("gensim")
    sentences = [line.split() for line in demo.generate(150_000, seed=0)]
    model = gensim.models.Word2Vec(sentences, sg=1, negative=5, vector_size=50, window=5,
                                   min_count=5, sample=1e-3, epochs=5, workers=1, seed=1)
    kv = model.wv

    def unit(words):
        X = np.array([kv[w] for w in words], dtype=np.float64)
        return X / np.linalg.norm(X, axis=1, keepdims=True)

    _assert_planted(kv, unit)


@pytest.mark.parametrize("kernel, arch, loss", [
    ("numba", "sg", "ns"), ("numpy", "sg", "ns"), ("numba", "sg", "hs"), ("numba", "cbow", "ns"),
    ("numba", "cbow", "hs"),
])
@pytest.mark.slow  # trains every variant on the demo corpus
def test_w2v_recovers_the_planted_structure(tmp_path, kernel, arch, loss):
    corpus = demo.write(tmp_path / "demo.txt", 300_000 if kernel == "numba" else 100_000)
    cfg = Config(dim=50, epochs=5 if kernel == "numba" else 3, threads=1, kernel=kernel,
                 arch=arch, loss=loss, negative=0 if loss == "hs" else 5)
    out = tmp_path / "run"
    train(cfg, [corpus], out)
    v = Vectors.load(out)
    _assert_planted(v, lambda words: v.unit[[v.id(w) for w in words]].astype(np.float64))
