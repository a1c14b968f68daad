"""What a run records of its corpus, and how a corpus given on resume is matched against it.

Each input is recorded as ``{"path", "relative", "size", "text_bytes", "sha256"}``: its
absolute path, its path relative to the run folder (a run moved together with its corpus
finds it again), its stored size (None for a stream), and the size and sha256 of its text,
taken while the one counting pass read it (``read.Source.digest``). The content decides: a
file moved or renamed, or a recompressed one, is the same corpus if its text is; the same
bytes piped again into standard input are too.

A record without ``sha256`` (a distributed run, whose ranks read shards, or a run of an
older w2v) is matched by path and size, as before.
"""

from __future__ import annotations

import os
from pathlib import Path

from w2v.errors import CheckpointError, CorpusError
from w2v.text.read import STDIN, Source, check_path, is_regular


def record(srcs: list[Source], run) -> list[dict]:
    """The record of inputs fully read (their digests are complete)."""
    return [{**locate_fields(src.path, run), **src.digest()} for src in srcs]


def locate_fields(path, run) -> dict:
    """"path", "relative" and "size" of one input (a stream has no path to find again)."""
    if str(path) == STDIN:
        return {"path": STDIN, "relative": None, "size": None}
    absolute = Path(path).resolve()
    return {"path": str(absolute),
            "relative": os.path.relpath(absolute, Path(run).resolve()),
            "size": absolute.stat().st_size if is_regular(path) else None}


def by_path(paths) -> list[dict]:
    """The record without digests, of inputs not read here (a distributed run's)."""
    return [{"path": STDIN, "size": None} if str(p) == STDIN else
            {"path": str(Path(p).resolve()), "size": Path(p).stat().st_size
             if is_regular(p) else None} for p in paths]


def find(stored: list[dict], given: list[str], run) -> tuple[list[dict], list]:
    """The inputs to read again if the encoded corpus must be rebuilt: ``given`` (checked
    against ``stored``) or the stored files where they are. Returns the record to keep (paths
    updated to where the corpus is now) and the inputs, a "-" among them to be checked by
    ``check_read`` once read. Raises if a given file is not the corpus."""
    if given and len(given) != len(stored):
        raise CheckpointError(f"cannot resume on a different corpus: the run was trained on "
                              f"{len(stored)} input(s), not {len(given)}")
    if given:
        return _match_given(stored, given, run)
    return stored, [_stored_path(entry, run) for entry in stored]


def _match_given(stored: list[dict], given: list[str], run):
    kept = []
    for entry, path in zip(stored, given):
        if str(path) == STDIN:
            if "sha256" not in entry and entry["path"] != STDIN:
                raise CheckpointError(_differs(entry, "standard input", "its path"))
            kept.append(entry)  # checked as it is read (a stream is read only once)
            continue
        check_path(path)
        now = locate_fields(path, run)
        same_place = now["path"] == entry["path"] and now["size"] == entry["size"]
        if "sha256" not in entry:
            if not same_place:
                raise CheckpointError(_differs(entry, path, "its path or size"))
        elif not same_place and content(path) != _digest(entry):
            raise CheckpointError(_differs(entry, path, "its text"))
        kept.append({**entry, **now})
    return kept, list(given)


def _differs(entry: dict, path, what: str) -> str:
    was = "standard input" if entry["path"] == STDIN else entry["path"]
    return f"cannot resume on a different corpus: {what} differs from the run's corpus " \
           f"({path} is not what was read from {was})"


def _stored_path(entry: dict, run) -> str:
    """Where a stored input is now: beside the run as recorded, else its absolute path."""
    if entry["path"] == STDIN:
        raise CorpusError("the run was trained from a stream (standard input), which cannot "
                          "be read again unasked: pipe the same text in again and give - as "
                          "the corpus (its content is checked), or give the corpus file with "
                          "{=corpus} PATH (a run keeps its encoded corpus with {=keep_ids})")
    for candidate in (Path(run) / entry["relative"] if entry.get("relative") else None,
                      Path(entry["path"])):
        if candidate is not None and candidate.is_file():
            return str(candidate)
    raise CorpusError(f"corpus file {entry['path']} does not exist (moved or renamed?): give "
                      "it with {=corpus} PATH; a file with the same text is accepted")


def _digest(entry: dict) -> dict:
    return {"text_bytes": entry.get("text_bytes"), "sha256": entry.get("sha256")}


def content(path) -> dict:
    """The size and sha256 of a file's text (read once, decompressed)."""
    src = Source(check_path(path))
    for _ in src.blocks():
        pass
    return src.digest()


def check_read(stored: list[dict], srcs: list[Source]) -> None:
    """After reading the inputs again: each one's text must be the recorded text (what lets
    a stream be given on resume)."""
    for entry, src in zip(stored, srcs):
        if "sha256" in entry and src.digest() != _digest(entry):
            raise CheckpointError(_differs(entry, src.name, "its text"))
