"""A run knows its corpus by content: moved, renamed, recompressed or piped in again, the same
text extends the run (reference: the encoded corpus of the first pass, byte for byte); other
text is refused by name."""

import gzip
import shutil

import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main

FLAGS = ["--dim", "8", "--epochs", "1", "--min-count", "2", "--threads", "1", "--keep-ids"]


def _train(*args, input=None):
    result = CliRunner().invoke(main, ["train", "-q", *map(str, args)], input=input)
    return result.exit_code, result.output


@pytest.fixture
def run(tmp_path):
    """A finished 1-epoch run whose encoded corpus is kept aside as the reference, then
    removed, so that more epochs must read the corpus again."""
    corpus = demo.write(tmp_path / "data" / "demo.txt", 20_000)
    out = tmp_path / "runs" / "demo"
    assert _train(corpus, "--out", out, *FLAGS)[0] == 0
    shutil.move(out / "corpus.ids", tmp_path / "reference.ids")
    return tmp_path, corpus, out


def _extended(tmp_path, out):
    return (out / "corpus.ids").read_bytes() == (tmp_path / "reference.ids").read_bytes()


def test_a_moved_corpus_is_found_by_content(run):
    tmp_path, corpus, out = run
    moved = corpus.rename(tmp_path / "elsewhere.txt")
    code, output = _train("--out", out, "--resume", "--epochs", "2")
    assert code == 1 and f"corpus file {corpus} does not exist (moved or renamed?)" in output
    assert "--corpus PATH" in output
    code, output = _train("--out", out, "--resume", "--epochs", "2", "--corpus", moved)
    assert code == 0, output
    assert _extended(tmp_path, out)
    (out / "corpus.ids").unlink()  # the record now points at the new place
    assert _train("--out", out, "--resume", "--epochs", "3")[0] == 0


def test_positional_and_recompressed_corpus_accepted_other_text_refused(run):
    tmp_path, corpus, out = run
    packed = tmp_path / "demo.txt.gz"
    packed.write_bytes(gzip.compress(corpus.read_bytes()))
    other = tmp_path / "other.txt"
    data = bytearray(corpus.read_bytes())
    data[100] = ord("x") if data[100] != ord("x") else ord("y")
    other.write_bytes(bytes(data))  # the same size, one letter changed
    code, output = _train(other, "--out", out, "--resume", "--epochs", "2")
    assert code == 1 and "cannot resume on a different corpus: its text differs" in output
    code, output = _train(packed, "--out", out, "--resume", "--epochs", "2")
    assert code == 0, output
    assert _extended(tmp_path, out)
    code, output = _train(packed, "--out", out, "--resume", "--corpus", packed)
    assert code == 2 and "not both" in output


def test_a_run_moved_with_its_corpus_finds_it_relative_to_itself(run):
    tmp_path, corpus, out = run
    project = tmp_path.parent / (tmp_path.name + "-moved")
    shutil.copytree(tmp_path, project)
    shutil.rmtree(tmp_path / "data")
    new_out = project / "runs" / "demo"
    code, output = _train("--out", new_out, "--resume", "--epochs", "2")
    assert code == 0, output
    assert (new_out / "corpus.ids").read_bytes() == (project / "reference.ids").read_bytes()


def test_the_same_bytes_piped_again_extend_a_run_from_standard_input(tmp_path):
    corpus = demo.write(tmp_path / "demo.txt", 20_000)
    out = tmp_path / "run"
    assert _train("-", "--out", out, *FLAGS, input=corpus.read_bytes())[0] == 0
    reference = (out / "corpus.ids").read_bytes()
    (out / "corpus.ids").unlink()
    code, output = _train("-", "--out", out, "--resume", "--epochs", "2",
                          input=corpus.read_bytes()[:-200])
    assert code == 1 and "its text differs" in output and "standard input" in output
    assert not (out / "corpus.ids").exists()
    code, output = _train("--out", out, "--resume", "--epochs", "2", "--corpus", "-",
                          input=corpus.read_bytes())
    assert code == 0, output
    assert (out / "corpus.ids").read_bytes() == reference
