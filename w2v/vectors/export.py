"""``w2v export``: the vectors of a run (or of any vectors file ``Vectors.load`` reads) in
another format, optionally only some rows.

Formats, each written atomically (temporary files renamed into place together):

- ``tsv``: for the TensorBoard Embedding Projector (projector.tensorflow.org, "Load"): the
  vectors (one row of tab-separated values per word, no header) and the metadata (the words,
  one per line: with a single column the projector wants no header). An output path ending in
  ``.tsv`` is the vectors file, with ``NAME.metadata.tsv`` beside it; any other path is a
  folder, created if missing, holding ``vectors.tsv`` and ``metadata.tsv``.
- ``txt`` / ``bin``: word2vec.c's text and binary formats (gensim's ``load_word2vec_format``);
  the output path ``-`` writes them to a stream (standard output) instead of a file.
- ``gensim``: gensim's ``KeyedVectors`` file (``.kv``), for ``KeyedVectors.load(path)`` in a
  notebook without a conversion; built by ``Vectors.to_gensim`` and pickled into one file
  (gensim writes arrays it stores separately only for a path, not for an open file), so it is
  staged and renamed like the others. Needs gensim; a pickle, so load only files you trust.
- ``npy``: the output path is the ``.npy`` matrix; the vocabulary goes to ``NAME.vocab.txt``
  beside ``NAME.npy``, as ``Vectors.load`` expects, with the run's word counts (0 when the
  source has none, a word2vec or GloVe file). Named after the array, so two exports into one
  folder keep their own vocabularies.

Without a format, the output path's extension gives it (``.txt``, ``.bin``, ``.npy``, ``.tsv``,
``.kv``;
``-`` is text).

Values are written with ``%.9g``, which round-trips float32 exactly. A fastText ``.bin`` exports
its words' vectors, each the mean of the word's own row and its n-gram rows (what fastText's
``.vec`` holds); no format here holds the n-gram rows themselves (``bin`` is word2vec.c's binary,
not fastText's), so the export cannot give a vector to a word outside the vocabulary, and says
so in a note: keep the ``.bin`` for that. A run's own files (its
``vocab.txt``, ``vectors.npy``, ...) are never replaced, so an export into the run folder cannot
break the run; other existing files are replaced only when asked (``force``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from w2v.errors import VectorsError
from w2v.run.rundir import RunDir
from w2v.text.vocab import Vocab
from w2v.util.atomic import atomic_group
from w2v.vectors.formats import NPY_MAGIC, npy_vocab, write_records, write_word2vec
from w2v.vectors.vectors import Vectors

FORMATS = ("tsv", "txt", "bin", "npy", "gensim")
SUFFIX_FORMATS = {"kv": "gensim", "vec": "txt"}  # extensions not their format's name (fastText's
# .vec is word2vec's text format)
STDOUT = "-"
TSV_VECTORS, TSV_METADATA = "vectors.tsv", "metadata.tsv"
BLOCK_VALUES = 1 << 16  # values formatted per write, as formats.write_records


def export_vectors(source, fmt: str | None, out, words=None, top=None, force=False,
                   stream=None) -> dict:
    """Export ``source`` (a run folder or a vectors file) as ``fmt`` (None: from ``out``'s
    extension) to ``out`` (``"-"``: to the binary file object ``stream``); ``words`` (in their
    order, repeats dropped) or ``top`` (the most frequent) limit the rows. Returns ``{"paths",
    "rows", "dim", "missing", "notes"}``: ``missing`` are the words not in the vocabulary, which
    are skipped; ``notes`` say what the export leaves behind."""
    fmt = infer_format(out, fmt)
    vectors = Vectors.load(source)
    rows, missing = select_rows(vectors, words, top)
    matrix = vectors.vectors[rows]  # a slice of a memory-mapped .npy stays on disk
    chosen = vectors.words[rows] if isinstance(rows, slice) else [vectors.words[i] for i in rows]
    done = {"rows": len(chosen), "dim": vectors.dim, "missing": missing,
            "notes": _left_behind(vectors, source, out)}
    if str(out) == STDOUT:
        write_records(stream, chosen, matrix, binary=fmt == "bin")
        return {**done, "paths": ["standard output"]}
    paths = targets(fmt, Path(out))
    _check_targets(paths, fmt, force)
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("txt", "bin"):
        write_word2vec(paths[0], chosen, matrix, binary=fmt == "bin")
    elif fmt == "tsv":
        _write_tsv(paths, chosen, matrix)
    elif fmt == "gensim":
        _write_gensim(paths[0], chosen, matrix)
    else:
        _write_npy(paths, chosen, matrix, _source_vocab(Path(source), vectors), rows)
    return {**done, "paths": [str(p) for p in paths]}


def _left_behind(vectors: Vectors, source, out) -> list[str]:
    """The note for a fastText ``.bin``: no export format holds its n-gram rows."""
    if vectors.subwords is None:
        return []
    name = "standard output" if str(out) == STDOUT else out
    return [f"{name} holds whole-word vectors only: the n-gram rows that give a vector to words "
            f"outside the vocabulary stay in {source}"]


def infer_format(out, fmt: str | None) -> str:
    """``fmt``, or the format ``out``'s extension names (``-``: txt); checks that a stream
    gets a word2vec format."""
    if fmt is None:
        suffix = "txt" if str(out) == STDOUT else Path(out).suffix.lower().lstrip(".")
        suffix = SUFFIX_FORMATS.get(suffix, suffix)
        if suffix not in FORMATS:
            raise VectorsError(f"cannot tell the format from {out}'s extension; give {{=format}} "
                               f"({', '.join(FORMATS)}) or an output ending in .txt, .bin, .npy, "
                               ".tsv or .kv")
        fmt = suffix
    if fmt not in FORMATS:
        raise VectorsError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if str(out) == STDOUT and fmt not in ("txt", "bin"):
        raise VectorsError(f"{fmt} writes several files, so it cannot go to standard output "
                           "(-); use txt or bin there")
    return fmt


def select_rows(vectors: Vectors, words=None, top=None):
    """The rows to export, as a slice (every word, or the ``top`` most frequent) or a list of
    row ids (``words``, in their order, each once; case folded as queries are), and the words
    that are not in the vocabulary."""
    if top is not None and (not isinstance(top, int) or top < 1):
        raise VectorsError(f"top must be a positive integer, got {top!r}")
    if words is None:
        return slice(0, len(vectors) if top is None else min(top, len(vectors))), []
    ids, missing, seen = [], [], set()
    for word in words:
        if word not in vectors:
            missing.append(word)
        elif vectors.id(word) not in seen:
            seen.add(vectors.id(word))
            ids.append(vectors.id(word))
    if not ids:
        raise VectorsError(f"none of the {len(words)} words is in the vocabulary"
                           if words else "the word list is empty")
    return ids[:top] if top is not None else ids, missing


def targets(fmt: str, out: Path) -> list[Path]:
    """The files an export writes."""
    if fmt == "tsv" and out.suffix.lower() == ".tsv":
        return [out, out.with_name(out.stem + ".metadata.tsv")]
    if fmt == "tsv":
        return [out / TSV_VECTORS, out / TSV_METADATA]
    if fmt == "npy":
        return [out, out.with_name(out.stem + ".vocab.txt")]
    return [out]


def _check_targets(paths: list[Path], fmt: str, force: bool) -> None:
    if fmt == "tsv" and paths[0].parent.exists() and not paths[0].parent.is_dir():
        raise VectorsError(f"{paths[0].parent} is a file; a tsv export writes a folder (or give "
                           "an output ending in .tsv)")
    for path in paths:
        run = RunDir(path.parent)
        if run.owns(path) and (run.state.is_file() or run.checkpoint_dirs()):
            raise VectorsError(f"{path} is a file of the w2v run in {run.path}; export to "
                               "another path")
        if path.is_dir():
            raise VectorsError(f"{path} is a folder")
        if path.exists() and not path.is_file():
            raise VectorsError(f"{path} is not a regular file, and only one is replaced; to "
                               f"write to standard output give {{=out}} -")
        if path.exists() and not force:
            raise VectorsError(f"{path} exists; add {{=force}} to replace it")


def _write_tsv(paths: list[Path], words: list[str], matrix) -> None:
    d = matrix.shape[1]
    row_format = "\t".join(["%.9g"] * d) + "\n"
    block = max(1, BLOCK_VALUES // max(d, 1))
    with atomic_group() as stage:
        with open(stage(paths[0]), "w", encoding="utf-8", newline="\n") as f:
            for start in range(0, len(words), block):
                rows = np.asarray(matrix[start : start + block], dtype=np.float32)
                f.write("".join(row_format % tuple(r) for r in rows.tolist()))
        with open(stage(paths[1]), "w", encoding="utf-8", newline="\n") as f:
            _write_metadata(f, words)


def _write_gensim(path: Path, words: list[str], matrix) -> None:
    try:
        import gensim  # noqa: F401
    except ImportError:
        raise VectorsError("the gensim format needs the gensim package: pip install gensim") \
            from None
    kv = Vectors(words, np.asarray(matrix, dtype=np.float32)).to_gensim()
    with atomic_group() as stage, open(stage(path), "wb") as f:
        kv.save(f)


def _write_metadata(f, words: list[str]) -> None:
    """The projector's metadata: one word per line, no header (a single column)."""
    f.writelines(f"{w}\n" for w in words)


def _write_npy(paths: list[Path], words: list[str], matrix, vocab: Vocab | None, rows) -> None:
    """The matrix and its vocabulary with the source's counts for the chosen rows."""
    if vocab is None:
        counts, total = np.zeros(len(words), np.int64), 0
    else:
        counts, total = vocab.counts[rows], vocab.total_words
    with atomic_group() as stage:
        with open(stage(paths[0]), "wb") as f:
            np.save(f, np.asarray(matrix, dtype=np.float32))
        Vocab(words, counts, total_words=total).save(stage(paths[1]))


def _source_vocab(source: Path, vectors: Vectors) -> Vocab | None:
    """The vocabulary (with counts) of a run folder or of a ``.npy`` (``formats.npy_vocab``);
    None for a word2vec or GloVe file, which carry no counts."""
    if source.is_dir():
        path = RunDir(source).vocab
    else:
        with open(source, "rb") as f:
            if f.read(len(NPY_MAGIC)) != NPY_MAGIC:
                return None
        path = npy_vocab(source)
    vocab = Vocab.load(path)
    return vocab if vocab.words == vectors.words else None
