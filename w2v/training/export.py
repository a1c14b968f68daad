"""The end of a run: the final vectors in the formats of ``save``, their sizes and sha256
recorded in ``RUN/state.json`` (``outputs``), and ``corpus.ids`` removed unless ``keep_ids``.

- ``vectors.npy`` (beside ``vocab.txt``) holds the bytes of the final checkpoint's ``W_in.npy``
  (both are ``np.save`` of the same W_in) but is a file of its own, never a hard link: a user's
  ``np.save("RUN/vectors.npy", W / norms)`` opens the path for writing, which would rewrite
  the checkpoint through a shared inode. Where the filesystem can share blocks copy-on-write
  (a reflink: btrfs, XFS) it does, and costs no space until one of them is written; elsewhere
  (ext4) it is a copy: W_in's bytes once more on disk, 4·V·d (1.2 GB at V = 1M, d = 300).
- A subword run's vector files hold each word's vector, the mean of its bag of rows (as
  fastText's ``.vec``), and ``subwords.npy`` its whole W_in (a reflink of the checkpoint's, or
  a copy), from which the vectors of words outside the vocabulary come.
- ``vectors.bin`` and ``vectors.txt`` are word2vec.c's binary and text formats (gensim's
  ``load_word2vec_format``); text is about 3.4 times the size of binary.
- All are written as one atomic group, so an interrupted export leaves all the old files (or
  none) rather than some new and some missing. Vector files of formats not in ``save`` (left by
  an earlier end of the same run) are removed after the group is in place.
- ``outputs`` in ``RUN/state.json``: ``{"checkpoint": "ckpt-000007", "files": {name: {"bytes",
  "sha256"}}}`` for the vector files and ``vocab.txt``, what ``integrity.py`` checks them by.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
from pathlib import Path

import numpy as np

from w2v.config import Config
from w2v.config_values import save_formats
from w2v.run.checkpoint import write_json_atomic
from w2v.run.hashed import sha256_file, write_npy
from w2v.run.rundir import VECTOR_FORMATS, RunDir
from w2v.training import events
from w2v.training.subwords import word_vectors
from w2v.util.atomic import atomic_group
from w2v.util.diskfull import disk_full
from w2v.vectors.formats import write_records

AGAIN = ("{=resume} writes the vectors from the final checkpoint, which is complete")
FICLONE = 0x40049409  # Linux's ioctl: make a file share another's blocks (copy-on-write)


def write_vectors(rundir: RunDir, words: list[str], W_in: np.ndarray, formats=("npy", "bin"),
                  checkpoint=None, skip_existing: bool = False,
                  input_rows: np.ndarray | None = None) -> tuple[list[str], dict]:
    """Write ``formats`` (of "npy", "bin", "txt"); ``vectors.npy`` is a reflink of
    ``checkpoint/W_in.npy`` where the filesystem has them, a copy otherwise. With
    ``skip_existing`` the formats already in the folder are left as they are. ``input_rows``:
    a subword run's whole W_in, written as ``subwords.npy`` in the same group (``W_in`` then
    holds the words' vectors, the means of their bags). Returns the paths written and the
    record of each file written (name -> bytes, sha256)."""
    source = Path(checkpoint) / "W_in.npy" if checkpoint is not None else None
    todo = [f for f in formats if not (skip_existing and rundir.vector_file(f).is_file())]
    records = {}
    with disk_full(rundir.path, AGAIN), atomic_group() as stage:
        for fmt in todo:
            path = rundir.vector_file(fmt)
            tmp = stage(path)
            with disk_full(path, AGAIN):
                records[path.name] = _write(fmt, tmp, source, words, W_in)
        if input_rows is not None and not (skip_existing and rundir.subwords.is_file()):
            tmp = stage(rundir.subwords)
            with disk_full(rundir.subwords, AGAIN):
                sha = _reflink_or_save(source, tmp, input_rows)
            records[rundir.subwords.name] = {"bytes": tmp.stat().st_size, "sha256": sha}
    for fmt in VECTOR_FORMATS:
        if fmt not in formats:
            rundir.vector_file(fmt).unlink(missing_ok=True)
    if input_rows is None:
        rundir.subwords.unlink(missing_ok=True)
    return [str(rundir.vector_file(f)) for f in todo], records


def _write(fmt: str, tmp: Path, source, words, W_in) -> dict:
    """Write one format into ``tmp``; its record (bytes, sha256)."""
    if fmt == "npy":
        sha = _reflink_or_save(source, tmp, W_in)
    else:
        with open(tmp, "wb") as f:
            hashing = _Hashing(f)
            write_records(hashing, words, W_in, fmt == "bin")
        sha = hashing.hexdigest()
    return {"bytes": tmp.stat().st_size, "sha256": sha}


class _Hashing:
    """A binary file's ``write``, with the sha256 of what went through it."""

    def __init__(self, f):
        self.f, self.sha = f, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        return self.f.write(data)

    def hexdigest(self) -> str:
        return self.sha.hexdigest()


def _reflink_or_save(source: Path | None, tmp: Path, W_in: np.ndarray) -> str:
    """A reflink of ``source`` if it holds W_in's shape and dtype and the filesystem shares
    blocks, else ``np.save(W_in)``; returns the file's sha256."""
    if source is not None and _npy_header(source) == (W_in.shape, W_in.dtype):
        try:
            with open(source, "rb") as src, open(tmp, "wb") as dst:
                fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
            return sha256_file(tmp)
        except OSError as e:
            if e.errno not in (errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL,
                               errno.ENOSYS, errno.EPERM):
                raise
    return write_npy(tmp, W_in)


def _npy_header(path: Path):
    try:
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            if version != (1, 0):
                return None
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    except (OSError, ValueError):
        return None
    return (None if fortran else shape), dtype


def record_outputs(rundir: RunDir, checkpoint, written: dict) -> None:
    """Add ``outputs`` to ``RUN/state.json``: ``written`` (this export's records), the record
    of each vector file left in place (hashed now if it has none), and ``vocab.txt``'s."""
    state = rundir.read_state()
    old = (state.get("outputs") or {}).get("files") or {}
    files = {}
    for path in [rundir.vector_file(f) for f in rundir.saved_formats()] + [rundir.vocab,
                                                                            rundir.subwords]:
        if path.name in written:
            files[path.name] = written[path.name]
        elif path.is_file():
            files[path.name] = old.get(path.name) or {"bytes": path.stat().st_size,
                                                      "sha256": sha256_file(path)}
    name = Path(checkpoint).name if checkpoint is not None else None
    with disk_full(rundir.state, AGAIN):
        write_json_atomic(rundir.state, {**state, "outputs": {"checkpoint": name,
                                                              "files": files}})


def finish(rundir: RunDir, cfg: Config, words: list[str], W_in: np.ndarray, checkpoint,
           skip_existing: bool = False):
    """Export (``write_vectors``), record the outputs and remove ``corpus.ids`` unless
    ``cfg.keep_ids``, yielding ``Written``."""
    paths, records = write_vectors(rundir, words, word_vectors(cfg, words, W_in),
                                   save_formats(cfg.save), checkpoint, skip_existing,
                                   W_in if cfg.ngrams else None)
    record_outputs(rundir, checkpoint, records)
    if not cfg.keep_ids:
        rundir.ids.unlink(missing_ok=True)
    yield events.Written(tuple(paths))


def finish_ranks(comm, rundir: RunDir, cfg: Config, words, W_in, checkpoint=None) -> tuple:
    """``finish`` for a distributed run (``comm``: ``w2v.training.mpi.Comm``): rank 0 writes the
    vectors, an error there is every rank's, and each rank removes its shard unless
    ``keep_ids``. Returns the paths written (rank 0) or ()."""
    def rank0():
        if comm.rank != 0:
            return None
        paths, records = write_vectors(rundir, words, word_vectors(cfg, words, W_in),
                                       save_formats(cfg.save), checkpoint,
                                       input_rows=W_in if cfg.ngrams else None)
        record_outputs(rundir, checkpoint, records)
        return paths

    written = comm.agreed(rank0)
    if not cfg.keep_ids:
        rundir.rank_ids(comm.rank).unlink(missing_ok=True)
    return tuple(written or ())
