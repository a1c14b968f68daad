"""The train loop's pieces against hand-worked cases: state round trip, checkpoint policy, lr."""

import json

import pytest

from w2v.config import Config
from w2v.run.rundir import RunDir
from w2v.training.loop import CheckpointPolicy, TrainState, lr_at


def test_train_state_round_trips_through_json():
    state = TrainState(config=Config().to_dict(), corpus=[{"path": "-", "size": None}],
                       rng={"state": 1}, epoch=2, position=77, words_done=900)
    state.add_loss(3.0, 2)
    state.close_checkpoint_period()
    back = TrainState.from_json(json.loads(json.dumps({**state.to_json(), "format": "x"})))
    assert back == state
    assert back.loss_history["checkpoint"] == [[900, 1.5]] and back.checkpoint_loss == [0.0, 0]
    assert back.epoch_loss == [3.0, 2]


@pytest.mark.parametrize("every, steps, expected", [
    ("10s", [(5, 0), (9.9, 0), (10, 0), (25, 0)], [False, False, True, True]),
    ("1k", [(0, 999), (0, 1000), (99, 1500)], [False, True, True]),
    (600, [(0, 599), (0, 600)], [False, True]),
])
def test_checkpoint_policy(every, steps, expected):
    policy = CheckpointPolicy(every, now=0.0, words=0)
    assert [policy.due(now, words) for now, words in steps] == expected
    policy.reset(100.0, 10_000)
    assert not policy.due(100.0, 10_000)


def test_lr_schedule_is_linear_and_floored():
    cfg = Config(lr=0.025, min_lr=0.0001)
    assert lr_at(cfg, 0, 1000) == 0.025
    assert lr_at(cfg, 500, 1000) == pytest.approx((0.025 + 0.0001) / 2)
    assert lr_at(cfg, 1000, 1000) == pytest.approx(0.0001)
    assert lr_at(cfg, 5000, 1000) == 0.0001


def test_rundir_state_errors_are_one_line(tmp_path):
    from w2v.errors import RunError

    with pytest.raises(RunError, match="state.json does not exist"):
        RunDir(tmp_path).read_state()
    (tmp_path / "state.json").write_text("{broken")
    with pytest.raises(RunError, match="corrupt"):
        RunDir(tmp_path).read_state()


def test_chunks_end_on_sentence_breaks_and_cover_the_corpus(tmp_path):
    """Chunks of 10 ids over sentences of 1-6 words: each chunk but the last ends on a -1 (no
    window is cut in two), and together they are the whole file, in order, every epoch."""
    import numpy as np

    from w2v.training import loop
    from w2v.training.partition import Local

    rng = np.random.default_rng(0)
    ids = np.concatenate([np.append(rng.integers(0, 9, n), -1) for n in rng.integers(1, 7, 40)])
    path = tmp_path / "corpus.ids"
    ids.astype("<i4").tofile(path)
    seen = []

    def train_chunk(W_in, W_out, piece, lr0, lr1, seed):
        seen.append(piece.copy())
        return 0.0, 1

    cfg = Config(epochs=2, checkpoint_every="1h")
    state = TrainState(config=cfg.to_dict(), corpus=[], rng={})
    part = Local(path, len(ids), int((ids >= 0).sum()), 10)
    run = loop.Loop(cfg, state, None, None, train_chunk, 10, part, np.random.default_rng(1),
                    lambda: "ckpt", lambda: False)
    list(run.epochs())
    assert all(p[-1] == -1 for p in seen) and all(len(p) <= 10 for p in seen)
    assert np.array_equal(np.concatenate(seen), np.concatenate([ids, ids]))


def test_deferred_signals_nest():
    """A rank's session is deferred as a whole and its training again: after the inner block
    a signal is still only noted, and raises once the outer one has ended too."""
    import os
    import signal

    from w2v.training.signals import SignalTrap

    with SignalTrap() as trap:
        with trap.deferred():
            with trap.deferred():
                pass
            os.kill(os.getpid(), signal.SIGINT)  # noted, not raised
        assert trap.caught == [signal.SIGINT]
        try:
            os.kill(os.getpid(), signal.SIGINT)
            raised = False
        except KeyboardInterrupt:
            raised = True
        assert raised
