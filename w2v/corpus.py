"""Text in, sentences of tokens out, in constant memory whatever the input's size.

- Input: UTF-8 text, or ``.gz`` / ``.bz2`` / ``.xz`` chosen by extension; one or more files,
  read in order. Standard input (``-``) is refused rather than spooled: training reads the
  corpus twice (vocabulary, then encoding), and a silent copy of a multi-gigabyte stream into a
  temp directory is a worse surprise than a one-line error.
- A sentence is a line (ended by ``\\n``), split on whitespace exactly like ``str.split()``.
  Lines longer than ``max_words`` tokens are cut into consecutive chunks (word2vec.c's 1,000);
  no token is lost (gensim truncates lines at 10,000 tokens).
- Raw bytes are read in blocks and decoded incrementally, so a multi-gigabyte line with no
  newline streams like any other: only its unfinished last token and fewer than ``max_words``
  complete tokens are held. Invalid UTF-8 is replaced by U+FFFD and counted in ``CorpusStats``
  (by a registered error handler, so a genuine U+FFFD in the text is not miscounted).
- The one exception to "every token is kept": a run of more than ``MAX_TOKEN_CHARS``
  characters without whitespace is binary junk, not a word; it is skipped and counted, because
  holding it would break the constant-memory promise.

The encoded corpus written by ``encode`` (the training stream) is a flat file of raw
little-endian int32, no header: vocabulary ids in corpus order, out-of-vocabulary words dropped
(as word2vec.c does before windowing), and -1 after each non-empty sentence chunk. Its length in
ids is ``file size / 4``.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import os
import re
import threading
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

from w2v.atomic import atomic_write
from w2v.errors import CorpusError

BLOCK = 1 << 20  # bytes read (and ids buffered by ``encode``) at a time
MAX_TOKEN_CHARS = 1 << 20  # a "word" longer than this is binary junk: skipped and counted
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
SEPARATOR = -1  # sentence break in the encoded corpus
_OOV = -2  # out-of-vocabulary marker inside ``encode``'s buffer, filtered out before writing
_SPACE = re.compile(r"\s")  # the same characters as str.isspace(), which str.split() uses


@dataclass
class CorpusStats:
    """What one pass over the corpus saw; filled in by ``iter_sentences`` as it streams."""

    lines: int = 0  # "\n"-terminated lines, plus a final line without a newline
    tokens: int = 0  # tokens yielded (every token except skipped junk)
    replacements: int = 0  # U+FFFD inserted for invalid UTF-8 (one per invalid sequence)
    invalid_bytes: int = 0  # bytes those replacements stand for
    dropped_long_tokens: int = 0  # "words" over MAX_TOKEN_CHARS (binary junk), skipped


# ------------------------------------------------------------------ decoding with a tally

_tally = threading.local()  # per thread: the error handler runs inside decode(), same thread
ERRORS = "w2v.replace_counted"


def _replace_counted(err: UnicodeError):
    """Like errors="replace" for decoding, but counts what it replaces."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    _tally.calls += 1
    _tally.bytes += err.end - err.start
    return "\ufffd", err.end


codecs.register_error(ERRORS, _replace_counted)


def _decode(decoder, block: bytes, final: bool, stats: CorpusStats) -> str:
    _tally.calls = _tally.bytes = 0
    text = decoder.decode(block, final)
    stats.replacements += _tally.calls
    stats.invalid_bytes += _tally.bytes
    return text


# ------------------------------------------------------------------ files


def check_path(path) -> Path:
    """A readable regular file, or a CorpusError that says what is wrong."""
    if str(path) == "-":
        raise CorpusError(
            "reading the corpus from stdin is not supported (it is read twice); save the text "
            "to a file first"
        )
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus file {path} does not exist")
    if path.is_dir():
        raise CorpusError(f"corpus {path} is a directory; give the text files inside it")
    if not os.access(path, os.R_OK):
        raise CorpusError(f"corpus file {path} is not readable; check its permissions")
    return path


def _as_paths(paths) -> list[Path]:
    """One path or a list of them, each checked before anything is read."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return [check_path(p) for p in paths]


def _blocks(path: Path, block_size: int) -> Iterator[bytes]:
    opener = OPENERS.get(path.suffix.lower(), open)
    try:
        with opener(path, "rb") as f:
            yield from iter(lambda: f.read(block_size), b"")
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as e:
        raise CorpusError(f"cannot read {path}: {e} (is the file complete?)") from None


def _with_final(blocks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Pair each block with whether it is the last (an empty file yields one empty block)."""
    previous = b""
    first = True
    for block in blocks:
        if not first:
            yield previous, False
        previous, first = block, False
    yield previous, True


# ------------------------------------------------------------------ sentences


def _chunks(tokens: list[str], max_words: int, stats: CorpusStats) -> Iterator[list[str]]:
    stats.tokens += len(tokens)
    if len(tokens) <= max_words:  # the common case: no copy
        yield tokens
        return
    for start in range(0, len(tokens), max_words):
        yield tokens[start : start + max_words]


def _sentences(
    path: Path, lowercase: bool, max_words: int, stats: CorpusStats, block_size: int
) -> Iterator[list[str]]:
    """One file's sentence chunks (possibly empty lists for blank lines).

    State between blocks: ``pending``, the current line's text not yet split (it may end inside
    a token), and ``carry``, complete tokens of a very long current line not yet emitted.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors=ERRORS)
    pending = ""
    carry: list[str] = []
    skipping = False  # inside an over-long junk token: drop text up to the next whitespace
    last_char = "\n"
    for block, final in _with_final(_blocks(path, block_size)):
        text = _decode(decoder, block, final, stats)
        if not text:
            continue
        if lowercase:
            text = text.lower()
        stats.lines += text.count("\n")
        last_char = text[-1]
        if skipping:
            space = _SPACE.search(text)
            if space is None:
                continue
            text, skipping = text[space.start() :], False
        lines = (pending + text).split("\n")
        pending = lines.pop()  # the unfinished last line
        for line in lines:
            tokens = line.split()
            if carry:
                tokens, carry = carry + tokens, []
            yield from _chunks(tokens, max_words, stats)
        if len(pending) > block_size:  # a long line: emit its complete tokens now
            tokens = pending.split()
            pending = tokens.pop() if tokens and not pending[-1].isspace() else ""
            if len(pending) > MAX_TOKEN_CHARS:
                stats.dropped_long_tokens += 1
                pending, skipping = "", True
            carry.extend(tokens)
            while len(carry) >= max_words:
                yield from _chunks(carry[:max_words], max_words, stats)
                del carry[:max_words]
    if last_char != "\n":
        stats.lines += 1  # a last line without a newline
    yield from _chunks(carry + pending.split(), max_words, stats)


def iter_sentences(
    paths,
    lowercase: bool = False,
    max_words: int = 1000,
    stats: CorpusStats | None = None,
    block_size: int = BLOCK,
) -> Iterator[list[str]]:
    """Yield every non-empty sentence chunk of every file, in order.

    ``paths`` is one path or a list; all are checked (exist, regular, readable) before the
    first is read, so a typo in the last file fails at once, not after an hour of counting.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.txt"; _ = p.write_text("a b c\\n\\nd e\\n")
    >>> list(iter_sentences(p, max_words=2))
    [['a', 'b'], ['c'], ['d', 'e']]
    """
    if max_words < 1:
        raise CorpusError(f"max_words must be at least 1, not {max_words}")
    stats = stats if stats is not None else CorpusStats()
    for path in _as_paths(paths):
        for tokens in _sentences(path, lowercase, max_words, stats, block_size):
            if tokens:
                yield tokens


# ------------------------------------------------------------------ the encoded corpus


def encode(
    paths,
    vocab,
    out_path,
    lowercase: bool = False,
    max_words: int = 1000,
    stats: CorpusStats | None = None,
) -> int:
    """Write the corpus as int32 vocabulary ids with -1 after each sentence chunk (the format
    in the module docstring); returns the number of int32 written.

    Lines are chunked at ``max_words`` tokens *before* out-of-vocabulary words are dropped, as
    word2vec.c fills its sentence buffer. A chunk with no known word writes nothing. Written to
    a temporary name, fsynced and renamed, so a crash never leaves a half-written file that a
    resume would trust.
    """
    out_path = Path(out_path)
    get = vocab.index.get
    buf = array("i")
    assert buf.itemsize == 4
    writer = _IdWriter()
    with atomic_write(out_path) as f:
        for tokens in iter_sentences(paths, lowercase, max_words, stats):
            # map + get run in C: no Python bytecode per token; OOV is filtered at flush
            buf.extend(map(get, tokens, repeat(_OOV)))
            buf.append(SEPARATOR)
            if len(buf) >= BLOCK:
                writer.flush(buf, f)
        writer.flush(buf, f)
    return writer.written


class _IdWriter:
    """Drops OOV markers, then any separator that would follow another (or open the file):
    what is left is exactly "known ids of each chunk, then -1" for every non-empty chunk."""

    def __init__(self):
        self.written = 0
        self.after_separator = True  # the start of the file counts as a break

    def flush(self, buf: array, f) -> None:
        ids = np.frombuffer(buf, dtype=np.int32)
        ids = ids[ids != _OOV]
        if len(ids):
            sep = ids == SEPARATOR
            repeated = sep & np.concatenate(([self.after_separator], sep[:-1]))
            ids = ids[~repeated]
        if len(ids):
            self.after_separator = bool(ids[-1] == SEPARATOR)
            ids.astype("<i4", copy=False).tofile(f)
            self.written += len(ids)
        del ids  # release the buffer export before resizing the array
        del buf[:]


def read_ids(path, start: int, count: int) -> np.ndarray:
    """``count`` ids from position ``start`` of an encoded corpus, read (not memory-mapped) so
    that the pages of a large corpus never pile up in the process's resident memory."""
    with open(path, "rb") as f:
        f.seek(4 * start)
        return np.fromfile(f, dtype="<i4", count=count).astype(np.int32, copy=False)


def load_ids(path) -> np.ndarray:
    """The whole encoded corpus as a read-only int32 memmap (an empty array for an empty file).

    Convenient for analysis and the numpy reference; training streams with ``read_ids``
    instead, because touched memmap pages count in the process's resident memory."""
    if Path(path).stat().st_size == 0:
        return np.empty(0, dtype=np.int32)
    return np.memmap(path, dtype="<i4", mode="r")


def count_ids(path, block: int = 1 << 22) -> tuple[int, int]:
    """(ids, words) in an encoded corpus: its length, and how many ids are words (not -1)."""
    n = Path(path).stat().st_size // 4
    words = sum(int(np.count_nonzero(read_ids(path, s, block) >= 0)) for s in range(0, n, block))
    return n, words
