"""Vectors on disk: the word2vec text/binary formats and the ``.npy`` + ``vocab.txt`` pair.

Readers return ``(words, matrix)`` and know nothing of queries; ``Vectors.load`` picks the reader.
The formats:

- a ``.npy`` file (magic ``\\x93NUMPY``, memory-mapped) with its vocabulary beside it:
  ``NAME.vocab.txt`` for ``NAME.npy`` (what ``w2v export`` writes, so two exports can share a
  folder), else ``vocab.txt`` (a run folder's layout, and exports before that naming);
- word2vec text: a ``V d`` header line, then ``word v1 ... vd`` lines (word2vec.c ``-binary 0``
  and gensim's ``save_word2vec_format``, with or without a trailing space);
- word2vec binary: the same header, then ``word``, a space and d little-endian float32, with an
  optional newline after each record (word2vec.c writes one, gensim does not);
- GloVe text: ``word v1 ... vd`` lines without the header (``glove.py``), told apart by
  content: a first line that is not ``V d`` but a word followed by numbers;
- any of these gzip-compressed (magic ``\\x1f\\x8b``).

The header's ``V d`` is checked against the file's size before the (V, d) matrix is allocated:
a text record takes at least 2d + 1 bytes (a one-byte word, d one-digit values, each after a
space), a binary one 4d + 1, and gzip expands its input at most 1032:1 (deflate's limit, zlib's
FAQ), so a header claiming 99,999,999,999 words is reported as a wrong header instead of
failing as out of memory. A gzip file within that bound that ends early is reported as
truncated once its data runs out (pages of the matrix never written are never touched).

Words with whitespace: the word2vec formats end a word at the first space, so a word containing
whitespace cannot be written; ``write_word2vec`` rejects it with an error naming the word (w2v's
tokenizer splits on whitespace, so its own vocabularies never contain one).
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from w2v.errors import VectorsError
from w2v.run.rundir import RunDir
from w2v.text.vocab import Vocab, first_duplicate, unwritable_word
from w2v.util.atomic import atomic_write
from w2v.vectors import glove

NPY_MAGIC = b"\x93NUMPY"
GZIP_MAGIC = b"\x1f\x8b"
MAX_WORD_BYTES = 100_000  # a binary "word" longer than this means the file is not word2vec
GZIP_MAX_RATIO = 1032  # deflate's largest expansion (zlib FAQ): a bound on a .gz's content


def npy_vocab(path: Path) -> Path:
    """The vocabulary of the ``.npy`` at ``path``: ``NAME.vocab.txt`` if it exists, else the
    ``vocab.txt`` beside it (which may not exist either)."""
    own = path.with_name(path.stem + ".vocab.txt")
    return own if own.is_file() else RunDir(path.parent).vocab


def read_npy(path: Path) -> tuple[list[str], np.ndarray]:
    """A ``.npy`` matrix, memory-mapped, and the words of its vocabulary (``npy_vocab``)."""
    vocab_path = npy_vocab(path)
    if not vocab_path.is_file():
        raise VectorsError(f"{path} needs its vocabulary: {vocab_path} does not exist (nor "
                           f"{path.with_name(path.stem + '.vocab.txt')})")
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
    return vocab.words, matrix


# Values formatted per write: 64k keeps the text writer's Python floats and strings near 5 MB
# (4,096 rows at dim 300 took 90 MB, above the whole training run's plateau).
WRITE_BLOCK_VALUES = 1 << 16


def write_word2vec(path, words: list[str], matrix: np.ndarray, binary: bool) -> None:
    """word2vec.c's format (see ``write_records``), written atomically (temp file, fsync,
    rename)."""
    with atomic_write(Path(path)) as f:
        write_records(f, words, matrix, binary)


def write_records(f, words: list[str], matrix: np.ndarray, binary: bool) -> None:
    """word2vec.c's format to a binary file object: text (``%.9g``, exact for float32) or
    ``binary`` (one newline after each record, like word2vec.c)."""
    bad = unwritable_word(words)
    if bad is not None:
        raise VectorsError(f"cannot write {bad!r} in the word2vec format: words may not be "
                           "empty or contain whitespace")
    matrix = np.asarray(matrix, dtype="<f4")
    V, d = matrix.shape
    if len(words) != V:
        raise VectorsError(f"{len(words)} words but {V} vectors")
    row_format = " ".join(["%.9g"] * d)
    block = max(1, WRITE_BLOCK_VALUES // max(d, 1))  # rows formatted at a time
    f.write(f"{V} {d}\n".encode())
    for start in range(0, V, block):
        rows = matrix[start : start + block]
        chunk = words[start : start + block]
        if binary:
            f.write(b"".join(w.encode() + b" " + r.tobytes() + b"\n"
                             for w, r in zip(chunk, rows)))
        else:
            f.write("".join(f"{w} {row_format % tuple(r)}\n"
                            for w, r in zip(chunk, rows.tolist())).encode())


def _open_maybe_gzip(path: Path):
    """The opened file and the most bytes it can hold (its size; 1032 times that if gzip)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        gzipped = f.read(2) == GZIP_MAGIC
    if gzipped:
        return gzip.open(path, "rb"), size * GZIP_MAX_RATIO
    return open(path, "rb"), size


def read_word2vec(path: Path) -> tuple[list[str], np.ndarray]:
    """Parse word2vec text or binary, or GloVe text (no header line: see ``glove.py``),
    optionally gzipped, telling them apart by content (see ``_read_records``)."""
    path = Path(path)
    opened, most = _open_maybe_gzip(path)
    try:
        with opened as f:
            header = _parse_header(f.readline(256))
            if header is not None:
                words, matrix = _read_records(f, *header, path, most)
            else:
                f.seek(0)
                if not glove.is_record(f.readline(glove.MAX_FIRST_LINE)):
                    raise VectorsError(
                        f"{path} is not a word2vec file (expected a 'count dim' header line, "
                        "as word2vec.c and gensim write) nor a GloVe file ('word v1 ... vd' "
                        "lines)")
                f.seek(0)
                words, matrix = glove.read_glove(f, path)
            while f.read(1 << 20):  # to the end, so that gzip checks its CRC
                pass
    except EOFError:
        raise VectorsError(f"{path} is truncated: its gzip stream ends early") from None
    except (gzip.BadGzipFile, zlib.error) as e:
        raise VectorsError(f"{path} is a corrupt gzip file ({e})") from None
    dup = first_duplicate(words)
    if dup is not None:
        raise VectorsError(f"{path} has the word {dup!r} twice")
    return words, matrix


def _read_records(f, V: int, d: int, path: Path, most: int):
    """The V word2vec records after the header, text or binary by content:

    - a first record that decodes as UTF-8 with exactly d numbers after its word is read as
      text (raw float32 bytes essentially never look like that; if they did, the text reader
      fails and a binary reading that ends exactly at the end of the file wins);
    - a first record with some numbers is tried as binary (accepted only if the V records end
      the file), then as text, so a malformed text file gets the text reader's error;
    - anything else is binary.
    """
    start = f.tell()
    room = most - start
    first = f.readline(64 * d + 4096)
    tokens = _record_tokens(first)
    numbers = sum(glove.is_number(t) for t in tokens or ())

    def text():
        f.seek(start)
        return _read_text_records(f, V, d, path, room)

    def binary(whole_file: bool):
        f.seek(start)
        words, matrix, at_end = _read_binary_records(f, V, d, path, room)
        if whole_file and not at_end:
            raise VectorsError(f"{path} has data after the {V:,} binary records its header "
                              "announces: the header and the rows disagree")
        return words, matrix

    if (tokens is not None and numbers == len(tokens) == d) or not first.strip():
        try:
            return text()
        except VectorsError as text_error:
            try:
                return binary(whole_file=True)
            except VectorsError:
                raise text_error from None
    if numbers:
        try:
            return binary(whole_file=True)
        except VectorsError:
            return text()
    return binary(whole_file=True)


def _parse_header(line: bytes) -> tuple[int, int] | None:
    """``(V, d)`` from a word2vec header line, or None if ``line`` is not one."""
    parts = line.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts) and int(parts[1]) > 0:
        return int(parts[0]), int(parts[1])
    return None


def _record_tokens(line: bytes) -> list[str] | None:
    """The tokens after the word of a text record, or None if the line is not UTF-8."""
    try:
        return line.decode("utf-8").split()[1:]
    except UnicodeDecodeError:
        return None


def _allocate(V: int, d: int, room: int, record_bytes: int, kind: str, path: Path):
    """The (V, d) matrix the header announces, if ``room`` bytes can hold V records of at
    least ``record_bytes`` each; otherwise the header is wrong, and the message says so."""
    if V * record_bytes > room:
        raise VectorsError(
            f"{path}: its header says {V:,} vectors of dimension {d:,}, but the file can hold at "
            f"most {room // record_bytes:,} ({kind} records take at least {record_bytes:,} "
            "bytes): the header and the file size disagree (a wrong header or a truncated file)"
        )
    try:
        return np.empty((V, d), dtype=np.float32)
    except (MemoryError, ValueError):
        raise VectorsError(
            f"{path}: not enough memory for its {V:,} vectors of dimension {d:,} "
            f"({4 * V * d / 1e9:.1f} GB)"
        ) from None


def _read_text_records(f, V: int, d: int, path: Path, room: int):
    words, matrix = [], _allocate(V, d, room, 2 * d + 1, "text", path)
    for i in range(V):
        parts = f.readline().split()
        if not parts:
            raise VectorsError(f"{path} is truncated: {i:,} of {V:,} vectors")
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
    _check_no_more(f, V, path)
    return words, matrix


def _check_no_more(f, V: int, path: Path) -> None:
    """Only blank lines may follow the V records the header announces: a header claiming fewer
    rows than the file holds would otherwise load silently and then call the words past its
    count unknown."""
    extra = sum(1 for line in f if line.strip())
    if extra:
        raise VectorsError(f"{path}: its header says {V:,} vectors but {V + extra:,} lines of "
                           "vectors follow it: the header and the rows disagree (fix the "
                           "header's first number)")


def _read_binary_records(f, V: int, d: int, path: Path, room: int):
    """Records are ``word`` + space + 4d bytes, optionally followed by a newline that we strip
    from the start of the next word; read in 1 MB chunks. Also says whether only whitespace
    follows the V records."""
    words, matrix = [], _allocate(V, d, room, 4 * d + 1, "binary", path)
    nbytes = 4 * d
    buf, pos, eof = b"", 0, False
    i = 0
    while i < V:
        space = buf.find(b" ", pos)
        if space == -1 or len(buf) - space - 1 < nbytes:
            if eof:
                raise VectorsError(f"{path} is truncated: {i:,} of {V:,} vectors")
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
