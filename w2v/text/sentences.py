"""Sentences of tokens from raw text, in constant memory whatever the input's size.

- A sentence is a line (ended by ``\\n``), split on whitespace exactly like ``str.split()``.
  Lines longer than ``max_words`` tokens are cut into consecutive chunks (word2vec.c's 1,000);
  no token is lost (gensim truncates lines at 10,000 tokens).
- Raw bytes are read in blocks and decoded incrementally, so a multi-gigabyte line with no
  newline streams like any other: only its unfinished last token and fewer than ``max_words``
  complete tokens are held.
- The one exception to "every token is kept": a run of more than ``MAX_TOKEN_CHARS``
  characters without whitespace is binary junk, not a word; it is skipped and counted in
  ``CorpusStats.dropped_long_tokens``, because holding it would break the constant-memory
  promise. Whether a token is junk depends on its length only, not on where the blocks fall.
- ``lowercase`` is ``str.lower()`` of the whole text: whole lines or tokens are lowered, never
  a block that ends inside a word, since final sigma (Σ -> σ or ς) depends on the next letter;
  it never looks across whitespace, so lowering token by token is lowering the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from w2v.errors import CorpusError
from w2v.text.read import BLOCK, Source, check_path, decode, decoder

MAX_TOKEN_CHARS = 1 << 20  # a "word" longer than this is binary junk: skipped and counted
_SPACE = re.compile(r"\s")  # the same characters as str.isspace(), which str.split() uses


@dataclass
class CorpusStats:
    """What one pass over the corpus saw; filled in by ``iter_sentences`` as it streams."""

    lines: int = 0  # "\n"-terminated lines, plus a final line without a newline
    tokens: int = 0  # tokens yielded (every token except skipped junk)
    replacements: int = 0  # U+FFFD inserted for invalid UTF-8 (one per invalid sequence)
    invalid_bytes: int = 0  # bytes those replacements stand for
    dropped_long_tokens: int = 0  # "words" over MAX_TOKEN_CHARS (binary junk), skipped
    bytes_read: int = 0  # stored (possibly compressed) bytes of the inputs consumed so far


def _with_final(blocks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Pair each block with whether it is the last (an empty file yields one empty block)."""
    previous = b""
    first = True
    for block in blocks:
        if not first:
            yield previous, False
        previous, first = block, False
    yield previous, True


def _drop_junk(tokens: list[str], stats: CorpusStats) -> list[str]:
    kept = [t for t in tokens if len(t) <= MAX_TOKEN_CHARS]
    stats.dropped_long_tokens += len(tokens) - len(kept)
    return kept


def _chunks(tokens: list[str], max_words: int, stats: CorpusStats) -> Iterator[list[str]]:
    stats.tokens += len(tokens)
    if len(tokens) <= max_words:  # the common case: no copy
        yield tokens
        return
    for start in range(0, len(tokens), max_words):
        yield tokens[start : start + max_words]


def _sentences(
    source: Source, lowercase: bool, max_words: int, stats: CorpusStats, block_size: int,
    done_before: int = 0,
) -> Iterator[list[str]]:
    """One input's sentence chunks (possibly empty lists for blank lines).

    State between blocks: ``pending``, the current line's text not yet split (it may end inside
    a token), and ``carry``, complete tokens of a very long current line not yet emitted.
    """
    dec = decoder()
    pending = ""
    carry: list[str] = []
    skipping = False  # inside an over-long junk token: drop text up to the next whitespace
    last_char = "\n"
    for block, final in _with_final(source.blocks(block_size)):
        stats.bytes_read = done_before + source.position
        text = decode(dec, block, final, stats)
        if not text:
            continue
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
            line = line.lower() if lowercase else line  # whole lines: see the docstring
            tokens = line.split()
            if len(line) > MAX_TOKEN_CHARS:  # a junk token may be in it
                tokens = _drop_junk(tokens, stats)
            if carry:
                tokens, carry = carry + tokens, []
            yield from _chunks(tokens, max_words, stats)
        if len(pending) > block_size:  # a long line: emit its complete tokens now
            tokens = pending.split()
            pending = tokens.pop() if tokens and not pending[-1].isspace() else ""
            if len(pending) > MAX_TOKEN_CHARS:  # lowering never shortens it
                stats.dropped_long_tokens += 1
                pending, skipping = "", True
            tokens = [t.lower() for t in tokens] if lowercase else tokens
            carry.extend(_drop_junk(tokens, stats))
            while len(carry) >= max_words:
                yield from _chunks(carry[:max_words], max_words, stats)
                del carry[:max_words]
    if last_char != "\n":
        stats.lines += 1  # a last line without a newline
    pending = pending.lower() if lowercase else pending
    yield from _chunks(carry + _drop_junk(pending.split(), stats), max_words, stats)


def sources(paths) -> list[Source]:
    """One path or a list of them, each checked before anything is read, so a typo in the
    last file fails at once, not after an hour of counting. A ``Source`` given (a rank's
    shard, ``shard.py``) is taken as it is."""
    if isinstance(paths, (str, bytes, Source)) or not isinstance(paths, Iterable):
        paths = [paths]
    checked = [p if isinstance(p, Source) else check_path(p) for p in paths]
    if sum(str(p) == "-" for p in checked) > 1:
        raise CorpusError("standard input ('-') can be read only once; give it once")
    return [p if isinstance(p, Source) else Source(p) for p in checked]


def total_size(srcs: list[Source]) -> int | None:
    """The stored bytes of all inputs, or None when one of them is a stream."""
    sizes = [s.size for s in srcs]
    return None if None in sizes else sum(sizes)


def iter_sentences(
    paths,
    lowercase: bool = False,
    max_words: int = 1000,
    stats: CorpusStats | None = None,
    block_size: int = BLOCK,
) -> Iterator[list[str]]:
    """Yield every non-empty sentence chunk of every input, in order.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.txt"; _ = p.write_text("a b c\\n\\nd e\\n")
    >>> list(iter_sentences(p, max_words=2))
    [['a', 'b'], ['c'], ['d', 'e']]
    """
    if max_words < 1:
        raise CorpusError(f"max_words must be at least 1, not {max_words}")
    stats = stats if stats is not None else CorpusStats()
    done = 0
    for source in sources(paths):
        for tokens in _sentences(source, lowercase, max_words, stats, block_size, done):
            if tokens:
                yield tokens
        done += source.size or 0
