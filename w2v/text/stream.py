"""Raw blocks in, clean text blocks out, for the compiled tokenizer: each block valid UTF-8,
lowercased if asked, and ending at whitespace, so that no token straddles two blocks.

What ``sentences`` does on decoded ``str``, this does on bytes, with the same results:

- A block is cut after its last whitespace character; the rest (the start of a token) is
  carried into the next block. A whitespace character's bytes decode to it whatever precedes
  them (their first byte cannot continue an earlier sequence), so decoding the two parts
  apart gives what decoding them together would, replacements included.
- Text that is pure ASCII (``bytes.isascii``, nearly free) is valid and is lowercased by
  ``bytes.lower``, which is ``str.lower`` on ASCII. Anything else goes through CPython's own
  decoder (errors="replace", counted by ``read``'s handler) and ``str.lower``, so invalid bytes
  and non-ASCII case rules are exactly Python's. A block ends at whitespace, and ``str.lower``'s
  one context rule (final sigma) never looks across whitespace, so lowering block by block is
  lowering token by token.
- A run without whitespace longer than ``MAX_TOKEN_CHARS`` characters is junk: it is
  dropped as it streams (counted once, its replacements counted too) up to the next
  whitespace, so memory stays bounded; shorter tokens that straddle blocks are carried whole.
- ``threads > 1`` reads and decompresses in a second thread, ``blocks_ahead`` blocks ahead
  (zlib, bz2 and lzma release the GIL); the blocks arrive in order, so nothing depends on
  timing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import numpy as np

from w2v.text import sentences
from w2v.text.read import BLOCK, decode, decoder
from w2v.text.sentences import CorpusStats
from w2v.text.tokenize import first_space, last_space_end

BLOCK_BYTES = BLOCK  # bytes read at a time (read at call time: the tests make it small)
BLOCKS_AHEAD = 4  # decompressed blocks queued by the reader thread
_END = object()  # an input is exhausted


def _raw_blocks(srcs, block_size: int):
    """(source index, block or _END, stored bytes consumed so far)."""
    for i, src in enumerate(srcs):
        for block in src.blocks(block_size):
            yield i, block, src.position
        yield i, _END, src.position


def prefetched(items, depth: int = BLOCKS_AHEAD) -> Iterator:
    """``items`` produced in a background thread, consumed here in the same order; an
    exception raised there is raised here. Closing this generator stops the thread."""
    q: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for item in items:
                if not put((True, item)):
                    break
            else:
                put((False, None))
        except BaseException as e:  # noqa: BLE001 -- handed to the consumer, which raises it
            put((False, e))
        finally:
            items.close()

    thread = threading.Thread(target=produce, name="w2v-reader", daemon=True)
    thread.start()
    try:
        while True:
            ok, item = q.get()
            if not ok:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()


def _clean(head: bytes, lowercase: bool, stats: CorpusStats) -> bytes:
    """Valid (and lowercased) UTF-8 for bytes that end at whitespace or at the input's end."""
    if head.isascii():
        return head.lower() if lowercase else head
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = decode(decoder(), head, True, stats)  # replaced and counted
        if not lowercase:
            return text.encode("utf-8")
    return text.lower().encode("utf-8") if lowercase else head


class _Junk:
    """Dropping an over-long token as it streams: its bytes are decoded only to count their
    replacements; an incomplete sequence at a block's end waits for the next block."""

    def __init__(self, tail: bytes = b""):
        self.tail = tail

    def skip(self, block: bytes, stats: CorpusStats) -> bytes | None:
        """What follows the junk in ``block`` (from its first whitespace), or None if the junk
        goes on."""
        buf = self.tail + block
        at = first_space(np.frombuffer(buf, np.uint8))
        if at >= 0:
            decode(decoder(), buf[:at], True, stats)
            return buf[at:]
        dec = decoder()
        decode(dec, buf, False, stats)
        self.tail = dec.getstate()[0]
        return None


def _junk(buf: bytes, lowercase: bool, stats: CorpusStats) -> _Junk | None:
    """If a token start without whitespace already has over MAX_TOKEN_CHARS characters (as
    ``sentences`` counts them: decoded, lowercased), count it as junk and start skipping it."""
    limit = sentences.MAX_TOKEN_CHARS
    if len(buf) <= limit:  # a character takes at least one byte, even lowercased
        return None
    seen, dec = CorpusStats(), decoder()
    text = decode(dec, buf, False, seen)
    if len(text.lower() if lowercase else text) <= limit:
        return None
    stats.dropped_long_tokens += 1
    stats.replacements += seen.replacements
    stats.invalid_bytes += seen.invalid_bytes
    return _Junk(dec.getstate()[0])


def clean_blocks(srcs, lowercase: bool, stats: CorpusStats,
                 threads: int = 2) -> Iterator[tuple[bytes, bool]]:
    """(clean block, whether it ends its input) for every input in order; fills ``stats``'s
    lines, bytes_read, replacements, invalid_bytes and the junk dropped while streaming."""
    raw = _raw_blocks(srcs, BLOCK_BYTES)
    blocks = prefetched(raw) if threads > 1 else raw
    carry, junk, last, done = b"", None, b"\n", 0
    for i, block, position in blocks:
        stats.bytes_read = done + position
        if block is _END:
            if junk is not None:
                decode(decoder(), junk.tail, True, stats)
            yield _clean(carry, lowercase, stats), True
            stats.lines += last != b"\n"  # a last line without a newline
            carry, junk, last, done = b"", None, b"\n", done + (srcs[i].size or 0)
            continue
        stats.lines += block.count(b"\n")
        last = block[-1:]
        if junk is not None:
            block = junk.skip(block, stats)
            if block is None:
                continue
            junk = None
        buf = carry + block
        cut = last_space_end(np.frombuffer(buf, np.uint8))
        if cut == 0:  # one token so far, maybe junk
            junk = _junk(buf, lowercase, stats)
            carry = buf if junk is None else b""
            continue
        carry = buf[cut:]
        yield _clean(buf[:cut], lowercase, stats), False
