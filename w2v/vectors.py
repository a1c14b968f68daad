"""Vectors: the query object, separate from the trainer (gensim's KeyedVectors, minus training).

Loading (``Vectors.load``) tells formats apart by content, not only by file name:

- a run folder: ``RUN/vectors.npy`` (W_in, memory-mapped) with ``RUN/vocab.txt``;
- a ``.npy`` file (magic ``\\x93NUMPY``) with a ``vocab.txt`` beside it;
- word2vec text: a ``V d`` header line, then ``word v1 ... vd`` lines (word2vec.c ``-binary 0``
  and gensim's ``save_word2vec_format``, with or without a trailing space);
- word2vec binary: the same header, then ``word``, a space and d little-endian float32, with an
  optional newline after each record (word2vec.c writes one, gensim does not);
- either word2vec format gzip-compressed (magic ``\\x1f\\x8b``).

Queries use a cached unit-normalized float32 matrix: one matrix product per query (or per block
of evaluation questions).

Words with whitespace: the word2vec formats end a word at the first space, so a word containing
whitespace cannot be written; ``save_word2vec`` rejects it with an error naming the word (w2v's
tokenizer splits on whitespace, so its own vocabularies never contain one).

Repeated query words: ``analogy`` rejects ``a b c`` with a repeated word (the question would be
degenerate); ``most_similar`` accepts repeats and counts each occurrence, like gensim.
"""

from __future__ import annotations

import difflib
import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from w2v.atomic import atomic_write
from w2v.errors import VectorsError

SEMANTIC_SECTIONS = 5  # questions-words.txt: the first five sections are semantic
COSMUL_EPS = 1e-3  # 3CosMul's epsilon, as in Levy & Goldberg (2014); gensim uses 1e-6
ANALOGY_CANDIDATES = 5  # evaluation looks at the top 5 answers, like gensim
NPY_MAGIC = b"\x93NUMPY"
GZIP_MAGIC = b"\x1f\x8b"
MAX_WORD_BYTES = 100_000  # a binary "word" longer than this means the file is not word2vec


class Vectors:
    """Words and their vectors; ``vectors[i]`` belongs to ``words[i]`` (most frequent first).

    >>> v = Vectors(["a", "b", "c"], np.array([[1, 0], [0.9, 0.1], [0, 1]], np.float32))
    >>> v.similar("a", topn=1)[0][0]
    'b'
    """

    def __init__(self, words: list[str], matrix: np.ndarray):
        matrix = np.asarray(matrix) if not isinstance(matrix, np.ndarray) else matrix
        if matrix.ndim != 2:
            raise VectorsError(f"vectors must be a (V, d) matrix, got shape {matrix.shape}")
        if len(words) != len(matrix):
            raise VectorsError(f"{len(words)} words but {len(matrix)} vectors")
        self.words = list(words)
        self.vectors = matrix
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            seen: set[str] = set()
            dup = next(w for w in self.words if w in seen or seen.add(w))
            raise VectorsError(f"duplicate word {dup!r}: each word needs exactly one vector")
        self._unit: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    @property
    def unit(self) -> np.ndarray:
        """Unit-normalized float32 rows, computed once (zero rows stay zero)."""
        if self._unit is None:
            v = np.asarray(self.vectors, dtype=np.float32)
            norms = np.linalg.norm(v, axis=1, keepdims=True)
            self._unit = v / np.where(norms > 0, norms, 1).astype(np.float32)
        return self._unit

    # ------------------------------------------------------------------ lookups and queries

    def id(self, word: str) -> int:
        """The row of ``word``; an unknown word names its closest in-vocabulary spellings."""
        try:
            return self.index[word]
        except KeyError:
            raise VectorsError(f"{word!r} is not in the vocabulary{self._hint(word)}") from None

    def _hint(self, word: str) -> str:
        """'; closest: ...' from the 50,000 most frequent words (difflib), other cases first."""
        close = [w for w in (word.lower(), word.capitalize(), word.upper()) if w in self.index]
        close += difflib.get_close_matches(word, self.words[:50_000], n=3)
        close = list(dict.fromkeys(close))[:3]
        return f"; closest: {', '.join(close)}" if close else ""

    def most_similar(self, positive=(), negative=(), topn: int = 10, restrict_vocab=None):
        """Words nearest by cosine to the mean of the unit vectors of ``positive`` minus those of
        ``negative`` (word2vec.c's distance/word-analogy, gensim's most_similar); the query
        words themselves are left out. Returns ``[(word, cosine), ...]``, best first."""
        positive, negative = _as_list(positive), _as_list(negative)
        ids = [self.id(w) for w in (*positive, *negative)]
        if not ids:
            raise VectorsError("give at least one word")
        weights = np.array([1.0] * len(positive) + [-1.0] * len(negative), dtype=np.float32)
        mean = weights @ self.unit[ids]
        mean /= max(float(np.linalg.norm(mean)), 1e-30)
        scores = self.unit[: self._cutoff(restrict_vocab)] @ mean
        return self._top(scores, set(ids), topn)

    def similar(self, word: str, topn: int = 10):
        """The ``topn`` nearest neighbours of ``word`` by cosine similarity."""
        return self.most_similar([word], topn=topn)

    def analogy(self, a: str, b: str, c: str, topn: int = 10, method: str = "add"):
        """a - b + c ≈ ?  (``analogy("king", "male", "female")`` → queen).

        ``add`` is 3CosAdd: argmax cos(x, a - b + c) over unit vectors, word2vec.c's
        word-analogy and gensim's most_similar([a, c], [b]). ``mul`` is 3CosMul (Levy &
        Goldberg 2014, eq. 4): argmax cos'(x, a) cos'(x, c) / (cos'(x, b) + ε), cosines shifted
        to [0, 1] by cos' = (1 + cos) / 2 (their footnote 7) and ε = COSMUL_EPS = 0.001 as in
        the paper (gensim's most_similar_cosmul uses 1e-6). The inputs are never answers;
        repeated words are rejected.
        """
        if len({a, b, c}) < 3:
            raise VectorsError(f"the analogy words must differ, got {a} {b} {c}")
        if method == "add":
            return self.most_similar([a, c], [b], topn=topn)
        if method != "mul":
            raise VectorsError(f"unknown analogy method {method!r}; use 'add' or 'mul'")
        ids = [self.id(w) for w in (a, b, c)]
        shifted = (1 + self.unit @ self.unit[ids].T) / 2  # (V, 3)
        scores = shifted[:, 0] * shifted[:, 2] / (shifted[:, 1] + COSMUL_EPS)
        return self._top(scores, set(ids), topn)

    def _top(self, scores: np.ndarray, exclude: set[int], topn: int):
        """The ``topn`` best rows of ``scores`` other than ``exclude``: a partial sort of the
        ``topn + len(exclude)`` largest, then drop the excluded."""
        if not isinstance(topn, int) or topn < 1:
            raise VectorsError(f"topn must be a positive integer, got {topn!r}")
        best = _top_rows(scores, topn + len(exclude))
        return [(self.words[i], float(scores[i])) for i in best if i not in exclude][:topn]

    def _cutoff(self, restrict_vocab) -> int:
        if restrict_vocab is None:
            return len(self)
        if not isinstance(restrict_vocab, int) or restrict_vocab < 1:
            raise VectorsError(f"restrict_vocab must be a positive integer, got {restrict_vocab!r}")
        return min(restrict_vocab, len(self))

    # ----------------------------------------------------------------------------- evaluation

    def _folded_index(self, n: int, case_insensitive: bool) -> tuple[list[str], dict[str, int]]:
        """The first ``n`` words folded (upper-cased when case-insensitive), and folded word ->
        its first, i.e. most frequent, row (gensim's and word2vec.c's rule)."""
        folded = [w.upper() for w in self.words[:n]] if case_insensitive else self.words[:n]
        first: dict[str, int] = {}
        for i, w in enumerate(folded):
            first.setdefault(w, i)
        return folded, first

    def evaluate_analogies(self, path, restrict_vocab: int = 300_000, case_insensitive=True):
        """Accuracy on a questions-words file (``: section`` lines, then ``a b c d`` lines).

        The numbers equal gensim's ``evaluate_word_analogies`` (and word2vec.c's
        compute-accuracy): only the ``restrict_vocab`` most frequent words count; a question
        with a word outside them is skipped as out-of-vocabulary; words are upper-cased when
        ``case_insensitive`` and a folded word uses its most frequent spelling; the prediction
        is the first of the 5 best 3CosAdd candidates for b - a + c (its three inputs left out)
        whose folded spelling is not an input. So a question whose answer is one of its inputs
        is always wrong. Lines that are not 4 words are ignored.

        Returns per-section and semantic (first 5 sections) / syntactic / total summaries
        ``{"section", "correct", "seen", "accuracy"}`` (accuracy None when nothing was seen,
        where gensim reports 0.0), and coverage: ``questions`` (valid lines), ``seen``,
        ``oov_skipped``, ``coverage`` = seen / questions, and the ``restrict_vocab`` cutoff.
        """
        n = self._cutoff(restrict_vocab)
        folded, first = self._folded_index(n, case_insensitive)
        names, questions, pending, invalid = [], 0, [], 0
        for lineno, line in enumerate(_read_lines(path), start=1):
            if line.startswith(": "):
                names.append(line.lstrip(": ").strip())
                continue
            words = [w.upper() for w in line.split()] if case_insensitive else line.split()
            if len(words) != 4:
                invalid += bool(words)
                continue
            if not names:
                raise VectorsError(f"{path}:{lineno}: a question before any ': section' line")
            questions += 1
            if all(w in first for w in words):
                pending.append((len(names) - 1, *(first[w] for w in words[:3]), words))
        if questions == 0:
            raise VectorsError(
                f"{path} has no analogy questions (expected ': section' lines, then 'a b c d')"
            )
        correct = np.zeros(len(names), dtype=np.int64)
        seen = np.zeros(len(names), dtype=np.int64)
        for section, ok in zip([p[0] for p in pending], self._answer(pending, n, folded)):
            seen[section] += 1
            correct[section] += ok

        def summary(name, rows):
            c, s = int(correct[rows].sum()), int(seen[rows].sum())
            return {"section": name, "correct": c, "seen": s, "accuracy": c / s if s else None}

        everything = slice(None)
        total_seen = int(seen.sum())
        return {
            "sections": [summary(name, [i]) for i, name in enumerate(names)],
            "semantic": summary("semantic", slice(0, SEMANTIC_SECTIONS)),
            "syntactic": summary("syntactic", slice(SEMANTIC_SECTIONS, None)),
            "total": summary("total", everything),
            "questions": questions,
            "seen": total_seen,
            "oov_skipped": questions - total_seen,
            "coverage": total_seen / questions if questions else None,
            "invalid_lines": invalid,
            "restrict_vocab": n,
            "case_insensitive": case_insensitive,
        }

    def _answer(self, pending, n: int, folded: list[str]):
        """Yield, per question, whether 3CosAdd got it right; blocks of questions share one
        matrix product so the (n, d) matrix is read once per block, not once per question."""
        unit = self.unit[:n]
        k = ANALOGY_CANDIDATES + 3
        block = max(1, min(4096, (1 << 24) // max(n, 1)))  # about 64 MB of scores at a time
        for start in range(0, len(pending), block):
            chunk = pending[start : start + block]
            a, b, c = (np.array([q[i] for q in chunk]) for i in (1, 2, 3))
            target = unit[b] - unit[a] + unit[c]
            target /= np.maximum(np.linalg.norm(target, axis=1, keepdims=True), 1e-30)
            scores = target @ unit.T
            for best, q in zip(_top_rows_2d(scores, k), chunk):
                inputs, expected = {q[1], q[2], q[3]}, q[4][3]
                candidates = [i for i in best.tolist() if i not in inputs]
                candidates = candidates[:ANALOGY_CANDIDATES]
                ignore = set(q[4][:3])
                predicted = next((folded[i] for i in candidates if folded[i] not in ignore),
                                 folded[candidates[-1]] if candidates else None)
                yield predicted == expected

    def evaluate_word_pairs(self, path, restrict_vocab: int = 300_000, case_insensitive=True):
        """Spearman's rho (and Pearson's r) between human scores and cosine similarities.

        Reads tab-separated lines whose first three fields are ``word1 word2 score``
        (WordSim-353, SimLex-999, MEN style); ``#`` comments and lines whose third field is not a
        number are skipped and counted in ``invalid_lines``. Equal to gensim's
        ``evaluate_word_pairs`` on three-column files: a pair with a word outside the
        ``restrict_vocab`` most frequent words is out-of-vocabulary and skipped, case folding as
        in ``evaluate_analogies``. Unlike gensim, extra columns are allowed and spaces around the
        words are stripped. ``oov_ratio`` is a fraction (gensim returns a percentage).
        """
        from scipy import stats

        n = self._cutoff(restrict_vocab)
        _, first = self._folded_index(n, case_insensitive)
        gold, rows, oov, invalid = [], [], 0, 0
        for line in _read_lines(path):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\r\n").split("\t")
            try:
                score = float(fields[2])
            except (IndexError, ValueError):
                invalid += 1
                continue
            a, b = fields[0].strip(), fields[1].strip()
            a, b = (a.upper(), b.upper()) if case_insensitive else (a, b)
            if a not in first or b not in first:
                oov += 1
                continue
            gold.append(score)
            rows.append((first[a], first[b]))
        if len(gold) < 2:
            raise VectorsError(
                f"{path}: {len(gold)} word pairs are in the vocabulary, need at least two "
                f"({oov} out of vocabulary, {invalid} lines not 'word1<TAB>word2<TAB>score')"
            )
        left, right = np.array(rows).T
        model = np.einsum("ij,ij->i", self.unit[left], self.unit[right])
        total = len(gold) + oov
        return {
            "spearman": float(stats.spearmanr(gold, model)[0]),
            "pearson": float(stats.pearsonr(gold, model)[0]),
            "pairs": len(gold),
            "oov_skipped": oov,
            "oov_ratio": oov / total,
            "coverage": len(gold) / total,
            "invalid_lines": invalid,
            "restrict_vocab": n,
            "case_insensitive": case_insensitive,
        }

    # ------------------------------------------------------------------------ files

    @classmethod
    def load(cls, path) -> Vectors:
        """A run folder, a ``.npy`` beside ``vocab.txt``, or a word2vec text/binary file
        (optionally gzipped); the format is recognized by content."""
        path = Path(path)
        if path.is_dir():
            if not (path / "vectors.npy").is_file():
                raise VectorsError(
                    f"{path} has no vectors.npy: give a w2v run folder or a vectors file"
                )
            path = path / "vectors.npy"
        if not path.exists():
            raise VectorsError(f"{path} does not exist; train first or give --vectors PATH")
        with open(path, "rb") as f:
            magic = f.read(len(NPY_MAGIC))
        if magic == NPY_MAGIC:
            return cls._load_npy(path)
        if path.suffix == ".npy":
            raise VectorsError(f"{path} is not a .npy file (no NumPy header)")
        return cls(*_read_word2vec(path))

    @classmethod
    def _load_npy(cls, path: Path) -> Vectors:
        from w2v.vocab import Vocab

        vocab_path = path.with_name("vocab.txt")
        if not vocab_path.is_file():
            raise VectorsError(f"{path} needs its vocabulary: {vocab_path} does not exist")
        vocab = Vocab.load(vocab_path)
        try:
            matrix = np.load(path, mmap_mode="r")  # large runs: pages load on demand
        except (ValueError, OSError) as e:
            raise VectorsError(f"{path} is truncated or not a readable .npy file ({e})") from None
        if matrix.ndim != 2 or matrix.dtype.kind != "f":
            raise VectorsError(
                f"{path} holds a {matrix.dtype} array of shape {matrix.shape}, not a float matrix"
            )
        if len(matrix) != len(vocab):
            raise VectorsError(
                f"{path} has {len(matrix)} rows but {vocab_path} has {len(vocab)} words: "
                "they come from different runs"
            )
        return cls(vocab.words, matrix)

    def save_word2vec(self, path, binary: bool) -> None:
        """word2vec.c's format, text (``%.9g``, exact for float32) or ``binary`` (one newline
        after each record, like word2vec.c), written atomically (temp file, fsync, rename)."""
        for w in self.words:
            if not w or any(ch.isspace() for ch in w):
                raise VectorsError(
                    f"cannot write {w!r} in the word2vec format: words may not be empty or "
                    "contain whitespace"
                )
        path = Path(path)
        matrix = np.asarray(self.vectors, dtype="<f4")
        row_format = " ".join(["%.9g"] * self.dim)
        with atomic_write(path) as f:
            f.write(f"{len(self)} {self.dim}\n".encode())
            for start in range(0, len(self), 4096):
                rows = matrix[start : start + 4096]
                words = self.words[start : start + 4096]
                if binary:
                    f.write(b"".join(w.encode() + b" " + r.tobytes() + b"\n"
                                     for w, r in zip(words, rows)))
                else:
                    f.write("".join(f"{w} {row_format % tuple(r)}\n"
                                    for w, r in zip(words, rows.tolist())).encode())


# ------------------------------------------------------------------------ helpers


def _as_list(words) -> list[str]:
    return [words] if isinstance(words, str) else list(words)


def _top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores, best first, ties to the lower index (the more
    frequent word): a partition finds the k-th largest value, only the scores at or above it
    are sorted."""
    n = len(scores)
    if k < n:
        floor = np.partition(scores, n - k)[n - k]
        best = np.flatnonzero(scores >= floor)
    else:
        best = np.arange(n)
    return best[np.lexsort((best, -scores[best]))][:k]


def _top_rows_2d(scores: np.ndarray, k: int, groups: int = 64) -> list[np.ndarray]:
    """``_top_rows`` for every row of a (B, n) block, without a partial sort of each row.

    Split the columns into ``groups`` slices; the k-th largest of the slice maxima is a value
    with at least k scores at or above it, so it bounds the row's k-th largest from below and
    only the few scores above it need sorting.
    """
    B, n = scores.shape
    if n <= max(k, groups) * 4:
        return [_top_rows(row, k) for row in scores]
    starts = np.linspace(0, n, groups, endpoint=False).astype(np.intp)
    slice_max = np.maximum.reduceat(scores, starts, axis=1)
    floor = np.partition(slice_max, groups - k, axis=1)[:, groups - k]
    rows, cols = np.nonzero(scores >= floor[:, None])
    splits = np.searchsorted(rows, np.arange(1, B))
    out = []
    for r, c in enumerate(np.split(cols, splits)):
        order = np.lexsort((c, -scores[r, c]))[:k]
        out.append(c[order])
    return out


def _read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            yield from f
    except FileNotFoundError:
        raise VectorsError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise VectorsError(f"{path} is a directory, not a file") from None


def _open_maybe_gzip(path: Path):
    with open(path, "rb") as f:
        gzipped = f.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def _read_word2vec(path: Path) -> tuple[list[str], np.ndarray]:
    """Parse word2vec text or binary, telling them apart by content:

    - a first record that decodes as UTF-8 with exactly d numbers after its word is read as
      text (raw float32 bytes essentially never look like that; if they did, the text reader
      fails and a binary reading that ends exactly at the end of the file wins);
    - a first record with some numbers is tried as binary (accepted only if the V records end
      the file), then as text, so a malformed text file gets the text reader's error;
    - anything else is binary.
    """
    try:
        with _open_maybe_gzip(path) as f:
            V, d = _read_header(f.readline(256), path)
            start = f.tell()
            first = f.readline(64 * d + 4096)
            tokens = _record_tokens(first)
            numbers = sum(_is_number(t) for t in tokens or ())

            def text():
                f.seek(start)
                return _read_text_records(f, V, d, path)

            def binary(whole_file: bool):
                f.seek(start)
                words, matrix, at_end = _read_binary_records(f, V, d, path)
                if whole_file and not at_end:
                    raise VectorsError(f"{path} has data after its {V} binary records")
                return words, matrix

            if (tokens is not None and numbers == len(tokens) == d) or not first.strip():
                try:
                    words, matrix = text()
                except VectorsError as text_error:
                    try:
                        words, matrix = binary(whole_file=True)
                    except VectorsError:
                        raise text_error from None
            elif numbers:
                try:
                    words, matrix = binary(whole_file=True)
                except VectorsError:
                    words, matrix = text()
            else:
                words, matrix = binary(whole_file=False)
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise VectorsError(f"{path} is truncated or corrupt ({e})") from None
    seen: set[str] = set()
    dup = next((w for w in words if w in seen or seen.add(w)), None)
    if dup is not None:
        raise VectorsError(f"{path} has the word {dup!r} twice")
    return words, matrix


def _read_header(line: bytes, path: Path) -> tuple[int, int]:
    parts = line.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts) and int(parts[1]) > 0:
        return int(parts[0]), int(parts[1])
    raise VectorsError(
        f"{path} is not a word2vec file (expected a 'count dim' header line, "
        "as word2vec.c and gensim write; GloVe files lack it)"
    )


def _record_tokens(line: bytes) -> list[str] | None:
    """The tokens after the word of a text record, or None if the line is not UTF-8."""
    try:
        return line.decode("utf-8").split()[1:]
    except UnicodeDecodeError:
        return None


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _read_text_records(f, V: int, d: int, path: Path):
    words, matrix = [], np.empty((V, d), dtype=np.float32)
    for i in range(V):
        parts = f.readline().split()
        if not parts:
            raise VectorsError(f"{path} is truncated: {i} of {V} vectors")
        if len(parts) != d + 1:
            word = parts[0][:40].decode("utf-8", errors="replace")
            raise VectorsError(
                f"{path}: vector {i + 1} ({word!r}) has {len(parts) - 1} values, expected {d} "
                "(a truncated or malformed file)"
            )
        try:
            matrix[i] = np.array(parts[1:], dtype=np.float32)
        except ValueError:
            raise VectorsError(f"{path}: vector {i + 1} has a non-number") from None
        words.append(parts[0].decode("utf-8", errors="replace"))
    return words, matrix


def _read_binary_records(f, V: int, d: int, path: Path):
    """Records are ``word`` + space + 4d bytes, optionally followed by a newline that we strip
    from the start of the next word; read in 1 MB chunks. Also says whether only whitespace
    follows the V records."""
    words, matrix = [], np.empty((V, d), dtype=np.float32)
    nbytes = 4 * d
    buf, pos, eof = b"", 0, False
    i = 0
    while i < V:
        space = buf.find(b" ", pos)
        if space == -1 or len(buf) - space - 1 < nbytes:
            if eof:
                raise VectorsError(f"{path} is truncated: {i} of {V} vectors")
            if space == -1 and len(buf) - pos > MAX_WORD_BYTES:
                raise VectorsError(f"{path} is not a word2vec binary file (no word boundary)")
            chunk = f.read(1 << 20)
            eof = not chunk
            buf, pos = buf[pos:] + chunk, 0
            continue
        words.append(buf[pos:space].lstrip(b"\n").decode("utf-8", errors="replace"))
        matrix[i] = np.frombuffer(buf, dtype="<f4", count=d, offset=space + 1)
        pos = space + 1 + nbytes
        i += 1
    rest = buf[pos:] + f.read(64)
    return words, matrix, not rest.strip()


def latest_run(root="runs") -> Path:
    """The run folder under ``root`` whose ``vectors.npy`` was written last."""
    runs = [p.parent for p in Path(root).glob("*/vectors.npy")]
    if not runs:
        raise VectorsError(
            f"no trained vectors under {root}/; run 'w2v train CORPUS' or give --vectors PATH"
        )
    return max(runs, key=lambda p: (p / "vectors.npy").stat().st_mtime)


# ------------------------------------------------------------------------ text tables


def format_table(rows, headers, right=()) -> str:
    """Aligned plain-text columns with a dashed rule under ``headers``; the columns whose index
    is in ``right`` are right-aligned (numbers).

    >>> print(format_table([(1, "queen", "0.8123")], ["#", "word", "score"], right=(0, 2)))
    #  word    score
    -  -----  ------
    1  queen  0.8123
    """
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)]
                     + [line(r) for r in cells[1:]])


def format_ranked(results) -> str:
    """``most_similar`` / ``analogy`` / ``similar`` results as a '#  word  score' table."""
    rows = [(i, w, f"{s:.4f}") for i, (w, s) in enumerate(results, start=1)]
    return format_table(rows, ["#", "word", "score"], right=(0, 2))


def _percent(x) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def format_analogy_report(report: dict) -> str:
    """The ``evaluate_analogies`` result: one row per section, then semantic, syntactic and
    total, then a coverage line."""
    summaries = [*report["sections"], report["semantic"], report["syntactic"], report["total"]]
    rows = [(s["section"], _percent(s["accuracy"]), f"{s['correct']}/{s['seen']}")
            for s in summaries]
    table = format_table(rows, ["section", "accuracy", "correct/seen"], right=(1, 2))
    return (f"{table}\ncoverage: {report['seen']}/{report['questions']} questions "
            f"({report['oov_skipped']} skipped as out of vocabulary), "
            f"vocabulary cutoff {report['restrict_vocab']:,} words")


def format_pairs_report(path, report: dict) -> str:
    """One line for an ``evaluate_word_pairs`` result."""
    total = report["pairs"] + report["oov_skipped"]
    return (f"{path}: Spearman rho {report['spearman']:.4f}, Pearson r {report['pearson']:.4f}, "
            f"{report['pairs']}/{total} pairs ({_percent(report['oov_ratio'])} out of vocabulary)")
