"""Vectors: the query object, separate from the trainer (gensim's KeyedVectors, minus training).

Loading (``Vectors.load``) tells formats apart by content, not only by file name: a run folder
(``RUN/vectors.npy`` with ``RUN/vocab.txt``), a ``.npy`` file (magic ``\\x93NUMPY``) with a
``vocab.txt`` beside it, word2vec text or binary, or GloVe text (no header line), optionally
gzipped; ``formats.py`` (and ``glove.py``) read and write them. A fastText ``.bin`` model (magic
number 793712314, ``fasttext_bin.py``) also brings its n-gram rows (``subword_vectors.py``),
which give a vector to words outside the vocabulary: ``v[word]``, ``most_similar``, ``similar``,
``similarity`` and ``analogy`` accept such words as queries (``lookup.py``; the answers are
still the vocabulary's words), while ``word in v`` stays about the vocabulary.
Evaluation (analogies, word pairs) lives in ``evaluate.py``.

Queries use a cached unit-normalized float32 matrix: one matrix product per query (or per block
of evaluation questions).

Repeated query words: ``analogy`` rejects ``a b c`` with a repeated word (the question would be
degenerate); ``most_similar`` accepts repeats and counts each occurrence, like gensim.

gensim's ``KeyedVectors`` reading, for notebook users: ``v["king"]`` (a copy of the row),
``"king" in v``, ``len(v)``, ``v.words``, ``v.matrix``, ``v.most_similar(positive=[...],
negative=[...], topn=...)``, ``v.similarity(a, b)``, and ``v.to_gensim()`` for the rest.

Lowercased runs: a run trained with ``lowercase`` has only lowercase words, so a query for
"King" could never match. ``load`` reads the run's ``state.json`` (beside the vectors file) and
sets ``Vectors.lowercase``; then every query word is lowercased first, silently, as the corpus
was. Evaluation folds case on its own (``evaluate.py``) and ignores the flag.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from w2v.errors import RunError, VectorsError
from w2v.run.checkpoint import FORMAT as RUN_FORMAT
from w2v.run.rundir import RunDir
from w2v.text.vocab import first_duplicate
from w2v.vectors import lookup
from w2v.vectors.fasttext_bin import is_fasttext_bin
from w2v.vectors.formats import NPY_MAGIC, read_npy, read_word2vec, write_word2vec
from w2v.vectors.subword_vectors import SubwordRows, read_fasttext_vectors, run_subwords
from w2v.vectors.topk import top_rows

COSMUL_EPS = 1e-3  # 3CosMul's epsilon, as in Levy & Goldberg (2014); gensim uses 1e-6


class UnknownWord(VectorsError, KeyError):
    """A query word with no vector: a ``KeyError`` too, as a missing key of gensim's
    ``KeyedVectors`` or of a dict is."""


class Vectors:
    """Words and their vectors; ``vectors[i]`` belongs to ``words[i]`` (most frequent first).

    >>> v = Vectors(["a", "b", "c"], np.array([[1, 0], [0.9, 0.1], [0, 1]], np.float32))
    >>> v.similar("a", topn=1)[0][0]
    'b'
    """

    def __init__(self, words: list[str], matrix: np.ndarray, lowercase: bool = False,
                 subwords: SubwordRows | None = None):
        matrix = np.asarray(matrix) if not isinstance(matrix, np.ndarray) else matrix
        if matrix.ndim != 2:
            raise VectorsError(f"vectors must be a (V, d) matrix, got shape {matrix.shape}")
        if len(words) != len(matrix):
            raise VectorsError(f"{len(words)} words but {len(matrix)} vectors")
        self.words = list(words)
        self.vectors = matrix
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            dup = first_duplicate(self.words)
            raise VectorsError(f"duplicate word {dup!r}: each word needs exactly one vector")
        self.lowercase = lowercase  # fold query words: the run was trained lowercased
        self.subwords = subwords  # n-gram rows (fastText .bin, subword run): any word's, or None
        self._unit: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.words)

    def __repr__(self) -> str:
        return f"Vectors({len(self):,} words, {self.dim}-d)"

    def __getitem__(self, words) -> np.ndarray:
        """A copy of the vector of ``words`` (a word), or of each of them (a list: shape
        ``(n, dim)``), as gensim's ``kv[word]``; a word outside the vocabulary gets the mean of
        its n-gram rows if the vectors have them (``lookup.py``), else it is an ``UnknownWord``
        error that names the closest words."""
        if isinstance(words, str):
            return lookup.vector(self, words)
        return np.array([lookup.vector(self, w) for w in words]).reshape(-1, self.dim)

    @property
    def matrix(self) -> np.ndarray:
        """The ``(V, dim)`` vectors, row ``i`` for ``words[i]``: not a copy (read-only when
        loaded from a ``.npy``, which is memory-mapped)."""
        return self.vectors

    def __contains__(self, word: str) -> bool:
        return self.key(word) in self.index

    def key(self, word: str) -> str:
        """The spelling ``word`` is stored under: lowercased for a lowercased run."""
        return word.lower() if self.lowercase else word

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    @property
    def unit(self) -> np.ndarray:
        """Unit-normalized float32 rows, computed once (zero rows stay zero).

        Norms are summed in float64: float32 squares overflow above 1.8e19, which made such a
        row's norm inf and its unit vector zero. A NaN or infinite value would make every
        score NaN (and numpy warn), so it is an error that names the first such word.
        """
        if self._unit is None:
            v = np.asarray(self.vectors, dtype=np.float32)
            norms = np.sqrt(np.einsum("ij,ij->i", v, v, dtype=np.float64))[:, None]
            bad = np.flatnonzero(~np.isfinite(norms))
            if len(bad):
                raise VectorsError(
                    f"{len(bad)} vectors have NaN or infinite values (the first: "
                    f"{self.words[bad[0]]!r}); the file is damaged or its training diverged"
                )
            self._unit = np.divide(v, norms, out=np.zeros_like(v), where=norms > 0,
                                   casting="unsafe")
        return self._unit

    # ------------------------------------------------------------------ lookups and queries

    def id(self, word: str) -> int:
        """The row of ``word``; an unknown word names its closest in-vocabulary spellings."""
        try:
            return self.index[self.key(word)]
        except KeyError:
            raise self.unknown_word(word) from None

    def unknown_word(self, word: str) -> UnknownWord:
        """The error for a query word without a vector (``lookup.unknown_message``)."""
        return UnknownWord(lookup.unknown_message(self, word))

    def has_vector(self, word: str) -> bool:
        """Whether ``word`` can be queried: in the vocabulary, or with n-gram rows."""
        return lookup.has_vector(self, word)

    def unit_vectors(self, words) -> np.ndarray:
        """(n, dim) float32: the unit vector of each query word (n-gram ones too)."""
        return lookup.unit_vectors(self, list(words))[0]

    def ngram_notes(self, words) -> list[str]:
        """A note for each of ``words`` whose vector is the mean of its n-gram rows."""
        return lookup.ngram_notes(self, words)

    def most_similar(self, positive=(), negative=(), topn: int = 10, restrict_vocab=None,
                     method: str = "add"):
        """Words nearest to ``positive`` and far from ``negative``; the query words themselves
        are left out. Returns ``[(word, score), ...]``, best first. A query word outside the
        vocabulary counts with its n-gram vector when the vectors have n-gram rows.

        ``add`` (3CosAdd): cosine to the mean of the unit vectors of ``positive`` minus those of
        ``negative`` (word2vec.c's distance/word-analogy, gensim's ``most_similar``); the
        score is that cosine. ``mul`` (3CosMul, Levy & Goldberg 2014, eq. 4, gensim's
        ``most_similar_cosmul``): the product of cos'(x, p) over the positives divided by the
        product of cos'(x, n) over the negatives plus ε, with cos' = (1 + cos) / 2 (their
        footnote 7) and ε = COSMUL_EPS; it needs at least one positive word.
        """
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive and not negative:
            raise VectorsError("give at least one word")
        queries, ids = lookup.unit_vectors(self, [*positive, *negative])
        rows = self.unit[: self.cutoff(restrict_vocab)]
        if method == "add":
            weights = np.array([1.0] * len(positive) + [-1.0] * len(negative), np.float32)
            mean = weights @ queries
            mean /= max(float(np.linalg.norm(mean)), 1e-30)
            scores = rows @ mean
        elif method == "mul":
            if not positive:
                raise VectorsError("3CosMul needs at least one positive word")
            shifted = (1 + rows @ queries.T) / 2  # (V, len(queries))
            p = len(positive)
            scores = shifted[:, :p].prod(axis=1) / (shifted[:, p:].prod(axis=1) + COSMUL_EPS)
        else:
            raise VectorsError(f"unknown method {method!r}; use 'add' or 'mul'")
        return self._top(scores, set(ids), topn)

    def similarity(self, a: str, b: str) -> float:
        """The cosine similarity of two words (gensim's ``similarity``)."""
        queries, _ = lookup.unit_vectors(self, [a, b])
        return float(queries[0] @ queries[1])

    def similar(self, word: str, topn: int = 10):
        """The ``topn`` nearest neighbours of ``word`` by cosine similarity."""
        return self.most_similar([word], topn=topn)

    def analogy(self, a: str, b: str, c: str, topn: int = 10, method: str = "add"):
        """a - b + c ≈ ?  (``analogy("king", "male", "female")`` → queen).

        ``most_similar([a, c], [b])``: 3CosAdd (``add``) is argmax cos(x, a - b + c) over unit
        vectors, word2vec.c's word-analogy and gensim's most_similar([a, c], [b]); 3CosMul
        (``mul``) is argmax cos'(x, a) cos'(x, c) / (cos'(x, b) + ε), ε = COSMUL_EPS = 0.001
        as in the paper (gensim's most_similar_cosmul uses 1e-6). The inputs are never
        answers; repeated words are rejected.
        """
        if len({self.key(a), self.key(b), self.key(c)}) < 3:
            raise VectorsError(f"the analogy words must differ, got {a} {b} {c}")
        if method not in ("add", "mul"):
            raise VectorsError(f"unknown analogy method {method!r}; use 'add' or 'mul'")
        return self.most_similar([a, c], [b], topn=topn, method=method)

    def _top(self, scores: np.ndarray, exclude: set[int], topn: int):
        """The ``topn`` best rows of ``scores`` other than ``exclude``: a partial sort of the
        ``topn + len(exclude)`` largest, then drop the excluded."""
        if not isinstance(topn, int) or topn < 1:
            raise VectorsError(f"topn must be a positive integer, got {topn!r}")
        best = top_rows(scores, topn + len(exclude))
        return [(self.words[i], float(scores[i])) for i in best if i not in exclude][:topn]

    def cutoff(self, restrict_vocab) -> int:
        """How many of the most frequent rows a query or an evaluation (evaluate.py) looks at."""
        if restrict_vocab is None:
            return len(self)
        if not isinstance(restrict_vocab, int) or restrict_vocab < 1:
            raise VectorsError(f"restrict_vocab must be a positive integer, got {restrict_vocab!r}")
        return min(restrict_vocab, len(self))

    # ------------------------------------------------------------------------ files (formats.py)

    @classmethod
    def load(cls, path) -> Vectors:
        """A run folder, a ``.npy`` beside ``vocab.txt``, a word2vec text/binary or GloVe file
        (optionally gzipped), or a fastText ``.bin`` model (with its n-gram rows, ``subwords``);
        the format is recognized by content."""
        path = Path(path)
        if path.is_dir():
            path = RunDir(path).saved_vectors()
            if not path.is_file():
                raise VectorsError(
                    f"{path.parent} has no {path.name}: give a w2v run folder or a vectors file"
                )
        if not path.exists():
            raise VectorsError(f"{path} does not exist; train first or give {{=vectors}} PATH")
        lowercase = run_lowercase(path.parent)
        with open(path, "rb") as f:
            magic = f.read(len(NPY_MAGIC))
        if is_fasttext_bin(magic):
            words, matrix, subwords = read_fasttext_vectors(path)
            return cls(words, matrix, subwords=subwords)
        if path.suffix == ".npy" and magic != NPY_MAGIC:
            raise VectorsError(f"{path} is not a .npy file (no NumPy header)")
        words, matrix = read_npy(path) if magic == NPY_MAGIC else read_word2vec(path)
        return cls(words, matrix, lowercase=lowercase, subwords=run_subwords(path, words))

    def to_gensim(self):
        """The same words and vectors as gensim's ``KeyedVectors`` (for what w2v does not do:
        ``doesnt_match``, ``n_similarity``, ...). It does not lowercase queries for a
        lowercased run."""
        try:
            from gensim.models import KeyedVectors
        except ImportError:
            raise VectorsError("to_gensim needs gensim: pip install gensim") from None
        kv = KeyedVectors(self.dim)
        kv.add_vectors(self.words, np.asarray(self.vectors, dtype=np.float32))
        return kv

    def save_word2vec(self, path, binary: bool) -> None:
        """word2vec.c's text or binary format, atomically: see ``formats.write_word2vec``."""
        write_word2vec(path, self.words, self.vectors, binary)


# ------------------------------------------------------------------------ helpers


def _as_list(words) -> list[str]:
    return [words] if isinstance(words, str) else list(words)


def run_lowercase(folder: Path) -> bool:
    """Whether the w2v run in ``folder`` was trained lowercased (its state.json's config).

    No state.json, or one another program wrote (no ``"format": "w2v-checkpoint"``), is not a
    run: False. A damaged one is an error, because guessing would silently change answers.
    """
    run = RunDir(folder)
    if not run.state.is_file():
        return False
    try:
        state = run.read_state()
    except RunError as e:
        raise VectorsError(f"{e}; it holds the run's settings") from None
    if state.get("format") != RUN_FORMAT:
        return False
    config = state.get("config", {})
    lowercase = config.get("lowercase", False) if isinstance(config, dict) else None
    if not isinstance(lowercase, bool):
        raise VectorsError(f"{run.state} is corrupt: its config's lowercase is not true or false")
    return lowercase
