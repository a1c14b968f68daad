"""Fine-tuning published vectors (``init`` a vectors file, ``published.py``): the corpus's own
vocabulary (gensim's intersect semantics), the starting rows against word2vec.c's fresh ones
and the file, ``freeze`` keeping the loaded rows bit for bit (also through an interrupted and
resumed run, without the file, bit-identical to an uninterrupted one), every format
``Vectors.load`` reads, the Python API, and the one-line errors of the command line."""

import gzip
import json

import numpy as np
import pytest
from click.testing import CliRunner
from interrupts import interrupt_at_chunk

import w2v
from w2v import demo
from w2v.cli import main
from w2v.config import Config
from w2v.errors import ConfigError, Interrupted, RunError
from w2v.text.vocab import Vocab
from w2v.training import published, session
from w2v.training.weights import init_weights
from w2v.vectors.formats import write_word2vec
from w2v.vectors.vectors import Vectors

CFG = {"dim": 16, "epochs": 2, "min_count": 2, "threads": 1, "seed": 3,
       "checkpoint_every": "1h"}
EXTRA = "zzzextra"  # a word of the file that the corpus never has


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The corpus (the demo's, seed 1) and "published" vectors: a run on another demo text
    (seed 0), its file without "tea" and with an extra word."""
    root = tmp_path_factory.mktemp("finetune")
    corpus = demo.write(root / "corpus.txt", 40_000, seed=1)
    base = root / "base"
    session.run(Config(**CFG), [demo.write(root / "other.txt", 40_000, seed=0)], base)
    v = Vectors.load(base)
    keep = [i for i, w in enumerate(v.words) if w != "tea"]
    words = [v.words[i] for i in keep] + [EXTRA]
    matrix = np.vstack([v.vectors[keep], np.full((1, 16), 0.25, np.float32)])
    path = root / "published.bin"
    write_word2vec(path, words, matrix, binary=True)
    return corpus, path, dict(zip(words, matrix))


def _state(out):
    return json.loads((out / "state.json").read_text())


def test_fine_tuning_keeps_the_corpus_vocabulary_and_records_the_file(files, tmp_path):
    corpus, path, file_rows = files
    tuned, scratch = tmp_path / "tuned", tmp_path / "scratch"
    seen = []
    session.run(CFG, [corpus], tuned, init=path, on_event=seen.append)
    session.run(CFG, [corpus], scratch)
    vocab = Vocab.load(tuned / "vocab.txt")
    assert vocab == Vocab.load(scratch / "vocab.txt")  # the file adds no word
    assert EXTRA not in vocab and "tea" in vocab
    loaded = [w for w in vocab.words if w in file_rows]
    record = _state(tuned)["init"]
    assert record["file"] == str(path.resolve()) and record["rows_loaded"] == len(loaded)
    assert record["file_words"] == len(file_rows) and record["freeze"] is False
    assert record["sha256"] == published.sha256_file(path)
    rows = np.load(tuned / published.ROWS_FILE)
    assert rows.tolist() == [vocab.index[w] for w in loaded]
    notes = [e.text for e in seen if hasattr(e, "text")]
    assert any(f"{len(loaded):,} of the {len(vocab):,} words take their vectors" in n
               for n in notes), notes
    after = Vectors.load(tuned)
    assert not np.array_equal(after["coffee"], file_rows["coffee"])  # it trained


def test_start_weights_are_the_files_rows_and_fresh_ones(files, tmp_path):
    _, path, file_rows = files
    pub = published.read(path)
    vocab = Vocab(["coffee", "tea", "new", "king"], [9, 8, 7, 6])
    cfg = Config(**{**CFG, "dim": 16})
    W_in, W_out, record, _ = published.start_weights(published.RunDir(tmp_path), vocab, pub,
                                                      cfg, 4, np.random.default_rng(5))
    fresh, _ = init_weights(4, 16, 4, np.random.default_rng(5))
    for w in ("coffee", "king"):
        assert W_in[vocab.index[w]].tobytes() == file_rows[w].tobytes()
    for w in ("tea", "new"):  # not in the file: word2vec.c's draws, as a fresh run's
        assert W_in[vocab.index[w]].tobytes() == fresh[vocab.index[w]].tobytes()
    assert W_out.shape == (4, 16) and not W_out.any()
    assert record["rows_loaded"] == 2


def test_freeze_keeps_the_loaded_rows_bit_for_bit(files, tmp_path):
    corpus, path, file_rows = files
    out = tmp_path / "frozen"
    run = w2v.train(corpus, out, init=path, freeze=True, quiet=True, **CFG)
    v = run.vectors
    assert run.config.freeze and _state(out)["init"]["freeze"] is True
    for w in v.words:
        if w in file_rows:
            assert v[w].tobytes() == file_rows[w].tobytes(), w
    assert not np.array_equal(v["tea"], _start_row(path, out, "tea"))  # not in the file: trains


def _start_row(path, out, word):
    """The input row ``word`` started from in the run ``out``: ``start_weights`` with the
    run's seed, as the run called it."""
    vocab = Vocab.load(out / "vocab.txt")
    (out.parent / "rows").mkdir(exist_ok=True)
    W_in, _, _, _ = published.start_weights(published.RunDir(out.parent / "rows"), vocab,
                                            published.read(path), Config(**CFG), len(vocab),
                                            np.random.default_rng(CFG["seed"]))
    return W_in[vocab.index[word]]


def test_an_interrupted_frozen_run_resumes_exactly_without_the_file(files, tmp_path,
                                                                   monkeypatch):
    from w2v.training.local import LocalTrainer

    corpus, path, _ = files
    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)
    whole = tmp_path / "whole"
    session.run({**CFG, "freeze": True}, [corpus], whole, init=path)
    copy = tmp_path / "copy.bin"
    copy.write_bytes(path.read_bytes())
    out = tmp_path / "pieces"
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, 5)
        with pytest.raises(Interrupted):
            session.run({**CFG, "freeze": True}, [corpus], out, init=copy)
    copy.unlink()  # the lock comes from the run folder
    session.run({}, [], out, resume=True)
    assert (whole / "vectors.npy").read_bytes() == (out / "vectors.npy").read_bytes()


def test_a_changed_rows_file_stops_a_resume(files, tmp_path, monkeypatch):
    from w2v.training.local import LocalTrainer

    corpus, path, _ = files
    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)
    out = tmp_path / "run"
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, 3)
        with pytest.raises(Interrupted):
            session.run({**CFG, "freeze": True}, [corpus], out, init=path)
    rows = out / published.ROWS_FILE
    np.save(rows, np.load(rows)[:-1])
    with pytest.raises(RunError, match="missing or was changed"):
        session.run({}, [], out, resume=True)


def _glove(path, words, matrix):
    path.write_text("".join(f"{w} {' '.join(map(repr, r.tolist()))}\n"
                            for w, r in zip(words, matrix)))


@pytest.mark.parametrize("fmt", ["txt", "txt.gz", "vec", "glove"])
def test_every_text_format_gives_the_same_start(files, tmp_path, fmt):
    """word2vec text, gzipped, fastText's .vec (word2vec text) and GloVe (no header): the same
    vectors, so the same frozen rows as the binary file."""
    corpus, path, file_rows = files
    words, matrix = list(file_rows), np.array(list(file_rows.values()))
    other = tmp_path / f"published.{fmt if fmt != 'glove' else 'txt'}"
    if fmt == "glove":
        _glove(other, words, matrix)
    else:
        write_word2vec(tmp_path / "plain.txt", words, matrix, binary=False)
        data = (tmp_path / "plain.txt").read_bytes()
        other.write_bytes(gzip.compress(data) if fmt == "txt.gz" else data)
    out = tmp_path / "run"
    session.run({**CFG, "epochs": 1, "freeze": True}, [corpus], out, init=other)
    v, text = Vectors.load(out), Vectors.load(other)
    for w in v.words:
        if w in file_rows:
            assert v[w].tobytes() == text[w].tobytes()
    assert _state(out)["init"]["rows_loaded"] == sum(w in file_rows for w in v.words)


def test_a_fasttext_model_starts_a_run(files, tmp_path):
    from test_subwords import train_fasttext

    corpus, _, _ = files
    words = sorted(set(corpus.read_text().split()))
    ft = train_fasttext(tmp_path, words, lines=50)
    model = tmp_path / "model.bin"
    ft.save_model(str(model))
    out = tmp_path / "run"
    settings = {k: v for k, v in CFG.items() if k != "dim"}  # the file's: 10
    session.run({**settings, "epochs": 1, "freeze": True}, [corpus], out, init=model)
    v, loaded = Vectors.load(out), Vectors.load(model)
    assert v.dim == 10  # the file's
    for w in ("coffee", "king"):
        assert v[w].tobytes() == loaded[w].tobytes()


def _cli(*args):
    r = CliRunner().invoke(main, ["train", *map(str, args)])
    assert "Traceback" not in r.output
    return r


def test_the_command_line_fine_tunes_and_says_so(files, tmp_path):
    corpus, path, _ = files
    r = _cli(corpus, "--init", path, "--out", tmp_path / "run", "--epochs", "1", "--threads",
             "1", "--min-count", "2")
    assert r.exit_code == 0, r.output
    assert f"note: starting from {path}: " in r.stderr
    assert "1 of its words are not in the vocabulary" in r.stderr  # EXTRA


def test_errors_are_one_line(files, tmp_path):
    corpus, path, _ = files
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("hello world foo\nbar baz\n")
    strangers = tmp_path / "strangers.txt"
    write_word2vec(strangers, ["QQQ", "WWW"], np.ones((2, 16), np.float32), binary=False)
    cases = [(["--init", tmp_path / "nowhere.bin"], "does not exist: --init takes a w2v run "
              "folder or a vectors file"),
             (["--init", garbage], "cannot start from"),
             (["--init", path, "--dim", "50"], "is 50, but the vectors given to init (--init) "
              "have dim 16"),
             (["--init", strangers], "shares no word with the corpus"),
             (["--freeze"], "give init (--init) a vectors file")]
    for i, (args, message) in enumerate(cases):
        r = _cli(corpus, "--out", tmp_path / f"run{i}", "--min-count", "2", *args)
        errors = [line for line in r.output.splitlines() if line.startswith("Error")]
        assert r.exit_code != 0 and len(errors) == 1 and message in errors[0], r.output


def test_dim_from_the_file_is_accepted_when_given(files, tmp_path):
    corpus, path, _ = files
    run = w2v.train(corpus, tmp_path / "run", init=path, quiet=True, **{**CFG, "epochs": 1})
    assert run.config.dim == 16
    with pytest.raises(ConfigError, match="dim 16"):
        w2v.train(corpus, tmp_path / "other", init=path, quiet=True, **{**CFG, "dim": 8})


@pytest.mark.slow
@pytest.mark.parametrize("ranks", [2, 3])
def test_ranks_keep_the_frozen_rows(files, tmp_path, ranks):
    """3 ranks: the mean of three equal float32 rows, (x + x + x) / 3, need not be x."""
    from test_mpi import MPIEXEC, mpirun, pytestmark  # noqa: F401

    if MPIEXEC is None:
        pytest.skip("mpiexec is absent")
    corpus, path, file_rows = files
    out = tmp_path / "ranks"
    done = mpirun(ranks, corpus, "--out", out, "--init", path, "--freeze", "--epochs", "1",
                  "--min-count", "2", "--threads", "1", "--sync-every", "20000",
                  "--sync-rows", "64", "-q")
    assert done.returncode == 0, done.stderr
    v = Vectors.load(out)
    for w in v.words:
        if w in file_rows:
            assert v[w].tobytes() == file_rows[w].tobytes(), w
    assert _state(out)["init"]["rows_loaded"] == sum(w in file_rows for w in v.words)
    assert not np.array_equal(v["tea"], _start_row(path, out, "tea"))


def test_a_frozen_run_can_be_continued_as_a_run(files, tmp_path):
    """``init`` a frozen fine-tuned run: its ``freeze`` was about its file, so the new run
    trains every row (the rows the old run kept fixed move)."""
    corpus, path, file_rows = files
    frozen, more = tmp_path / "frozen", tmp_path / "more"
    session.run({**CFG, "epochs": 1, "freeze": True}, [corpus], frozen, init=path)
    session.run({}, [corpus], more, init=frozen)
    assert _state(more)["config"]["freeze"] is False
    assert not np.array_equal(Vectors.load(more)["coffee"], file_rows["coffee"])
    with pytest.raises(ConfigError, match="give init a vectors file"):
        session.run({"freeze": True}, [corpus], tmp_path / "x", init=frozen)


def test_force_clears_the_rows_file(files, tmp_path):
    corpus, path, _ = files
    out = tmp_path / "run"
    session.run({**CFG, "epochs": 1}, [corpus], out, init=path)
    assert (out / published.ROWS_FILE).is_file()
    session.run({**CFG, "epochs": 1}, [corpus], out, force=True)
    assert not (out / published.ROWS_FILE).exists() and _state(out)["init"] is None
