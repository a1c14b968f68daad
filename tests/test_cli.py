"""The command line: real runs and every error path (exit code + one-line message)."""

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main


def run(*args, **kw):
    result = CliRunner().invoke(main, [str(a) for a in args], **kw)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    corpus = demo.write(root / "demo.txt", 200_000)
    out = root / "run"
    result = run("train", corpus, "--out", out, "--dim", 30, "--threads", 1, "-q")
    assert result.exit_code == 0, result.output
    return corpus, out


def test_train_prints_config_and_writes_outputs(trained):
    corpus, out = trained
    for name in ("vectors.npy", "vectors.txt", "vectors.bin", "vocab.txt", "state.json"):
        assert (out / name).is_file()
    state = json.loads((out / "state.json").read_text())
    assert state["config"]["dim"] == 30 and len(state["loss_history"]["epoch"]) == 5


def test_queries(trained, tmp_path):
    _, out = trained
    r = run("analogy", "king", "male", "female", "--vectors", out, "-n", 3)
    assert r.exit_code == 0 and r.output.splitlines()[2].split()[1] == "queen"
    r = run("analogy", "king", "male", "female", "--vectors", out, "--method", "mul", "--json")
    assert json.loads(r.output)["results"][0]["word"] == "queen"
    r = run("analogy", "--questions", "-", "--vectors", out, input="king male female\n"
            "man male female\n")
    assert r.exit_code == 0 and r.output.count(" = ?") == 2
    r = run("similar", "rain", "--vectors", out, "--json")
    assert {x["word"] for x in json.loads(r.output)["results"][:4]} & {"snow", "hail"}
    words = tmp_path / "words.txt"
    words.write_text("king queen rain snow coffee tea notaword")
    r = run("plot", "--vectors", out, "--words", words, "-o", tmp_path / "p.png")
    assert r.exit_code == 0 and "notaword" in r.output and (tmp_path / "p.png").is_file()
    r = run("plot", "--loss", out, "-o", tmp_path / "loss.png")
    assert r.exit_code == 0 and (tmp_path / "loss.png").is_file()


def test_evaluate_cli(trained, tmp_path):
    _, out = trained
    q = tmp_path / "q.txt"
    q.write_text(": family\nking queen man woman\nking queen boy girl\nking queen x y\n")
    p = tmp_path / "p.tsv"
    p.write_text("king\tqueen\t8\nrain\tsnow\t9\ncoffee\tking\t1\nrain\tboring\t0.5\n")
    r = run("evaluate", "--vectors", out, "--analogies", q, "--similarity", p, "--json")
    report = json.loads(r.output)
    assert report["analogies"]["questions"] == 3 and report["analogies"]["oov_skipped"] == 1
    assert report["similarity"][str(p)]["pairs"] == 4
    r = run("evaluate", "--vectors", out, "--analogies", q)
    assert "coverage: 2/3 questions" in r.output


def expect(result, code, text):
    assert result.exit_code == code, result.output
    assert text in result.output, result.output
    lines = [ln for ln in result.output.strip().splitlines() if ln.startswith("Error")]
    assert len(lines) == 1


@pytest.mark.parametrize("args, code, text", [
    (["train", "/no/such/file.txt"], 2, "does not exist"),
    (["train", "{tmp}"], 2, "is a directory"),
    (["train", "{corpus}", "--dim", "0"], 2, "dim (--dim) must be between"),
    (["train", "{corpus}", "--window", "-3"], 2, "window (--window) must be between"),
    (["train", "{corpus}", "--negative", "0"], 2, "negative (--negative) must be between"),
    (["train", "{corpus}", "--epochs", "0"], 2, "epochs (--epochs) must be between"),
    (["train", "{corpus}", "--epochs", "1000000000"], 2, "epochs (--epochs) must be between"),
    (["train", "{corpus}", "--dim", "100000000"], 2, "dim (--dim) must be between"),
    (["train", "{corpus}", "--lr", "0"], 2, "lr (--lr) must be > 0"),
    (["train", "{corpus}", "--lr", "-1"], 2, "lr (--lr) must be > 0"),
    (["train", "{corpus}", "--dim", "ten"], 2, "'ten' is not a valid integer"),
    (["train", "{corpus}", "--config", "{badkey}"], 2, "unknown config file key 'dimm'"),
    (["train", "{corpus}", "--config", "{badtype}"], 2, "dim (--dim) must be int"),
    (["train", "{corpus}", "--out", "{file}"], 2, "exists and is not a folder"),
    (["train", "{corpus}", "--out", "{file}/sub"], 1, "Not a directory"),
    (["train", "{empty}", "--out", "{tmp}/e"], 1, "the corpus has no words"),
    (["train", "{corpus}", "--min-count", "10000000", "--out", "{tmp}/m"], 1,
     "no word occurs 10000000 times"),
    (["train", "{corpus}", "--out", "{tmp}/r", "--resume"], 1, "no checkpoint"),
    (["analogy", "king", "male", "--vectors", "{run}"], 2, "give three words"),
    (["analogy", "kingg", "male", "female", "--vectors", "{run}"], 1,
     "'kingg' is not in the vocabulary; closest: king"),
    (["analogy", "king", "king", "female", "--vectors", "{run}"], 1, "must differ"),
    (["similar", "rain", "--vectors", "{file}"], 1, "not a word2vec file"),
    (["similar", "rain", "--vectors", "{tmp}/none"], 1, "does not exist"),
    (["plot", "--vectors", "{run}", "-o", "{tmp}/x.jpg"], 1, ".png, .svg or .pdf"),
    (["plot", "--loss", "{tmp}"], 1, "no state.json"),
    (["evaluate", "--vectors", "{run}"], 2, "--analogies FILE"),
])
def test_errors(trained, tmp_path, args, code, text):
    corpus, out = trained
    names = {"tmp": tmp_path, "corpus": corpus, "run": out, "file": tmp_path / "f.txt",
             "empty": tmp_path / "empty.txt", "badkey": tmp_path / "k.toml",
             "badtype": tmp_path / "t.toml"}
    names["file"].write_text("just text\n")
    names["empty"].write_text("  \n\n \t\n")
    names["badkey"].write_text("dimm = 3\n")
    names["badtype"].write_text('dim = "3"\n')
    expect(run(*[a.format(**names) for a in args]), code, text)


def test_binary_garbage_trains_or_fails_cleanly(tmp_path):
    path = tmp_path / "garbage.bin"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 200_000, dtype=np.uint8).tobytes())
    r = run("train", path, "--out", tmp_path / "g", "--min-count", "1", "--epochs", "1",
            "--dim", "8")
    assert r.exit_code in (0, 1)
    assert "invalid UTF-8" in r.output  # a note, not shown with -q


def test_corrupt_checkpoint_on_resume(trained, tmp_path, monkeypatch):
    corpus, out = trained
    import shutil

    run_dir = tmp_path / "copy"
    shutil.copytree(out, run_dir)
    for ckpt in (run_dir / "checkpoints").iterdir():
        (ckpt / "W_in.npy").write_bytes(b"garbage")
    state = json.loads((run_dir / "state.json").read_text())
    r = run("train", corpus, "--out", run_dir, "--resume", "--dim", "30", "--threads", "1")
    expect(r, 1, "sha256 mismatch")
    assert state["epoch"] == 5


def test_divergence_cli(tmp_path):
    corpus = demo.write(tmp_path / "d.txt", 30_000)
    r = run("train", corpus, "--out", tmp_path / "r", "--lr", "50", "--min-lr", "50", "-q",
            "--checkpoint-every", "10k")
    expect(r, 1, "training diverged")


def test_debug_shows_traceback(tmp_path):
    r = CliRunner().invoke(main, ["--debug", "similar", "x", "--vectors", str(tmp_path / "n")])
    assert r.exit_code == 1 and r.exc_info[0].__name__ == "VectorsError"


def test_help_is_fast_and_light():
    code = ("import sys, w2v.cli; from click.testing import CliRunner; "
            "CliRunner().invoke(w2v.cli.main, ['--help']); "
            "print(sorted(m for m in ('numpy', 'numba', 'matplotlib', 'sklearn') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    r = run("--help")
    for command in ("train", "gradcheck", "analogy", "similar", "evaluate", "plot", "demo"):
        assert command in r.output
    assert run("--version").output.startswith("w2v, version")
