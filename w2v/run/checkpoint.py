"""Versioned, atomic checkpoints in a run folder (``RUN/checkpoints/ckpt-000007/`` holds
``W_in.npy``, ``W_out.npy``, a copy of ``vocab.txt`` and ``state.json``; ``rundir.py`` names the
rest), for exact resume.

A checkpoint is written into a hidden temporary folder, every file fsync'd, then renamed into
place in one atomic step; only then are older checkpoints removed (the newest ``KEEP`` stay).
A crash at any moment therefore leaves the previous checkpoint complete. ``state.json``
carries the format version, the full config, the position, the rng state, the loss history and
the size and sha256 of each file, which ``load`` verifies.

A checkpoint shares no file with anything else: the run's ``vectors.npy`` is a file of its own
(``export.py``), so a notebook's ``np.save("RUN/vectors.npy", ...)`` never reaches it, and the
copy of ``vocab.txt`` lets a damaged or edited vocabulary be restored. A checkpoint that fails
its check is skipped by ``latest``, which (for the process that owns the folder) renames it
``damaged-ckpt-...``: pruning only ever counts the checkpoints that were not found damaged, so
the newest good one is never removed to keep a damaged newer one.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2v.errors import CheckpointError
from w2v.run.hashed import read_npy, sha256_file, write_npy
from w2v.run.rundir import RunDir
from w2v.util.atomic import atomic_write, fsync_dir

FORMAT = "w2v-checkpoint"
VERSION = 1
KEEP = 2
ARRAYS = ("W_in", "W_out")
VOCAB = "vocab"  # the key of the vocabulary copy in the recorded sizes and digests
FILES = {"W_in": "W_in.npy", "W_out": "W_out.npy", VOCAB: "vocab.txt"}
DAMAGED = "damaged-"  # the prefix of a checkpoint set aside by ``latest``


@dataclass
class Checkpoint:
    path: Path
    state: dict
    W_in: np.ndarray
    W_out: np.ndarray


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
    numbers = [int(p.name.split("-")[-1]) for p in (*existing, *root.glob(DAMAGED + "ckpt-*"))]
    final = root / f"ckpt-{max(numbers, default=0) + 1:06d}"  # after the damaged ones too
    tmp = root / f".tmp-{final.name}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        with ThreadPoolExecutor(len(ARRAYS)) as pool:
            jobs = [pool.submit(write_npy, tmp / FILES[name], array)
                    for name, array in zip(ARRAYS, (W_in, W_out))]
            digests = {name: job.result() for name, job in zip(ARRAYS, jobs)}
        if run.vocab.is_file():  # a few MB beside the arrays' GB: a damaged vocab.txt is no loss
            shutil.copyfile(run.vocab, tmp / FILES[VOCAB])
            digests[VOCAB] = sha256_file(tmp / FILES[VOCAB])
        sizes = {name: (tmp / FILES[name]).stat().st_size for name in digests}
        full_state = {"format": FORMAT, "version": VERSION, **state, "sha256": digests,
                      "bytes": sizes}
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
    prune(run)
    return final


def prune(run) -> None:
    """Keep the newest ``KEEP`` checkpoints not found damaged; once there are that many, the
    damaged ones set aside by ``latest`` go too (they cannot be resumed from)."""
    kept = _checkpoint_dirs(run)
    for old in kept[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
    if len(kept) >= KEEP:
        for old in _rundir(run).checkpoints.glob(DAMAGED + "ckpt-*"):
            shutil.rmtree(old, ignore_errors=True)


def read_state(path: Path) -> dict:
    """A checkpoint's state.json, checked for its format and version."""
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
    return state


def load(path: Path) -> Checkpoint:
    """Load one checkpoint folder, checking its format version and its files' sha256."""
    path = Path(path)
    state = read_state(path)
    for name in ARRAYS:
        if not (path / FILES[name]).is_file():
            raise CheckpointError(f"checkpoint {path} is missing {FILES[name]}")
    problem = _file_problem(path, VOCAB, state) if VOCAB in state.get("sha256", {}) else None
    if problem:
        raise CheckpointError(f"checkpoint {path}: {problem}")
    with ThreadPoolExecutor(len(ARRAYS)) as pool:  # hashing releases the GIL: one per core
        arrays = list(pool.map(lambda name: _verified(path, name, state), ARRAYS))
    return Checkpoint(path, state, *arrays)


def verify(path: Path) -> list[str]:
    """What is wrong with a checkpoint folder, file by file (empty if it is whole), reading
    each file once without loading it: what ``w2v info`` shows."""
    path = Path(path)
    try:
        state = read_state(path)
    except CheckpointError as e:
        return [str(e).removeprefix(f"checkpoint {path} ")]
    names = [n for n in FILES if n in ARRAYS or n in state.get("sha256", {})]
    return [p for p in (_file_problem(path, n, state) for n in names) if p]


def _file_problem(path: Path, name: str, state: dict) -> str | None:
    """Why ``FILES[name]`` of the checkpoint is not what ``state`` records, or None."""
    file = path / FILES[name]
    if not file.is_file():
        return f"{file.name} is missing"
    size, want = state.get("bytes", {}).get(name), state.get("sha256", {}).get(name)
    if size is not None and file.stat().st_size != size:
        return f"{file.name} is corrupt ({file.stat().st_size:,} bytes, not {size:,})"
    if sha256_file(file) != want:
        return f"{file.name} is corrupt (sha256 mismatch)"
    return None


def _verified(path: Path, name: str, state: dict) -> np.ndarray:
    """``name``.npy of the checkpoint, if its sha256 is the one ``state`` records."""
    file = path / FILES[name]
    try:
        array, sha = read_npy(file)
    except ValueError as e:
        sha, error = sha256_file(file), e  # a damaged file: say so by its digest first
    else:
        error = None
    if sha != state.get("sha256", {}).get(name):
        raise CheckpointError(f"checkpoint {path}: {file.name} is corrupt (sha256 mismatch)")
    if error is not None:
        raise CheckpointError(f"checkpoint {path}: {file.name} is unreadable ({error})")
    return array


def latest(run, warn=print) -> Checkpoint:
    """The newest checkpoint that loads and verifies; a corrupt newer one is reported (through
    ``warn``, with what falling back costs) and skipped, so one damaged file never costs the
    whole run."""
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
            warn(f"skipping {message}: continuing from the older {path.name} (epoch "
                 f"{ckpt.state.get('epoch')}, {ckpt.state.get('words_done', 0):,} words)")
        return ckpt
    raise CheckpointError("; ".join(errors) + "; no intact checkpoint is left: the run cannot "
                          "be resumed (start it again with {=force})")


def set_aside(run, good: Path) -> None:
    """Rename the checkpoints newer than ``good`` (which ``latest`` skipped as damaged)
    ``damaged-ckpt-...``, so that pruning never counts them; only the folder's owner may."""
    for path in _checkpoint_dirs(run):
        if path.name > Path(good).name:
            shutil.rmtree(path.with_name(DAMAGED + path.name), ignore_errors=True)
            os.replace(path, path.with_name(DAMAGED + path.name))


def has_checkpoint(run) -> bool:
    return bool(_checkpoint_dirs(run))
