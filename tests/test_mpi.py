"""``mpiexec -n 2 w2v train`` on the demo corpus: it learns the planted analogies, two runs
are bit-identical, a run interrupted by SIGINT (or by a rank killed with SIGKILL) resumes to
the same bits, the vocabulary is the single-process one, and a run resumes only on its own
number of ranks. Skipped only when mpiexec or mpi4py are absent (the dev extra brings both)."""

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_shard import drain, hapax_corpus  # tests/ is on sys.path (rootdir conftest)

from w2v import demo
from w2v.cli import main
from w2v.run import checkpoint
from w2v.text import encoded
from w2v.text.vocab import Vocab
from w2v.vectors.vectors import Vectors

ROOT = Path(__file__).resolve().parents[1]
MPIEXEC = shutil.which("mpiexec", path=os.pathsep.join(
    [str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
pytestmark = [pytest.mark.skipif(
    MPIEXEC is None or importlib.util.find_spec("mpi4py") is None,
    reason="mpiexec or mpi4py is absent (pip install 'w2v[mpi]'; the dev extra has them)"),
    pytest.mark.slow]  # mpiexec jobs of two ranks

ANALOGIES = [("king", "male", "female", "queen"), ("man", "male", "female", "woman"),
             ("queen", "female", "male", "king"), ("woman", "female", "male", "man")]
# small sync periods and tiers (the demo's vocabulary has ~230 words), so that syncs of 64,
# 128 rows and full ones all happen; checkpoints every 100k words
SETTINGS = ["--dim", "50", "--epochs", "6", "--threads", "1", "--seed", "1",
            "--sync-every", "30000", "--sync-rows", "64", "--checkpoint-every", "100k", "-q"]


def command(n: int, *args) -> list[str]:
    return [MPIEXEC, "-n", str(n), sys.executable, "-m", "w2v", "train", *args]


def environment(tag: str) -> dict:
    """The ranks import this tree's w2v; ``W2V_TEST_TAG`` finds them in /proc."""
    return dict(os.environ, PYTHONPATH=str(ROOT), W2V_TEST_TAG=tag)


def mpirun(n: int, *args, tag="run") -> subprocess.CompletedProcess:
    return subprocess.run(command(n, *args), env=environment(tag), capture_output=True,
                          text=True, timeout=300)


def start(n: int, *args, tag: str) -> subprocess.Popen:
    return subprocess.Popen(command(n, *args), env=environment(tag), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_checkpoint(run: Path, job: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while not list((run / "checkpoints").glob("ckpt-*")):
        assert job.poll() is None, job.communicate()
        assert time.monotonic() < end, "no checkpoint appeared"
        time.sleep(0.02)


def rank_pid(tag: str, rank: int) -> int:
    """The pid of one rank of the job started with ``tag`` (hydra sets PMI_RANK)."""
    want = {f"W2V_TEST_TAG={tag}".encode(), f"PMI_RANK={rank}".encode()}
    for proc in Path("/proc").iterdir():
        try:
            env = set((proc / "environ").read_bytes().split(b"\0"))
        except OSError:
            continue
        if want <= env and proc.name.isdigit():
            return int(proc.name)
    raise AssertionError(f"rank {rank} of {tag} not found")


def same_bits(a: Path, b: Path) -> None:
    assert (a / "vectors.npy").read_bytes() == (b / "vectors.npy").read_bytes()
    ca, cb = checkpoint.latest(a), checkpoint.latest(b)
    assert np.array_equal(ca.W_out, cb.W_out)
    assert ca.state["loss_history"]["epoch"] == cb.state["loss_history"]["epoch"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return demo.write(tmp_path_factory.mktemp("mpi") / "demo.txt", 150_000)


@pytest.fixture(scope="module")
def reference(corpus) -> Path:
    """One uninterrupted two-rank run, which the other runs are compared with."""
    out = corpus.parent / "reference"
    done = mpirun(2, str(corpus), "--out", str(out), *SETTINGS, "--keep-ids")  # shards read
    assert done.returncode == 0, done.stderr
    return out


def test_two_ranks_learn_the_planted_analogies(reference):
    v = Vectors.load(reference)
    for a, b, c, expected in ANALOGIES:
        assert v.analogy(a, b, c, topn=1)[0][0] == expected
    state = checkpoint.latest(reference).state
    assert state["distributed"]["ranks"] == 2
    tiers = state["distributed"]["stats"]
    assert tiers["full_syncs"] < tiers["syncs"]  # the partial tiers ran too


def test_the_vocabulary_and_shards_are_the_single_process_ones(reference, corpus, tmp_path):
    single = drain(encoded.count_and_encode(corpus, tmp_path / "one.ids", min_count=5))
    assert Vocab.load(reference / "vocab.txt") == single
    shards = [encoded.read_ids(reference / f"corpus.rank-{r:03d}.ids", 0, 10**7) for r in (0, 1)]
    assert min(map(len, shards)) > 0
    assert np.concatenate(shards).tolist() == encoded.read_ids(tmp_path / "one.ids", 0,
                                                               10**7).tolist()


FRONT_END = """
import sys
from w2v.config import Config
from w2v.training import mpi, rank_prepare
from w2v.run.rundir import RunDir
from w2v.training.signals import SignalTrap
with SignalTrap() as trap:
    for _ in rank_prepare.fresh(mpi.world(), RunDir(sys.argv[2]), Config(min_count=2),
                                [sys.argv[1]], False, trap, prune_at=30):
        pass
"""


def test_with_pruning_the_merged_vocabulary_is_the_single_process_one(tmp_path):
    corpus, run = tmp_path / "hapax.txt", tmp_path / "run"
    hapax_corpus(corpus)
    run.mkdir()
    done = subprocess.run([MPIEXEC, "-n", "3", sys.executable, "-c", FRONT_END, str(corpus),
                           str(run)], env=environment("prune"), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    gen = encoded.count_and_encode(corpus, tmp_path / "one.ids", min_count=2, max_words=1000,
                                   prune_at=30)
    assert Vocab.load(run / "vocab.txt") == drain(gen)
    every = encoded.count_and_encode(corpus, tmp_path / "all.ids", min_count=1)
    assert len(drain(every)) > len(drain(encoded.count_and_encode(
        corpus, tmp_path / "p.ids", min_count=1, prune_at=30)))  # pruning happened


def test_two_runs_are_bit_identical(reference, corpus, tmp_path):
    done = mpirun(2, str(corpus), "--out", str(tmp_path / "again"), *SETTINGS)
    assert done.returncode == 0, done.stderr
    same_bits(reference, tmp_path / "again")


def test_a_sigint_checkpoints_and_the_resumed_run_is_bit_identical(reference, corpus, tmp_path):
    run = tmp_path / "interrupted"
    job = start(2, str(corpus), "--out", str(run), *SETTINGS, tag=str(run))
    wait_for_checkpoint(run, job)
    job.send_signal(signal.SIGINT)  # to mpiexec, which forwards it to both ranks
    _, err = job.communicate(timeout=120)
    assert job.returncode == 130, err
    assert err.count("Error: interrupted:") == 1, err  # rank 0 speaks for both
    assert f"continue with: mpiexec -n 2 w2v train --out {run} --resume" in err
    (run / "corpus.rank-001.ids").unlink()  # a lost shard is encoded again on resume
    resumed = mpirun(2, "--out", str(run), "--resume", "-q")
    assert resumed.returncode == 0, resumed.stderr
    same_bits(reference, run)


def test_a_killed_rank_ends_the_job_and_its_checkpoint_resumes(reference, corpus, tmp_path):
    run = tmp_path / "killed"
    job = start(2, str(corpus), "--out", str(run), *SETTINGS[:-1], tag=str(run))
    wait_for_checkpoint(run, job)
    os.kill(rank_pid(str(run), 1), signal.SIGKILL)
    out, err = job.communicate(timeout=120)  # the launcher ends the job; nothing hangs
    assert job.returncode != 0
    assert "signal 9" in out + err, out + err  # what the launcher (hydra) says, on stdout
    assert "if a rank dies the job ends" in err  # said at the start, with what to do
    checkpoint.latest(run)  # the last checkpoint is whole
    resumed = mpirun(2, "--out", str(run), "--resume", "-q")
    assert resumed.returncode == 0, resumed.stderr
    same_bits(reference, run)


def test_a_run_resumes_only_on_its_number_of_ranks(reference):
    three = mpirun(3, "--out", str(reference), "--resume")
    assert three.returncode == 1
    assert three.stderr.count("trained on 2 MPI ranks; resume it on 2 ranks") == 1, three.stderr
    single = CliRunner().invoke(main, ["train", "--out", str(reference), "--resume"])
    assert single.exit_code == 1
    assert "trained on 2 MPI ranks" in single.output


def test_cbow_trains_under_two_ranks(corpus, tmp_path):
    """The distributed run takes the config's architecture (the kernel, and the check of what
    is supported): CBOW with negative sampling learns the planted analogies too."""
    out = tmp_path / "cbow"
    done = mpirun(2, str(corpus), "--out", str(out), *SETTINGS, "--arch", "cbow", "--lr", "0.05")
    assert done.returncode == 0, done.stderr
    assert checkpoint.latest(out).state["config"]["arch"] == "cbow"
    v = Vectors.load(out)
    for a, b, c, expected in ANALOGIES:
        assert v.analogy(a, b, c, topn=1)[0][0] == expected
