"""Settings that will work but probably not as meant: one warning line each, before the run
spends its time, never an error (the user may know better: a disk that will be cleaned, a
machine whose cores this process cannot see). They do not change the result, so quiet hides
them (a Note of kind "warning", not an Alert).

- ``threads`` above the cores this process may run on: the extra threads only take turns, and
  more Hogwild writers collide more often.
- checkpoints that will not fit: ``checkpoint.KEEP`` checkpoints stay, and one more is written
  before the oldest is removed, each ``W_in`` plus the output rows in float32.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from w2v.config import Config, available_cores
from w2v.run.checkpoint import KEEP
from w2v.training import events


def threads_warning(cfg: Config, cores: int | None = None) -> str | None:
    """A warning when ``threads`` asks for more threads than ``cores`` (this process's).

    >>> threads_warning(Config(threads=8), cores=2)[:44]
    '{=threads} 8 is more than the 2 cores this p'
    >>> threads_warning(Config(threads=2), cores=2) is None
    True
    """
    cores = available_cores() if cores is None else cores
    if cfg.threads <= cores:
        return None
    return (f"{{=threads}} {cfg.threads} is more than the {cores} cores this process may use: "
            "the extra threads only take turns (0 uses every core)")


def checkpoint_bytes(words: int, out_rows: int, dim: int) -> int:
    """The arrays of one checkpoint: ``W_in`` (words x dim) and the output rows, float32."""
    return (words + out_rows) * dim * 4


def disk_warning(words: int, out_rows: int, dim: int, free: int) -> str | None:
    """A warning when the checkpoints a run keeps at once (``KEEP`` + the one being written)
    need more than ``free`` bytes.

    >>> disk_warning(1_000_000, 1_000_000, 300, free=5 * 10**9)[:64]
    'checkpoints of 1,000,000 words x {=dim} 300 take 2.4 GB each and'
    >>> disk_warning(1_000, 1_000, 300, free=5 * 10**9) is None
    True
    """
    each = checkpoint_bytes(words, out_rows, dim)
    if each * (KEEP + 1) <= free:
        return None
    return (f"checkpoints of {words:,} words x {{=dim}} {dim} take {_size(each)} each and up to "
            f"{KEEP + 1} exist at once while one is written, more than the {_size(free)} free; "
            "lower {=dim} or {=max_vocab}, or free some space")


def _size(n: int) -> str:
    """Bytes for a person: ``_size(2_400_000_000)`` is '2.4 GB'."""
    for scale, unit in ((1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def free_bytes(path: Path) -> int:
    """Free space for an unprivileged user on the disk of ``path`` (or its nearest existing
    parent)."""
    path = Path(path).resolve()
    while not path.exists():
        path = path.parent
    return shutil.disk_usage(path).free


def check_threads(cfg: Config):
    """Yield the threads warning, if any, as an event."""
    text = threads_warning(cfg)
    if text:
        yield events.Note(text, kind="warning")


def check_disk(cfg: Config, words: int, out_rows: int, folder):
    """Yield the disk warning, if any, as an event (``folder``: the run folder)."""
    text = disk_warning(words, out_rows, cfg.dim, free_bytes(folder))
    if text:
        yield events.Note(text, kind="warning")
