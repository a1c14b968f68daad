"""Word classes (w2v classes): k-means of unit vectors, checked against planted clusters and
against Lloyd's fixed point computed by a naive loop."""

import numpy as np
import pytest
from click.testing import CliRunner

from w2v.cli import main
from w2v.vectors.classes import word_classes
from w2v.vectors.vectors import Vectors


def planted(k=5, per=40, d=20, seed=1):
    """Unit rows around k random directions, shuffled; returns rows and true groups."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, d))
    truth = rng.permutation(np.repeat(np.arange(k), per))
    x = centers[truth] + 0.05 * rng.normal(size=(len(truth), d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32), truth


@pytest.mark.parametrize("minibatch_above", [10_000, 0], ids=["kmeans", "minibatch"])
def test_planted_clusters_are_recovered(minibatch_above):
    x, truth = planted()
    labels = word_classes(x, 5, seed=0, minibatch_above=minibatch_above)
    pairs = set(zip(truth.tolist(), labels.tolist()))
    assert len(pairs) == 5  # a bijection between true groups and classes


def test_each_word_is_in_the_class_of_its_nearest_centroid():
    """Lloyd's fixed point, by a naive loop: the centroid of each class, then every row's
    nearest centroid is its own class's."""
    x, _ = planted(k=7, per=15, seed=3)
    labels = word_classes(x, 7, seed=2)
    centroids = [x[labels == c].mean(axis=0) for c in range(7)]
    for row, label in zip(x, labels):
        distances = [float(((row - c) ** 2).sum()) for c in centroids]
        assert int(np.argmin(distances)) == label


def test_same_seed_same_classes_numbered_by_first_appearance():
    x, _ = planted(k=6, per=10, seed=5)
    a, b = word_classes(x, 6, seed=4), word_classes(x, 6, seed=4)
    assert np.array_equal(a, b)
    firsts = [int(np.flatnonzero(a == c)[0]) for c in range(6)]
    assert firsts == sorted(firsts) and a[0] == 0


def write_vectors(path, n=60):
    x, _ = planted(k=3, per=n // 3, d=8, seed=7)
    v = Vectors([f"w{i}" for i in range(len(x))], x)
    v.save_word2vec(path, binary=False)
    return v


def test_cli_writes_word2vec_c_class_lines(tmp_path):
    v = write_vectors(tmp_path / "v.txt")
    out = tmp_path / "classes.txt"
    r = CliRunner().invoke(main, ["classes", str(tmp_path / "v.txt"), "-k", "3", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = [line.split() for line in out.read_text().splitlines()]
    assert [w for w, _ in rows] == v.words
    expected = word_classes(Vectors.load(tmp_path / "v.txt").unit, 3)
    assert [int(c) for _, c in rows] == expected.tolist()
    stdout = CliRunner().invoke(main, ["classes", str(tmp_path / "v.txt"), "-k", "3"])
    assert stdout.output == out.read_text()


def test_cli_refuses_overwrite_and_too_many_classes(tmp_path):
    write_vectors(tmp_path / "v.txt", n=30)
    out = tmp_path / "c.txt"
    out.write_text("keep")
    r = CliRunner().invoke(main, ["classes", str(tmp_path / "v.txt"), "-k", "3", "-o", str(out)])
    assert r.exit_code == 1 and "--force" in r.output and out.read_text() == "keep"
    r = CliRunner().invoke(main, ["classes", str(tmp_path / "v.txt"), "-k", "31"])
    assert r.exit_code == 2 and "between 1 and the number of words (30)" in r.output
    assert len(r.output.strip().splitlines()) == 1
