"""`w2v train` as a new user meets it: resume with the stored settings, pipes, quiet and log
output, the run-folder lock, interruptions anywhere, and peers' flag names."""

import gzip
import shlex
import subprocess
import sys
import time

import numpy as np
import pytest
from click.testing import CliRunner
from interrupts import interrupt_at_chunk

from w2v import demo
from w2v.cli import main
from w2v.training import session

CONFIG = "dim = 12\nepochs = 3\nthreads = 1\nmin_count = 2\nwindow = 3\n"


def run(*args, **kw):
    result = CliRunner().invoke(main, [str(a) for a in args], **kw)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return demo.write(tmp_path_factory.mktemp("c") / "demo.txt", 40_000)


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(CONFIG + 'checkpoint_every = "5k"\n')
    return path


def test_printed_resume_command_works_with_a_config_file(corpus, config, tmp_path, monkeypatch):
    whole = tmp_path / "whole"
    assert run("train", corpus, "--config", config, "--out", whole, "-q").exit_code == 0
    out = tmp_path / "piece"
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, 2)
        r = run("train", corpus, "--config", config, "--out", out)
    assert r.exit_code == 130
    command = r.output.strip().splitlines()[-1].split("continue with: ")[1]
    assert command == f"w2v train --out {shlex.quote(str(out))} --resume"
    r = run(*shlex.split(command)[1:])  # exactly what was printed, without the config file
    assert r.exit_code == 0, r.output
    assert "epochs = 3" in r.output  # the stored config, not the defaults
    assert (whole / "vectors.npy").read_bytes() == (out / "vectors.npy").read_bytes()


def test_resume_refuses_a_disagreeing_flag_by_name(corpus, config, tmp_path, monkeypatch):
    out = tmp_path / "r"
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, 1)
        assert run("train", corpus, "--config", config, "--out", out).exit_code == 130
    r = run("train", corpus, "--out", out, "--resume", "--epochs", "5")
    assert r.exit_code == 2 and "--epochs" in r.output and "epochs = 3" in r.output
    r = run("train", "--out", out, "--resume", "--threads", "1", "--checkpoint-every", "1h",
            "--epochs", "3", "-q")  # allowed changes, and an equal value
    assert r.exit_code == 0, r.output


def test_resume_of_a_finished_run_touches_nothing(corpus, config, tmp_path):
    out = tmp_path / "done"
    assert run("train", corpus, "--config", config, "--out", out, "-q").exit_code == 0
    def files():  # all but the lock, which records who holds the folder
        return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*")
                if p.is_file() and p.name != ".lock"}

    before = files()
    r = run("train", "--out", out, "--resume")
    assert r.exit_code == 0 and "nothing to do" in r.output and "epoch 4" not in r.output
    after = files()
    assert after == before


def test_interrupted_export_leaves_no_vectors_and_resume_writes_them(corpus, config, tmp_path,
                                                                     monkeypatch):
    from w2v.training import export

    real = export.write_records
    calls = []

    def write_records(f, *args):
        calls.append(1)
        if len(calls) == 2:  # vectors.npy and vectors.txt are staged: stop in the binary file
            raise KeyboardInterrupt
        return real(f, *args)

    out = tmp_path / "x"
    with monkeypatch.context() as m:
        m.setattr(export, "write_records", write_records)
        r = run("train", corpus, "--config", config, "--out", out, "--save", "npy,txt,bin")
    assert r.exit_code == 130 and "continue with" in r.output
    assert not [p.name for p in out.iterdir() if p.name.startswith(("vectors", ".vectors"))]
    r = run("train", "--out", out, "--resume")
    assert r.exit_code == 0 and out.joinpath("vectors.bin").is_file(), r.output
    assert sorted(p.name for p in out.glob("vectors.*")) == ["vectors.bin", "vectors.npy",
                                                              "vectors.txt"]


def test_standard_input_trains_like_the_file(corpus, config, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("train", corpus, "--config", config, "--out", a, "-q").exit_code == 0
    r = run("train", "-", "--config", config, "--out", b, "-q", input=corpus.read_bytes())
    assert r.exit_code == 0, r.output
    assert (a / "vectors.npy").read_bytes() == (b / "vectors.npy").read_bytes()


def test_process_substitution_pipe(corpus, config, tmp_path):
    """`w2v train <(zcat c.gz)`, through a real shell: the pipe is read once."""
    gz = tmp_path / "c.txt.gz"
    gz.write_bytes(gzip.compress(corpus.read_bytes()))
    out = tmp_path / "p"
    cmd = (f"{shlex.quote(sys.executable)} -m w2v train <(zcat {shlex.quote(str(gz))}) "
           f"--config {shlex.quote(str(config))} --out {shlex.quote(str(out))} -q")
    done = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ref = tmp_path / "ref"
    assert run("train", corpus, "--config", config, "--out", ref, "-q").exit_code == 0
    assert (out / "vectors.npy").read_bytes() == (ref / "vectors.npy").read_bytes()


def test_quiet_prints_nothing_and_logs_have_no_carriage_returns(corpus, config, tmp_path,
                                                                monkeypatch):
    r = CliRunner().invoke(main, ["train", str(corpus), "--config", str(config),
                                                  "--out", str(tmp_path / "q"), "-q"])
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""
    from w2v import progress
    from w2v.text import encoded

    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)  # a line for every event
    monkeypatch.setattr(encoded, "BLOCK_IDS", 1000)  # counting reports every 1,000 ids
    r = CliRunner().invoke(main, ["train", str(corpus), "--config", str(config),
                                                  "--out", str(tmp_path / "l")])
    assert r.exit_code == 0 and "\r" not in r.stderr
    for text in ("counting:", "vocabulary:", "epoch 1/3:", "checkpoint saved:", "words/s"):
        assert text in r.stderr, text
    assert "threads = 1" in r.stderr and "vectors written to" in r.stdout


def test_compile_time_is_reported_apart(corpus, config, tmp_path, monkeypatch):
    """A kernel that takes 1 s for its first (compiling) call: that second is not training."""
    real = session.make_kernel

    def make_kernel(cfg, vocab):
        kernel = real(cfg, vocab)
        inner, calls = kernel.train_chunk, []

        def train_chunk(*args):
            calls.append(1)
            if len(calls) == 1:
                time.sleep(1.0)
            return inner(*args)

        kernel.train_chunk = train_chunk
        kernel.needs_compile = lambda: True
        return kernel

    monkeypatch.setattr(session, "make_kernel", make_kernel)
    seen = []
    session.run(CONFIG_DICT, [str(corpus)], tmp_path / "k", on_event=seen.append)
    names = [type(e).__name__ for e in seen]
    assert names.index("Compiling") < names.index("Progress")
    trained = next(e for e in seen if type(e).__name__ == "Trained")
    assert trained.seconds < 1.0


CONFIG_DICT = {"dim": 12, "epochs": 1, "threads": 1, "min_count": 2}


def test_lock_refuses_a_second_process(corpus, tmp_path):
    out = tmp_path / "locked"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from w2v.run.rundir import RunDir\n"
         f"with RunDir({str(out)!r}).lock():\n print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        for extra in ([], ["--resume"]):
            r = run("train", corpus, "--out", out, *extra)
            assert r.exit_code == 1 and f"pid {holder.pid}" in r.output, r.output
    finally:
        holder.kill()
        holder.wait()
    assert run("train", corpus, "--out", out, "--dim", 8, "--epochs", 1, "-q").exit_code == 0


def test_failed_run_leaves_no_empty_folder(corpus, tmp_path):
    out = tmp_path / "runs" / "empty"
    r = run("train", corpus, "--out", out, "--min-count", 10**9)
    assert r.exit_code == 1 and not out.exists()


def test_force_replaces_and_default_refuses(corpus, config, tmp_path):
    out = tmp_path / "f"
    assert run("train", corpus, "--config", config, "--out", out, "-q").exit_code == 0
    r = run("train", corpus, "--config", config, "--out", out)
    assert r.exit_code == 1 and "--resume" in r.output and "--force" in r.output
    assert "dim = " not in r.output  # refused before the settings are echoed as if training
    first = (out / "vectors.npy").read_bytes()
    r = run("train", corpus, "--config", config, "--out", out, "--force", "--seed", 2, "-q")
    assert r.exit_code == 0 and (out / "vectors.npy").read_bytes() != first


def test_divergence_at_once_says_nothing_was_checkpointed(corpus, tmp_path):
    r = run("train", corpus, "--out", tmp_path / "d", "--lr", "100", "--min-lr", "100", "-q",
            "--dim", 8)
    assert r.exit_code == 1 and "no checkpoint had been written" in r.output, r.output
    assert "last good checkpoint" not in r.output


def test_ctrl_c_while_counting_exits_130_with_one_line(corpus, tmp_path, monkeypatch):
    from w2v.text import encoded

    def boom(*args, **kw):
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(encoded, "count_and_encode", boom)
    out = tmp_path / "c"
    r = run("train", corpus, "--out", out)
    assert r.exit_code == 130 and "nothing to resume" in r.output and "Aborted" not in r.output
    assert not out.exists()


@pytest.mark.parametrize("typed, ours", [
    ("--size", "--dim"), ("-size", "--dim"), ("--vector-size", "--dim"), ("--iter", "--epochs"),
    ("--alpha", "--lr"), ("--workers", "--threads"), ("--min_count", "--min-count"),
    ("--cbow", "-cbow 1 --arch cbow"), ("-sg", "sg=0 --arch cbow"), ("-hs", "--loss hs"),
    ("--binary", "vectors.bin"),
])
def test_peers_flag_names_get_ours(corpus, typed, ours):
    r = run("train", corpus, typed, "1")
    assert r.exit_code == 2 and ours in r.output, r.output
    assert "--seed" not in r.output.replace(ours, "")  # not Click's guess


def test_softmax_with_numba_is_a_usage_error(corpus):
    r = run("train", corpus, "--loss", "softmax", "--kernel", "numba")
    assert r.exit_code == 2 and "softmax" in r.output


def test_version_and_debug_after_the_command(tmp_path):
    assert run("-V").output.startswith("w2v, version")
    r = CliRunner().invoke(main, ["similar", "x", "--vectors", str(tmp_path / "n"), "--debug"])
    assert r.exit_code == 1 and r.exc_info[0].__name__ == "VectorsError"


def test_demo_compresses_by_extension_and_refuses_to_overwrite(tmp_path):
    gz = tmp_path / "d.txt.gz"
    assert run("demo", gz, "--tokens", 2000).exit_code == 0
    plain = demo.write(tmp_path / "d.txt", 2000)
    assert gzip.decompress(gz.read_bytes()) == plain.read_bytes()
    r = run("demo", plain, "--tokens", 2000)
    assert r.exit_code == 1 and "--force" in r.output
    assert run("demo", plain, "--tokens", 3000, "--force").exit_code == 0
    assert len(plain.read_text().split()) >= 3000


def test_numpy_reference_kernel_words_per_second_line(corpus, tmp_path):
    r = run("train", corpus, "--kernel", "numpy", "--epochs", 1, "--dim", 8, "--out",
            tmp_path / "n")
    assert r.exit_code == 0 and 'kernel = "numpy"' in r.output
    assert np.isfinite(np.load(tmp_path / "n" / "vectors.npy")).all()


@pytest.mark.parametrize("command", [["similar", "king"], ["plot"],
                                     ["evaluate", "--similarity", __file__]])
def test_ctrl_c_in_any_command_is_one_line_and_exit_130(command, tmp_path, monkeypatch):
    from w2v.vectors.vectors import Vectors

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(Vectors, "load", interrupted)
    r = run(*command, "--vectors", tmp_path)
    assert r.exit_code == 130 and r.output.strip() == "Error: interrupted", r.output


def test_train_help_shows_the_real_defaults():
    """Before the fix, 1 and 0 were looked up in {True: "true", False: "false"} and shown as
    "true" / "false" (--seed, --threads, --max-vocab)."""
    r = CliRunner().invoke(main, ["train", "--help"], terminal_width=200)
    flat = " ".join(r.output.split())
    assert "sampling). [default: 1]" in flat and "0: all cores. [default: 0]" in flat
    assert "0: all. [default: 0]" in flat
