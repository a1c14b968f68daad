"""An in-memory corpus written as the text the file reader reads, so that it trains through
the same one-pass encoder as a file, and a list of token lists trains exactly like the file
with the same lines.

Each sentence becomes one line, its tokens joined by one space. A sentence is a string (split
on whitespace, ``str.split()``, which is what the reader splits a line on: ``str.isspace()``)
or an iterable of tokens; a token must be a non-empty string without whitespace, since the file
would split it into several words. The file stays in the run folder (``SPOOL``), because a
resumed or extended run reads its corpus again from the path it was trained on.

>>> b"".join(lines([["the", "king"], "a  queen\\tsat", []]))
b'the king\\na queen sat\\n\\n'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from w2v.errors import CorpusError
from w2v.util.atomic import atomic_write

SPOOL = "spooled-corpus.txt"  # in the run folder: the sentences given as an iterable
BATCH = 4096  # lines per write


def is_files(corpus) -> bool:
    """Whether ``corpus`` names files (a str or path, or a list or tuple of paths) rather
    than being sentences. A list of strings is sentences: give files as ``Path`` objects."""
    if isinstance(corpus, (str, os.PathLike)):
        return True
    return isinstance(corpus, (list, tuple)) and len(corpus) > 0 and all(
        isinstance(p, os.PathLike) for p in corpus)


def write(sentences: Iterable, path) -> Path:
    """Write ``sentences`` to ``path`` atomically (a failure leaves no partial file), one line
    each; a bad sentence or token is a CorpusError that says which."""
    path = Path(path)
    with atomic_write(path, "wb") as f:
        batch = []
        for line in lines(sentences):
            batch.append(line)
            if len(batch) == BATCH:
                f.write(b"".join(batch))
                batch.clear()
        f.write(b"".join(batch))
    return path


def lines(sentences: Iterable) -> Iterator[bytes]:
    """One UTF-8 line per sentence (see the module docstring)."""
    if isinstance(sentences, (bytes, str)) or not isinstance(sentences, Iterable):
        raise CorpusError(f"a corpus is a file path or an iterable of sentences, got "
                          f"{type(sentences).__name__}")
    for n, sentence in enumerate(sentences, 1):
        try:
            yield (" ".join(_tokens(sentence, n)) + "\n").encode("utf-8")
        except UnicodeEncodeError as e:
            raise CorpusError(f"sentence {n} is not valid Unicode text ({e.reason} at "
                              f"{e.object[e.start:e.end]!r})") from None


def _tokens(sentence, n: int) -> list[str]:
    if isinstance(sentence, str):
        return sentence.split()
    if isinstance(sentence, (bytes, bytearray)) or not isinstance(sentence, Iterable):
        raise CorpusError(f"sentence {n} is a {type(sentence).__name__}: give a string or a "
                          "list of tokens (files go in as a path, or a list of Path objects)")
    tokens = list(sentence)
    for token in tokens:
        if not isinstance(token, str):
            raise CorpusError(f"sentence {n} has a token that is a {type(token).__name__} "
                              f"({token!r}): tokens are strings")
        if token.split() != [token]:  # empty, or whitespace that the file would split on
            raise CorpusError(f"sentence {n} has the token {token!r}: a token must be "
                              "non-empty and hold no whitespace (the text form splits it)")
    return tokens
