"""The CBOW and HS settings through the session: continued training (``--init``) from a
negative-sampling run, which maps W_out word by word."""

import numpy as np
import pytest

from w2v import demo
from w2v.config import Config
from w2v.errors import RunError
from w2v.training import session
from w2v.vectors.vectors import Vectors


@pytest.fixture(scope="module")
def old_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("family")
    text = demo.write(root / "old.txt", 40_000, seed=0)
    session.run(Config(dim=16, epochs=2, threads=1, checkpoint_every="1h"), [text], root / "old")
    return text, root / "old"


def test_init_refuses_hierarchical_softmax(old_run, tmp_path):
    """A tree's inner nodes are not words: carrying W_out over word by word would give the HS
    kernel V rows of negative-sampling vectors where it needs V - 1 tree nodes."""
    text, old = old_run
    with pytest.raises(RunError, match="hierarchical softmax") as e:
        session.run({"loss": "hs", "negative": 0}, [text], tmp_path / "new", init=old)
    assert {"init", "loss"} <= set(e.value.settings())
    assert not (tmp_path / "new" / "vectors.npy").exists()


def test_init_may_switch_to_cbow(old_run, tmp_path):
    """CBOW with NS uses W_out like skip-gram (one row per word), so it may continue from it."""
    text, old = old_run
    session.run({"arch": "cbow", "epochs": 1}, [text], tmp_path / "new", init=old)
    before, after = Vectors.load(old), Vectors.load(tmp_path / "new")
    assert after.words == before.words and not np.array_equal(after.vectors, before.vectors)
