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
word vectors it queries, which ``word_matrix`` computes once, block by block.
"""

from __future__ import annotations

import numpy as np

from w2v.errors import VectorsError
from w2v.text.subwords import SubwordSpec
from w2v.vectors.fasttext_bin import read_fasttext_bin

BLOCK_WORDS = 512  # words averaged per block: ~25 rows each, float64, keeps a block near 30 MB


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
        self.index = {w: i for i, w in enumerate(words)}

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

    def word_matrix(self) -> np.ndarray:
        """(len(words), dim) float32: every in-vocabulary word's vector, a block at a time."""
        out = np.empty((len(self.words), self.dim), dtype=np.float32)
        for start in range(0, len(self.words), BLOCK_WORDS):
            block = self.words[start:start + BLOCK_WORDS]
            out[start:start + len(block)] = _mean_rows(
                self.matrix, [self.spec.rows(w, start + i, len(self.words))
                              for i, w in enumerate(block)])
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
    if oov not in ("skip", "subwords") or (oov == "subwords" and vectors.subwords is None):
        raise VectorsError(f"oov must be 'skip' or, for vectors with n-gram rows, 'subwords'; "
                           f"got {oov!r}")
    return vectors.subwords if oov == "subwords" else None


def read_fasttext_vectors(path) -> tuple[list[str], np.ndarray, SubwordRows]:
    """A fastText ``.bin``'s words, their vectors (the means of their rows) and its n-gram rows,
    for ``Vectors(words, matrix, subwords=rows)``."""
    model = read_fasttext_bin(path)
    rows = SubwordRows(model.words, model.input, model.spec)
    return model.words, rows.word_matrix(), rows
