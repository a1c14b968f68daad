"""Which vector answers a query word: its row when it is in the vocabulary; otherwise, for
vectors with n-gram rows (a fastText ``.bin``), the mean of its n-gram rows, as fastText's
``get_word_vector``; otherwise none, and the query is an ``UnknownWord`` error naming the
closest words (raised as ``vectors.unknown_word(word)``, so that the class stays in
``vectors.py`` and this module imports nothing of it).

Only query words come from n-grams: answers (neighbours, analogy candidates) are always words
of the vocabulary, as in fastText's ``get_nearest_neighbors`` and ``get_analogies``.

Which words have no n-gram: the markers count as characters, so a word of c characters has one
whenever c + 2 >= minn (and minn <= maxn): with fastText's minn 3 every word but the empty one
has some. None are left for a word shorter than minn - 2 (``ab`` with minn 5: ``<ab>`` has 4),
for the empty word when maxn is 1 (the lone markers are skipped), for ``</s>`` (fastText gives
the end-of-line token none) and in a model without n-grams. Such a word outside the vocabulary
has no vector at all: fastText answers zeros for it, w2v says so.

Commands say when a vector came from n-grams (``ngram_notes``), once per word, because such a
vector is a guess from spelling, not something learned from the word's contexts.
"""

from __future__ import annotations

import difflib

import numpy as np

from w2v.text.subwords import EOS

HINT_WORDS = 50_000  # the closest-words hint looks at this many of the most frequent words


def from_ngrams(vectors, word: str) -> bool:
    """Whether ``word`` is outside the vocabulary but has n-gram rows to give it a vector."""
    key = vectors.key(word)
    return (key not in vectors.index and vectors.subwords is not None
            and bool(vectors.subwords.rows(key)))


def has_vector(vectors, word: str) -> bool:
    return vectors.key(word) in vectors.index or from_ngrams(vectors, word)


def vector(vectors, word: str) -> np.ndarray:
    """A copy of ``word``'s vector (float32 for n-gram vectors); UnknownWord if it has none."""
    key = vectors.key(word)
    if key in vectors.index:
        return np.array(vectors.vectors[vectors.index[key]])
    if from_ngrams(vectors, word):
        return vectors.subwords.vector(key)
    raise vectors.unknown_word(word)


def unit_vectors(vectors, words: list[str]) -> tuple[np.ndarray, list[int]]:
    """(len(words), dim) float32 unit vectors of the query ``words`` (zero for a zero vector),
    and the rows of those in the vocabulary, which a query leaves out of its answers."""
    out = np.zeros((len(words), vectors.dim), dtype=np.float32)
    rows, unit_rows = [], vectors.unit  # first: it rejects vectors with NaN or inf
    for i, word in enumerate(words):
        key = vectors.key(word)
        if key in vectors.index:
            rows.append(vectors.index[key])
            out[i] = unit_rows[rows[-1]]
        elif from_ngrams(vectors, word):
            unit = vectors.subwords.unit_vector(key)
            out[i] = 0.0 if unit is None else unit
        else:
            raise vectors.unknown_word(word)
    return out, rows


def ngram_notes(vectors, words) -> list[str]:
    """One note per distinct query word whose vector is the mean of its n-gram rows."""
    return [f"{w} is not in the vocabulary: its vector is the mean of its n-gram rows"
            for w in dict.fromkeys(words) if from_ngrams(vectors, w)]


def unknown_message(vectors, word: str) -> str:
    """Why ``word`` has no vector, and the closest in-vocabulary spellings."""
    key, spec = vectors.key(word), getattr(vectors.subwords, "spec", None)
    why = "" if spec is None or not spec.has_ngrams else (
        " and, as the end-of-line token, has no n-grams" if key == EOS else
        f" and has no n-gram of {max(spec.minn, 1)} to {spec.maxn} characters")
    return f"{word!r} is not in the vocabulary{why}{hint(vectors, key)}"


def hint(vectors, word: str) -> str:
    """'; closest: ...' from the most frequent words (difflib), other cases first."""
    close = [w for w in (word.lower(), word.capitalize(), word.upper()) if w in vectors.index]
    close += difflib.get_close_matches(word, vectors.words[:HINT_WORDS], n=3)
    close = list(dict.fromkeys(close))[:3]
    return f"; closest: {', '.join(close)}" if close else ""
