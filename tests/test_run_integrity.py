"""Nothing a user does loses a run: each file of a finished run, truncated or rewritten, is
named by ``w2v info`` and either rebuilt by resume (the reference: the bytes the run wrote
first) or refused with the reason; a damaged checkpoint never costs the good one before it."""

import json
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main
from w2v.config import Config
from w2v.errors import W2VError
from w2v.run import checkpoint, info
from w2v.training import events, session

CFG = Config(dim=10, epochs=1, min_count=2, threads=1, window=3, seed=4, save="npy,bin,txt")
OUTPUTS = ("vectors.npy", "vectors.bin", "vectors.txt", "vocab.txt")
NEWEST, OLDER = "checkpoints/ckpt-000002", "checkpoints/ckpt-000001"


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A run of 1 epoch extended to 2: two checkpoints (epoch 1, epoch 2) and three formats."""
    root = tmp_path_factory.mktemp("finished")
    corpus = demo.write(root / "demo.txt", 20_000)
    out = root / "run"
    session.run(CFG, [corpus], out)
    session.run({"epochs": 2}, [], out, resume=True)
    assert [p.name for p in (out / "checkpoints").iterdir()] != []
    return out


@pytest.fixture
def run(finished, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(finished, out)
    return out


def _original(finished):
    return {name: (finished / name).read_bytes() for name in OUTPUTS}


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _rewrite(path):
    """Same size, one byte changed in the middle (a JSON file: a value edited)."""
    if path.suffix == ".json":
        state = json.loads(path.read_text())
        state["epoch"] += 5
        path.write_text(json.dumps(state, indent=1))
        return
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _resume(out, settings=None):
    evs = []
    session.run(settings or {}, [], out, resume=True, on_event=evs.append)
    return evs


FILES = [*OUTPUTS, "state.json", *(f"{NEWEST}/{n}" for n in ("W_in.npy", "W_out.npy",
                                                              "vocab.txt", "state.json")),
         f"{OLDER}/W_in.npy"]


# A checkpoint's state.json records no digest of itself: an edit that stays valid JSON is not
# detectable, so that one pair is not a case (README, "Damaged runs", says so).
CASES = [pytest.param(name, damage, id=f"{name}-{damage.__name__.strip('_')}")
         for name in FILES for damage in (_truncate, _rewrite)
         if not (damage is _rewrite and name == f"{NEWEST}/state.json")]


@pytest.mark.parametrize(("name", "damage"), CASES)
def test_info_names_each_damaged_file_and_resume_recovers_it(finished, run, name, damage):
    assert info.run_info(run)["damage"] == []
    damage(run / name)
    changed = (run / name).read_bytes()
    report = info.run_info(run)
    assert [d["file"] for d in report["damage"]] == [name.removesuffix("/" + name.split("/")[-1])
                                                     if name.startswith("checkpoints/")
                                                     else name]
    assert "damaged file" in report["status_text"]
    evs = _resume(run)
    assert _original(run) == _original(finished)  # rebuilt to the bytes first written
    if name in OUTPUTS:  # what the user (or the disk) wrote is kept, not lost
        assert (run / (name + ".changed")).read_bytes() == changed
    alerts = [e.text for e in evs if isinstance(e, events.Alert)]
    if name != f"{OLDER}/W_in.npy":  # an older checkpoint is not read while a newer is whole
        assert alerts and name.split("/")[-1] in alerts[0]
    left = info.run_info(run)["damage"]
    assert all("resuming" not in d["recovery"] for d in left)  # nothing more resume can do


def test_a_damaged_final_checkpoint_falls_back_and_keeps_the_good_one(run):
    """The newest checkpoint's W_out is damaged and vectors.npy truncated: resume refuses to
    rebuild what only epoch 2 had and says how to train it again; doing so trains from the
    intact epoch-1 checkpoint, which pruning keeps while the damaged one goes."""
    _rewrite(run / NEWEST / "W_out.npy")
    _truncate(run / "vectors.npy")
    evs = []
    with pytest.raises(W2VError, match=r"cannot rebuild vectors.npy.*resume with epochs 2 to "
                                       r"train epoch 2 again"):
        session.run({}, [], run, resume=True, on_event=evs.append)
    assert any(isinstance(e, events.Alert) and "W_out.npy" in e.text for e in evs)
    _resume(run, {"epochs": 2})
    dirs = sorted(p.name for p in (run / "checkpoints").iterdir())
    assert dirs == ["ckpt-000001", "ckpt-000003"]
    for name in dirs:
        assert checkpoint.verify(run / "checkpoints" / name) == []
    np.save(run / "vectors.npy", np.load(run / "vectors.npy") * 2)  # a notebook's save
    _resume(run, {"epochs": 3})
    assert checkpoint.latest(run).state["epoch"] == 3
    assert info.run_info(run)["damage"] == []


def test_falling_back_is_a_warning_even_when_quiet(run):
    _rewrite(run / NEWEST / "W_out.npy")
    result = CliRunner().invoke(main, ["train", "-q", "--out", str(run), "--resume",
                                       "--epochs", "3"])
    assert result.exit_code == 0, result.output
    assert "warning: skipping checkpoint" in result.output
    assert "continuing from the older ckpt-000001 (epoch 1" in result.output
    assert "epoch 2 must be trained again (resume with --epochs 2)" in result.output


def test_info_cli_names_the_file_and_how_to_recover(run):
    _truncate(run / "vectors.bin")
    result = CliRunner().invoke(main, ["info", str(run)])
    assert result.exit_code == 0
    assert "vectors.bin" in result.output and "resuming rewrites it from ckpt-000002" in \
        result.output
    assert f"recover with: w2v train --out {run} --resume" in result.output


def test_the_issue_scenario_through_the_command_line(run):
    """Issue 20's story: a damaged newest checkpoint, an extension, then a notebook's np.save
    over vectors.npy; the run still extends, from checkpoints that all verify."""
    _rewrite(run / NEWEST / "W_out.npy")
    for epochs in ("3", "4"):
        result = CliRunner().invoke(main, ["train", "-q", "--out", str(run), "--resume",
                                           "--epochs", epochs])
        assert result.exit_code == 0, result.output
        kept = sorted((run / "checkpoints").glob("ckpt-*"))
        assert kept and all(checkpoint.load(p).state["epoch"] >= 1 for p in kept)  # verified
        W = np.load(run / "vectors.npy")
        np.save(run / "vectors.npy", W / np.linalg.norm(W, axis=1, keepdims=True))
    assert json.loads((run / "state.json").read_text())["epoch"] == 4


def test_a_changed_corpus_ids_is_named_and_encoded_again(tmp_path):
    """corpus.ids (kept) truncated: info names it, resume encodes the corpus again (reference:
    the bytes of the first encoding); a rewrite that keeps its size but not its word count
    is refused by the session, by name."""
    corpus = demo.write(tmp_path / "demo.txt", 20_000)
    out = tmp_path / "run"
    session.run(Config(**{**CFG.to_dict(), "keep_ids": True}), [corpus], out)
    ids = out / "corpus.ids"
    first = ids.read_bytes()
    _truncate(ids)
    assert [d["file"] for d in info.run_info(out)["damage"]] == ["corpus.ids"]
    evs = _resume(out, {"epochs": 2})
    assert any(isinstance(e, events.Alert) and "corpus.ids" in e.text for e in evs)
    assert ids.read_bytes() == first
    data = np.frombuffer(first, "<i4").copy()
    data[np.flatnonzero(data == -1)[0]] = 0  # a sentence break becomes a word
    ids.write_bytes(data.tobytes())
    with pytest.raises(W2VError, match="corpus.ids changed since the run encoded it"):
        _resume(out, {"epochs": 3})


def test_a_run_without_output_records_keeps_its_newer_vectors(run):
    """A run written before outputs were recorded (no ``outputs`` in state.json) whose newest
    checkpoint is damaged: its epoch-2 vectors are not replaced by the epoch-1 checkpoint's."""
    state = json.loads((run / "state.json").read_text())
    del state["outputs"]
    (run / "state.json").write_text(json.dumps(state, indent=1))
    before = {name: (run / name).read_bytes() for name in OUTPUTS}
    _rewrite(run / NEWEST / "W_out.npy")
    evs = _resume(run)
    assert [e for e in evs if isinstance(e, events.NothingToDo)]
    assert {name: (run / name).read_bytes() for name in OUTPUTS} == before


def test_a_run_of_an_older_w2v_gets_records_and_its_hard_link_broken(run):
    """No ``outputs`` in state.json and vectors.npy a hard link to the checkpoint (as before):
    resume writes the outputs again, records them, and leaves no second copy behind."""
    state = json.loads((run / "state.json").read_text())
    del state["outputs"]
    (run / "state.json").write_text(json.dumps(state, indent=1))
    npy, ckpt_file = run / "vectors.npy", run / NEWEST / "W_in.npy"
    npy.unlink()
    npy.hardlink_to(ckpt_file)
    before = {name: (run / name).read_bytes() for name in OUTPUTS}
    evs = _resume(run)
    assert not [e for e in evs if isinstance(e, events.Alert)]
    assert {name: (run / name).read_bytes() for name in OUTPUTS} == before
    assert npy.stat().st_ino != ckpt_file.stat().st_ino
    assert not list(run.glob("*.changed"))
    assert info.run_info(run)["damage"] == []
    assert set(json.loads((run / "state.json").read_text())["outputs"]["files"]) == \
        set(OUTPUTS)
