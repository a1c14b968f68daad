"""Issue 20's outputs and command-line consistency: what a command writes (never onto a device
or pipe, to standard output with ``-``, one vocabulary per npy export, no silent overwrite by
plot), where the vectors come from (first argument or --vectors), and how words are given."""

import os
import threading

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main
from w2v.run.rundir import default_run
from w2v.text.vocab import Vocab
from w2v.util.atomic import atomic_write
from w2v.vectors.vectors import Vectors


def cli(*args, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="w2v", **kwargs)
    assert "Traceback" not in result.output
    return result


def reference(run):
    return Vocab.load(run / "vocab.txt"), np.load(run / "vectors.npy")


def test_atomic_write_never_replaces_a_pipe(tmp_path):
    """Renaming a temporary file onto /dev/stdout (as root) replaced the device with a regular
    file; a FIFO stands for it here."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FileExistsError, match="not a regular file"), atomic_write(fifo, "w") as f:
        f.write("x")
    assert fifo.is_fifo() and os.listdir(tmp_path) == ["pipe"]


def test_export_refuses_a_pipe_even_with_force(small_run, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = cli("export", small_run, "--format", "txt", "-o", fifo, "--force")
    assert r.exit_code == 1 and "not a regular file" in r.output and "--out -" in r.output, r.output
    assert fifo.is_fifo()


@pytest.mark.parametrize("fmt", ["txt", "bin"])
def test_export_to_standard_output(small_run, tmp_path, fmt):
    vocab, matrix = reference(small_run)
    args = ["export", small_run, "-o", "-", "--most-frequent", 40]
    r = cli(*args, *(["--format", fmt] if fmt == "bin" else []))  # '-' alone means txt
    assert r.exit_code == 0 and "standard output" in r.stderr, r.output
    out = tmp_path / f"v.{fmt}"
    out.write_bytes(r.stdout_bytes)
    back = Vectors.load(out)
    assert back.words == vocab.words[:40]
    np.testing.assert_array_equal(back.vectors, matrix[:40])


def test_two_npy_exports_share_a_folder(small_run, tmp_path):
    """The second export with --force replaced the first's vocab.txt: 'a.npy has N rows but
    vocab.txt has M words'."""
    vocab, matrix = reference(small_run)
    assert cli("export", small_run, "-o", tmp_path / "a.npy").exit_code == 0
    r = cli("export", small_run, "--most-frequent", 9, "-o", tmp_path / "b.npy", "--force")
    assert r.exit_code == 0, r.output
    a, b = Vectors.load(tmp_path / "a.npy"), Vectors.load(tmp_path / "b.npy")
    assert a.words == vocab.words and b.words == vocab.words[:9]
    np.testing.assert_array_equal(b.vectors, matrix[:9])
    assert Vocab.load(tmp_path / "b.vocab.txt").counts.tolist() == vocab.counts[:9].tolist()


def test_an_npy_beside_vocab_txt_still_loads(small_run, tmp_path):
    vocab, matrix = reference(small_run)
    np.save(tmp_path / "old.npy", matrix)
    vocab.save(tmp_path / "vocab.txt")
    assert Vectors.load(tmp_path / "old.npy").words == vocab.words


@pytest.mark.parametrize("name, fmt", [("v.txt", "txt"), ("v.bin", "bin"), ("v.npy", "npy")])
def test_export_format_from_the_extension(small_run, tmp_path, name, fmt):
    gensim = pytest.importorskip("gensim")
    vocab, matrix = reference(small_run)
    r = cli("export", small_run, "-o", tmp_path / name)
    assert r.exit_code == 0, r.output
    if fmt == "npy":
        np.testing.assert_array_equal(np.load(tmp_path / name), matrix)
        return
    kv = gensim.models.KeyedVectors.load_word2vec_format(str(tmp_path / name),
                                                         binary=fmt == "bin")
    assert kv.index_to_key == vocab.words
    np.testing.assert_array_equal(kv.vectors, matrix)


def test_export_tsv_file_and_its_metadata(small_run, tmp_path):
    vocab, matrix = reference(small_run)
    r = cli("export", small_run, "--words", "king,queen", "--words", "man", "-o",
            tmp_path / "p.tsv")
    assert r.exit_code == 0, r.output
    rows = [line.split("\t") for line in (tmp_path / "p.tsv").read_text().splitlines()]
    ids = [vocab.words.index(w) for w in ("king", "queen", "man")]
    assert np.array_equal(np.array(rows, dtype=np.float32), matrix[ids])
    assert (tmp_path / "p.metadata.tsv").read_text().split() == ["king", "queen", "man"]


def test_plot_refuses_to_replace_without_force(small_run, tmp_path):
    out = tmp_path / "w.png"
    out.write_bytes(b"keep me")
    r = cli("plot", small_run, "-o", out)
    assert r.exit_code == 1 and "exists; add --force" in r.output, r.output
    assert out.read_bytes() == b"keep me"
    r = cli("plot", small_run, "-o", out, "--force")
    assert r.exit_code == 0 and out.read_bytes().startswith(b"\x89PNG"), r.output
    loss = tmp_path / "loss.png"
    loss.write_bytes(b"keep me")
    assert cli("plot", "--loss", small_run, "-o", loss).exit_code == 1
    assert loss.read_bytes() == b"keep me"


def test_the_vectors_as_first_argument(small_run, tmp_path):
    """'w2v similar runs/x king' queried the latest run and called 'runs/x' an unknown word."""
    expected = Vectors.load(small_run).most_similar(["king"], topn=3)
    for args in [("similar", small_run, "king"), ("similar", "king", "--vectors", small_run)]:
        r = cli(*args, "-n", 3)
        assert r.exit_code == 0, r.output
        assert [line.split()[1] for line in r.stdout.splitlines()[2:]] == [w for w, _ in expected]
    r = cli("similar", tmp_path / "nothere", "king")
    assert r.exit_code == 1 and "does not exist" in r.output and "vocabulary" not in r.output
    r = cli("analogy", small_run, "king", "male", "female", "-n", 1)
    top = Vectors.load(small_run).analogy("king", "male", "female", topn=1)[0][0]
    assert r.exit_code == 0 and r.stdout.splitlines()[2].split()[1] == top
    r = cli("evaluate", small_run, "--vectors", small_run)
    assert r.exit_code == 2 and "give the vectors once" in r.output


def test_words_inline_or_from_a_file(small_run, tmp_path):
    words = tmp_path / "w.txt"
    words.write_text("rain snow\n")
    r = cli("export", small_run, "--words", "king,queen", "--words", words, "-o",
            tmp_path / "x.txt")
    assert r.exit_code == 0, r.output
    assert Vectors.load(tmp_path / "x.txt").words == ["king", "queen", "rain", "snow"]
    r = cli("plot", small_run, "--words", "king,queen,man,woman", "-o", tmp_path / "p.png")
    assert r.exit_code == 0, r.output
    plotted = {w for line in r.stdout.splitlines() if line.startswith("cluster")
               for w in line.split(":", 1)[1].split()}
    assert plotted == {"king", "queen", "man", "woman"}


def test_analogy_questions_with_the_expected_answer(tmp_path):
    """questions-words' lines carry a 4th word: it was 'malformed'; now a hit or a miss, checked
    against a hand-made space where a - b + c lands on d exactly."""
    vec = tmp_path / "v.txt"
    vec.write_text("5 2\nking 1 1\nman 1 0\nwoman 0 1\nqueen 0 2\nbread -1 -1\n")
    questions = ": capital-common\nking man woman queen\nking man woman bread\nking man woman\n"
    r = cli("analogy", vec, "--questions", "-", "-n", 1, input=questions)
    assert r.exit_code == 0, r.output
    assert "king - man + woman = ?  hit (queen)" in r.stdout
    assert "king - man + woman = ?  miss (expected bread)" in r.stdout
    assert "hits: 1 of 2" in r.stdout and "malformed" not in r.stdout
    assert Vectors.load(vec).analogy("king", "man", "woman", topn=1)[0][0] == "queen"


@pytest.mark.parametrize("typed, text", [
    ("-dim", "fastText's -dim --dim"), ("-epoch", "fastText's -epoch --epochs"),
    ("-lr", "fastText's -lr --lr"), ("-minCount", "fastText's -minCount --min-count"),
    ("-input", "fastText's -input"), ("-output", "fastText's -output --out"),
    ("-window", "word2vec.c's -window --window"), ("-negative", "word2vec.c's -negative"),
    ("-sample", "word2vec.c's -sample --sample"), ("--vector-size", "gensim's vector_size"),
])
def test_peers_flags_name_their_tool(tmp_path, typed, text):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    r = cli("train", corpus, typed, "5")
    assert r.exit_code == 2 and text in r.output, r.output
    assert "gensim" not in r.output or "gensim" in text


def test_a_pipe_names_its_run_stdin():
    read, write = os.pipe()
    try:
        assert str(default_run(f"/dev/fd/{read}")) == "runs/stdin"
    finally:
        os.close(read)
        os.close(write)
    assert str(default_run("data/wiki.txt.gz")) == "runs/wiki"


def test_train_from_a_pipe_makes_runs_stdin(tmp_path, monkeypatch):
    """bash's <(zcat corpus.gz) is /dev/fd/63: the run was runs/63."""
    monkeypatch.chdir(tmp_path)
    text = demo.write(tmp_path / "c.txt", 5_000)
    read, write = os.pipe()

    def feed():
        with os.fdopen(write, "wb") as f:
            f.write(text.read_bytes())

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        r = cli("train", f"/dev/fd/{read}", "--dim", 4, "--epochs", 1, "--threads", 1,
                "--min-count", 1, "-q")
    finally:
        feeder.join()
        os.close(read)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["stdin"]
    assert Vectors.load(tmp_path / "runs" / "stdin").words[:1] == ["the"]
