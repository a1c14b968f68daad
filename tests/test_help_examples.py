"""Every example in every ``--help`` works when pasted: outside the repository, after the demo
(``scripts/demo.sh``: the demo corpus in runs/demo.txt and a run in runs/demo). Each command's
block runs in its own copy of that folder, so that one block's files do not help another."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from w2v.cli import main

pytestmark = pytest.mark.slow  # every example of every command, after a demo run

REPO = Path(__file__).resolve().parents[1]


def examples(command: str | None) -> list[str]:
    """The lines of the ``Example:`` block (Click's ``\\b``) of a command's help."""
    args = [command, "--help"] if command else ["--help"]
    text = CliRunner().invoke(main, args, prog_name="w2v", terminal_width=200).output
    lines = text.splitlines()
    start = [i for i, line in enumerate(lines) if line.strip() == "Example:"]
    assert start, f"w2v {command or ''} --help has no example"
    block = []
    for line in lines[start[0] + 1 :]:
        if not line.strip():
            break
        block.append(line.strip())
    return block


def w2v(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "w2v", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def after_demo(tmp_path_factory):
    """What demo.sh leaves, small: the demo corpus (fewer tokens) and a run trained on it."""
    root = tmp_path_factory.mktemp("after-demo")
    assert w2v("demo", "runs/demo.txt", "--tokens", 60_000, cwd=root).returncode == 0
    r = w2v("train", "runs/demo.txt", "--dim", 20, "--epochs", 2, "--threads", 1,
            "--out", "runs/demo", "-q", cwd=root)
    assert r.returncode == 0, r.stderr
    return root


COMMANDS = [None, *sorted(main.commands)]


def test_every_command_has_an_example():
    assert all(examples(c) for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c or "w2v")
def test_examples_run_after_the_demo(after_demo, tmp_path, command):
    here = tmp_path / "here"
    shutil.copytree(after_demo, here)
    script = "\n".join(examples(command))
    shim = f'w2v() {{ PYTHONPATH="{REPO}" "{sys.executable}" -m w2v "$@"; }}\n'
    r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", shim + script], cwd=here,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{script}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
