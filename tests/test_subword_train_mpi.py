"""``mpiexec -n 2 w2v train --subwords``: the one trainer runs with the n-gram rows on two
ranks (every full sync averages all of W_in, bucket rows included) and writes the same run
folder as one process: W_in of V + buckets rows, vectors = the bags' means, subwords.npy."""

import numpy as np
import pytest
from test_mpi import MPIEXEC, mpirun  # tests/ is on sys.path (rootdir conftest)

from w2v import demo, load
from w2v.run import checkpoint
from w2v.text.subwords import SubwordSpec

pytestmark = [pytest.mark.skipif(MPIEXEC is None, reason="mpiexec is absent"), pytest.mark.slow]


@pytest.mark.parametrize("arch", ["sg", "cbow"])
def test_two_ranks_train_the_ngram_rows(tmp_path, arch):
    corpus = demo.write(tmp_path / "demo.txt", 60_000)
    out = tmp_path / "run"
    done = mpirun(2, str(corpus), "--out", str(out), "--subwords", "--buckets", "3001",
                  "--arch", arch, "--dim", "16", "--epochs", "2", "--threads", "1",
                  "--sync-every", "20000", "--sync-rows", "32", "-q")
    assert done.returncode == 0, done.stderr
    ckpt = checkpoint.latest(out)
    words = load(out).words
    V = len(words)
    assert ckpt.W_in.shape == (V + 3001, 16) and ckpt.state["config"]["subwords"]
    assert np.array_equal(np.load(out / "subwords.npy"), ckpt.W_in)
    spec, vectors = SubwordSpec(3, 6, 3001), np.load(out / "vectors.npy")
    for i in range(0, V, 17):
        rows = spec.rows(words[i], i, V)
        np.testing.assert_allclose(vectors[i], ckpt.W_in[rows].astype(np.float64).mean(0),
                                   atol=1e-6)
    assert np.isfinite(load(out)["queenly"]).all()  # an unknown word, from its n-grams
