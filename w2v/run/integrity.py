"""Whether a run folder's files are the ones w2v wrote, and what can be rebuilt from what.

Every file w2v writes is recorded by size and sha256: a checkpoint's files in its own
``state.json`` (``checkpoint.py``), the vector files and ``vocab.txt`` in ``RUN/state.json``'s
``outputs`` (``export.py``). ``RUN/state.json`` itself is the newest checkpoint's state plus
``outputs``. So each damaged file has a source to be rebuilt from:

- ``vocab.txt``, ``state.json`` and the vector files: the checkpoint they came from (its W_in,
  its copy of the vocabulary);
- a checkpoint's ``W_in.npy``: ``vectors.npy``, when it holds the recorded bytes;
- a checkpoint otherwise: nothing but an older intact checkpoint, from which the epochs after
  it are trained again.

``check`` reads every file once (what ``w2v info`` shows); ``resume`` in ``prepare.py`` acts on
the same records.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from w2v.errors import CheckpointError, RunError
from w2v.run import checkpoint
from w2v.run.hashed import sha256_file
from w2v.run.rundir import RunDir
from w2v.util.atomic import atomic_group


@dataclass(frozen=True)
class Damage:
    """One damaged file: ``file`` relative to the run, what is wrong, and how to recover."""

    file: str
    problem: str
    recovery: str


def file_problem(path: Path, record: dict | None) -> str | None:
    """Why ``path`` is not the file ``record`` ({"bytes", "sha256"}) describes, or None."""
    if not path.is_file():
        return "missing"
    if not record:
        return None
    size = path.stat().st_size
    if record.get("bytes") is not None and size != record["bytes"]:
        return f"changed since w2v wrote it ({size:,} bytes, not {record['bytes']:,})"
    if sha256_file(path) != record.get("sha256"):
        return "changed since w2v wrote it (sha256 mismatch)"
    return None


def keep_aside(path: Path) -> Path | None:
    """Move a changed file out of the way as ``NAME.changed`` (replacing an older one), so
    that rebuilding it loses nothing a user may have meant to write; None if it is missing."""
    if not path.is_file():
        return None
    aside = path.with_name(path.name + ".changed")
    path.replace(aside)
    return aside


def read_record(run: RunDir) -> dict:
    """RUN/state.json, or {} if it cannot be read."""
    try:
        return run.read_state()
    except (RunError, OSError):
        return {}


def output_records(run: RunDir, record: dict) -> tuple[str | None, dict]:
    """(checkpoint name, {file name: {"bytes", "sha256"}}) of the run's recorded outputs."""
    outputs = record.get("outputs") if isinstance(record.get("outputs"), dict) else {}
    files = outputs.get("files") if isinstance(outputs.get("files"), dict) else {}
    return outputs.get("checkpoint"), files


def damaged_outputs(run: RunDir, record: dict) -> dict[str, str]:
    """{file name: problem} of the recorded outputs (vector files, vocab.txt)."""
    _, files = output_records(run, record)
    problems = {name: file_problem(run.path / name, rec) for name, rec in files.items()}
    return {name: p for name, p in problems.items() if p}


def check(run: RunDir) -> list[Damage]:
    """Every damaged file of the run, with how to recover it."""
    record = read_record(run)
    dirs = run.checkpoint_dirs()
    verdicts = {d: checkpoint.verify(d) for d in dirs}
    good = next((d for d in reversed(dirs) if not verdicts[d]), None)
    source, _ = output_records(run, record)
    damages = [_checkpoint_damage(run, d, p, good, record)
               for d in dirs for p in verdicts[d]]
    rebuild = (f"resuming rewrites it from {good.name}" if good is not None and
               (source in (None, good.name)) else _lost(good, record))
    damages += [Damage(name, problem, rebuild)
                for name, problem in damaged_outputs(run, record).items()]
    ids = record.get("ids") if isinstance(record.get("ids"), dict) else {}
    if run.ids.is_file() and ids.get("bytes") not in (None, run.ids.stat().st_size):
        damages.append(Damage(run.ids.name, f"changed since the run encoded it "
                              f"({run.ids.stat().st_size:,} bytes, not {ids['bytes']:,})",
                              "resuming encodes the corpus again"))
    origin = run.checkpoints / source if source else (dirs[-1] if dirs else None)
    if run.state.is_file() and origin is not None and origin.is_dir():
        problem = _state_problem(run, record, origin)
        if problem:
            damages.append(Damage(run.state.name, problem, f"resuming rewrites it from "
                                  f"{(good or dirs[-1]).name}"))
    damages += [Damage(f"{p.parent.name}/{p.name}", "set aside as damaged by a resume",
                       "none needed: delete it (the next checkpoint removes it)")
                for p in sorted(run.checkpoints.glob(checkpoint.DAMAGED + "ckpt-*"))]
    return damages


def _checkpoint_damage(run: RunDir, path: Path, problem: str, good, record) -> Damage:
    name = f"{path.parent.name}/{path.name}"
    if good is not None and path < good:
        return Damage(name, problem, f"not needed: {good.name} is newer and intact")
    for key, twin in twins(run).items():
        if problem.startswith(checkpoint.FILES[key]) and restorable(run, path, key):
            return Damage(name, problem, f"resuming restores it from {twin.name}, which "
                          "holds the same bytes")
    return Damage(name, problem, _lost(good, record))


def _lost(good, record) -> str:
    """What resuming does when the newest checkpoint is damaged beyond repair."""
    if good is None:
        return "no intact checkpoint is left: the run cannot be resumed or extended"
    state = checkpoint.read_state(good)
    done, ahead = state.get("epoch"), record.get("epoch")
    again = ""
    if isinstance(done, int) and isinstance(ahead, int) and ahead > done:
        again = f": resuming with {ahead} epochs trains {epoch_span(done + 1, ahead)} again"
    return f"the newest intact checkpoint is {good.name} (epoch {done}){again}"


def epoch_span(first: int, last: int) -> str:
    """Epochs ``first`` to ``last``, said as a person would.

    >>> epoch_span(6, 6), epoch_span(6, 7)
    ('epoch 6', 'epochs 6-7')
    """
    return f"epoch {first}" if first == last else f"epochs {first}-{last}"


def _state_problem(run: RunDir, record: dict, newest: Path) -> str | None:
    """Why RUN/state.json is not the newest checkpoint's state (plus ``outputs``), or None."""
    if not record:
        return "unreadable (not valid JSON)"
    try:
        ckpt_state = checkpoint.read_state(newest)
    except CheckpointError:
        return None  # the checkpoint's own damage is reported; nothing to compare with
    if {k: v for k, v in record.items() if k != "outputs"} != ckpt_state:
        return f"differs from {newest.name}'s state.json (edited?)"
    return None


def twins(run: RunDir) -> dict[str, Path]:
    """The run's files that hold the same bytes as a checkpoint's (by ``checkpoint.FILES``
    key): vectors.npy is the final W_in.npy (a subword run's subwords.npy), vocab.txt the copy
    of the vocabulary."""
    W_in = run.subwords if run.subwords.is_file() else run.vector_file("npy")
    return {"W_in": W_in, checkpoint.VOCAB: run.vocab}


def restorable(run: RunDir, path: Path, name: str) -> bool:
    """Whether the run's twin of checkpoint ``path``'s file ``name`` holds the recorded bytes."""
    try:
        state = checkpoint.read_state(path)
    except CheckpointError:
        return False
    want = {"bytes": state.get("bytes", {}).get(name), "sha256": state.get("sha256", {}).get(name)}
    twin = twins(run)[name]
    return twin.is_file() and want["sha256"] is not None and file_problem(twin, want) is None


def state_twin(run: RunDir, path: Path) -> dict | None:
    """RUN/state.json without ``outputs``, if it is checkpoint ``path``'s state: a checkpoint
    state whose recorded files are the ones in ``path``; else None."""
    record = {k: v for k, v in read_record(run).items() if k != "outputs"}
    digests = record.get("sha256") if isinstance(record.get("sha256"), dict) else {}
    if record.get("format") != checkpoint.FORMAT or "W_in" not in digests:
        return None
    sizes = record.get("bytes") if isinstance(record.get("bytes"), dict) else {}
    same = all(file_problem(path / checkpoint.FILES[name], {"bytes": sizes.get(name),
                                                            "sha256": sha}) is None
               for name, sha in digests.items() if name in checkpoint.FILES)
    return record if same else None


def restore(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` atomically (a damaged file from its intact twin)."""
    with atomic_group() as stage:
        shutil.copyfile(source, stage(target))
