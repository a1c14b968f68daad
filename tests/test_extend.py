"""More epochs on a finished run (``resume`` with more ``epochs``): the lr schedule of the extra
epochs against the hand-written formula, determinism with one thread, exact resume of an
interrupted extension, and the refusals."""

import json
import os
import signal

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main
from w2v.config import Config
from w2v.errors import ConfigError, Interrupted
from w2v.training import session
from w2v.training.local import LocalTrainer


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return demo.write(tmp_path_factory.mktemp("c") / "demo.txt", 30_000)


CFG = Config(dim=10, epochs=5, min_count=2, threads=1, window=3, seed=4, checkpoint_every="1h")


def _state(out):
    return json.loads((out / "state.json").read_text())


def _vectors(out):
    return (out / "vectors.npy").read_bytes()


def _record(monkeypatch, calls, interrupt_at=None):
    """Record each kernel call's (lr_start, lr_end, words); SIGINT during call ``interrupt_at``
    (counted after the warm-up call)."""
    real = session.make_kernel

    def make_kernel(cfg, vocab):
        kernel = real(cfg, vocab)
        inner, seen = kernel.train_chunk, []

        def train_chunk(W_in, W_out, ids, lr0, lr1, seed):
            seen.append(1)
            if len(seen) > 1:
                calls.append((lr0, lr1, int(np.count_nonzero(ids >= 0))))
            if interrupt_at is not None and len(seen) == interrupt_at + 1:
                os.kill(os.getpid(), signal.SIGINT)
            return inner(W_in, W_out, ids, lr0, lr1, seed)

        kernel.train_chunk = train_chunk
        return kernel

    monkeypatch.setattr(session, "make_kernel", make_kernel)


def test_extra_epochs_decay_afresh_from_lr(corpus, tmp_path, monkeypatch):
    """Epochs 6-8 of a 5 + 3 run: lr falls linearly from lr to min_lr over their words,
    lr - (lr - min_lr) (done - w0) / (total - w0), w0 the words of the first 5 epochs; the
    first 5 epochs' lrs are those of a plain 5-epoch run."""
    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)
    out = tmp_path / "run"
    first, more = [], []
    with monkeypatch.context() as m:
        _record(m, first)
        session.run(CFG, [corpus], out)
    with monkeypatch.context() as m:
        _record(m, more)
        session.run({"epochs": 8}, [], out, resume=True)
    w0 = sum(n for _, _, n in first)
    total = w0 * 8 // 5
    done = w0
    for lr0, lr1, n in more:
        for lr, at in ((lr0, done), (lr1, done + n)):
            want = max(CFG.min_lr, CFG.lr - (CFG.lr - CFG.min_lr) * (at - w0) / (total - w0))
            assert lr == pytest.approx(want, rel=1e-12, abs=1e-15)
        done += n
    assert more[0][0] == CFG.lr and more[-1][1] == pytest.approx(CFG.min_lr)
    assert done == total == _state(out)["words_done"]
    assert _state(out)["lr_schedule"] == [{"epoch": 0, "words": 0, "lr": CFG.lr},
                                          {"epoch": 5, "words": w0, "lr": CFG.lr}]
    assert _state(out)["config"]["epochs"] == 8 and len(_state(out)["loss_history"]["epoch"]) == 8


def test_extension_is_deterministic_and_resumes_exactly(corpus, tmp_path, monkeypatch):
    """Two 5 + 3 runs are bit-identical, and so is one whose extension is interrupted in
    epoch 7 and resumed (with no settings: the stored schedule is what makes it exact)."""
    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        session.run(CFG, [corpus], out)
        session.run({"epochs": 8}, [], out, resume=True)
        runs.append(out)
    assert _vectors(runs[0]) == _vectors(runs[1])
    chunks = []
    out = tmp_path / "interrupted"
    with monkeypatch.context() as m:
        _record(m, chunks)
        session.run(CFG, [corpus], out)
    per_epoch = len(chunks) // 5
    with monkeypatch.context() as m:
        _record(m, [], interrupt_at=per_epoch + 2)
        with pytest.raises(Interrupted):
            session.run({"epochs": 8}, [], out, resume=True)
    assert _state(out)["epoch"] == 6 and _state(out)["position"] > 0
    session.run({}, [], out, resume=True)
    assert _vectors(out) == _vectors(runs[0])
    assert _state(out)["loss_history"]["epoch"] == _state(runs[0])["loss_history"]["epoch"]


def test_given_lr_starts_the_new_decay_and_a_second_extension_stacks(corpus, tmp_path,
                                                                     monkeypatch):
    out = tmp_path / "run"
    session.run(CFG.replace(epochs=2), [corpus], out)
    calls = []
    with monkeypatch.context() as m:
        _record(m, calls)
        session.run({"epochs": 3, "lr": 0.01}, [], out, resume=True)
    assert calls[0][0] == 0.01
    session.run({"epochs": 4}, [], out, resume=True)  # the run's lr is now 0.01
    schedule = _state(out)["lr_schedule"]
    assert [(s["epoch"], s["lr"]) for s in schedule] == [(0, 0.025), (2, 0.01), (3, 0.01)]
    assert _state(out)["epoch"] == 4


def test_refusals(corpus, tmp_path, monkeypatch):
    out = tmp_path / "run"
    session.run(CFG.replace(epochs=2), [corpus], out)
    with pytest.raises(ConfigError, match="has trained all its 2 epochs.*above 2"):
        session.run({"epochs": 1}, [], out, resume=True)
    with pytest.raises(ConfigError, match="lr = 0.01"):  # lr alone still changes the result
        session.run({"lr": 0.01}, [], out, resume=True)
    with pytest.raises(ConfigError, match="dim"):  # other settings: as before
        session.run({"epochs": 3, "dim": 11}, [], out, resume=True)
    before = _vectors(out)
    seen = []
    session.run({"epochs": 2}, [], out, resume=True, on_event=seen.append)
    assert [type(e).__name__ for e in seen][-1] == "NothingToDo" and _vectors(out) == before

    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)
    unfinished = tmp_path / "unfinished"
    with monkeypatch.context() as m:
        _record(m, [], interrupt_at=2)
        with pytest.raises(Interrupted):
            session.run(CFG.replace(epochs=2), [corpus], unfinished)
    with pytest.raises(ConfigError, match="epochs = 2.*resume it as it is, then again") as e:
        session.run({"epochs": 4}, [], unfinished, resume=True)
    assert e.value.settings()[0] == "epochs"


def test_cli_says_how_the_extension_trains(corpus, tmp_path):
    out = tmp_path / "run"
    base = ["train", str(corpus), "--out", str(out), "--dim", "8", "--epochs", "2",
            "--threads", "1", "--min-count", "2"]
    assert CliRunner().invoke(main, base + ["-q"]).exit_code == 0
    r = CliRunner().invoke(main, ["train", "--out", str(out), "--resume", "--epochs", "3"])
    assert r.exit_code == 0, r.output
    assert "note: 1 more epoch (epoch 3): lr decays afresh from 0.025 to 0.0001" in r.stderr
    assert "epoch 3/3: mean loss" in r.stderr and "epochs = 3" in r.stderr
    r = CliRunner().invoke(main, ["train", "--out", str(out), "--resume", "--epochs", "1"])
    assert r.exit_code == 2 and "--epochs" in r.output
