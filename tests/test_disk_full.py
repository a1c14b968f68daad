"""A full disk while encoding or writing the vectors: one line naming the file and what to do,
nothing half-written left, and doing what it says works. The disk is a real one: a small
tmpfs mounted for the test (root only: skipped elsewhere), so the errors are the ones the
operating system and numpy really raise (numpy's short write: "N requested and M written")."""

import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main
from w2v.run import checkpoint

FLAGS = ["--dim", "50", "--epochs", "1", "--min-count", "5", "--threads", "1", "-q"]


@pytest.fixture
def disk(tmp_path):
    """A tmpfs at tmp_path/disk; ``disk.resize(kb)`` sets its size (contents kept)."""
    root = tmp_path / "disk"
    root.mkdir()

    def mount(*options):
        cmd = ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(root)]
        return subprocess.run(cmd, capture_output=True).returncode == 0

    if not mount("size=4k"):
        pytest.skip("mounting a tmpfs needs root")

    class Disk:
        path = root

        @staticmethod
        def resize(kb):
            assert mount("remount", f"size={kb}k")

    yield Disk
    subprocess.run(["umount", str(root)], check=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return demo.write(tmp_path_factory.mktemp("c") / "demo.txt", 100_000)  # 437 kB of ids


def _train(*args):
    r = CliRunner().invoke(main, ["train", *map(str, args)])
    return r.exit_code, r.output


def test_disk_full_while_encoding_says_so_and_the_same_command_works_after(disk, corpus):
    disk.resize(200)
    out = disk.path / "run"
    code, output = _train(corpus, "--out", out, *FLAGS)
    assert code == 1 and output.count("\n") == 1, output
    assert f"disk full while writing {out / 'corpus.ids'}" in output
    assert "run the same command again" in output
    assert not out.exists() or not [p for p in out.iterdir() if p.name != ".lock"]
    disk.resize(2048)
    assert _train(corpus, "--out", out, *FLAGS) == (0, "")


def test_disk_full_while_writing_vectors_says_so_and_resume_writes_them(disk, corpus):
    disk.resize(640)  # the ids, the checkpoint and vectors.npy fit; vectors.txt does not
    out = disk.path / "run"
    code, output = _train(corpus, "--out", out, "--save", "npy,txt", *FLAGS)
    assert code == 1 and output.count("\n") == 1, output
    assert f"disk full while writing {out / 'vectors.txt'}" in output
    assert "--resume writes the vectors from the final checkpoint" in output
    assert not (out / "vectors.txt").exists() and not (out / "vectors.npy").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".vectors")]
    disk.resize(2048)
    assert _train("--out", out, "--resume", "-q") == (0, "")
    np.testing.assert_array_equal(np.load(out / "vectors.npy"), checkpoint.latest(out).W_in)
    assert (out / "vectors.txt").stat().st_size > 0
