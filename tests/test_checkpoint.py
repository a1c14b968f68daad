import errno
import json

import numpy as np
import pytest

from w2v.errors import CheckpointError
from w2v.run import checkpoint


def _arrays(seed):
    rng = np.random.default_rng(seed)
    return rng.random((7, 3), dtype=np.float32), rng.random((7, 3), dtype=np.float32)


def test_round_trip_and_keep_two(tmp_path):
    for step in range(4):
        W_in, W_out = _arrays(step)
        checkpoint.save(tmp_path, {"step": step}, W_in, W_out)
    dirs = sorted(p.name for p in (tmp_path / "checkpoints").iterdir())
    assert dirs == ["ckpt-000003", "ckpt-000004"]
    ckpt = checkpoint.latest(tmp_path)
    W_in, W_out = _arrays(3)
    assert ckpt.state["step"] == 3
    assert np.array_equal(ckpt.W_in, W_in) and np.array_equal(ckpt.W_out, W_out)
    assert json.loads((tmp_path / "state.json").read_text())["step"] == 3


def test_corrupt_latest_falls_back_to_previous(tmp_path):
    for step in range(2):
        checkpoint.save(tmp_path, {"step": step}, *_arrays(step))
    newest = tmp_path / "checkpoints" / "ckpt-000002" / "W_in.npy"
    data = bytearray(newest.read_bytes())
    data[-1] ^= 0xFF
    newest.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="sha256"):
        checkpoint.load(newest.parent)
    warnings = []
    assert checkpoint.latest(tmp_path, warn=warnings.append).state["step"] == 0
    assert "sha256" in warnings[0]


def test_truncated_and_other_version(tmp_path):
    path = checkpoint.save(tmp_path, {}, *_arrays(0))
    state = json.loads((path / "state.json").read_text())
    state["version"] = 99
    (path / "state.json").write_text(json.dumps(state))
    with pytest.raises(CheckpointError, match="version 99"):
        checkpoint.load(path)
    (path / "state.json").write_text('{"format": "w2v-chec')
    with pytest.raises(CheckpointError, match="corrupt state.json"):
        checkpoint.load(path)


def test_no_checkpoint(tmp_path):
    with pytest.raises(CheckpointError, match="no checkpoint"):
        checkpoint.latest(tmp_path)


def test_full_disk_keeps_previous(tmp_path, monkeypatch):
    checkpoint.save(tmp_path, {"step": 1}, *_arrays(1))
    real_save = np.save
    calls = []

    def failing_save(f, array):
        calls.append(1)
        if len(calls) == 2:  # the disk fills up while the second array is written
            real_save(f, array[:2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(f, array)

    monkeypatch.setattr(np, "save", failing_save)
    with pytest.raises(CheckpointError, match="No space left on device.*intact"):
        checkpoint.save(tmp_path, {"step": 2}, *_arrays(2))
    monkeypatch.undo()
    names = [p.name for p in (tmp_path / "checkpoints").iterdir()]
    assert names == ["ckpt-000001"]  # no partial folder left behind
    assert checkpoint.latest(tmp_path).state["step"] == 1


def test_crash_mid_write_leaves_previous_loadable(tmp_path):
    # A kill between writing the temporary folder and renaming it leaves a .tmp folder.
    checkpoint.save(tmp_path, {"step": 1}, *_arrays(1))
    partial = tmp_path / "checkpoints" / ".tmp-ckpt-000002"
    partial.mkdir()
    (partial / "W_in.npy").write_bytes(b"\x93NUMPY partial")
    assert checkpoint.latest(tmp_path).state["step"] == 1
    # and the next save cleans it up and succeeds
    checkpoint.save(tmp_path, {"step": 2}, *_arrays(2))
    assert checkpoint.latest(tmp_path).state["step"] == 2
    assert not partial.exists()
