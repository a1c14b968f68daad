"""Versioned, atomic checkpoints in a run folder (``RUN/checkpoints/ckpt-000007/`` holds
``W_in.npy``, ``W_out.npy`` and ``state.json``; ``rundir.py`` names the rest), for exact resume.

A checkpoint is written into a hidden temporary folder, every file fsync'd, then renamed into
place in one atomic step; only then are older checkpoints removed (the newest ``KEEP`` stay).
A crash at any moment therefore leaves the previous checkpoint complete. ``state.json``
carries the format version, the full config, the position, the rng state, the loss history and
the sha256 of each array, which ``load`` verifies.

The arrays are large (2.4 GB at V = 1M, d = 300), so each is hashed from memory when written
and as it is read, never read back a second time (``write_npy``, ``read_npy``), and the two are
written and read on two threads (hashing and file I/O release the GIL). The final vectors share
this file: ``vectors.npy`` is a hard link to the final checkpoint's ``W_in.npy``
(``export.py``), so the sha256 recorded here is also that of ``vectors.npy``, and editing
``vectors.npy`` in place would make the checkpoint fail its check (w2v itself replaces it,
never rewrites it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2v.errors import CheckpointError
from w2v.train.rundir import RunDir
from w2v.util.atomic import atomic_write, fsync_dir

FORMAT = "w2v-checkpoint"
VERSION = 1
KEEP = 2
ARRAYS = ("W_in", "W_out")


@dataclass
class Checkpoint:
    path: Path
    state: dict
    W_in: np.ndarray
    W_out: np.ndarray


BLOCK = 1 << 24  # bytes read or hashed at a time (16 MB)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(BLOCK), b""):
            h.update(block)
    return h.hexdigest()


def write_npy(path: Path, array: np.ndarray) -> str:
    """``np.save(path, array)``, fsync'd; returns the file's sha256. np.save writes a real file
    straight from the array's memory (a file-like wrapper would make it copy 16 MB blocks),
    so the digest is taken from the header it wrote and from the array's memory, which is the
    rest of the file (C order), rather than by reading gigabytes back."""
    with open(path, "wb") as f:  # "wb": np.save takes the direct path for a BufferedWriter only
        np.save(f, array)
        f.flush()
        os.fsync(f.fileno())
        end = f.tell()
    if not array.flags.c_contiguous:  # the file is in C order, the memory is not
        return sha256_file(path)
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read(end - array.nbytes))
    data = memoryview(array.reshape(-1)).cast("B")
    for start in range(0, len(data), BLOCK):
        sha.update(data[start : start + BLOCK])
    return sha.hexdigest()


def read_npy(path: Path) -> tuple[np.ndarray, str]:
    """``np.load(path)`` and the file's sha256, from one read of the file; a header this does
    not read directly (Fortran order, objects) falls back to hashing, then ``np.load``."""
    fmt = np.lib.format
    with open(path, "rb") as f:
        try:
            version = fmt.read_magic(f)
            reader = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}
            shape, fortran, dtype = reader[version](f)
        except (ValueError, KeyError, EOFError):
            fortran, dtype = True, None
        if fortran or dtype.hasobject:
            return np.load(path), sha256_file(path)  # np.load's own error if unreadable
        offset = f.tell()
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if offset + nbytes > os.fstat(f.fileno()).st_size:  # before allocating what it claims
            raise ValueError(f"{path.name} is shorter than its header's {shape} {dtype}")
        sha = hashlib.sha256()
        f.seek(0)
        sha.update(f.read(offset))
        array = np.empty(shape, dtype=dtype)
        view = memoryview(array.reshape(-1)).cast("B")
        done = 0
        while done < len(view):
            n = f.readinto(view[done : done + BLOCK])
            if not n:  # shrunk since the size check
                raise ValueError(f"{path.name} holds {done:,} of its {len(view):,} bytes")
            sha.update(view[done : done + n])
            done += n
        for block in iter(lambda: f.read(BLOCK), b""):  # trailing bytes count in the digest
            sha.update(block)
    return array, sha.hexdigest()


def write_json_atomic(path: Path, data: dict) -> None:
    with atomic_write(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)


def _checkpoint_dirs(run) -> list[Path]:
    root = _rundir(run).checkpoints
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("ckpt-"))


def _rundir(run) -> RunDir:
    return run if isinstance(run, RunDir) else RunDir(run)


def save(run, state: dict, W_in: np.ndarray, W_out: np.ndarray) -> Path:
    """Write a checkpoint atomically and return its folder. On failure (a full disk, say) the
    partial folder is removed, earlier checkpoints are untouched, and CheckpointError says so."""
    run = _rundir(run)
    root = run.checkpoints
    root.mkdir(parents=True, exist_ok=True)
    existing = _checkpoint_dirs(run)
    number = int(existing[-1].name.split("-")[1]) + 1 if existing else 1
    final = root / f"ckpt-{number:06d}"
    tmp = root / f".tmp-{final.name}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        with ThreadPoolExecutor(len(ARRAYS)) as pool:
            jobs = [pool.submit(write_npy, tmp / f"{name}.npy", array)
                    for name, array in zip(ARRAYS, (W_in, W_out))]
            digests = {name: job.result() for name, job in zip(ARRAYS, jobs)}
        full_state = {"format": FORMAT, "version": VERSION, **state, "sha256": digests}
        write_json_atomic(tmp / "state.json", full_state)
        fsync_dir(tmp)
        os.rename(tmp, final)
        fsync_dir(root)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        last = f"; the previous checkpoint {existing[-1]} is intact" if existing else ""
        raise CheckpointError(
            f"could not write a checkpoint in {root}: {e.strerror or e}{last}"
        ) from e
    write_json_atomic(run.state, full_state)
    for old in _checkpoint_dirs(run)[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def load(path: Path) -> Checkpoint:
    """Load one checkpoint folder, checking its format version and the arrays' sha256."""
    path = Path(path)
    try:
        state = json.loads((path / "state.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint {path} has no state.json") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise CheckpointError(f"checkpoint {path} has a corrupt state.json ({e})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a w2v checkpoint")
    if state.get("version") != VERSION:
        raise CheckpointError(
            f"checkpoint {path} has format version {state.get('version')}; this w2v reads "
            f"version {VERSION}; train again or use the w2v version that wrote it"
        )
    for name in ARRAYS:
        if not (path / f"{name}.npy").is_file():
            raise CheckpointError(f"checkpoint {path} is missing {name}.npy")
    with ThreadPoolExecutor(len(ARRAYS)) as pool:  # hashing releases the GIL: one per core
        arrays = list(pool.map(lambda name: _verified(path, name, state), ARRAYS))
    return Checkpoint(path, state, *arrays)


def _verified(path: Path, name: str, state: dict) -> np.ndarray:
    """``name``.npy of the checkpoint, if its sha256 is the one ``state`` records."""
    file = path / f"{name}.npy"
    try:
        array, sha = read_npy(file)
    except ValueError as e:
        sha, error = sha256_file(file), e  # a damaged file: say so by its digest first
    else:
        error = None
    if sha != state.get("sha256", {}).get(name):
        raise CheckpointError(f"checkpoint {path}: {name}.npy is corrupt (sha256 mismatch)")
    if error is not None:
        raise CheckpointError(f"checkpoint {path}: {name}.npy is unreadable ({error})")
    return array


def latest(run, warn=print) -> Checkpoint:
    """The newest checkpoint that loads and verifies; a corrupt newer one is reported and
    skipped, so one damaged file never costs the whole run."""
    dirs = _checkpoint_dirs(run)
    if not dirs:
        raise CheckpointError(f"no checkpoint in {_rundir(run).path}; start a new run without "
                              "{=resume}")
    errors = []
    for path in reversed(dirs):
        try:
            ckpt = load(path)
        except CheckpointError as e:
            errors.append(str(e))
            continue
        for message in errors:
            warn(f"skipping {message}")  # the caller says it is a warning
        return ckpt
    raise CheckpointError("; ".join(errors))


def has_checkpoint(run) -> bool:
    return bool(_checkpoint_dirs(run))
