"""Vectors: the query object, separate from the trainer.

Loads a w2v run folder (``vectors.npy`` + ``vocab.txt``, memory-mapped), a ``.npy`` with a
sibling ``vocab.txt``, or the word2vec text and binary formats (gensim's
``save_word2vec_format`` and word2vec.c's ``-binary 0/1``). Queries use a cached unit-normalized
matrix: one matrix-vector product per query.

The word2vec formats separate a word from its numbers by a space, so a word containing
whitespace cannot be written: ``save_word2vec`` rejects it with an error naming the word (w2v's
own tokenizer never produces one, since it splits on whitespace).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import numpy as np

from w2v.errors import VectorsError

SEMANTIC_SECTIONS = 5  # questions-words.txt: the first five sections are semantic


class Vectors:
    """Words and their vectors; ``vectors[i]`` belongs to ``words[i]`` (most frequent first).

    >>> v = Vectors(["a", "b", "c"], np.array([[1, 0], [0.9, 0.1], [0, 1]], np.float32))
    >>> v.similar("a", topn=1)[0][0]
    'b'
    """

    def __init__(self, words: list[str], vectors: np.ndarray):
        if len(words) != len(vectors):
            raise VectorsError(f"{len(words)} words but {len(vectors)} vectors")
        self.words = list(words)
        self.vectors = vectors
        self.index = {w: i for i, w in enumerate(self.words)}
        self._unit = None

    def __len__(self) -> int:
        return len(self.words)

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    @property
    def unit(self) -> np.ndarray:
        """Unit-normalized float32 rows, computed once (zero rows stay zero)."""
        if self._unit is None:
            v = np.asarray(self.vectors, dtype=np.float32)
            norms = np.linalg.norm(v, axis=1, keepdims=True)
            self._unit = v / np.where(norms > 0, norms, 1)
        return self._unit

    # ------------------------------------------------------------------ lookups and queries

    def id(self, word: str) -> int:
        """The row of ``word``; an unknown word names its closest in-vocabulary spellings."""
        try:
            return self.index[word]
        except KeyError:
            close = difflib.get_close_matches(word, self.words[:50_000], n=3)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise VectorsError(f"{word!r} is not in the vocabulary{hint}") from None

    def most_similar(self, positive=(), negative=(), topn=10, restrict_vocab=None):
        """Words nearest by cosine to the normalized mean of the unit vectors of ``positive``
        minus those of ``negative`` (3CosAdd); the query words themselves are left out."""
        ids = [self.id(w) for w in (*positive, *negative)]
        if not ids:
            raise VectorsError("give at least one word")
        weights = np.array([1.0] * len(positive) + [-1.0] * len(negative), dtype=np.float32)
        mean = weights @ self.unit[ids]
        mean /= max(float(np.linalg.norm(mean)), 1e-12)
        scores = self.unit[:restrict_vocab] @ mean
        return self._top(scores, set(ids), topn)

    def similar(self, word: str, topn: int = 10):
        return self.most_similar([word], topn=topn)

    def analogy(self, a: str, b: str, c: str, topn: int = 10, method: str = "add"):
        """a - b + c ≈ ?  (``analogy("king", "male", "female")`` → queen).

        ``add`` is 3CosAdd, word2vec.c's word-analogy and gensim's most_similar. ``mul`` is
        3CosMul (Levy & Goldberg 2014): argmax cos'(x, a) cos'(x, c) / (cos'(x, b) + 1e-3) with
        cosines shifted to [0, 1] by cos' = (1 + cos) / 2, and ε = 0.001 as in the paper.
        """
        if len({a, b, c}) < 3:
            raise VectorsError(f"the analogy words must differ, got {a} {b} {c}")
        if method == "add":
            return self.most_similar([a, c], [b], topn=topn)
        if method != "mul":
            raise VectorsError(f"unknown analogy method {method!r}; use 'add' or 'mul'")
        ids = [self.id(w) for w in (a, b, c)]
        shifted = (1 + self.unit @ self.unit[ids].T) / 2  # (V, 3)
        scores = shifted[:, 0] * shifted[:, 2] / (shifted[:, 1] + 1e-3)
        return self._top(scores, set(ids), topn)

    def _top(self, scores: np.ndarray, exclude: set[int], topn: int):
        k = min(len(scores), topn + len(exclude))
        best = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.words[i], float(scores[i])) for i in best if i not in exclude][:topn]

    # ----------------------------------------------------------------------------- evaluation

    def _restricted(self, restrict_vocab: int | None, case_insensitive: bool) -> dict[str, int]:
        """Word -> row over the ``restrict_vocab`` most frequent words; upper-cased when
        case-insensitive, where the most frequent spelling wins."""
        words = self.words[:restrict_vocab]
        fold = str.upper if case_insensitive else str
        return {fold(w): i for i, w in reversed(list(enumerate(words)))}

    def evaluate_analogies(self, path, restrict_vocab: int = 300_000, case_insensitive=True):
        """Accuracy on a questions-words file (``: section`` lines, then ``a b c d``).

        Semantics match word2vec.c's compute-accuracy and gensim's evaluate_word_analogies: a
        question counts only when all four words are among the ``restrict_vocab`` most frequent
        (else it is skipped as out-of-vocabulary); the answer is the best 3CosAdd candidate among
        those words, other than the three inputs.
        """
        ok = self._restricted(restrict_vocab, case_insensitive)
        fold = str.upper if case_insensitive else str
        unit = self.unit[:restrict_vocab]
        folded = [fold(w) for w in self.words[:restrict_vocab]]
        rows: dict[str, list[int]] = {}  # every spelling of a folded word, to leave them out
        for i, w in enumerate(folded):
            rows.setdefault(w, []).append(i)
        sections, total_questions, oov = [], 0, 0
        for line in _read_lines(path):
            if line.startswith(": "):
                sections.append({"section": line[2:].strip(), "correct": 0, "incorrect": 0})
                continue
            words = [fold(w) for w in line.split()]
            if not sections or len(words) != 4:
                continue
            total_questions += 1
            if any(w not in ok for w in words):
                oov += 1
                continue
            a, b, c = (ok[w] for w in words[:3])
            mean = unit[b] - unit[a] + unit[c]
            scores = unit @ (mean / max(float(np.linalg.norm(mean)), 1e-12))
            scores[rows[words[0]] + rows[words[1]] + rows[words[2]]] = -np.inf
            predicted = folded[int(np.argmax(scores))]
            sections[-1]["correct" if predicted == words[3] else "incorrect"] += 1

        if total_questions == 0:
            raise VectorsError(
                f"{path} has no analogy questions (expected ': section' lines, then 'a b c d')"
            )

        def summary(name, secs):
            correct = sum(s["correct"] for s in secs)
            seen = correct + sum(s["incorrect"] for s in secs)
            return {"section": name, "correct": correct, "seen": seen,
                    "accuracy": correct / seen if seen else float("nan")}

        return {
            "sections": [summary(s["section"], [s]) for s in sections],
            "semantic": summary("semantic", sections[:SEMANTIC_SECTIONS]),
            "syntactic": summary("syntactic", sections[SEMANTIC_SECTIONS:]),
            "total": summary("total", sections),
            "questions": total_questions,
            "oov_skipped": oov,
            "restrict_vocab": min(restrict_vocab or len(self), len(self)),
            "case_insensitive": case_insensitive,
        }

    def evaluate_word_pairs(self, path, restrict_vocab: int = 300_000, case_insensitive=True):
        """Spearman's rho (and Pearson's r) between human scores and cosine similarities.

        Reads tab-separated ``word1 word2 score`` lines (WordSim-353, SimLex-999, MEN style;
        ``#`` comments and lines whose third field is not a number are skipped). A pair with a
        word outside the ``restrict_vocab`` most frequent words is out-of-vocabulary.
        """
        from scipy import stats

        ok = self._restricted(restrict_vocab, case_insensitive)
        fold = str.upper if case_insensitive else str
        gold, model, oov = [], [], 0
        for line in _read_lines(path):
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(fields) < 3:
                continue
            try:
                score = float(fields[2])
            except ValueError:
                continue
            a, b = fold(fields[0].strip()), fold(fields[1].strip())
            if a not in ok or b not in ok:
                oov += 1
                continue
            gold.append(score)
            model.append(float(self.unit[ok[a]] @ self.unit[ok[b]]))
        if len(gold) < 2:
            raise VectorsError(f"{path}: fewer than two word pairs are in the vocabulary")
        return {
            "spearman": float(stats.spearmanr(gold, model)[0]),
            "pearson": float(stats.pearsonr(gold, model)[0]),
            "pairs": len(gold),
            "oov_skipped": oov,
            "oov_ratio": oov / (len(gold) + oov),
            "restrict_vocab": min(restrict_vocab or len(self), len(self)),
        }

    # ------------------------------------------------------------------------ files

    @classmethod
    def load(cls, path) -> Vectors:
        """A run folder, a ``.npy`` beside ``vocab.txt``, or a word2vec text/binary file."""
        from w2v.vocab import Vocab

        path = Path(path)
        if path.is_dir():
            path = path / "vectors.npy"
        if not path.exists():
            raise VectorsError(f"{path} does not exist; train first or give --vectors PATH")
        if path.suffix == ".npy":
            vocab = Vocab.load(path.with_name("vocab.txt"))
            try:
                matrix = np.load(path, mmap_mode="r")
            except ValueError as e:
                raise VectorsError(f"{path} is not a readable .npy file ({e})") from None
            if matrix.ndim != 2:
                raise VectorsError(f"{path} holds a {matrix.ndim}-d array, not a matrix")
            return cls(vocab.words, matrix)
        return cls(*_read_word2vec(path))

    def save_word2vec(self, path, binary: bool) -> None:
        """word2vec.c's format (text, or ``binary``), written atomically."""
        for w in self.words:
            if not w or any(ch.isspace() for ch in w):
                raise VectorsError(
                    f"cannot write {w!r} in the word2vec format: words may not contain whitespace"
                )
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        matrix = np.asarray(self.vectors, dtype="<f4")
        with open(tmp, "wb") as f:
            f.write(f"{len(self)} {self.dim}\n".encode())
            for word, row in zip(self.words, matrix):
                if binary:
                    f.write(word.encode() + b" " + row.tobytes() + b"\n")
                else:
                    f.write((word + " " + " ".join(f"{x:.9g}" for x in row) + "\n").encode())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


def _read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            yield from f
    except FileNotFoundError:
        raise VectorsError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise VectorsError(f"{path} is a directory, not a file") from None


def _read_word2vec(path: Path) -> tuple[list[str], np.ndarray]:
    """Parse word2vec text or binary, telling them apart by content: a text record's numbers
    parse as floats, a binary record's raw bytes essentially never do."""
    with open(path, "rb") as f:
        header = f.readline(200).split()
        try:
            V, d = int(header[0]), int(header[1])
            assert len(header) == 2 and V >= 0 and d > 0
        except (ValueError, IndexError, AssertionError):
            raise VectorsError(
                f"{path} is not a word2vec file (expected a 'count dim' header line)"
            ) from None
        start = f.tell()
        binary = not _is_text_record(f.readline(64 * d + 4096), d)
        f.seek(start)
        words, matrix = [], np.empty((V, d), dtype=np.float32)
        for i in range(V):
            if binary:
                word = _read_binary_word(f, path)
                row = f.read(4 * d)
                if len(row) < 4 * d:
                    raise VectorsError(f"{path} is truncated: {i} of {V} vectors")
                matrix[i] = np.frombuffer(row, dtype="<f4")
            else:
                parts = f.readline().decode("utf-8", errors="replace").split()
                if len(parts) != d + 1:
                    raise VectorsError(
                        f"{path} is truncated or malformed at vector {i + 1} of {V}"
                        if not parts else f"{path}: vector {i + 1} has {len(parts) - 1} values, "
                        f"expected {d}"
                    )
                word = parts[0]
                try:
                    matrix[i] = np.array(parts[1:], dtype=np.float32)
                except ValueError:
                    raise VectorsError(f"{path}: vector {i + 1} has a non-number") from None
            words.append(word)
    if len(set(words)) != len(words):
        raise VectorsError(f"{path} has duplicate words")
    return words, matrix


def _is_text_record(line: bytes, d: int) -> bool:
    try:
        parts = line.decode("utf-8").split()
        if len(parts) != d + 1:
            return False
        [float(x) for x in parts[1:]]
        return True
    except (UnicodeDecodeError, ValueError):
        return False


def _read_binary_word(f, path) -> str:
    word = bytearray()
    while True:
        ch = f.read(1)
        if not ch:
            raise VectorsError(f"{path} is truncated inside a word")
        if ch == b" ":
            break
        if ch != b"\n" or word:  # skip the newline that ends the previous record
            word += ch
        if len(word) > 10_000:
            raise VectorsError(f"{path} is not a word2vec binary file (a word over 10 kB)")
    return word.decode("utf-8", errors="replace")


def latest_run(root="runs") -> Path:
    """The run folder under ``root`` whose vectors were written last."""
    runs = [p.parent for p in Path(root).glob("*/vectors.npy")]
    if not runs:
        raise VectorsError(
            f"no trained vectors under {root}/; run 'w2v train CORPUS' or give --vectors PATH"
        )
    return max(runs, key=lambda p: (p / "vectors.npy").stat().st_mtime)
