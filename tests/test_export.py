"""``w2v export``: each format read back by an independent reader (gensim for word2vec txt/bin,
a hand parse for the projector's tsv, numpy and the vocabulary file for npy) equals the rows
chosen; a run's own files are never replaced, and a failed write leaves nothing behind."""

import os

import numpy as np
import pytest
from click.testing import CliRunner

from w2v.cli import main
from w2v.text.vocab import Vocab
from w2v.vectors import export as export_module
from w2v.vectors.vectors import Vectors


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def run_dir(small_run):
    return small_run


def reference(run_dir):
    """The run's words and float32 rows, straight from vectors.npy and vocab.txt."""
    vocab = Vocab.load(run_dir / "vocab.txt")
    return vocab, np.load(run_dir / "vectors.npy")


@pytest.mark.parametrize("fmt", ["txt", "bin"])
def test_word2vec_formats_load_in_gensim(run_dir, tmp_path, fmt):
    gensim = pytest.importorskip("gensim")
    vocab, matrix = reference(run_dir)
    out = tmp_path / f"v.{fmt}"
    r = cli("export", run_dir, "--format", fmt, "-o", out)
    assert r.exit_code == 0 and f"wrote {len(vocab):,} vectors (12-d)" in r.stdout, r.output
    kv = gensim.models.KeyedVectors.load_word2vec_format(str(out), binary=fmt == "bin")
    assert kv.index_to_key == vocab.words
    np.testing.assert_array_equal(kv.vectors, matrix)  # %.9g is exact for float32


def test_tsv_for_the_projector_parses_back(run_dir, tmp_path):
    vocab, matrix = reference(run_dir)
    out = tmp_path / "projector"
    r = cli("export", run_dir, "--format", "tsv", "--most-frequent", 50, "-o", out)
    assert r.exit_code == 0, r.output
    rows = [line.split("\t") for line in (out / "vectors.tsv").read_text().splitlines()]
    assert np.array_equal(np.array(rows, dtype=np.float32), matrix[:50])
    assert (out / "metadata.tsv").read_text().splitlines() == vocab.words[:50]


def test_npy_round_trip_keeps_counts(run_dir, tmp_path):
    vocab, matrix = reference(run_dir)
    words = tmp_path / "w.txt"
    picked = [vocab.words[7], vocab.words[2], "notaword", vocab.words[7], vocab.words[30]]
    words.write_text(" ".join(picked))
    out = tmp_path / "sub" / "few.npy"
    r = cli("export", run_dir, "--format", "npy", "--words", words, "-o", out)
    assert r.exit_code == 0 and "skipped: notaword" in r.stderr, r.output
    ids = [7, 2, 30]  # file order, the repeat and the unknown word dropped
    np.testing.assert_array_equal(np.load(out), matrix[ids])
    saved = Vocab.load(out.parent / "few.vocab.txt")
    assert saved.words == [vocab.words[i] for i in ids]
    assert saved.counts.tolist() == vocab.counts[ids].tolist()
    back = Vectors.load(out)
    assert back.words == saved.words and np.array_equal(back.vectors, matrix[ids])


def test_from_a_word2vec_file_and_glove(run_dir, tmp_path):
    """Any vectors file is a source; npy from one without counts writes count 0."""
    vocab, matrix = reference(run_dir)
    glove = tmp_path / "g.txt"
    glove.write_text("".join(f"{w} {' '.join(f'{x:.9g}' for x in row)}\n"
                             for w, row in zip(vocab.words[:5], matrix[:5])))
    out = tmp_path / "n" / "g.npy"
    assert cli("export", glove, "--format", "npy", "-o", out).exit_code == 0
    assert Vocab.load(out.parent / "g.vocab.txt").counts.tolist() == [0] * 5
    np.testing.assert_array_equal(np.load(out), matrix[:5])


def test_never_replaces_a_runs_files_and_asks_before_replacing(run_dir, tmp_path):
    before = {p.name: p.read_bytes() for p in run_dir.iterdir() if p.is_file()}
    cases = [("txt", run_dir / "vectors.txt"), ("npy", run_dir / "vectors.npy")]
    for fmt, out in cases:
        r = cli("export", run_dir, "--format", fmt, "-o", out, "--force")
        assert r.exit_code == 1 and "is a file of the w2v run" in r.output, r.output
    assert {p.name: p.read_bytes() for p in run_dir.iterdir() if p.is_file()} == before
    out = tmp_path / "v.txt"
    out.write_text("keep me")
    r = cli("export", run_dir, "--format", "txt", "-o", out)
    assert r.exit_code == 1 and "exists; add --force" in r.output
    assert out.read_text() == "keep me"
    assert cli("export", run_dir, "--format", "txt", "-o", out, "--force").exit_code == 0
    assert out.read_text().startswith(f"{len(reference(run_dir)[0])} 12\n")


def test_a_failed_write_leaves_nothing(run_dir, tmp_path, monkeypatch):
    out = tmp_path / "proj"
    out.mkdir()
    (out / "metadata.tsv").write_text("old\n")

    def fail(f, words):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module, "_write_metadata", fail)
    r = cli("export", run_dir, "--format", "tsv", "-o", out, "--force")
    assert r.exit_code == 1 and "No space left" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["metadata.tsv"]  # no temporary files
    assert (out / "metadata.tsv").read_text() == "old\n"


@pytest.mark.parametrize("args, code, text", [
    (["--format", "csv", "-o", "{tmp}/x"], 2, "'csv' is not one of"),
    (["--format", "txt"], 2, "Missing option '-o'"),
    (["--format", "txt", "-o", "{fifo}", "--force"], 1, "not a regular file"),  # not /dev/null:
    # on a regression, as root, the test itself would replace the machine's /dev/null
    (["--format", "txt", "-o", "{tmp}/x", "--most-frequent", "0"], 2, "--most-frequent"),
    (["--format", "txt", "-o", "{tmp}/x", "--most-frequent", "3", "--words", "{words}"], 2,
     "not both"),
    (["-o", "{tmp}/x"], 1, "cannot tell the format from"),
    (["-o", "{tmp}/x.txt", "--words", "{tmp}/nope.txt"], 2, "nope.txt: no such file"),
    (["--format", "npy", "-o", "-"], 1, "cannot go to standard output"),
    (["--format", "txt", "-o", "{tmp}/x", "--top", "3"], 2, "calls it --most-frequent"),
    (["--format", "txt", "-o", "{tmp}/x", "--words", "{nowords}"], 1,
     "none of the 2 words is in the vocabulary"),
    (["--format", "tsv", "-o", "{words}"], 1, "a tsv export writes a folder"),
    (["--format", "txt", "-o", "{tmp}"], 1, "is a folder"),
])
def test_errors(run_dir, tmp_path, args, code, text):
    (tmp_path / "w.txt").write_text("king")
    (tmp_path / "none.txt").write_text("zzz qqq")
    os.mkfifo(tmp_path / "fifo")
    names = {"tmp": tmp_path, "words": tmp_path / "w.txt", "nowords": tmp_path / "none.txt",
             "fifo": tmp_path / "fifo"}
    r = cli("export", run_dir, *[a.format(**names) for a in args])
    assert r.exit_code == code and text in r.output, r.output
    assert len([ln for ln in r.output.splitlines() if ln.startswith("Error")]) == 1


def test_not_vectors_is_one_line(tmp_path):
    r = cli("export", tmp_path / "missing", "--format", "txt", "-o", tmp_path / "x.txt")
    assert r.exit_code == 1 and "does not exist" in r.output
    assert len(r.output.strip().splitlines()) == 1
