"""``w2v info``: every figure checked against the run's own files, read here by hand (state.json
with json, vocab.txt line by line, sizes with os.stat), on a finished run, a real interrupted
one (SIGINT), one that diverged before its first checkpoint, and damaged ones."""

import json
import os
import shutil
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main
from w2v.errors import DivergenceError, Interrupted
from w2v.training import events
from w2v.training.session import run as train


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def strict(text: str):
    def refuse(name):
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("info")
    corpus = demo.write(root / "d.txt", 30_000)
    settings = {"dim": 10, "epochs": 3, "threads": 1}
    train(settings, [corpus], root / "done")

    def stop(event):  # a real Ctrl-C: the signal trap checkpoints, then raises Interrupted
        if isinstance(event, events.EpochDone) and event.epoch == 1:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(Interrupted):
        train(settings, [corpus], root / "interrupted", on_event=stop)
    with pytest.raises(DivergenceError):
        train({**settings, "lr": 100}, [corpus], root / "diverged")
    return root


def by_hand(folder: Path) -> dict:
    """The reference: what the folder's files say, without w2v's code."""
    lines = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    sizes = {}
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.name == "checkpoints":
            continue
        sizes[entry.name] = entry.stat().st_size
    for ckpt in (folder / "checkpoints").glob("ckpt-*"):
        sizes[f"checkpoints/{ckpt.name}"] = sum(f.stat().st_size for f in ckpt.iterdir())
    return {"words": len(lines) - 1, "total": int(lines[0].split("total_words=")[1]),
            "rarest": int(lines[-1].split("\t")[1]), "sizes": sizes}


def test_finished_run_against_its_files(runs):
    folder = runs / "done"
    r = cli("info", folder, "--json")
    assert r.exit_code == 0, r.output
    info, state, ref = strict(r.stdout), json.loads((folder / "state.json").read_text()), \
        by_hand(folder)
    assert info["status"] == "finished" and not info["resumable"]
    assert info["config"] == state["config"] and info["corpus"] == state["corpus"]
    assert info["loss"]["epoch"] == state["loss_history"]["epoch"]
    assert len(info["loss"]["epoch"]) == 3
    assert info["training"] == {
        "epochs_done": 3, "epochs_planned": 3, "words_trained": state["words_done"],
        "train_seconds": state["train_seconds"],
        "words_per_second": state["words_done"] / state["train_seconds"]}
    vocab = info["vocabulary"]
    assert (vocab["words"], vocab["corpus_words"], vocab["rarest_count"]) == (
        ref["words"], ref["total"], ref["rarest"])
    assert (vocab["min_count"], vocab["max_vocab"]) == (5, 0)
    assert {f["name"]: f["bytes"] for f in info["files"]} == ref["sizes"]
    assert info["problems"] == [] and info["eval_history"] == []

    text = cli("info", folder).stdout
    for epoch, loss in enumerate(state["loss_history"]["epoch"], start=1):
        assert f"{epoch}  {loss:.4f}" in text
    assert f"vocabulary: {ref['words']:,} words (min_count 5;" in text
    assert "finished: all 3 of 3 epochs" in text and "vectors.npy" in text


def test_eval_history_is_shown_per_epoch(runs, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(runs / "done", folder)
    state = json.loads((folder / "state.json").read_text())
    history = [
        {"epoch": 1, "analogies": {"/data/questions-words.txt": {"total": 0.25, "seen": 40}},
         "similarity": {"wordsim353": {"spearman": 0.5, "pairs": 12}}},
        {"epoch": 3, "analogies": {"/data/questions-words.txt": {"total": 0.375, "seen": 40}},
         "similarity": {}},
    ]
    state["eval_history"] = history
    (folder / "state.json").write_text(json.dumps(state))
    assert strict(cli("info", folder, "--json").stdout)["eval_history"] == history
    rows = {line.split()[0]: line.split() for line in cli("info", folder).stdout.splitlines()
            if line.strip()[:1].isdigit() and len(line.split()) == 4}
    losses = state["loss_history"]["epoch"]
    assert rows["1"] == ["1", f"{losses[0]:.4f}", "25.0%", "0.5000"]
    assert rows["2"] == ["2", f"{losses[1]:.4f}", "-", "-"]  # no evaluation that epoch
    assert rows["3"] == ["3", f"{losses[2]:.4f}", "37.5%", "-"]
    header = next(ln for ln in cli("info", folder).stdout.splitlines() if ln.startswith("epoch"))
    assert header.split() == ["epoch", "loss", "questions-words.txt", "wordsim353"]


def test_interrupted_run(runs):
    folder = runs / "interrupted"
    state = json.loads((folder / "state.json").read_text())
    r = cli("info", folder, "--json")
    info = strict(r.stdout)
    assert info["status"] == "unfinished" and info["resumable"]
    assert info["training"]["epochs_done"] == state["epoch"] < 3
    assert info["training"]["words_trained"] == state["words_done"] > 0
    assert not any(f["name"].startswith("vectors.") for f in info["files"])
    assert any(f["name"].startswith("checkpoints/ckpt-") for f in info["files"])
    r = cli("info", folder)
    assert r.exit_code == 0 and "unfinished" in r.stdout
    assert f"continue with: w2v train --out {folder} --resume" in r.stderr


def test_run_that_diverged_before_a_checkpoint(runs):
    folder = runs / "diverged"
    info = strict(cli("info", folder, "--json").stdout)
    ref = by_hand(folder)
    assert info["status"] == "no checkpoint" and not info["resumable"]
    assert info["config"] == {} and info["state_file"] is None
    assert info["vocabulary"]["words"] == ref["words"]
    assert {f["name"] for f in info["files"]} == {"vocab.txt", "corpus.ids"}
    assert "before the first checkpoint" in cli("info", folder).stdout


def test_corrupt_state_falls_back_to_the_checkpoint(runs, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(runs / "done", folder)
    (folder / "state.json").write_text('{"config": {"dim": 1')
    ckpt = sorted((folder / "checkpoints").glob("ckpt-*"))[-1]
    expected = json.loads((ckpt / "state.json").read_text())
    r = cli("info", folder, "--json")
    assert r.exit_code == 0, r.output
    info = strict(r.stdout)
    assert info["state_file"] == str(ckpt / "state.json")
    assert info["loss"]["epoch"] == expected["loss_history"]["epoch"]
    assert len(info["problems"]) == 1 and "state.json" in info["problems"][0]
    assert "warning:" in cli("info", folder).stdout


@pytest.mark.parametrize("make, message", [
    (lambda p: p.mkdir(), "is not a w2v run folder"),
    (lambda p: p.write_text("x"), "is not a folder"),
    (lambda p: None, "does not exist"),
])
def test_not_a_run_is_one_line(tmp_path, make, message):
    target = tmp_path / "x"
    make(target)
    r = cli("info", target)
    assert r.exit_code == 1 and message in r.output
    assert len([ln for ln in r.output.splitlines() if ln.startswith("Error")]) == 1


def test_help_lists_info_and_export():
    listed = {line.split()[0] for line in cli("--help").output.split("Commands:")[1].splitlines()
              if line.strip()}
    assert {"info", "export"} <= listed


def test_an_export_folder_is_not_a_run(runs, tmp_path):
    """An npy export leaves vectors.npy and its vocabulary, but no state, checkpoint or
    corpus."""
    out = tmp_path / "few" / "vectors.npy"
    r = cli("export", runs / "done", "--format", "npy", "--most-frequent", 5, "-o", out)
    assert r.exit_code == 0
    r = cli("info", out.parent)
    assert r.exit_code == 1 and "is not a w2v run folder" in r.output
