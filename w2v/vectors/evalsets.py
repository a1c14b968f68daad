"""The evaluation sets packaged with w2v (``w2v/data/eval/``; its README.md records where each
comes from and its licence), how a name or a path on the command line becomes a file, and how
evaluation reads a set's lines and matches its words (case folded, most frequent row first).

>>> resolve("google", "analogies")[0], resolve("wordsim353", "similarity")[1].name
('google', 'wordsim353.tsv')
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from w2v.errors import VectorsError

if TYPE_CHECKING:
    from w2v.vectors.vectors import Vectors

DATA = Path(__file__).resolve().parents[1] / "data" / "eval"

# name -> (kind, file): kind is "analogies" or "similarity", the evaluation it feeds.
BUILTIN = {
    "google": ("analogies", "questions-words.txt"),
    "phrases": ("analogies", "questions-phrases.txt"),
    "wordsim353": ("similarity", "wordsim353.tsv"),
}
DEFAULTS = {"analogies": "google", "similarity": ("wordsim353",)}
KIND = {"analogies": "analogy", "similarity": "word-pair"}  # for messages


def choose(analogies, similarity) -> tuple[list, list]:
    """The analogy file (None or one) and word-pair files (any number) an evaluation reads,
    as ``(label, path)`` lists; with none given, the built-in ``DEFAULTS``."""
    if not analogies and not similarity:
        analogies, similarity = DEFAULTS["analogies"], DEFAULTS["similarity"]
    return ([resolve(analogies, "analogies")] if analogies else [],
            [resolve(v, "similarity") for v in similarity])


def names(kind: str) -> list[str]:
    return [name for name, (k, _) in BUILTIN.items() if k == kind]


def resolve(value: str, kind: str) -> tuple[str, Path]:
    """``(label, path)`` for a file path or a built-in set's name; the label is what reports
    call it (the name, or the path as given). An existing file wins over a name, so a file
    called ``google`` in the current folder is still read."""
    path = Path(value)
    if path.is_file():
        return value, path
    if value in BUILTIN:
        wanted, file = BUILTIN[value]
        if wanted != kind:
            raise VectorsError(f"{value!r} is a built-in {KIND[wanted]} set, not "
                               f"{'an' if kind == 'analogies' else 'a'} {KIND[kind]} set")
        if not (DATA / file).is_file():
            raise VectorsError(f"the built-in set {value} ({DATA / file}) is missing from this "
                               "installation of w2v; reinstall it, or give the file's path")
        return value, DATA / file
    if path.is_dir():
        raise VectorsError(f"{value} is a folder, not a file")
    raise VectorsError(f"{value} is neither a file nor a built-in {KIND[kind]} set "
                       f"({', '.join(names(kind))})")


def folded_index(
    vectors: Vectors, n: int, case_insensitive: bool
) -> tuple[list[str], dict[str, int]]:
    """The first ``n`` words folded (upper-cased when case-insensitive), and folded word ->
    its first, i.e. most frequent, row (gensim's and word2vec.c's rule)."""
    folded = [w.upper() for w in vectors.words[:n]] if case_insensitive else vectors.words[:n]
    first: dict[str, int] = {}
    for i, w in enumerate(folded):
        first.setdefault(w, i)
    return folded, first


def read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            yield from f
    except FileNotFoundError:
        raise VectorsError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise VectorsError(f"{path} is a directory, not a file") from None
