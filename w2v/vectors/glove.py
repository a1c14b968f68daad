"""GloVe's text format: ``word v1 ... vd`` lines, one per word, with no ``count dim`` header
(Stanford's glove.6B files; gensim reads them with ``load_word2vec_format(no_header=True)``).

``formats.read_word2vec`` calls this when the first line is not a word2vec header but reads as
a record: a word, then one or more numbers. The dimension is the first row's; a row of another
length is an error naming its line (a truncated file, or a "word" with spaces in it, as in
glove.840B's few such rows), since guessing where such a word ends would shift its vector.
Without a header the number of rows is unknown up front, so rows are parsed in blocks of
about 64k values and joined at the end.

One case is ambiguous and read as word2vec: a one-dimensional GloVe file whose first word is
an integer and first value an integer ("1 2") looks exactly like a header.
"""

from __future__ import annotations

import numpy as np

from w2v.errors import VectorsError

MAX_FIRST_LINE = 1 << 24  # a longer first line is not a GloVe record (binary data, say)
BLOCK_VALUES = 1 << 16


def is_record(line: bytes) -> bool:
    """Whether ``line`` reads as a GloVe record: UTF-8, a word, then only numbers.

    >>> is_record(b"the 0.418 0.24968 -0.41242\\n"), is_record(b"hello world\\n")
    (True, False)
    """
    try:
        tokens = line.decode("utf-8").split()
    except UnicodeDecodeError:
        return False
    return len(tokens) >= 2 and all(is_number(t) for t in tokens[1:])


def read_glove(f, path) -> tuple[list[str], np.ndarray]:
    """Every row of the binary file object ``f`` (at its start): ``(words, (V, d) float32)``."""
    words: list[str] = []
    blocks: list[np.ndarray] = []
    rows: list[list[bytes]] = []
    lines: list[int] = []  # the line of each row in ``rows``, for error messages
    d = None
    for lineno, line in enumerate(f, start=1):
        parts = line.split()
        if not parts:
            continue
        if d is None:
            d, block = len(parts) - 1, max(1, BLOCK_VALUES // len(parts))
        if len(parts) != d + 1:
            word = parts[0][:40].decode("utf-8", errors="replace")
            raise VectorsError(
                f"{path}: line {lineno} ({word!r}) has {len(parts) - 1} values but the first "
                f"row has {d}: rows of a GloVe file must all have the same length (a "
                "truncated line, or a word with spaces in it)")
        words.append(parts[0].decode("utf-8", errors="replace"))
        rows.append(parts[1:])
        lines.append(lineno)
        if len(rows) == block:
            blocks.append(_floats(rows, lines, path))
            rows, lines = [], []
    if d is None:
        raise VectorsError(f"{path} has no vectors")
    if rows:
        blocks.append(_floats(rows, lines, path))
    return words, np.concatenate(blocks)


def _floats(rows: list[list[bytes]], lines: list[int], path) -> np.ndarray:
    """One block of rows as float32; a non-number is reported with its line."""
    try:
        return np.array(rows, dtype=np.float32)
    except ValueError:
        for row, lineno in zip(rows, lines):
            if not all(is_number(t.decode("utf-8", errors="replace")) for t in row):
                raise VectorsError(f"{path}: line {lineno} has a value that is not a "
                                   "number") from None
        raise


def is_number(token: str) -> bool:
    """Whether ``token`` reads as a float (a vector's value, not a word)."""
    try:
        float(token)
    except ValueError:
        return False
    return True
