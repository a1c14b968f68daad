"""Vocabulary: one counting pass, min_count / max_vocab, word <-> id, versioned text save/load.

Counting prunes like word2vec.c: once the table holds more than ``prune_at`` distinct words,
every word seen fewer than ``floor`` times is dropped and the floor rises by one, so a corpus
with an unbounded number of types never exhausts memory. The words that survive pruning keep
their exact counts only if they were never pruned; like word2vec.c's, rare-word counts are
approximate on corpora large enough to trigger pruning.

File format (UTF-8, atomic write)::

    # w2v-vocab 1 total_words=227245
    the<TAB>10425
    ,<TAB>9723
    ...
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from w2v.errors import VocabError
from w2v.util.atomic import atomic_write

FORMAT = "w2v-vocab"
VERSION = 1


def unwritable_word(words) -> str | None:
    """The first word that a whitespace-separated format cannot hold (empty, or containing
    whitespace), or None. w2v's tokenizer never makes one; other programs' words might.

    >>> unwritable_word(["a", "b c"]), unwritable_word(["a"])
    ('b c', None)
    """
    return next((w for w in words if not w or any(ch.isspace() for ch in w)), None)


def first_duplicate(words) -> str | None:
    """The first word that occurs a second time, or None.

    >>> first_duplicate(["a", "b", "a"]), first_duplicate(["a"])
    ('a', None)
    """
    seen: set[str] = set()
    return next((w for w in words if w in seen or seen.add(w)), None)


class Vocab:
    """Words sorted by descending count; ``index`` maps a word to its row id.

    >>> v = Vocab(["the", "cat"], [3, 1], total_words=4)
    >>> v.index["cat"], len(v)
    (1, 2)
    """

    def __init__(self, words: list[str], counts, total_words: int | None = None):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        if len(self.words) != len(self.counts):
            raise VocabError("vocabulary words and counts differ in length")
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise VocabError(f"vocabulary has the word {first_duplicate(self.words)!r} twice")
        self.total_words = int(self.counts.sum() if total_words is None else total_words)

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, Vocab)
            and self.words == other.words
            and np.array_equal(self.counts, other.counts)
            and self.total_words == other.total_words
        )

    def save(self, path: str | os.PathLike) -> None:
        """Write the versioned text format atomically (temp file, fsync, rename)."""
        write_counts(path, f"# {FORMAT} {VERSION} total_words={self.total_words}", self, "\t")

    @classmethod
    def load(cls, path: str | os.PathLike) -> Vocab:
        path = Path(path)
        try:
            with open(path, encoding="utf-8") as f:
                header = f.readline().split()
                if len(header) != 4 or header[:2] != ["#", FORMAT]:
                    raise VocabError(f"{path} is not a w2v vocabulary file")
                if header[2] != str(VERSION):
                    raise VocabError(
                        f"{path} has vocabulary format version {header[2]}; "
                        f"this w2v reads version {VERSION}"
                    )
                total = int(header[3].removeprefix("total_words="))
                words, counts = [], []
                for lineno, line in enumerate(f, start=2):
                    word, sep, count = line.rstrip("\n").partition("\t")
                    if not sep or not word:
                        raise VocabError(f"{path}:{lineno}: expected 'word<TAB>count'")
                    words.append(word)
                    counts.append(int(count))
        except FileNotFoundError:
            raise VocabError(f"vocabulary file {path} does not exist") from None
        except (ValueError, UnicodeDecodeError) as e:
            raise VocabError(f"{path} is a malformed vocabulary file ({e})") from None
        return cls(words, counts, total_words=total)


def write_counts(path, first_line: str, vocab: Vocab, sep: str) -> None:
    """``first_line``, then one ``word<sep>count`` line per word, atomically; a word that
    whitespace would split is refused, since the file could not be read back."""
    bad = unwritable_word(vocab.words)
    if bad is not None:
        raise VocabError(f"cannot save word {bad!r}: words may not contain whitespace")
    with atomic_write(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(first_line + "\n")
        f.writelines(f"{w}{sep}{c}\n" for w, c in zip(vocab.words, vocab.counts.tolist()))


def count_words(
    sentences: Iterable[list[str]], prune_at: int = 20_000_000
) -> tuple[Counter, int]:
    """Count tokens in one pass; returns (counts, total raw tokens).

    When more than ``prune_at`` distinct words are held, words below a rising floor are dropped
    (word2vec.c's ReduceVocab), which bounds memory on corpora with unbounded types.
    """
    counts: Counter = Counter()
    total = 0
    floor = 1
    for sentence in sentences:
        counts.update(sentence)
        total += len(sentence)
        if len(counts) > prune_at:
            counts = Counter({w: c for w, c in counts.items() if c > floor})
            floor += 1
    return counts, total


def build_vocab(
    sentences: Iterable[list[str]],
    min_count: int = 5,
    max_vocab: int | None = None,
    prune_at: int = 20_000_000,
) -> Vocab:
    """Count, drop words below ``min_count``, keep the ``max_vocab`` most frequent.

    >>> build_vocab([["a", "b", "a"], ["c", "a", "b"]], min_count=2).words
    ['a', 'b']
    """
    counts, total = count_words(sentences, prune_at=prune_at)
    return select(counts.items(), total, min_count, max_vocab)


def select(counted, total: int, min_count: int, max_vocab: int | None) -> Vocab:
    """The vocabulary of (word, count) pairs: counts of at least ``min_count``, sorted by count
    with ties broken by the word itself (so the order is deterministic), the ``max_vocab``
    most frequent kept.

    >>> select([("b", 2), ("a", 2), ("c", 1)], 5, min_count=2, max_vocab=None).words
    ['a', 'b']
    """
    if total == 0:
        raise VocabError("the corpus has no words: is it empty or only whitespace?")
    counted = list(counted)
    kept = sorted(((w, c) for w, c in counted if c >= min_count), key=lambda wc: (-wc[1], wc[0]))
    if max_vocab:
        kept = kept[:max_vocab]
    if not counted:
        raise VocabError("no word is left after pruning the vocabulary (more distinct words "
                         "than prune_at, every one of them rare)")
    if not kept:
        best = max(c for _, c in counted)
        raise VocabError(
            f"Empty vocabulary: no word occurs {min_count} times (the most frequent occurs "
            f"{best} times); try {{=min_count}} {best}",
            setting="min_count", suggestion=best,
        )
    return Vocab([w for w, _ in kept], [c for _, c in kept], total_words=total)
