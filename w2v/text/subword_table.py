"""The n-gram rows of many words at once, compiled: ``subwords.py``'s walk over the UTF-8 bytes
of every word in one pass, as a CSR table.

``row_table(words, spec, nwords)`` gives ``(offsets, rows)``: the rows G_w of ``words[k]`` are
``rows[offsets[k]:offsets[k + 1]]``, in ``SubwordSpec.rows``'s order (the word's own row first,
then ``nwords + bucket`` per n-gram, repeats kept). This is the form a training kernel's input
side reads, and the one ``SubwordRows.word_matrix`` averages (``mean_rows``). The pure-Python
``subwords.py`` stays the reference: the tests compare the two on many words, and single query
words go through it (one word takes microseconds; this module pays off from thousands).

The words are encoded once (UTF-8 with ``surrogateescape``, as ``subwords.py`` does) and
concatenated; the markers ``<`` and ``>`` are never written but read as virtual bytes before
and after each word. Each n-gram's FNV-1a is carried along as the n-gram grows, so a word of L
bytes costs O(L * maxn). Two passes: count each word's n-grams (to size the table exactly),
then fill it.

>>> from w2v.text.subwords import SubwordSpec
>>> offsets, rows = row_table(["ab", "c"], SubwordSpec(3, 3, 10), nwords=5)
>>> offsets.tolist(), rows.tolist()   # SubwordSpec(3, 3, 10).rows("ab", 0, 5) == [0, 13, 11]
([0, 3, 5], [0, 13, 11, 1, 5])
"""

from __future__ import annotations

import numba
import numpy as np

from w2v import jit  # noqa: F401  (before the decoration: the cache's folder)
from w2v.text.subwords import BOW, EOS, EOW, FNV_OFFSET, FNV_PRIME, SubwordSpec

_BOW, _EOW = ord(BOW), ord(EOW)
_EOS = np.frombuffer(EOS.encode(), dtype=np.uint8)


def encode(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of every word, concatenated, and ``starts`` (len(words) + 1): word k
    is ``data[starts[k]:starts[k + 1]]``."""
    encoded = [w.encode("utf-8", "surrogateescape") for w in words]
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)),
              out=starts[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), starts


def row_table(words: list[str], spec: SubwordSpec, nwords: int,
              first_id: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """CSR ``(offsets, rows)`` of G_w for each of ``words``: ``words[k]``'s own row is
    ``first_id + k`` (no own row when ``first_id`` is None: words outside the vocabulary),
    then its n-gram rows ``nwords + bucket``. ``rows`` is int32 when every row fits, else
    int64."""
    data, starts = encode(words)
    own = first_id is not None
    minn, maxn = (max(spec.minn, 1), spec.maxn) if spec.has_ngrams else (1, 0)
    counts = np.empty(len(words), dtype=np.int64)
    _count(data, starts, minn, maxn, counts)
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(counts + own, out=offsets[1:])
    dtype = np.int32 if nwords + spec.buckets <= np.iinfo(np.int32).max else np.int64
    rows = np.empty(int(offsets[-1]), dtype=dtype)
    _fill(data, starts, minn, maxn, max(spec.buckets, 1), nwords,
          first_id if own else -1, offsets, rows)
    return offsets, rows


def mean_rows(matrix: np.ndarray, offsets: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(len(offsets) - 1, dim) float32: the mean of ``matrix[rows[offsets[k]:offsets[k+1]]]``
    for each k, summed in float64 as ``subword_vectors._mean_rows``; zero for an empty list."""
    out = np.zeros((len(offsets) - 1, matrix.shape[1]), dtype=np.float32)
    _mean(np.asarray(matrix), offsets, rows, out)
    return out


@numba.njit(cache=True, nogil=True, inline="always")
def _byte(data, lo, size, p):  # pragma: no cover - compiled
    """Byte p of ``<word>`` (size bytes with the markers), the word being data[lo:]."""
    if p == 0:
        return _BOW
    if p == size - 1:
        return _EOW
    return data[lo + p - 1]


@numba.njit(cache=True, nogil=True)
def _walk(data, lo, hi, minn, maxn, buckets, out, pos, base):  # pragma: no cover - compiled
    """The n-grams of ``<data[lo:hi]>`` in ``subwords.ngram_bytes``'s order; with ``out``
    non-empty, writes ``base + bucket`` of each from ``out[pos]``. Returns how many."""
    if hi - lo == len(_EOS) and np.all(data[lo:hi] == _EOS):
        return 0
    size, count = hi - lo + 2, 0
    for i in range(size):
        b = _byte(data, lo, size, i)
        if b & 0xC0 == 0x80:
            continue  # a continuation byte: not the start of a character
        j, n, h = i, 1, np.int64(FNV_OFFSET)
        while j < size and n <= maxn:
            b = _byte(data, lo, size, j)
            while True:  # this character's bytes: the first, then its continuations
                h = ((h ^ (b | 0xFFFFFF00 if b & 0x80 else b)) * FNV_PRIME) & 0xFFFFFFFF
                j += 1
                if j >= size:
                    break
                b = _byte(data, lo, size, j)
                if b & 0xC0 != 0x80:
                    break
            if n >= minn and not (n == 1 and (i == 0 or j == size)):  # no lone marker
                if len(out):
                    out[pos + count] = base + h % buckets
                count += 1
            n += 1
    return count


@numba.njit(cache=True, nogil=True)
def _count(data, starts, minn, maxn, counts):  # pragma: no cover - compiled
    none = np.empty(0, dtype=np.int64)
    for k in range(len(counts)):
        counts[k] = _walk(data, starts[k], starts[k + 1], minn, maxn, 1, none, 0, 0)


@numba.njit(cache=True, nogil=True)
def _fill(data, starts, minn, maxn, buckets, nwords, first_id, offsets,
          rows):  # pragma: no cover - compiled
    for k in range(len(offsets) - 1):
        pos = offsets[k]
        if first_id >= 0:
            rows[pos] = first_id + k
            pos += 1
        _walk(data, starts[k], starts[k + 1], minn, maxn, buckets, rows, pos, nwords)


@numba.njit(cache=True, nogil=True)
def _mean(matrix, offsets, rows, out):  # pragma: no cover - compiled
    dim = matrix.shape[1]
    total = np.empty(dim, dtype=np.float64)
    for k in range(len(offsets) - 1):
        lo, hi = offsets[k], offsets[k + 1]
        if hi == lo:
            continue
        total[:] = 0.0
        for p in range(lo, hi):
            row = matrix[rows[p]]
            for d in range(dim):
                total[d] += row[d]
        for d in range(dim):
            out[k, d] = total[d] / (hi - lo)
