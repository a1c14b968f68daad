"""Atomic file writes: a crash never leaves a half-written file under the final name."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_write(path, mode: str = "wb", **open_kwargs):
    """Open a hidden temporary file beside ``path``; on success flush, fsync and rename it over
    ``path``; on any failure remove it and leave ``path`` as it was.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_write(p, "w") as f: _ = f.write("hi")
    >>> p.read_text()
    'hi'
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # not mkstemp: keep the umask's mode
    try:
        with open(tmp, mode, **open_kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
