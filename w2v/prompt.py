"""The query prompt of ``w2v similar`` and ``w2v analogy`` given no words: the vectors are loaded
once, then each line is one query, as word2vec.c's ``distance`` and ``word-analogy`` do.

A line is the words of one query: for ``similar`` the words to sum, a word written with a
leading ``-`` subtracted (``king female -male`` is ``similar king female --minus male``); for
``analogy`` three words A B C (A - B + C). Each query gets exactly one answer block, the one the
one-shot command prints for it (the ranked table, or one JSON line), so a pipe can pair
answers with queries; a query the one-shot command refuses (an unknown word) gets that
command's one-line message as its block, and the prompt goes on. Text blocks end with a blank
line. Blank lines are skipped; end of input (Ctrl-D), Ctrl-C, or a line ``EXIT``
(word2vec.c's word) ends the prompt with exit code 0: leaving is what the user asked for.

No Click here: the command line gives the reader, the writer and the rendering of errors.

>>> import numpy as np
>>> from w2v.vectors.vectors import Vectors
>>> v = Vectors(["a", "b", "c"], np.array([[1, 0], [0.9, 0.1], [0, 1]], np.float32))
>>> lines, show = iter(["a", "", "zz", "EXIT", "b"]), lambda b: print(b.splitlines()[-1])
>>> serve(answerer("similar", v, "add", 1, False), lambda: next(lines), show, str, False)
1  b     0.9939
Error: 'zz' is not in the vocabulary
0
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from w2v.errors import UsageError, W2VError
from w2v.util.tables import format_ranked, ranked_records, to_json

EXIT = "EXIT"  # word2vec.c's distance and word-analogy stop at this line
HINTS = {
    "similar": "Words to sum; a word with a leading - is subtracted (king female -male).",
    "analogy": "Three words A B C for A - B + C (king male female).",
}


def ranked_block(results, as_json: bool, query) -> str:
    """The answer to one query as the one-shot commands print it: a table, or one JSON line."""
    if as_json:
        return to_json({"query": query, "results": ranked_records(results)})
    return format_ranked(results)


def split_minus(words) -> tuple[list[str], list[str]]:
    """A prompt line's words to add and to subtract (written ``-word``; a lone ``-`` is a word).

    >>> split_minus(["king", "female", "-male", "-"])
    (['king', 'female', '-'], ['male'])
    """
    minus = [w for w in words if len(w) > 1 and w.startswith("-")]
    return [w for w in words if w not in minus], [w[1:] for w in minus]


def answerer(kind: str, vectors, method: str, topn: int, as_json: bool) -> Callable:
    """``answer(words) -> block`` for ``kind`` "similar" or "analogy" on loaded ``vectors``;
    raises the library's error for a query the one-shot command would refuse."""
    def similar(words):
        plus, minus = split_minus(words)
        results = vectors.most_similar(plus, minus, topn=topn, method=method)
        return ranked_block(results, as_json, {"positive": plus, "negative": minus,
                                               "method": method})

    def analogy(words):
        if len(words) != 3:
            raise UsageError(f"give three words A B C (for A - B + C), got {len(words)}")
        return ranked_block(vectors.analogy(*words, topn=topn, method=method), as_json, words)

    return {"similar": similar, "analogy": analogy}[kind]


def serve(answer: Callable, read_line: Callable, write: Callable, describe: Callable,
          as_json: bool) -> int:
    """Answer every line ``read_line()`` gives (``EOFError`` at the end) with ``write(block)``;
    a ``W2VError`` becomes "Error: " and ``describe(error)``, the line the one-shot command
    prints (JSON: ``{"query", "error"}``). Returns the
    exit code, 0."""
    try:
        while True:
            words = read_line().split()
            if words == [EXIT]:
                return 0
            if words:
                write(_block(answer, words, describe, as_json))
    except (EOFError, StopIteration, KeyboardInterrupt):
        return 0


def _block(answer, words, describe, as_json) -> str:
    try:
        block = answer(words)
    except W2VError as e:
        message = describe(e)
        block = to_json({"query": words, "error": message}) if as_json else f"Error: {message}"
    return block if as_json else block + "\n"


def reader(stream, prompt: str | None) -> Callable:
    """``read_line()`` over ``stream``: with ``prompt`` (a terminal) through ``input``, so the
    line can be edited (readline, when Python has it); else plain lines. ``EOFError`` at the
    end."""
    if prompt is not None:
        with contextlib.suppress(ImportError):  # no readline on Windows
            import readline  # noqa: F401  (line editing and history for input())
        return lambda: input(prompt)

    def read_line():
        line = stream.readline()
        if not line:
            raise EOFError
        return line

    return read_line
