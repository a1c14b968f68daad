"""RunDir: every file of a run folder, and the lock that makes one process its owner.

A run folder holds::

    RUN/vocab.txt                  the vocabulary (w2v-vocab text format)
    RUN/corpus.ids                 the encoded corpus (int32 ids, -1 between sentences), kept
                                   after the end only if asked (``keep_ids``)
    RUN/corpus.rank-000.ids, ...   a distributed run's encoded shards, one per rank
    RUN/checkpoints/ckpt-000007/   W_in.npy, W_out.npy, vocab.txt, state.json (checkpoint.py)
    RUN/checkpoints/damaged-ckpt-000008/   a checkpoint found damaged on resume, set aside
    RUN/state.json                 the last checkpoint's state (config, loss history), and at
                                   the end the size and sha256 of each output (``outputs``)
    RUN/vectors.npy, vectors.bin, vectors.txt   the final vectors, the formats of ``save``;
                                   vectors.npy has the bytes of the final checkpoint's W_in.npy
                                   in a file of its own (export.py)
    RUN/subwords.npy               a subword run's whole W_in (words' own rows, then the n-gram
                                   buckets'): the vectors of words outside the vocabulary
    RUN/vectors.npy.changed, ...   an output found changed, kept aside when resume rebuilt it
    RUN/init-rows.npy              the rows a run fine-tuned from a vectors file loaded from
                                   it (training/published.py)
    RUN/words.png, loss.png        plots, when drawn
    RUN/.lock                      held (flock) by the process training in the folder

The lock is an OS lock (``flock``), so a crashed or killed process releases it at once; the pid
written inside only serves the message of the process that is refused.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from w2v.errors import RunError

VECTOR_FORMATS = {"npy": "vectors.npy", "bin": "vectors.bin", "txt": "vectors.txt"}
VECTOR_FILES = tuple(VECTOR_FORMATS.values())  # the order readers prefer: npy is memory-mapped
PLOTS = ("words.png", "loss.png")


class RunDir:
    """The files of one run folder (nothing is created until asked)."""

    def __init__(self, path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"

    vocab = property(lambda self: self.path / "vocab.txt")
    ids = property(lambda self: self.path / "corpus.ids")
    state = property(lambda self: self.path / "state.json")
    checkpoints = property(lambda self: self.path / "checkpoints")
    lock_file = property(lambda self: self.path / ".lock")
    subwords = property(lambda self: self.path / "subwords.npy")  # a subword run's W_in

    def rank_ids(self, rank: int) -> Path:
        return self.path / f"corpus.rank-{rank:03d}.ids"

    def vectors(self, name: str = "vectors.npy") -> Path:
        return self.path / name

    def plot(self, name: str) -> Path:
        return self.path / name

    def has_checkpoint(self) -> bool:
        return self.checkpoints.is_dir() and any(
            p.name.startswith("ckpt-") for p in self.checkpoints.iterdir())

    def vector_file(self, fmt: str) -> Path:
        """The final vectors in one format of ``VECTOR_FORMATS`` ("npy", "bin", "txt")."""
        return self.path / VECTOR_FORMATS[fmt]

    def has_vectors(self, formats=None) -> bool:
        """Whether the final vectors were written: a file of any format (an export writes all
        the formats of ``save`` at once), or of each of ``formats``."""
        if formats is None:
            return bool(self.saved_formats())
        return all(self.vector_file(f).is_file() for f in formats)

    def saved_formats(self) -> tuple[str, ...]:
        """The formats of ``VECTOR_FORMATS`` whose file is in the folder, in that order."""
        return tuple(f for f in VECTOR_FORMATS if self.vector_file(f).is_file())

    def saved_vectors(self) -> Path:
        """The vectors file a reader of the folder loads: the first that exists of
        ``VECTOR_FILES`` (vectors.npy unless the run saved only word2vec formats)."""
        return next((p for p in map(self.vectors, VECTOR_FILES) if p.is_file()), self.vectors())

    # ---------------------------------------------------------------- for ``w2v info``

    def named_files(self) -> list[Path]:
        """Every file this module names, in the order a listing shows them."""
        return [self.vocab, self.ids, self.state, *map(self.vectors, VECTOR_FILES),
                self.subwords, *map(self.plot, PLOTS)]

    def checkpoint_dirs(self) -> list[Path]:
        """The checkpoint folders, oldest first (their names sort by number)."""
        if not self.checkpoints.is_dir():
            return []
        return sorted(p for p in self.checkpoints.iterdir()
                      if p.is_dir() and p.name.startswith("ckpt-"))

    def is_run(self) -> bool:
        """Whether the folder holds (part of) a w2v run: a state or a checkpoint, or, for a run
        stopped while counting or diverged before its first checkpoint, the vocabulary with
        the encoded corpus (a vocab.txt alone sits beside an exported .npy, too)."""
        return (self.state.is_file() or bool(self.checkpoint_dirs())
                or (self.vocab.is_file() and self.ids.is_file()))

    def owns(self, path) -> bool:
        """Whether ``path`` is one of this run's own files (an export must not replace it)."""
        path = Path(path).absolute()
        return path in {p.absolute() for p in (*self.named_files(), self.lock_file)}

    def listing(self) -> list[Path]:
        """What ``w2v info`` lists: the named files that exist, the checkpoint folders, then
        anything else visible in the folder (hidden files, the lock among them, are left out)."""
        named = [p for p in self.named_files() if p.exists()]
        others = sorted(p for p in self.path.iterdir()
                        if not p.name.startswith(".") and p not in named
                        and p != self.checkpoints)
        return named + self.checkpoint_dirs() + others

    def read_state(self) -> dict:
        """RUN/state.json, or a RunError saying why it cannot be read."""
        if not self.state.exists():
            raise RunError(f"{self.state} does not exist: is {self.path} a w2v run folder?")
        return self.read_json(self.state)

    @staticmethod
    def read_json(path) -> dict:
        """A run's (or checkpoint's) state.json as a dict, or a RunError saying why not."""
        try:
            state = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RunError(f"{path} does not exist") from None
        except (ValueError, UnicodeDecodeError) as e:
            raise RunError(f"{path} is corrupt: not valid JSON ({e})") from None
        if not isinstance(state, dict):
            raise RunError(f"{path} is not a w2v run state")
        return state

    @contextmanager
    def lock(self):
        """Own the folder for the life of the block (created if missing). A second process is
        refused with the holder's pid; a folder this call created is removed again if the
        block fails before anything but the lock was written."""
        created = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise RunError(
                f"{self.path} is in use by another w2v process (pid {holder}); wait for it to "
                "finish, or choose another {=out}", pid=holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield self
        except BaseException:
            if created:
                self._remove_if_empty()
            raise
        finally:
            os.close(fd)  # releases the lock

    def _remove_if_empty(self) -> None:
        if [p.name for p in self.path.iterdir()] == [self.lock_file.name]:
            self.lock_file.unlink()
            self.path.rmdir()

    def clear(self) -> None:
        """Remove the files of a previous run (only those this module names, and the changed
        outputs a resume kept aside), for a fresh run in the same folder."""
        shutil.rmtree(self.checkpoints, ignore_errors=True)
        for path in (self.vocab, self.ids, self.state, *map(self.vectors, VECTOR_FILES),
                     self.subwords, *map(self.plot, PLOTS), self.path / "init-rows.npy"):
            path.unlink(missing_ok=True)
        for path in (*self.path.glob("corpus.rank-*.ids"), *self.path.glob("*.changed")):
            path.unlink()


def default_run(corpus: str, root="runs") -> Path:
    """``runs/<corpus name>`` (compression and .txt suffixes dropped); ``stdin`` for ``-`` and
    for what is not a regular file: a pipe (``<(zcat wiki.gz)`` is ``/dev/fd/63``), a device.

    >>> str(default_run("data/wiki.txt.gz")), str(default_run("-"))
    ('runs/wiki', 'runs/stdin')
    """
    piped = corpus == "-" or str(corpus).startswith(("/dev/", "/proc/")) or (
        Path(corpus).exists() and not Path(corpus).is_file())
    name = "stdin" if piped else Path(corpus).name
    for suffix in (".gz", ".bz2", ".xz", ".txt"):
        name = name.removesuffix(suffix)
    return Path(root) / (name or "corpus")


def latest_run(root="runs") -> Path:
    """The run folder under ``root`` whose vectors were written last."""
    runs = {p.parent for name in VECTOR_FILES for p in Path(root).glob(f"*/{name}")}
    if not runs:
        raise RunError(
            f"no trained vectors under {root}/; run 'w2v train CORPUS' or give {{=vectors}} PATH"
        )
    return max(runs, key=lambda p: RunDir(p).saved_vectors().stat().st_mtime)
