"""Versioned, atomic checkpoints in a run folder (``RUN/checkpoints/ckpt-000007/`` holds
``W_in.npy``, ``W_out.npy`` and ``state.json``; ``rundir.py`` names the rest), for exact resume.

A checkpoint is written into a hidden temporary folder, every file fsync'd, then renamed into
place in one atomic step; only then are older checkpoints removed (the newest ``KEEP`` stay).
A crash at any moment therefore leaves the previous checkpoint complete. ``state.json``
carries the format version, the full config, the position, the rng state, the loss history and
the sha256 of each array, which ``load`` verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
        digests = {}
        for name, array in zip(ARRAYS, (W_in, W_out)):
            with open(tmp / f"{name}.npy", "wb") as f:
                np.save(f, array)
                f.flush()
                os.fsync(f.fileno())
            digests[name] = sha256_file(tmp / f"{name}.npy")
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
    arrays = []
    for name in ARRAYS:
        file = path / f"{name}.npy"
        if not file.is_file():
            raise CheckpointError(f"checkpoint {path} is missing {name}.npy")
        if sha256_file(file) != state.get("sha256", {}).get(name):
            raise CheckpointError(f"checkpoint {path}: {name}.npy is corrupt (sha256 mismatch)")
        try:
            arrays.append(np.load(file))
        except ValueError as e:
            raise CheckpointError(f"checkpoint {path}: {name}.npy is unreadable ({e})") from None
    return Checkpoint(path, state, *arrays)


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
            warn(f"warning: skipping {message}")
        return ckpt
    raise CheckpointError("; ".join(errors))


def has_checkpoint(run) -> bool:
    return bool(_checkpoint_dirs(run))
