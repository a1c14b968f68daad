"""Vectors that carry n-gram rows: a word's vector is the mean of its rows G_w.

G_w (``SubwordSpec.rows``) is the word's own row, if it is in the vocabulary, followed by one
row per character n-gram (``nwords + bucket``), repeats kept: ``aaaa`` has the 3-gram ``aaa``
twice, so its bucket's row counts twice in the mean, and two n-grams that share a bucket count
twice too. This is fastText's ``getWordVector``, and ``docs/derivations.md`` (Subwords) is the
model it comes from. A word outside the vocabulary has only its n-gram rows; a word with none
(too short for ``minn``, or a model without n-grams) has no vector, and asking for it is an
error that says so.

``SubwordRows`` holds the whole input matrix and answers for any word; ``Vectors`` keeps one in
its ``subwords`` attribute (None for vectors without n-gram rows), next to the in-vocabulary
word vectors it queries, which ``word_matrix`` computes once, block by block, with the compiled
``subword_table`` (single query words use ``subwords.py``, the reference it is tested against).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from w2v.errors import VectorsError
from w2v.run.rundir import VECTOR_FILES, RunDir
from w2v.text.subword_table import mean_rows, row_table
from w2v.text.subwords import SubwordSpec
from w2v.vectors.fasttext_bin import read_fasttext_bin

BLOCK_WORDS = 1 << 16  # words per row table: ~30 int32 rows each, a table near 8 MB


class SubwordRows:
    """The input matrix of a subword model: ``matrix[i]`` is word ``words[i]``'s own row for
    i < len(words), then ``matrix[len(words) + b]`` is n-gram bucket b.

    >>> rows = SubwordRows(["ab"], np.arange(8.0).reshape(4, 2), SubwordSpec(3, 3, 3))
    >>> rows.rows("ab"), 3 * rows.vector("ab")  # <ab> has the 3-grams <ab, ab>
    ([0, 1, 3], array([ 8., 11.], dtype=float32))
    """

    def __init__(self, words: list[str], matrix: np.ndarray, spec: SubwordSpec):
        if len(matrix) != len(words) + spec.buckets:
            raise VectorsError(f"{len(matrix)} rows for {len(words)} words and "
                               f"{spec.buckets} n-gram buckets")
        self.words = words
        self.matrix = matrix
        self.spec = spec

    @cached_property
    def index(self) -> dict[str, int]:
        """Word -> row, built on first use: ``Vectors`` has its own, and asks only about words
        outside the vocabulary, so loading a model does not build a second one."""
        return {w: i for i, w in enumerate(self.words)}

    @property
    def dim(self) -> int:
        return self.matrix.shape[1]

    def rows(self, word: str) -> list[int]:
        """G_w: the word's own row (when in the vocabulary) and its n-gram rows, repeats kept."""
        return self.spec.rows(word, self.index.get(word), len(self.words))

    def vector(self, word: str) -> np.ndarray:
        """The mean of the rows G_w, float32, as fastText's ``get_word_vector``."""
        rows = self.rows(word)
        if not rows:
            raise VectorsError(
                f"{word!r} has no vector: it is not in the vocabulary and has no n-gram of "
                f"{max(self.spec.minn, 1)} to {self.spec.maxn} characters"
                if self.spec.has_ngrams else
                f"{word!r} is not in the vocabulary, and these vectors have no n-gram rows")
        return _mean_rows(self.matrix, [rows])[0]

    def unit_vector(self, word: str) -> np.ndarray | None:
        """``vector(word)`` scaled to length 1, float32; None for a word without a vector (no
        rows, or rows whose mean is zero), for callers that skip such words."""
        rows = self.rows(word)
        if not rows:
            return None
        v = _mean_rows(self.matrix, [rows])[0]
        norm = float(np.linalg.norm(v.astype(np.float64)))
        return (v / norm).astype(np.float32) if norm > 0 else None

    def word_matrix(self, block_words: int = BLOCK_WORDS) -> np.ndarray:
        """(len(words), dim) float32: every in-vocabulary word's vector, ``block_words`` words
        (one row table) at a time."""
        out = np.empty((len(self.words), self.dim), dtype=np.float32)
        for start in range(0, len(self.words), block_words):
            block = self.words[start:start + block_words]
            offsets, rows = row_table(block, self.spec, len(self.words), first_id=start)
            out[start:start + len(block)] = mean_rows(self.matrix, offsets, rows)
        return out


def _mean_rows(matrix: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """The mean of ``matrix[rows]`` for each (non-empty) list of rows, summed in float64."""
    lengths = np.array([len(g) for g in groups])
    flat = np.fromiter((r for g in groups for r in g), dtype=np.int64, count=int(lengths.sum()))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    sums = np.add.reduceat(np.asarray(matrix[flat], dtype=np.float64), starts, axis=0)
    return (sums / lengths[:, None]).astype(np.float32)


def oov_rows(vectors, oov: str) -> SubwordRows | None:
    """The n-gram rows that give words outside the vocabulary a vector when ``oov`` is
    ``"subwords"`` (``vectors.subwords``), or None for ``"skip"``; anything else, or
    ``"subwords"`` for vectors without n-gram rows, is an error."""
    if oov not in ("skip", "subwords"):
        raise VectorsError(f"oov must be 'skip' or, for vectors with n-gram rows, 'subwords'; "
                           f"got {oov!r}")
    if oov == "subwords" and vectors.subwords is None:
        raise VectorsError("these vectors have no n-gram rows to score unknown words with "
                           "(they come from a run trained with {=subwords}, or a fastText "
                           ".bin)")
    return vectors.subwords if oov == "subwords" else None


def read_fasttext_vectors(path) -> tuple[list[str], np.ndarray, SubwordRows]:
    """A fastText ``.bin``'s words, their vectors (the means of their rows) and its n-gram rows,
    for ``Vectors(words, matrix, subwords=rows)``."""
    model = read_fasttext_bin(path)
    rows = SubwordRows(model.words, model.input, model.spec)
    return model.words, rows.word_matrix(), rows


def run_subwords(path, words: list[str]) -> SubwordRows | None:
    """The n-gram rows of the w2v subword run whose vectors file ``path`` is: its
    ``subwords.npy`` (the whole W_in, memory-mapped) with the n-gram settings of its
    state.json; None for any other file, or a run trained without n-grams."""
    run = RunDir(path.parent)
    if path.name not in VECTOR_FILES or not run.subwords.is_file() or not run.state.is_file():
        return None
    config = run.read_state().get("config")
    if not isinstance(config, dict) or not (config.get("subwords") and config.get("maxn")):
        return None
    try:
        spec = SubwordSpec(config.get("minn"), config.get("maxn"), config.get("buckets"))
        matrix = np.load(run.subwords, mmap_mode="r")
    except (ValueError, OSError) as e:  # ConfigError is a ValueError
        raise VectorsError(f"{run.subwords} or its run's n-gram settings are damaged ({e})") \
            from None
    return SubwordRows(words, matrix, spec)
