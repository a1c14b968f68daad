import json
import signal

import numpy as np
import pytest
from interrupts import interrupt_at_chunk

from w2v.config import Config
from w2v.errors import CheckpointError, ConfigError, DivergenceError, Interrupted, RunError
from w2v.run import checkpoint
from w2v.training import session


def train(cfg, corpus, out, resume=False, **kw):
    """The session without progress, returning the run folder."""
    session.run(cfg, corpus, out, resume=resume, **kw)
    return out

KERNELS = ["numpy", "numba"]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    """About 30k tokens of Zipf-distributed words in sentences of varying length."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)]
    p = 1.0 / np.arange(1, 301)
    p /= p.sum()
    path = tmp_path_factory.mktemp("corpus") / "small.txt"
    with open(path, "w") as f:
        for _ in range(2_000):
            n = int(rng.integers(3, 30))
            f.write(" ".join(words[i] for i in rng.choice(300, n, p=p)) + "\n")
    return path


def _cfg(kernel, **kw):
    base = dict(dim=16, epochs=2, min_count=2, threads=1, kernel=kernel, seed=3)
    return Config(**{**base, **kw})


def _vectors(out):
    return np.load(out / "vectors.npy")


@pytest.mark.parametrize("kernel", KERNELS)
def test_outputs_and_loss_history(small_corpus, tmp_path, kernel):
    out = train(_cfg(kernel), [small_corpus], tmp_path / "run")
    state = json.loads((out / "state.json").read_text())
    assert state["config"]["kernel"] == kernel
    history = state["loss_history"]["epoch"]
    assert len(history) == 2 and all(np.isfinite(history))
    # An untrained model's loss is (K+1) log 2 per pair; training must go below it.
    assert history[-1] < 6 * np.log(2)
    W = _vectors(out)
    assert W.dtype == np.float32 and np.isfinite(W).all()
    ckpt = checkpoint.latest(out)
    assert np.array_equal(ckpt.W_in, W)


@pytest.mark.parametrize("kernel, arch, loss, extra", [
    ("numpy", "sg", "ns", {}), ("numba", "sg", "ns", {}), ("numba", "sg", "hs", {}),
    ("numba", "cbow", "ns", {}), ("numba", "cbow", "hs", {}),
    ("numba", "sg", "hs", {"hs_skip": True}), ("numba", "cbow", "hs", {"hs_skip": True}),
    ("numba", "sg", "ns", {"pairwise": True}), ("numba", "sg", "hs", {"pairwise": True}),
    ("numba", "cbow", "ns", {"ns_skip": True}),
    ("numba", "sg", "ns", {"dim": 50}),  # rows of another length
])
def test_resume_is_bit_identical(small_corpus, tmp_path, kernel, arch, loss, extra, monkeypatch):
    """Interrupt twice (SIGINT, then SIGTERM), resume each time, compare with one whole run.
    Each architecture and loss: the Huffman tree is rebuilt from the stored vocabulary."""
    from w2v.training.local import LocalTrainer

    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)  # several chunks per epoch
    cfg = _cfg(kernel, checkpoint_every="20000", epochs=3, arch=arch, loss=loss,
               negative=0 if loss == "hs" else 5, **extra)
    whole = train(cfg, [small_corpus], tmp_path / "whole")

    out = tmp_path / "pieces"
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, 2)
        with pytest.raises(Interrupted) as e:
            train(cfg, [small_corpus], out)
        assert e.value.details == {"out": str(out), "resumable": True, "signal": signal.SIGINT}
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, 3, signal.SIGTERM)
        with pytest.raises(Interrupted) as e:
            train(cfg, [small_corpus], out, resume=True)
        assert e.value.details["signal"] == signal.SIGTERM
    assert not (out / "vectors.npy").exists()
    train({"threads": 1}, [], out, resume=True)  # the stored config, no corpus needed
    assert np.array_equal(_vectors(whole), _vectors(out))
    whole_state = json.loads((whole / "state.json").read_text())
    out_state = json.loads((out / "state.json").read_text())
    assert whole_state["loss_history"]["epoch"] == out_state["loss_history"]["epoch"]


@pytest.mark.parametrize("change, message", [({"dim": 32}, "dim = 32"),
                                             ({"arch": "cbow"}, "arch = 'cbow'"),
                                             ({"cbow_mean": False}, "cbow_mean = False")])
def test_resume_refuses_changed_setting(small_corpus, tmp_path, monkeypatch, change, message):
    cfg = _cfg("numpy")
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, 1)
        with pytest.raises(Interrupted):
            train(cfg, [small_corpus], tmp_path)
    with pytest.raises(ConfigError, match=message):
        train(cfg.replace(**change), [small_corpus], tmp_path, resume=True)


def test_new_run_refuses_existing_run_and_resume_needs_checkpoint(small_corpus, tmp_path):
    train(_cfg("numpy", epochs=1), [small_corpus], tmp_path / "a")
    with pytest.raises(RunError, match="already holds a run") as e:
        train(_cfg("numpy", epochs=1), [small_corpus], tmp_path / "a")
    assert {"resume", "force"} <= set(e.value.settings())
    with pytest.raises(CheckpointError, match="no checkpoint"):
        train(_cfg("numpy"), [small_corpus], tmp_path / "b", resume=True)


@pytest.mark.parametrize("kernel", KERNELS)
def test_divergence_keeps_last_good_checkpoint(small_corpus, tmp_path, kernel):
    out = tmp_path / "run"
    cfg = _cfg(kernel, lr=50.0, min_lr=50.0, checkpoint_every="1000")
    with pytest.raises(DivergenceError, match="diverged"):
        train(cfg, [small_corpus], out)
    if checkpoint.has_checkpoint(out):
        ckpt = checkpoint.latest(out)
        assert np.isfinite(ckpt.W_in).all() and np.isfinite(ckpt.W_out).all()


def test_gensim_reads_both_formats(small_corpus, tmp_path):
    gensim = pytest.importorskip("gensim")
    out = train(_cfg("numba", epochs=1, save="npy,bin,txt"), [small_corpus], tmp_path)
    W = _vectors(out)
    words = [line.split("\t")[0] for line in (out / "vocab.txt").read_text().splitlines()[1:]]
    for name, binary in (("vectors.txt", False), ("vectors.bin", True)):
        kv = gensim.models.KeyedVectors.load_word2vec_format(str(out / name), binary=binary)
        assert kv.index_to_key == words
        tol = 0 if binary else 1e-5
        np.testing.assert_allclose(kv.vectors, W, atol=tol)
