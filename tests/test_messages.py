"""What `w2v train` says when something goes wrong or looks wrong: where a run diverged, the
exit code of a signal (128 + its number, as a shell reports it), one prefix per message, and
the warnings for more threads than cores and checkpoints larger than the free disk."""

import os
import signal

import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return demo.write(tmp_path_factory.mktemp("m") / "demo.txt", 20_000)


SMALL = ("--dim", "8", "--epochs", "1", "--threads", "1")


def test_divergence_in_the_first_chunk_says_so(corpus, tmp_path):
    r = run("train", corpus, "--out", tmp_path / "r", "--lr", "100", *SMALL)
    assert r.exit_code == 1
    error = r.output.strip().splitlines()[-1]
    assert "diverged (NaN or inf in the first " in error and "after 0 words" not in error


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_training_exits_128_plus_its_number(corpus, tmp_path, signal_at_chunk,
                                                            signum, code):
    signal_at_chunk(1, signum)
    r = run("train", corpus, "--out", tmp_path / "r", *SMALL)
    assert r.exit_code == code and "continue with" in r.output, r.output


def test_sigterm_while_counting_exits_143(corpus, tmp_path, monkeypatch):
    from w2v.text import encoded

    def counting(*args, **kw):
        os.kill(os.getpid(), signal.SIGTERM)  # not deferred yet: the trap raises at once
        yield

    monkeypatch.setattr(encoded, "count_and_encode", counting)
    r = run("train", corpus, "--out", tmp_path / "c", *SMALL)
    assert r.exit_code == 143 and "nothing to resume" in r.output, r.output


def test_a_damaged_checkpoint_is_one_warning_not_a_note(corpus, tmp_path):
    out = tmp_path / "r"
    assert run("train", corpus, "--out", out, *SMALL).exit_code == 0
    assert run("train", "--out", out, "--resume", "--epochs", "2").exit_code == 0
    newest = sorted((out / "checkpoints").iterdir())[-1] / "W_in.npy"
    for damaged in (newest, out / "vectors.npy"):  # W_in and its twin, so none is restored
        data = bytearray(damaged.read_bytes())
        data[-1] ^= 0xFF
        damaged.write_bytes(bytes(data))
    r = run("train", "--out", out, "--resume", "--epochs", "3")
    assert r.exit_code == 0, r.output
    lines = [line for line in r.output.splitlines() if "skipping" in line]
    assert len(lines) == 1 and lines[0].startswith("warning: skipping "), r.output


def test_more_threads_than_cores_is_one_warning(corpus, tmp_path):
    from w2v.config import available_cores

    r = run("train", corpus, "--out", tmp_path / "r", "--dim", "8", "--epochs", "1",
            "--threads", available_cores() + 1)
    assert r.exit_code == 0, r.output
    lines = [line for line in r.output.splitlines() if line.startswith("warning: ")]
    assert lines == [f"warning: --threads {available_cores() + 1} is more than the "
                     f"{available_cores()} cores this process may use: the extra threads only "
                     "take turns (0 uses every core)"]
    r = run("train", corpus, "--out", tmp_path / "s", *SMALL)
    assert "warning" not in r.output


def test_disk_warning_at_the_edge():
    from w2v.run.checkpoint import KEEP
    from w2v.training.preflight import disk_warning

    each = (1000 + 999) * 10 * 4  # W_in 1000 x 10 and 999 HS rows, float32
    assert disk_warning(1000, 999, 10, free=(KEEP + 1) * each) is None
    assert "{=dim} 10" in disk_warning(1000, 999, 10, free=(KEEP + 1) * each - 1)


def test_checkpoints_larger_than_the_free_disk_warn_and_train(corpus, tmp_path, monkeypatch):
    from w2v.training import preflight

    monkeypatch.setattr(preflight, "free_bytes", lambda folder: 10_000)
    r = run("train", corpus, "--out", tmp_path / "r", *SMALL)
    assert r.exit_code == 0, r.output
    lines = [line for line in r.output.splitlines() if line.startswith("warning: ")]
    assert len(lines) == 1 and "x --dim 8 take" in lines[0] and "lower --dim" in lines[0]
