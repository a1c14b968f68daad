"""What a single process does works under ``mpiexec -n 2`` too (issue 21): hierarchical
softmax, more epochs on a finished run, evaluation during training and continued training
(``--init``), each against a reference: the planted analogies, the lr formula of
``extend.py``, ``w2v evaluate``'s functions on the final vectors, and the single-process
``--init`` run's vocabulary and unchanged rows. Small runs on small demo corpora."""

import json
import subprocess
import sys

import numpy as np
import pytest
from test_init import CFG as INIT_CFG  # tests/ is on sys.path (rootdir conftest)
from test_mpi import ANALOGIES, MPIEXEC, SETTINGS, environment, mpirun, pytestmark  # noqa: F401

from w2v import demo
from w2v.run import checkpoint
from w2v.text.vocab import Vocab
from w2v.training import session
from w2v.training.sync import SyncPlan
from w2v.vectors.evaluate import evaluate_analogies
from w2v.vectors.vectors import Vectors
from w2v.vectors.word_pairs import evaluate_word_pairs

SMALL = ["--dim", "16", "--epochs", "2", "--threads", "1", "--seed", "2", "--min-count", "2",
         "--sync-every", "20000", "--sync-rows", "64", "-q"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return demo.write(tmp_path_factory.mktemp("mpi-features") / "demo.txt", 40_000)


def _state(out):
    return json.loads((out / "state.json").read_text())


def test_hierarchical_softmax_trains_under_two_ranks(tmp_path):
    corpus = demo.write(tmp_path / "demo.txt", 150_000)
    out = tmp_path / "hs"
    done = mpirun(2, str(corpus), "--out", str(out), *SETTINGS, "--loss", "hs", "--negative",
                  "0", "--lr", "0.05")
    assert done.returncode == 0, done.stderr
    ckpt = checkpoint.latest(out)
    V = len(Vocab.load(out / "vocab.txt"))
    assert ckpt.W_out.shape[0] == V - 1  # the tree's inner nodes, averaged like any row
    v = Vectors.load(out)
    for a, b, c, expected in ANALOGIES:
        assert v.analogy(a, b, c, topn=1)[0][0] == expected


PROGRESS = """
import json, sys
from w2v.training import events, session
for e in session.train({"epochs": 3}, [], sys.argv[1], resume=True):
    if isinstance(e, (events.Progress, events.Note)):
        print(json.dumps(e.__dict__), flush=True)
"""


def test_more_epochs_extend_a_finished_two_rank_run(small, tmp_path):
    out = tmp_path / "run"
    assert mpirun(2, str(small), "--out", str(out), *SMALL).returncode == 0
    before = _state(out)
    done = subprocess.run([MPIEXEC, "-n", "2", sys.executable, "-c", PROGRESS, str(out)],
                          env=environment("extend"), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    seen = [json.loads(line) for line in done.stdout.splitlines()]
    assert any("1 more epoch (epoch 3): lr decays afresh" in e.get("text", "") for e in seen)
    progress = [e for e in seen if "lr" in e]
    W2 = before["words_done"]
    cfg = before["config"]
    scale = SyncPlan.from_json(before["distributed"]["plan"]).lr_scale(2)  # sync_lr at 2 ranks
    for p in progress:  # extend.py's fresh decay from lr, times the rank's multiplier
        assert p["start_words"] == W2
        decay = cfg["lr"] - (cfg["lr"] - cfg["min_lr"]) * (p["words_done"] - W2) / (
            p["total_words"] - W2)
        assert p["lr"] == pytest.approx(scale * max(cfg["min_lr"], decay), rel=1e-9)
    assert progress[-1]["words_done"] == progress[-1]["total_words"] == 3 * W2 // 2
    after = _state(out)
    assert after["epoch"] == after["config"]["epochs"] == 3
    assert after["lr_schedule"] == [{"epoch": 0, "words": 0, "lr": cfg["lr"]},
                                    {"epoch": 2, "words": W2, "lr": cfg["lr"]}]
    assert after["loss_history"]["epoch"][:2] == before["loss_history"]["epoch"]


QUESTIONS = ": family\nking queen man woman\nman woman king queen\nqueen king woman man\n"
PAIRS = "king\tqueen\t9\ncoffee\ttea\t8\nrain\tsnow\t7.5\nking\tcoffee\t1\nrain\tboring\t0.5\n"


def test_evaluation_during_training_under_two_ranks(small, tmp_path):
    qw, ws, out = tmp_path / "qw.txt", tmp_path / "ws.tsv", tmp_path / "run"
    qw.write_text(QUESTIONS)
    ws.write_text(PAIRS)
    done = mpirun(2, str(small), "--out", str(out), *SMALL, "--eval-analogies", str(qw),
                  "--eval-similarity", str(ws))
    assert done.returncode == 0, done.stderr
    history = _state(out)["eval_history"]
    assert [e["epoch"] for e in history] == [1, 2]
    v = Vectors.load(out)  # the last epoch's entry is w2v evaluate's on the final vectors
    a, p = evaluate_analogies(v, qw, 30_000), evaluate_word_pairs(v, ws, 30_000)
    assert history[-1]["analogies"][str(qw)] == {"total": a["total"]["accuracy"],
                                                 "seen": a["seen"], "questions": a["questions"]}
    assert history[-1]["similarity"][str(ws)] == {"spearman": p["spearman"],
                                                  "pairs": p["pairs"]}


def test_continued_training_under_two_ranks(tmp_path):
    """``--init`` under 2 ranks: the single-process run's union vocabulary and provenance,
    and an old word absent from the new text keeps its vector bit for bit."""
    old = demo.write(tmp_path / "old.txt", 40_000, seed=0)
    lines = [line.replace("juice", "smoothie") for line in demo.generate(40_000, seed=1)
             if "tea" not in line.split()]
    new = tmp_path / "new.txt"
    new.write_text("\n".join(lines) + "\n")
    old_run, single, ranks = tmp_path / "old", tmp_path / "single", tmp_path / "ranks"
    session.run(INIT_CFG, [old], old_run)
    session.run({}, [new], single, init=old_run)
    done = mpirun(2, str(new), "--out", str(ranks), "--init", str(old_run), "-q")
    assert done.returncode == 0, done.stderr
    assert Vocab.load(ranks / "vocab.txt") == Vocab.load(single / "vocab.txt")
    assert _state(ranks)["init"] == _state(single)["init"]
    before, after = Vectors.load(old_run), Vectors.load(ranks)
    assert after.vectors[after.id("tea")].tobytes() == before.vectors[before.id("tea")].tobytes()
    assert "smoothie" in after and "smoothie" not in before
    assert not np.array_equal(after.vectors[after.id("coffee")],
                              before.vectors[before.id("coffee")])


def test_a_finished_two_rank_run_repairs_its_vectors_as_one_process_does(small, tmp_path):
    """Resuming a finished run goes through the one finished-run check (``repair.finished``):
    a vectors file changed since the run wrote it is rewritten from the final checkpoint."""
    out = tmp_path / "run"
    assert mpirun(2, str(small), "--out", str(out), *SMALL).returncode == 0
    W = np.load(out / "vectors.npy")
    W[0, 0] += 1.0
    np.save(out / "vectors.npy", W)
    done = mpirun(2, "--out", str(out), "--resume")
    assert done.returncode == 0, done.stderr
    assert "vectors.npy was changed" in done.stderr, done.stderr
    assert np.array_equal(np.load(out / "vectors.npy"), checkpoint.latest(out).W_in)


def test_vocabulary_files_under_two_ranks(small, tmp_path):
    """``save_vocab`` under 2 ranks writes the single process's file (the merged counts are
    the single-process ones), and a 2-rank run that reads it has the same vocabulary."""
    one, two = tmp_path / "one.vocab", tmp_path / "two.vocab"
    session.run({"min_count": 2, "epochs": 1, "dim": 8, "threads": 1, "save_vocab": str(one)},
                [small], tmp_path / "single")
    done = mpirun(2, str(small), "--out", str(tmp_path / "saved"), *SMALL, "--save-vocab",
                  str(two))
    assert done.returncode == 0, done.stderr
    assert two.read_bytes() == one.read_bytes()
    done = mpirun(2, str(small), "--out", str(tmp_path / "read"), *SMALL, "--read-vocab",
                  str(one), "--min-count", "40")
    assert done.returncode == 0, done.stderr
    read = Vocab.load(tmp_path / "read" / "vocab.txt")
    single = Vocab.load(tmp_path / "single" / "vocab.txt")
    kept = [w for w, c in zip(single.words, single.counts.tolist()) if c >= 40]
    assert read.words == kept and len(kept) < len(single)
    assert read.total_words == single.total_words
