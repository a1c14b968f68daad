"""Vocabulary files between runs (``save_vocab`` / ``read_vocab``, word2vec.c's ``-save-vocab``
and ``-read-vocab``): count a corpus once, train on it many times.

Written in word2vec.c's format, so word2vec.c reads it too: one ``word count`` per line, most
frequent first, ``</s>`` first with the number of lines of the corpus (word2vec.c's sentence
token, whose count is its number of newlines; it keeps ``</s>`` at index 0 whatever its count).
Read: that format, or w2v's own ``vocab.txt`` of a run folder (``vocab.Vocab.load``, told by its
``# w2v-vocab`` header). ``</s>`` is dropped on reading: w2v marks sentence ends in the encoded
corpus, not as a word.

A read vocabulary is restricted as word2vec.c's ``ReadVocab`` does (it calls ``SortVocab``):
sorted by count, stably, so a file already in order (every file w2v or word2vec.c writes) keeps
its order, ties included; words counted under ``min_count`` are dropped; then w2v's
``max_vocab`` keeps the most frequent. The counts stay the file's, not the corpus's: they drive
subsampling and the noise table, as in word2vec.c.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "v.txt"
>>> _ = path.write_text("</s> 3\\nthe 9\\ncat 2\\nsat 2\\non 1\\n")
>>> v = restrict(read_vocab(path), min_count=2, max_vocab=None); v.words, v.counts.tolist()
(['the', 'cat', 'sat'], [9, 2, 2])
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from w2v.errors import VocabError
from w2v.text.vocab import FORMAT, Vocab, write_counts

SENTENCE = "</s>"  # word2vec.c's token for a newline


def read_vocab(path) -> Vocab:
    """The words and counts of a word2vec.c vocabulary file or a w2v ``vocab.txt``, in the
    file's order (``total_words``: the sum of the counts; a run sets the corpus's own)."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as f:
            first = f.readline()
            if first.startswith(f"# {FORMAT} "):
                return Vocab.load(path)
            words, counts = [], []
            for lineno, line in enumerate([first, *f], start=1):
                parts = line.split()
                if not parts:
                    continue
                if len(parts) != 2 or not parts[1].isdigit():
                    raise VocabError(f"{path}:{lineno}: expected 'word count' (word2vec.c's "
                                     f"vocabulary format), got {line.strip()[:60]!r}")
                if parts[0] != SENTENCE:
                    words.append(parts[0])
                    counts.append(int(parts[1]))
    except FileNotFoundError:
        raise VocabError(f"vocabulary file {path} does not exist") from None
    except (IsADirectoryError, UnicodeDecodeError) as e:
        raise VocabError(f"{path} is not a vocabulary file ({e})") from None
    if not words:
        raise VocabError(f"{path} holds no words")
    return Vocab(words, counts)  # a word listed twice is a VocabError naming it


def restrict(vocab: Vocab, min_count: int, max_vocab: int | None) -> Vocab:
    """``vocab`` as a run uses it: sorted by count (stable), under ``min_count`` dropped, the
    ``max_vocab`` most frequent kept; an empty result says how to fix it."""
    order = np.argsort(-vocab.counts, kind="stable")
    order = order[vocab.counts[order] >= min_count][: max_vocab or None]
    if not len(order):
        best = int(vocab.counts.max())
        raise VocabError(f"Empty vocabulary: no word of the read vocabulary has a count of "
                         f"{min_count} (the largest is {best}); try {{=min_count}} {best}",
                         setting="min_count", suggestion=best)
    return Vocab([vocab.words[i] for i in order], vocab.counts[order], vocab.total_words)


def save_vocab(path, vocab: Vocab, lines: int) -> None:
    """Write ``vocab`` in word2vec.c's format (``</s>`` first, counted ``lines``), atomically."""
    write_counts(path, f"{SENTENCE} {lines}", vocab, " ")
