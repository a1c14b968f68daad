"""The end of a run: ``save`` chooses the vector formats, ``vectors.npy`` holds the final
checkpoint's ``W_in.npy`` bytes in a file of its own, ``corpus.ids`` goes unless ``keep_ids``.

References: gensim's ``load_word2vec_format`` and w2v's ``Vectors.load`` read each format back
and must give the matrix of the final checkpoint (loaded, sha256 verified, by
``checkpoint.load``); ``np.save`` and ``hashlib`` are the references of the hashed writer and
reader; ``encoded.encode`` (reading the text again) is that of the kept ids."""

import hashlib
import json
import os
from itertools import combinations

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import config, settings
from w2v.cli import main
from w2v.config import Config
from w2v.errors import CheckpointError, ConfigError, CorpusError
from w2v.run import checkpoint, info
from w2v.run.rundir import RunDir
from w2v.training import events, session
from w2v.vectors.vectors import Vectors

FORMATS = ("npy", "bin", "txt")
SETS = [c for n in (1, 2, 3) for c in combinations(FORMATS, n)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    p = 1.0 / np.arange(1, 201)
    path = tmp_path_factory.mktemp("corpus") / "small.txt"
    path.write_text("".join(" ".join(words[i] for i in rng.choice(200, int(n), p=p / p.sum()))
                            + "\n" for n in rng.integers(3, 30, 1500)))
    return path


def cfg(**kw):
    return Config(**{**dict(dim=12, epochs=1, min_count=2, threads=1, seed=3), **kw})


def train(settings, corpus, out, **kw):
    """The session's events, all of them (the run goes to the end)."""
    return list(session.train(settings, [str(c) for c in corpus], out, **kw))


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def final_checkpoint(out):
    return checkpoint.latest(out)  # verifies both arrays' sha256


@pytest.mark.parametrize("formats", SETS, ids=",".join)
def test_each_save_set_is_written_alone_and_loads_back(corpus, tmp_path, formats):
    out = tmp_path / "run"
    written = next(e for e in train(cfg(save=",".join(formats)), [corpus], out)
                   if isinstance(e, events.Written))
    assert RunDir(out).saved_formats() == formats and RunDir(out).has_vectors()
    assert info.run_info(out)["status"] == "finished"  # whichever formats it saved
    assert written.paths == tuple(str(RunDir(out).vector_file(f)) for f in formats)
    W = final_checkpoint(out).W_in
    folder = Vectors.load(out)  # the folder loads from whichever format it has
    words = folder.words
    np.testing.assert_array_equal(folder.vectors, W)
    for fmt in formats:
        path = RunDir(out).vector_file(fmt)
        got = Vectors.load(path)
        assert got.words == words
        np.testing.assert_array_equal(got.vectors, W)  # text's %.9g is exact for float32
        if fmt != "npy":
            gensim = pytest.importorskip("gensim")
            kv = gensim.models.KeyedVectors.load_word2vec_format(str(path), binary=fmt == "bin")
            assert kv.index_to_key == words
            np.testing.assert_array_equal(kv.vectors, W)


def test_vectors_npy_has_the_checkpoint_bytes_in_a_file_of_its_own(corpus, tmp_path):
    """The bytes of the final checkpoint's W_in.npy (np.save of the same matrix), but not its
    inode: a notebook's np.save over vectors.npy (which truncates the file it opens) leaves
    the checkpoint whole, and the run extends from it."""
    out = tmp_path / "run"
    train(cfg(), [corpus], out)
    ckpt = final_checkpoint(out)
    npy, ckpt_file = out / "vectors.npy", ckpt.path / "W_in.npy"
    assert os.stat(npy).st_ino != os.stat(ckpt_file).st_ino and os.stat(npy).st_nlink == 1
    state = json.loads((out / "state.json").read_text())
    assert sha256(npy) == state["sha256"]["W_in"] == ckpt.state["sha256"]["W_in"]
    assert state["outputs"]["files"]["vectors.npy"] == {"bytes": npy.stat().st_size,
                                                         "sha256": sha256(npy)}
    W = np.load(npy)
    np.save(npy, W / np.linalg.norm(W, axis=1, keepdims=True))
    assert checkpoint.load(ckpt.path).state == ckpt.state  # verified: untouched
    evs = train({"epochs": 2}, [], out, resume=True)
    assert final_checkpoint(out).state["epoch"] == 2
    assert [e.paths for e in evs if isinstance(e, events.Written)]


def test_old_vectors_stay_whole_while_a_run_that_trains_on_rotates(corpus, tmp_path,
                                                                    monkeypatch):
    """A finished run resumed for more epochs: its old vectors.npy stays whole while the
    checkpoint it came from is rotated away, and the run's next end writes the new final
    checkpoint's bytes."""
    from w2v.training.local import LocalTrainer

    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)  # several chunks per epoch
    out = tmp_path / "run"
    train(cfg(), [corpus], out)
    old = final_checkpoint(out)
    npy = out / "vectors.npy"
    seen = []
    for event in session.train({"epochs": 3, "checkpoint_every": "3000"}, [], out, resume=True):
        if isinstance(event, events.CheckpointSaved) and not old.path.exists():
            seen.append(event.path)  # the old final checkpoint is gone: vectors.npy is not
            assert sha256(npy) == old.state["sha256"]["W_in"]
            assert np.array_equal(Vectors.load(out).vectors, old.W_in)
    assert len(seen) >= 2
    new = final_checkpoint(out)  # a resumed run's checkpoint verifies
    assert new.state["epoch"] == 3 and not np.array_equal(new.W_in, old.W_in)
    assert os.stat(npy).st_ino != os.stat(new.path / "W_in.npy").st_ino
    assert sha256(npy) == new.state["sha256"]["W_in"]


def test_a_finished_run_changes_its_formats_on_resume(corpus, tmp_path):
    out = tmp_path / "run"
    train(cfg(save="npy,bin,txt"), [corpus], out)
    text = (out / "vectors.txt").read_bytes()
    inode = os.stat(out / "vectors.npy").st_ino
    evs = train({"save": "npy"}, [], out, resume=True)
    assert RunDir(out).saved_formats() == ("npy",)
    assert [e.paths for e in evs if isinstance(e, events.Written)] == [()]
    evs = train({"save": "txt,npy"}, [], out, resume=True)
    assert RunDir(out).saved_formats() == ("npy", "txt")
    assert (out / "vectors.txt").read_bytes() == text  # the same vectors, from the checkpoint
    assert os.stat(out / "vectors.npy").st_ino == inode  # left as it was
    assert not [p for p in out.iterdir() if p.name.startswith(".vectors")]  # no stray temp
    evs = train({"save": "npy,txt"}, [], out, resume=True)
    assert any(isinstance(e, events.NothingToDo) for e in evs)


def test_corpus_ids_are_removed_unless_kept_and_rebuilt_to_train_on(corpus, tmp_path,
                                                                     monkeypatch):
    kept, gone = tmp_path / "kept", tmp_path / "gone"
    train(cfg(keep_ids=True), [corpus], kept)
    train(cfg(), [corpus], gone)
    ids = (kept / "corpus.ids").read_bytes()
    assert not (gone / "corpus.ids").exists() and len(ids) % 4 == 0
    monkeypatch.setattr(settings, "RESUMABLE_CHANGES", config.RESUMABLE_CHANGES | {"epochs"})
    train({"epochs": 2, "keep_ids": True}, [], gone, resume=True)  # re-encodes from the file
    assert (gone / "corpus.ids").read_bytes() == ids


def test_a_run_from_a_stream_needs_its_ids_to_train_on(corpus, tmp_path, monkeypatch):
    out = tmp_path / "run"
    r = CliRunner().invoke(main, ["train", "-", "--out", str(out), "-q", "--dim", "12",
                                  "--epochs", "1", "--min-count", "2", "--threads", "1"],
                           input=corpus.read_bytes())
    assert r.exit_code == 0, r.output
    monkeypatch.setattr(settings, "RESUMABLE_CHANGES", config.RESUMABLE_CHANGES | {"epochs"})
    with pytest.raises(CorpusError, match="stream.*keep_ids"):
        train({"epochs": 2}, [], out, resume=True)


@pytest.mark.parametrize("bad", ["", "npz", "npy,,bin", "bin;txt", "vec"])
def test_save_names_its_formats(bad):
    with pytest.raises(ConfigError, match="save"):
        Config(save=bad)


def test_save_is_one_spelling_and_resumable():
    assert Config(save=" txt,bin , txt").save == "bin,txt"
    resumed = settings.resume_config(Config().to_dict(), {"save": "txt", "keep_ids": True})
    assert resumed.save == "txt"


@pytest.mark.parametrize("shape, dtype", [((0, 3), "<f4"), ((5, 7), "<f4"), ((3000, 1500), "<f4"),
                                          ((4,), "<i8"), ((2, 3, 2), ">f8")])
@pytest.mark.parametrize("order", ["C", "F", "strided"])
def test_hashed_npy_writer_and_reader_match_numpy(tmp_path, shape, dtype, order):
    a = np.random.default_rng(1).random(shape).astype(dtype)  # 18 MB: more than one block
    a = {"C": a, "F": np.asfortranarray(a), "strided": a[::2]}[order]
    path, ref = tmp_path / "a.npy", tmp_path / "ref.npy"
    np.save(ref, a)
    assert checkpoint.write_npy(path, a) == sha256(ref)
    assert path.read_bytes() == ref.read_bytes()
    back, digest = checkpoint.read_npy(path)
    assert digest == sha256(path) and back.dtype == a.dtype and np.array_equal(back, a)


def test_hashed_reader_counts_trailing_bytes_and_refuses_short_files(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, np.arange(12, dtype=np.float32).reshape(3, 4))
    data = path.read_bytes()
    path.write_bytes(data + b"junk")
    assert checkpoint.read_npy(path)[1] == sha256(path)
    path.write_bytes(data[:-5])
    with pytest.raises(ValueError, match="shorter"):
        checkpoint.read_npy(path)


def test_a_header_claiming_a_huge_matrix_is_corrupt_not_out_of_memory(tmp_path):
    path = checkpoint.save(tmp_path, {}, np.ones((7, 3), np.float32), np.ones((7, 3), np.float32))
    file = path / "W_out.npy"
    data = file.read_bytes()
    huge = data.replace(b"(7, 3), }" + b" " * 10, b"(99999999999, 3), }")  # the same length
    assert len(huge) == len(data) and huge != data
    file.write_bytes(huge)
    with pytest.raises(CheckpointError, match="W_out.npy is corrupt"):
        checkpoint.load(path)
