"""The SST run's picture: configs/sst.toml must put the 24 plotted words near their own group.

The reference is the words' group structure (adjectives, people, weather, drinks), scored by
scripts/sst_groups.py; the scorer itself is checked against a naive double loop.
"""

import importlib.util
import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


sst_groups = _script("sst_groups")
sst_to_text = _script("sst_to_text")


def naive_score(words, matrix, groups):
    """Word by word: the other group word of highest cosine, and the pair means, in loops."""
    label = {w: g for g, ws in groups.items() for w in ws}
    vec = {w: np.asarray(matrix[words.index(w)], dtype=float) for w in label}

    def cos(a, b):
        return float(vec[a] @ vec[b] / np.sqrt((vec[a] @ vec[a]) * (vec[b] @ vec[b])))

    hits = 0
    for w in label:
        best = max((x for x in label if x != w), key=lambda x: cos(w, x))
        hits += label[best] == label[w]
    within = [cos(a, b) for a, b in itertools.permutations(label, 2) if label[a] == label[b]]
    between = [cos(a, b) for a, b in itertools.permutations(label, 2) if label[a] != label[b]]
    return hits, np.mean(within), np.mean(between)


@pytest.mark.parametrize("seed", range(5))
def test_score_matches_naive_loop(seed):
    rng = np.random.default_rng(seed)
    words = [w for ws in sst_groups.GROUPS.values() for w in ws] + ["extra", "words"]
    order = rng.permutation(len(words))
    words = [words[i] for i in order]
    matrix = rng.standard_normal((len(words), 10))
    got = sst_groups.score(words, matrix)
    hits, within, between = naive_score(words, matrix, sst_groups.GROUPS)
    assert got.hits == hits and got.total == 24 and len(got.misses) == 24 - hits
    assert got.within == pytest.approx(within) and got.between == pytest.approx(between)


def test_groups_are_the_plotted_words():
    from w2v.vectors.plot import DEFAULT_WORDS

    assert [w for ws in sst_groups.GROUPS.values() for w in ws] == DEFAULT_WORDS


def test_score_of_planted_groups_is_perfect_and_missing_words_are_named():
    groups = sst_groups.GROUPS
    words = [w for ws in groups.values() for w in ws]
    centers = np.eye(10)[: len(groups)]
    noise = 0.1 * np.random.default_rng(0).standard_normal((len(words), 10))
    matrix = np.array([centers[g] for g, ws in enumerate(groups.values()) for _ in ws]) + noise
    assert sst_groups.score(words, matrix).hits == 24
    keep = [i for i, w in enumerate(words) if w != "hail"]
    with pytest.raises(ValueError, match="hail"):
        sst_groups.score([words[i] for i in keep], matrix[keep])


@pytest.mark.slow  # five SST runs
@pytest.mark.shared_data
def test_sst_config_puts_words_near_their_group(shared_data, tmp_path):
    """At least 18 of 24 words have their nearest neighbour in their own group on each of seeds
    1-5 (random vectors: 8.4; the assignment's sample = 1e-5 gave 2-11)."""
    corpus = tmp_path / "sst.txt"
    sst_to_text.convert(shared_data / "sst" / "datasetSentences.txt", corpus)
    config = ROOT / "configs" / "sst.toml"
    scores = {
        seed: sst_groups.score_run(
            sst_groups.train_run(corpus, config, seed, tmp_path / f"run{seed}")
        )
        for seed in range(1, 6)
    }
    summary = {seed: (s.hits, f"{s.within:.3f}", f"{s.between:.3f}") for seed, s in scores.items()}
    assert all(s.hits >= 18 for s in scores.values()), summary
    assert all(s.within > s.between for s in scores.values()), summary
