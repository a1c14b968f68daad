"""``ns_exponent``: the noise distribution of negative sampling, P(w) ∝ count^e.

It enters which negatives are drawn, not the loss's gradient given them (gradcheck holds the
samples fixed), so the references here are distributions: the exact alias-table probabilities
against counts^e computed by hand, the kernels' draws (``reference.walk.alias_draws`` over
the splitmix64 stream, the numpy mirror of ``numba.ops.alias_draw``) against them with a
chi-square test, gensim's ``cum_table`` for the same ``ns_exponent``, and a run whose vectors
change with it.
"""

import numpy as np
import pytest

import w2v
from w2v.config import Config
from w2v.errors import ConfigError
from w2v.kernels.base import Tables, alias_probs
from w2v.kernels.reference.walk import alias_draws, splitmix64

COUNTS = np.array([5000, 1200, 700, 300, 90, 40, 12, 5, 3, 1], dtype=np.int64)
EXPONENTS = [0.0, 0.75, 1.0, -0.5]


def exact(counts, e):
    p = counts.astype(np.float64) ** e
    return p / p.sum()


@pytest.mark.parametrize("e", EXPONENTS)
def test_alias_table_is_counts_to_the_exponent(e):
    table = Tables(COUNTS, int(COUNTS.sum()), 0.0, ns_exponent=e).noise
    np.testing.assert_allclose(alias_probs(table), exact(COUNTS, e), rtol=0, atol=1e-9)


@pytest.mark.parametrize("e", EXPONENTS)
def test_drawn_negatives_follow_counts_to_the_exponent(e):
    scipy_stats = pytest.importorskip("scipy.stats")
    n = 400_000
    table = Tables(COUNTS, int(COUNTS.sum()), 0.0, ns_exponent=e).noise
    seen = np.bincount(alias_draws(table, splitmix64(7, 0, n)), minlength=len(COUNTS))
    expected = exact(COUNTS, e) * n
    chi2 = float(((seen - expected) ** 2 / expected).sum())
    assert chi2 < scipy_stats.chi2.ppf(0.999, len(COUNTS) - 1), (seen, expected.round())
    if e != 0.75:  # the draws tell the exponents apart: the default's distribution is rejected
        other = exact(COUNTS, 0.75) * n
        assert float(((seen - other) ** 2 / other).sum()) > 100 * chi2 + 1000


def test_a_word_never_seen_is_never_noise():
    for e in (-1.0, 0.0, 0.75):
        p = alias_probs(Tables([10, 0, 3], 13, 0.0, ns_exponent=e).noise)
        assert p[1] == 0 and p.sum() == pytest.approx(1)


@pytest.mark.parametrize("e", EXPONENTS)
def test_same_probabilities_as_gensim_cum_table(e):
    gensim = pytest.importorskip("gensim")
    model = gensim.models.Word2Vec(vector_size=4, min_count=1, ns_exponent=e, sample=0)
    model.build_vocab_from_freq({f"w{i}": int(c) for i, c in enumerate(COUNTS)})
    order = [int(model.wv.index_to_key[i][1:]) for i in range(len(COUNTS))]
    cum = model.cum_table.astype(np.float64)
    theirs = np.diff(np.concatenate([[0.0], cum])) / cum[-1]
    ours = alias_probs(Tables(COUNTS[order], int(COUNTS.sum()), 0.0, ns_exponent=e).noise)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=2e-9)  # gensim rounds to 1/(2^31-1)


def test_setting_reaches_training(tmp_path):
    corpus = w2v.demo.write(tmp_path / "d.txt", 20_000)
    kw = dict(dim=8, epochs=1, threads=1, quiet=True)
    default = w2v.train(corpus, out=tmp_path / "a", **kw).vectors.matrix
    same = w2v.train(corpus, out=tmp_path / "b", ns_exponent=0.75, **kw).vectors.matrix
    flat = w2v.train(corpus, out=tmp_path / "c", ns_exponent=0.0, **kw)
    assert np.array_equal(default, same) and not np.array_equal(default, flat.vectors.matrix)
    assert flat.config.ns_exponent == 0.0  # stored in the run, so resume draws the same noise


def test_out_of_range_is_a_config_error():
    with pytest.raises(ConfigError, match="ns_exponent"):
        Config(ns_exponent=11)
