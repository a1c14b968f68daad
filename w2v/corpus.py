"""Text in, sentences of tokens out, in constant memory whatever the input's size.

- Input: UTF-8 text, or ``.gz`` / ``.bz2`` / ``.xz`` chosen by extension; one or more files.
  Standard input is refused: training reads the corpus twice (vocabulary, then encoding).
- A sentence is a line, split on whitespace like ``str.split()``. Lines longer than
  ``max_words`` tokens are cut into consecutive chunks (word2vec.c's 1,000); no token is lost.
- Bytes are read in blocks and decoded incrementally, so a multi-gigabyte line with no newline
  streams like any other. Invalid UTF-8 is replaced by U+FFFD and counted in ``CorpusStats``.
- ``encode`` writes the training stream: vocabulary ids as raw little-endian int32,
  out-of-vocabulary words dropped (as word2vec.c does before windowing), -1 after each
  sentence chunk.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import os
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

from w2v.errors import CorpusError

BLOCK = 1 << 20
MAX_TOKEN_CHARS = 1 << 20  # a "word" longer than this is binary junk: skipped and counted
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


@dataclass
class CorpusStats:
    lines: int = 0
    tokens: int = 0
    replacements: int = 0  # U+FFFD characters after decoding: invalid UTF-8 sequences
    dropped_long_tokens: int = 0  # "words" over MAX_TOKEN_CHARS (binary junk), skipped


def check_path(path) -> Path:
    """A readable regular file, or a CorpusError that says what is wrong."""
    if str(path) == "-":
        raise CorpusError(
            "reading the corpus from stdin is not supported (it is read twice); save it to a "
            "file first"
        )
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus file {path} does not exist")
    if path.is_dir():
        raise CorpusError(f"corpus {path} is a directory; give the text files inside it")
    if not os.access(path, os.R_OK):
        raise CorpusError(f"corpus file {path} is not readable")
    return path


def _blocks(path: Path, block_size: int) -> Iterator[bytes]:
    opener = OPENERS.get(path.suffix, open)
    try:
        with opener(path, "rb") as f:
            yield from iter(lambda: f.read(block_size), b"")
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as e:
        raise CorpusError(f"cannot read {path}: {e} (is the file complete?)") from None


def _chunks(tokens: list[str], max_words: int, stats: CorpusStats) -> Iterator[list[str]]:
    stats.tokens += len(tokens)
    for start in range(0, len(tokens), max_words):
        yield tokens[start : start + max_words]


def _sentences(path, lowercase, max_words, stats, block_size) -> Iterator[list[str]]:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""  # the current line's text not yet split (it may end inside a token)
    carry: list[str] = []  # complete tokens of a very long current line
    for block, final in _with_final(_blocks(path, block_size)):
        text = decoder.decode(block, final=final)
        stats.replacements += text.count("\ufffd")
        if lowercase:
            text = text.lower()
        lines = (pending + text).split("\n")
        pending = "" if final else lines.pop()
        for line in lines:
            tokens = carry + line.split() if carry else line.split()
            carry = []
            stats.lines += 1
            yield from _chunks(tokens, max_words, stats)
        if len(pending) > block_size:  # a long line: emit its complete tokens now
            tokens = pending.split()
            pending = tokens.pop() if tokens and not pending[-1].isspace() else ""
            if len(pending) > MAX_TOKEN_CHARS:
                stats.dropped_long_tokens += 1
                pending = ""
            carry.extend(tokens)
            while len(carry) >= max_words:
                yield from _chunks(carry[:max_words], max_words, stats)
                del carry[:max_words]
    if carry:
        stats.lines += 1
        yield from _chunks(carry, max_words, stats)


def _with_final(blocks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Pair each block with whether it is the last (an empty file yields one empty block)."""
    previous = b""
    first = True
    for block in blocks:
        if not first:
            yield previous, False
        previous, first = block, False
    yield previous, True


def iter_sentences(
    paths, lowercase: bool = False, max_words: int = 1000, stats: CorpusStats | None = None,
    block_size: int = BLOCK,
) -> Iterator[list[str]]:
    """Yield every non-empty sentence chunk of every file, in order."""
    stats = stats if stats is not None else CorpusStats()
    paths = [check_path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    for path in paths:
        for tokens in _sentences(path, lowercase, max_words, stats, block_size):
            if tokens:
                yield tokens


def encode(paths, vocab, out_path, lowercase: bool = False, max_words: int = 1000) -> int:
    """Write the corpus as int32 vocabulary ids with -1 after each sentence; returns the count.

    Written to a temporary name and renamed, so a crash never leaves a half-written file that a
    resume would trust."""
    out_path = Path(out_path)
    tmp = out_path.with_name(out_path.name + ".tmp")
    get = vocab.index.get
    buf = array("i")
    n = 0
    with open(tmp, "wb") as f:
        for tokens in iter_sentences(paths, lowercase, max_words):
            ids = [i for i in map(get, tokens, repeat(-1)) if i >= 0]
            if ids:
                buf.extend(ids)
                buf.append(-1)
            if len(buf) >= BLOCK:
                n += _flush(buf, f)
        n += _flush(buf, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, out_path)
    return n


def _flush(buf: array, f) -> int:
    n = len(buf)
    np.asarray(buf, dtype=np.int32).astype("<i4", copy=False).tofile(f)
    del buf[:]
    return n


def read_ids(path, start: int, count: int) -> np.ndarray:
    """``count`` ids from position ``start`` of an encoded corpus, read (not memory-mapped) so
    that the pages of a large corpus never pile up in the process's resident memory."""
    with open(path, "rb") as f:
        f.seek(4 * start)
        return np.fromfile(f, dtype="<i4", count=count).astype(np.int32, copy=False)


def count_ids(path, block: int = 1 << 22) -> tuple[int, int]:
    """(ids, words) in an encoded corpus: its length, and how many ids are words (not -1)."""
    n = Path(path).stat().st_size // 4
    words = sum(int(np.count_nonzero(read_ids(path, s, block) >= 0)) for s in range(0, n, block))
    return n, words
