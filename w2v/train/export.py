"""The end of a run: the final vectors in the formats of ``save``, and ``corpus.ids`` removed
unless ``keep_ids``.

- ``vectors.npy`` (beside ``vocab.txt``) is the final checkpoint's ``W_in.npy`` under a second
  name (a hard link): the same bytes, since both are ``np.save`` of the same W_in, so the matrix
  is on disk once and the checkpoint's sha256 is also that of ``vectors.npy``. A later
  checkpoint (a resumed run that trains on) removes the old checkpoint folder, but a hard link
  keeps the file's data for as long as either name exists, so ``vectors.npy`` stays whole until
  the next export replaces it. Where the filesystem has no hard links (some network and FAT
  filesystems, or the two names on different filesystems), it is a copy, and ``finish`` says so.
- ``vectors.bin`` and ``vectors.txt`` are word2vec.c's binary and text formats (gensim's
  ``load_word2vec_format``); text is about 3.4 times the size of binary.
- All are written as one atomic group, so an interrupted export leaves all the old files (or
  none) rather than some new and some missing. Vector files of formats not in ``save`` (left by
  an earlier end of the same run) are removed after the group is in place.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from w2v.config import Config, save_formats
from w2v.train import events
from w2v.train.rundir import VECTOR_FORMATS, RunDir
from w2v.util.atomic import atomic_group
from w2v.vectors.formats import write_records


def write_vectors(rundir: RunDir, words: list[str], W_in: np.ndarray, formats=("npy", "bin"),
                  checkpoint=None, skip_existing: bool = False) -> tuple[list[str], str | None]:
    """Write ``formats`` (of "npy", "bin", "txt"); ``vectors.npy`` is linked to
    ``checkpoint/W_in.npy`` (a checkpoint folder holding ``np.save(W_in)``) when given. With
    ``skip_existing`` the formats already in the folder are left as they are. Returns the
    paths written and, if ``vectors.npy`` had to be a copy, why (None otherwise)."""
    source = Path(checkpoint) / "W_in.npy" if checkpoint is not None else None
    todo = [f for f in formats if not (skip_existing and rundir.vector_file(f).is_file())]
    copied = None
    with atomic_group() as stage:
        for fmt in todo:
            path = rundir.vector_file(fmt)
            if fmt == "npy" and source is not None and _same_file(source, path):
                continue  # already this checkpoint's file (renaming onto it would do nothing)
            if fmt == "npy":
                copied = _link_or_save(source, stage(path), W_in)
            else:
                with open(stage(path), "wb") as f:
                    write_records(f, words, W_in, fmt == "bin")
    for fmt in VECTOR_FORMATS:
        if fmt not in formats:
            rundir.vector_file(fmt).unlink(missing_ok=True)
    return [str(rundir.vector_file(f)) for f in todo], copied


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _link_or_save(source: Path | None, tmp: Path, W_in: np.ndarray) -> str | None:
    """Hard-link ``tmp`` to ``source`` if its header says it holds a matrix of W_in's shape
    and dtype; otherwise (or where links fail) write ``np.save(W_in)``. Returns why it is a
    copy, or None."""
    if source is None:
        reason = "no checkpoint to share"
    elif _npy_header(source) != (W_in.shape, W_in.dtype):
        reason = f"{source} does not hold these vectors"
    else:
        try:
            tmp.unlink(missing_ok=True)
            os.link(source, tmp)
            return None
        except OSError as e:
            reason = f"the filesystem refused a hard link ({e.strerror or e})"
    with open(tmp, "wb") as f:
        np.save(f, W_in)
    return reason


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


def finish(rundir: RunDir, cfg: Config, words: list[str], W_in: np.ndarray, checkpoint,
           skip_existing: bool = False):
    """Export (``write_vectors``) and remove ``corpus.ids`` unless ``cfg.keep_ids``, yielding
    a Note if ``vectors.npy`` is a copy, then ``Written``."""
    paths, copied = write_vectors(rundir, words, W_in, save_formats(cfg.save), checkpoint,
                                  skip_existing)
    if copied is not None:
        yield events.Note(f"vectors.npy is a copy of the final checkpoint's W_in.npy, not a "
                          f"hard link ({W_in.nbytes / 1e6:,.0f} MB more on disk): {copied}")
    if not cfg.keep_ids:
        rundir.ids.unlink(missing_ok=True)
    yield events.Written(tuple(paths))


def finish_ranks(comm, rundir: RunDir, cfg: Config, words, W_in, checkpoint=None) -> tuple:
    """``finish`` for a distributed run (``comm``: ``w2v.train.mpi.Comm``): rank 0 writes the
    vectors, an error there is every rank's, and each rank removes its shard unless
    ``keep_ids``. Returns the paths written (rank 0) or ()."""
    written = comm.agreed(lambda: comm.rank == 0 and write_vectors(
        rundir, words, W_in, save_formats(cfg.save), checkpoint)[0])
    if not cfg.keep_ids:
        rundir.rank_ids(comm.rank).unlink(missing_ok=True)
    return tuple(written or ())
