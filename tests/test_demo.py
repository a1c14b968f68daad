import pytest

from w2v import demo
from w2v.config import Config
from w2v.plot import DEFAULT_WORDS
from w2v.train import train
from w2v.vectors import Vectors


def test_deterministic(tmp_path):
    a = demo.write(tmp_path / "a.txt", 20_000, seed=3).read_bytes()
    b = demo.write(tmp_path / "b.txt", 20_000, seed=3).read_bytes()
    c = demo.write(tmp_path / "c.txt", 20_000, seed=4).read_bytes()
    assert a == b and a != c
    n = len(a.split())
    assert 20_000 <= n <= 20_000 * 1.05


def test_all_assignment_words_present(tmp_path):
    tokens = demo.write(tmp_path / "d.txt", 300_000).read_text().split()
    counts = {w: tokens.count(w) for w in DEFAULT_WORDS}
    assert min(counts.values()) >= 50, counts


def test_planted_by_construction():
    # king's sentences carry male and royal cues, never female ones
    for line in demo.generate(50_000, seed=0):
        words = set(line.split())
        if "king" in words:
            assert not words & set(demo.GENDER_CUES["f"])
            assert words & set(demo.RANK_CUES["royal"])
        if "female" in words:
            assert not words & set(demo.RANK_CUES["royal"] + demo.RANK_CUES["common"])


@pytest.mark.parametrize("kernel", ["numba", "numpy"])
def test_training_recovers_the_planted_structure(tmp_path, kernel):
    corpus = demo.write(tmp_path / "demo.txt", 300_000 if kernel == "numba" else 100_000)
    cfg = Config(dim=30, epochs=5 if kernel == "numba" else 3, threads=1, kernel=kernel)
    out = train(cfg, [corpus], tmp_path / "run", progress=False, log=lambda m: None)
    v = Vectors.load(out)
    assert v.analogy("king", "male", "female", topn=1)[0][0] == "queen"
    groups = [["rain", "snow", "hail"], ["coffee", "tea"],
              ["great", "wonderful", "amazing", "brilliant"], ["boring", "bad", "dumb", "annoying"]]
    for group in groups:
        for w in group:
            neighbours = {x for x, _ in v.similar(w, topn=6)}
            others = [x for x in group if x != w]
            assert neighbours & set(others), (w, neighbours)
