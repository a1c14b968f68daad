"""scripts/zipf_corpus.py: the same arguments give the same bytes; its vectorised byte gather
equals a plain " ".join of the drawn words; sentences cross block boundaries without breaking;
the word frequencies follow the Zipf law it claims (against the exact probabilities)."""

import doctest
import importlib.util
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "zipf_corpus.py"
_spec = importlib.util.spec_from_file_location("zipf_corpus", SCRIPT)
zipf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(zipf)


def test_doctests():
    result = doctest.testmod(zipf)
    assert result.attempted >= 2 and result.failed == 0


@settings(max_examples=40, deadline=None)
@given(vocab=st.integers(1, 2000), n=st.integers(1, 3000), mean=st.floats(1, 50),
       left=st.integers(0, 40), seed=st.integers(0, 2**32))
def test_block_text_is_the_words_joined(vocab, n, mean, left, seed):
    """Against the naive writer: each line is the space-joined words of one sentence, and the
    sentence running into the block (``left`` words) ends where it should."""
    rng = np.random.default_rng(seed)
    ranks, ends, after = zipf.draw_block(rng, zipf.zipf_cdf(vocab, 1.0), n, mean, left)
    assert ranks.min() >= 0 and ranks.max() < vocab and len(ranks) == len(ends) == n
    if 0 < left <= n:
        assert ends[left - 1] and not ends[: left - 1].any()
    text = zipf.block_bytes(zipf.word_table(vocab), ranks, ends).decode()
    naive = "".join(f"w{r + 1}" + ("\n" if e else " ") for r, e in zip(ranks, ends))
    assert text == naive
    assert after >= 0  # words the sentence after the last end still has, in the next block


def test_sentences_cross_block_boundaries(tmp_path, monkeypatch):
    """With blocks of 50 tokens and sentences of 200 on average, lines cut at each block
    would be at most 50 words long."""
    monkeypatch.setattr(zipf, "BLOCK_TOKENS", 50)
    zipf.write_corpus(tmp_path / "z.txt", 100, 40_000, seed=1, mean_sentence=200)
    lengths = [len(line.split()) for line in (tmp_path / "z.txt").read_text().splitlines()]
    assert sum(lengths) == 40_000 and 150 < np.mean(lengths) < 250 and max(lengths) > 400


def test_same_arguments_same_bytes_and_exact_token_count(tmp_path):
    a, b, c = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    zipf.write_corpus(a, 5000, 300_000, seed=4)
    zipf.write_corpus(b, 5000, 300_000, seed=4)
    zipf.write_corpus(c, 5000, 300_000, seed=5)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    lines = a.read_text().splitlines()
    assert sum(len(line.split()) for line in lines) == 300_000
    assert a.read_bytes().endswith(b"\n") and all(lines)
    lengths = np.array([len(line.split()) for line in lines])
    assert 18 < lengths.mean() < 22 and len(set(lengths)) > 40 and lengths.max() <= 1000


def test_frequencies_follow_zipf(tmp_path):
    """The counts of the top ranks against n / (k H_V): within 4 standard deviations."""
    V, n = 10_000, 400_000
    counts = zipf.write_corpus(tmp_path / "z.txt", V, n, seed=0)
    words = (tmp_path / "z.txt").read_text().split()
    recount = np.bincount([int(w[1:]) - 1 for w in words], minlength=V)
    assert np.array_equal(counts, recount)
    p = 1 / np.arange(1, V + 1) / np.sum(1 / np.arange(1, V + 1))
    top = slice(0, 50)
    assert np.all(np.abs(counts[top] - n * p[top]) < 4 * np.sqrt(n * p[top]) + 1)
    assert counts[0] > counts[9] > counts[99]
