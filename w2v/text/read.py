"""Raw bytes in: files or standard input, compressed or not, with a count of invalid UTF-8.

- ``-`` is standard input (a pipe, a redirect); its compression is recognised by its first
  bytes. Files are decompressed by extension: ``.gz``, ``.bz2``, ``.xz``.
- ``Source.position`` is how many bytes of the *stored* file were consumed, and ``Source.size``
  its size when known, so a progress bar can show a fraction even of a compressed file.
- ``Source.digest()`` is the size and sha256 of the text it read (decompressed), taken as it
  is read: what a run records to know its corpus again by content, wherever it is moved,
  and whether it came from a file or a pipe.
- Decoding replaces invalid UTF-8 by U+FFFD and counts each replacement, through a registered
  error handler, so a genuine U+FFFD in the text is not miscounted.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import hashlib
import lzma
import os
import stat
import sys
import threading
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from pathlib import Path

from w2v.errors import CorpusError

STDIN = "-"
BLOCK = 1 << 20  # bytes read at a time
OPENERS = {  # suffix -> (file object, mode) -> decompressing (or compressing) file object
    ".gz": lambda f, mode="rb": gzip.GzipFile(fileobj=f, mode=mode),  # noqa: SIM115
    ".bz2": lambda f, mode="rb": bz2.BZ2File(f, mode),  # noqa: SIM115
    ".xz": lambda f, mode="rb": lzma.LZMAFile(f, mode),  # noqa: SIM115
}
MAGIC = {b"\x1f\x8b": ".gz", b"BZh": ".bz2", b"\xfd7zXZ\x00": ".xz"}
_READ_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)


def check_path(path) -> str | Path:
    """``-`` (standard input) or a readable file (a pipe such as ``<(zcat c.gz)`` included), or
    a CorpusError that says what is wrong."""
    if str(path) == STDIN:
        return STDIN
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus file {path} does not exist")
    if path.is_dir():
        raise CorpusError(f"corpus {path} is a directory; give the text files inside it")
    if not os.access(path, os.R_OK):
        raise CorpusError(f"corpus file {path} is not readable; check its permissions")
    return path


def is_regular(path) -> bool:
    """A file that can be read again (not standard input, not a pipe)."""
    return str(path) != STDIN and stat.S_ISREG(os.stat(path).st_mode)


class Source:
    """One input's decompressed blocks, with how far into the stored bytes it has read."""

    def __init__(self, path):
        self.path = path
        self.name = "standard input" if path == STDIN else str(path)
        self.size = os.stat(path).st_size if path != STDIN and is_regular(path) else None
        self.position = 0
        self.suffix = ""  # the decompression used: ".gz", ".bz2", ".xz" or "" (none)
        self._sha, self._text_bytes = hashlib.sha256(), 0

    def digest(self) -> dict:
        """{"text_bytes", "sha256"} of the decompressed text read so far (all of it once
        ``blocks`` is exhausted)."""
        return {"text_bytes": self._text_bytes, "sha256": self._sha.hexdigest()}

    def _advance(self, raw) -> None:
        with suppress(OSError):  # a pipe has no position
            self.position = raw.tell()

    def blocks(self, block_size: int = BLOCK) -> Iterator[bytes]:
        try:
            with ExitStack() as stack:
                raw, f = self._open(stack)
                self._sha, self._text_bytes = hashlib.sha256(), 0
                for block in iter(lambda: f.read(block_size), b""):
                    self._advance(raw)
                    self._sha.update(block)  # releases the GIL: the reader thread's cost
                    self._text_bytes += len(block)
                    yield block
        except _READ_ERRORS as e:
            raise CorpusError(f"cannot read {self.name}: {self._failure(e)}") from None

    def _failure(self, e: Exception) -> str:
        """Why reading stopped, told apart so the advice fits: a file that is not what its
        name says (its magic bytes), one that ends early (EOFError: is it complete?), or one
        corrupt inside (a bad CRC or block). gzip's BadGzipFile means either of the first and
        the last, so the magic bytes decide."""
        kind = {".gz": "a gzip", ".bz2": "a bzip2", ".xz": "an xz"}.get(self.suffix)
        if isinstance(e, EOFError):
            return f"{e} (is the file complete?)"
        if kind is None:
            return str(getattr(e, "strerror", None) or e)
        magic = next(m for m, s in MAGIC.items() if s == self.suffix)
        if self.size is not None:  # a regular file: its name chose the decompression
            with open(self.path, "rb") as f:
                if f.read(len(magic)) != magic:
                    return f"it is not {kind} file, whatever its name says"
        return f"it is corrupt ({e})"

    def _open(self, stack: ExitStack):
        """The decompressed stream: by extension for a regular file, by its first bytes for
        standard input or a pipe (which have no useful name)."""
        stdin = self.path == STDIN
        raw = sys.stdin.buffer if stdin else stack.enter_context(open(self.path, "rb"))  # noqa: SIM115
        if self.size is not None:
            suffix = Path(self.path).suffix.lower()
        else:
            head = raw.peek(6)[:6] if hasattr(raw, "peek") else b""
            suffix = next((s for m, s in MAGIC.items() if head.startswith(m)), "")
        opener = OPENERS.get(suffix)
        self.suffix = suffix if opener else ""
        return raw, raw if opener is None else stack.enter_context(opener(raw))


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


def decoder():
    return codecs.getincrementaldecoder("utf-8")(errors=ERRORS)


def decode(dec, block: bytes, final: bool, stats) -> str:
    """Decode one block, adding the replacements made to ``stats``."""
    _tally.calls = _tally.bytes = 0
    text = dec.decode(block, final)
    stats.replacements += _tally.calls
    stats.invalid_bytes += _tally.bytes
    return text
