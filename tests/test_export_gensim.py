"""``w2v export --format gensim``: the ``.kv`` file loads with gensim's own ``KeyedVectors.load``
(the independent reader) and holds exactly the run's words, in order, and float32 rows; its
``most_similar`` agrees with w2v's ``similar``; without gensim the command fails in one line."""

import builtins
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from w2v.cli import main
from w2v.text.vocab import Vocab
from w2v.vectors.vectors import Vectors


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("how", [("-o", "v.kv"), ("--format", "gensim", "-o", "v.model")])
def test_kv_file_loads_in_gensim_exactly(small_run, tmp_path, how):
    gensim = pytest.importorskip("gensim")
    out = tmp_path / how[-1]
    r = cli("export", small_run, *how[:-1], out)
    vocab = Vocab.load(small_run / "vocab.txt")
    assert r.exit_code == 0 and f"wrote {len(vocab):,} vectors (12-d): {out}" in r.stdout, r.output
    kv = gensim.models.KeyedVectors.load(str(out))
    assert kv.index_to_key == vocab.words
    assert kv.vectors.dtype == np.float32
    np.testing.assert_array_equal(kv.vectors, np.load(small_run / "vectors.npy"))
    assert list(tmp_path.iterdir()) == [out]  # one file, no temporary left


def test_most_similar_agrees_with_w2v(small_run, tmp_path):
    gensim = pytest.importorskip("gensim")
    out = tmp_path / "v.kv"
    assert cli("export", small_run, "--most-frequent", 200, "-o", out).exit_code == 0
    kv = gensim.models.KeyedVectors.load(str(out))
    mine = Vectors.load(small_run)
    assert len(kv) == 200
    for word in mine.words[:5]:
        theirs = kv.most_similar(word, topn=5)
        ours = Vectors(mine.words[:200], mine.vectors[:200]).similar(word, topn=5)
        assert [w for w, _ in theirs] == [w for w, _ in ours]
        np.testing.assert_allclose([s for _, s in theirs], [s for _, s in ours], atol=1e-5)


def test_without_gensim_one_line_error(small_run, tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_gensim(name, *args, **kwargs):
        if name == "gensim" or name.startswith("gensim."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "gensim", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_gensim)
    out = tmp_path / "v.kv"
    r = cli("export", small_run, "-o", out)
    assert r.exit_code == 1 and not out.exists()
    assert r.output.strip().splitlines()[-1] == (
        "Error: the gensim format needs the gensim package: pip install gensim")
