"""``w2v phrases`` on the command line: outputs, the pipe into ``w2v train -``, error paths, and
the built-in phrase analogies."""

import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from w2v.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEXT = "the new york times\nin new york city\nnew york is big\n" * 5 + "york\n"


def run(*args, **kw):
    result = CliRunner().invoke(main, [str(a) for a in args], **kw)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "c.txt").write_text(TEXT)
    return tmp_path / "c.txt"


def test_stdout_file_and_apply_agree(corpus, tmp_path):
    r = run("phrases", corpus, "-o", "-", "--threshold", "3", "--min-count", "2")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:2] == ["the new_york times", "in new_york city"]
    r = run("phrases", corpus, "-o", tmp_path / "o.txt.gz", "--threshold", "3",
            "--min-count", "2")
    assert r.exit_code == 0 and "pairs joined" in r.stderr and "--apply" in r.stderr
    assert gzip.decompress((tmp_path / "o.txt.gz").read_bytes()).decode() == \
        run("phrases", corpus, "-o", "-", "--threshold", "3", "--min-count", "2").stdout
    saved = tmp_path / "o.txt.gz.phrases"
    assert saved.read_text().startswith("# w2v-phrases 1\n")
    r = run("phrases", corpus, "-o", tmp_path / "a.txt.gz", "--apply", saved)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "a.txt.gz").read_bytes() == (tmp_path / "o.txt.gz").read_bytes()


@pytest.mark.parametrize("args, code, text", [
    (["{c}", "-o", "{c}"], 2, "is also an input"),
    (["{c}", "-o", "{tmp}/exists.txt"], 2, "exists; choose another --out or add --force"),
    (["{c}", "-o", "-", "--apply", "{c}", "--threshold", "3"], 2,
     "--apply uses the saved phrases; --threshold is for learning"),
    (["{c}", "-o", "-", "--apply", "{c}"], 1, "is not a w2v phrases file"),
    (["{c}", "-o", "-", "--passes", "0"], 2, "0 is not in the range x>=1"),
    (["{c}", "-o", "-", "--scoring", "pmi"], 2, "'pmi' is not one of"),
    (["-o", "-"], 2, "give the corpus files"),
    (["{c}", "-o", "{tmp}/no/x.txt"], 2, "/no does not exist; create it for --out first"),
    (["{tmp}/none.txt", "-o", "-"], 2, "does not exist"),
])
def test_errors(corpus, tmp_path, args, code, text):
    (tmp_path / "exists.txt").write_text("x")
    r = run("phrases", *[a.format(c=corpus, tmp=tmp_path) for a in args])
    assert r.exit_code == code and text in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1


def test_scorings_listed_in_the_cli_are_the_librarys():
    from w2v.cli.phrases import SCORINGS
    from w2v.text.phrase_score import SCORERS

    assert list(SCORERS) == SCORINGS


def test_pipe_into_train(corpus, tmp_path):
    """``w2v phrases ... -o - | w2v train -``: the phrases are words of the trained run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    phrases = subprocess.Popen([sys.executable, "-m", "w2v", "phrases", str(corpus), "-o", "-",
                                "--threshold", "3", "--min-count", "2"],
                               stdout=subprocess.PIPE, env=env)
    train = subprocess.run([sys.executable, "-m", "w2v", "train", "-", "--out",
                            str(tmp_path / "run"), "--dim", "8", "--epochs", "1",
                            "--min-count", "1", "--threads", "1", "-q"],
                           stdin=phrases.stdout, env=env, capture_output=True, text=True)
    phrases.stdout.close()
    assert phrases.wait() == 0 and train.returncode == 0, train.stderr
    vocab = (tmp_path / "run" / "vocab.txt").read_text().split()
    assert "new_york" in vocab and "york" in vocab


def test_builtin_phrase_analogies():
    from w2v.vectors.evalsets import DATA, resolve

    label, path = resolve("phrases", "analogies")
    assert (label, path) == ("phrases", DATA / "questions-phrases.txt")
    lines = path.read_text().splitlines()
    assert sum(not line.startswith(":") for line in lines) == 3218
    assert "New_York New_York_Times Baltimore Baltimore_Sun" in lines
    readme = (DATA / "README.md").read_text()
    assert hashlib.md5(path.read_bytes()).hexdigest() in readme


def test_python_api_writes_what_the_command_writes(corpus, tmp_path):
    """w2v.phrases (the library call the command makes) against the command line's output."""
    import w2v

    found = w2v.phrases([str(corpus)], str(tmp_path / "py.txt"), threshold=3, min_count=2,
                        passes=2)
    assert len(found) == 2 and found[0].joined > 0
    r = run("phrases", corpus, "-o", "-", "--threshold", "3", "--min-count", "2", "--passes", "2")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "py.txt").read_text() == r.stdout
