"""The query prompt (``w2v similar`` / ``w2v analogy`` with no words): fed through standard
input, each query's block equals what the one-shot command prints for the same query (the
reference), an unknown word answers with the one-shot command's one-line message and the
prompt goes on, and EOF, ``EXIT`` and Ctrl-C end it with exit code 0, on a pipe and on a
terminal (a pseudo-terminal: the prompt, Ctrl-D, SIGINT)."""

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from w2v.cli import main
from w2v.prompt import serve
from w2v.vectors.vectors import Vectors

REPO = Path(__file__).resolve().parents[1]


def cli(*args, stdin=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=stdin)
    assert "Traceback" not in result.output
    return result


def one_shot(*args):
    """What the one-shot command prints for one query: stdout, or its one-line error."""
    r = cli(*args)
    return r.stdout if r.exit_code == 0 else r.stderr


@pytest.fixture(scope="module")
def words(small_run):
    return Vectors.load(small_run).words


def test_similar_blocks_equal_one_shot_answers(small_run, words):
    queries = [[words[0]], [words[3], words[5]], [words[4], f"-{words[9]}"], ["zzqx"],
               [words[7]]]
    stdin = "\n".join([" ".join(queries[0]), "", *(" ".join(q) for q in queries[1:]), "EXIT",
                       words[2]]) + "\n"
    r = cli("similar", "--vectors", small_run, "-n", 4, stdin=stdin)
    assert r.exit_code == 0, r.output
    expected = []
    for q in queries:
        plus = [w for w in q if not w.startswith("-")]
        minus = [x for w in q if w.startswith("-") for x in ("--minus", w[1:])]
        expected.append(one_shot("similar", small_run, *plus, *minus, "-n", 4) + "\n")
    assert expected[3].startswith("Error: 'zzqx' is not in the vocabulary")
    assert r.stdout == "".join(expected)  # the blank line skipped, nothing after EXIT


def test_analogy_json_lines_equal_one_shot(small_run, words):
    triples = [words[1:4], words[10:13], [words[1], "zzqx", words[2]]]
    stdin = "".join(" ".join(t) + "\n" for t in triples) + f"{words[1]} {words[2]}"  # no \n at EOF
    r = cli("analogy", small_run, "--json", "-n", 3, stdin=stdin)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert len(lines) == 4
    for line, t in zip(lines[:2], triples[:2], strict=True):
        assert line == one_shot("analogy", small_run, *t, "--json", "-n", 3).strip()
    unknown = one_shot("analogy", small_run, *triples[2], "--json")
    assert json.loads(lines[2]) == {"query": triples[2],
                                    "error": unknown.strip().removeprefix("Error: ")}
    assert json.loads(lines[3])["error"].startswith("give three words A B C")


def test_interrupt_leaves_cleanly():
    def read_line():
        raise KeyboardInterrupt

    assert serve(lambda w: "", read_line, print, str, False) == 0


# The child restores SIGINT itself: a shell without job control starts background jobs with
# SIGINT ignored, Python keeps an ignored SIGINT, and a blocked one stays blocked across exec.
CHILD = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
         "signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT]); sys.argv[0] = 'w2v'; "
         "runpy.run_module('w2v', run_name='__main__')")


def _terminal(small_run, keys, stop):
    """Run ``w2v similar`` on a pseudo-terminal, type ``keys``, then ``stop`` it; returns the
    exit code and everything it printed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, "similar", str(small_run), "-n", "2"],
                            stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    out = b""
    os.write(leader, keys)
    deadline = time.time() + 60
    while out.count(b"similar> ") < 2 and time.time() < deadline:
        out += os.read(leader, 4096)  # the answer, then the next prompt
    stop(leader, proc)
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = f"still running after: {out!r}"
    try:
        while chunk := os.read(leader, 4096):
            out += chunk
    except OSError:  # the terminal closed
        pass
    os.close(leader)
    return code, out.decode()


@pytest.mark.parametrize("stop", ["ctrl-d", "sigint"])
def test_terminal_prompt_ends_with_ctrl_d_or_ctrl_c(small_run, words, stop):
    if stop == "ctrl-d":
        def end(leader, proc):
            os.write(leader, b"\x04")
    else:
        def end(leader, proc):
            proc.send_signal(signal.SIGINT)
    code, out = _terminal(small_run, f"{words[0]}\n".encode(), end)
    assert code == 0 and "Traceback" not in out, out
    assert "Ctrl-D or EXIT to leave" in out and "similar> " in out
    answer = one_shot("similar", small_run, words[0], "-n", 2)
    assert answer.replace("\n", "\r\n") in out  # the terminal turns \n into \r\n
