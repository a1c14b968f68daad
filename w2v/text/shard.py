"""One rank's share of the corpus: a line-aligned byte range of the inputs, read in place.

The inputs, decompressed and laid end to end, are one stream of ``T`` bytes; rank ``r`` of
``n`` owns ``[r T / n, (r + 1) T / n)`` and reads exactly the lines that *start* in it (a line
starts at the beginning of a file or after a ``\\n``), so every line belongs to one rank and the
ranks' sentences, concatenated in rank order, are the single-process sentences (tested).

- Plain files are read from their offset (``seek``). A compressed file has no random access:
  a rank decompresses it from the start and discards what precedes its range, so the ranks of a
  single large ``.gz`` decompress up to ``T`` bytes each. Several files, or plain text, shard
  better; the docs say so.
- ``T`` needs every input's decompressed size: a plain file's is its size on disk, a compressed
  one's is counted by decompressing it once (``stream_size``; the caller spreads that work).
- The corpus must be the same bytes on every rank: a shared filesystem is assumed. Standard
  input and pipes cannot be read at an offset, nor twice, and are refused.

A ``ShardSource`` is a ``read.Source`` whose blocks are only its range, so the one tokenizer
(``sentences.iter_sentences``, hence ``encoded.count_and_encode``) reads shards unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from w2v.errors import CorpusError
from w2v.text.read import _READ_ERRORS, BLOCK, OPENERS, Source, check_path, is_regular


def _compressed(path) -> bool:
    """Decompressed by its name, as ``Source`` does for a regular file."""
    return Path(path).suffix.lower() in OPENERS


def check_shardable(paths) -> list[str]:
    """Every input must be a regular file: a stream has no offsets to split at."""
    checked = [check_path(p) for p in paths]
    for p in checked:
        if not is_regular(p):
            what = "standard input" if str(p) == "-" else f"{p} (a pipe or device)"
            raise CorpusError(f"{what} cannot be split between ranks: a distributed run reads "
                              "each rank's share of a regular file; save the text to a file")
    return [str(p) for p in checked]


def stream_size(path) -> int:
    """The decompressed size of one input in bytes (its size on disk when not compressed)."""
    source = Source(path)
    if not _compressed(path):
        return source.size
    return sum(len(block) for block in source.blocks())


def byte_ranges(total: int, n: int) -> list[tuple[int, int]]:
    """``n`` contiguous ranges covering ``[0, total)``, as equal as integers allow.

    >>> byte_ranges(10, 3)
    [(0, 3), (3, 6), (6, 10)]
    """
    cuts = [total * r // n for r in range(n + 1)]
    return list(zip(cuts[:-1], cuts[1:]))


@dataclass(frozen=True)
class Piece:
    """The part of one input a rank owns: bytes ``[lo, hi)`` of its decompressed stream,
    widened to whole lines when read."""

    path: str
    lo: int
    hi: int
    stream_size: int


def pieces(paths, sizes: list[int], rank: int, n: int) -> list[Piece]:
    """Rank ``rank``'s pieces of the inputs (``sizes``: their decompressed sizes, in order)."""
    lo, hi = byte_ranges(sum(sizes), n)[rank]
    out, start = [], 0
    for path, size in zip(paths, sizes):
        a, b = max(lo, start), min(hi, start + size)
        if a < b:
            # a range that ends at or past the end of the file owns the file's last line
            out.append(Piece(str(path), a - start, size if hi >= start + size else b - start,
                             size))
        start += size
    return out


def line_range(read, lo: int, hi: int, block_size: int = BLOCK) -> Iterator[bytes]:
    """The bytes of the lines that start in ``[lo, hi)`` of a stream whose next byte is at
    offset ``max(lo - 1, 0)`` (``read(n)`` as a file's): skip to the first line start at or
    after ``lo``, then stop after the ``\\n`` that ends the line holding byte ``hi - 1``.

    >>> import io
    >>> def lines(lo, hi, text=b"ab\\ncd\\nef\\n"):  # lines start at offsets 0, 3 and 6
    ...     f = io.BytesIO(text); _ = f.seek(max(lo - 1, 0))
    ...     return b"".join(line_range(f.read, lo, hi, block_size=2))
    >>> lines(0, 1), lines(1, 4), lines(4, 6), lines(4, 7)
    (b'ab\\n', b'cd\\n', b'', b'ef\\n')
    """
    pos, block = max(lo - 1, 0), b""
    if lo > 0:  # the line start at or after lo: just past the first \n at or after lo - 1
        while True:
            block = read(block_size)
            if not block:
                return
            i = block.find(b"\n")
            if i >= 0:
                pos, block = pos + i + 1, block[i + 1 :]
                break
            pos += len(block)
    if pos >= hi:
        return
    while True:  # pos < hi is a line start: emit through the \n at or after hi - 1
        if not block:
            block = read(block_size)
            if not block:
                return
        i = block.find(b"\n", max(hi - 1 - pos, 0)) if hi - 1 - pos < len(block) else -1
        if i >= 0:
            yield block[: i + 1]
            return
        yield block
        pos, block = pos + len(block), b""


class ShardSource(Source):
    """One piece of one input, as a ``Source``. ``size`` and ``position`` count stored bytes
    of the piece for progress (for a compressed file, the share of the file up to ``hi``)."""

    def __init__(self, piece: Piece):
        super().__init__(piece.path)
        self.piece = piece
        self.name = f"{piece.path} (bytes {piece.lo:,}-{piece.hi:,})"
        stored, self._first = self.size, 0
        if _compressed(piece.path):
            self.size = int(stored * piece.hi / max(piece.stream_size, 1))
        else:
            self.size, self._first = piece.hi - piece.lo, piece.lo

    def _advance(self, raw) -> None:
        self.position = min(max(raw.tell() - self._first, 0), self.size)

    def blocks(self, block_size: int = BLOCK) -> Iterator[bytes]:
        piece = self.piece
        try:
            with ExitStack() as stack:
                raw, f = self._open(stack)
                f.seek(max(piece.lo - 1, 0))  # a decompressing file seeks by reading
                for block in line_range(f.read, piece.lo, piece.hi, block_size):
                    self._advance(raw)
                    yield block
        except _READ_ERRORS as e:
            raise CorpusError(f"cannot read {self.name}: {self._failure(e)}") from None


def shard_sources(paths, sizes: list[int], rank: int, n: int) -> list[ShardSource]:
    """The sources ``count_and_encode`` / ``iter_sentences`` read for rank ``rank`` of ``n``."""
    return [ShardSource(p) for p in pieces(paths, sizes, rank, n)]
