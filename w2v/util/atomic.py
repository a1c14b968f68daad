"""Atomic file writes: a crash never leaves a half-written file under the final name.

``atomic_write`` writes one file: a hidden temporary file beside it, flushed and fsynced, then
renamed over it, then the folder fsynced so the rename itself survives a power cut.
``atomic_group`` does the same for several files that belong together (the final vectors in
three formats): all are written first, then all renamed at once with signals held back, so a
reader never sees some of them new and some old or missing.

Only a regular file or a missing path is ever replaced: renaming onto ``/dev/stdout`` (as root,
in a container) would swap the terminal or pipe for a regular file, and onto a folder or a FIFO
would lose what a reader expects there, so those are refused before anything is written.
"""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from pathlib import Path


def fsync_dir(path) -> None:
    """Make the folder's entries (a rename into it) durable."""
    _fsync_file(path)


def _fsync_file(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_replaceable(path: Path) -> None:
    """Raise unless ``path`` is missing or a regular file (a symlink counts as what it names)."""
    if path.is_dir():
        raise IsADirectoryError(21, "will not replace a folder with a file", str(path))
    if path.exists() and not path.is_file():
        raise FileExistsError(17, "will not replace what is not a regular file (a device, pipe "
                              "or socket) with one", str(path))


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")  # not mkstemp: keep the umask's mode


@contextmanager
def atomic_write(path, mode: str = "wb", **open_kwargs):
    """Open a hidden temporary file beside ``path``; on success flush, fsync and rename it over
    ``path``; on any failure remove it and leave ``path`` as it was.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_write(p, "w") as f: _ = f.write("hi")
    >>> p.read_text()
    'hi'
    """
    with atomic_group() as stage, open(stage(path), mode, **open_kwargs) as f:
        yield f


@contextmanager
def atomic_group():
    """Yield ``stage(path) -> temporary path``; write each staged file, then on success they are
    fsynced and renamed into place together (SIGINT and SIGTERM held until all are renamed).
    On any failure every temporary file is removed and no final file is touched.

    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> with atomic_group() as stage:
    ...     _ = stage(d / "a").write_text("1"); _ = stage(d / "b").write_text("2")
    >>> sorted(p.name for p in d.iterdir())
    ['a', 'b']
    """
    staged: list[tuple[Path, Path]] = []

    def stage(path) -> Path:
        path = Path(path)
        check_replaceable(path)
        staged.append((_temp_name(path), path))
        return staged[-1][0]

    try:
        yield stage
        for tmp, _ in staged:
            _fsync_file(tmp)
        held = {signal.SIGINT, signal.SIGTERM}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            for tmp, path in staged:
                os.replace(tmp, path)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        for folder in {path.parent for _, path in staged}:
            fsync_dir(folder)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
