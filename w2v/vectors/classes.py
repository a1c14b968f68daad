"""Word classes: k-means of the unit-normalised vectors, one class id per word (word2vec.c's
``-classes``).

The rows are normalised first, so a class gathers words that point the same way, as every
query here (cosine) sees them; a frequent word's long vector does not pull centroids towards
it. Full k-means (Lloyd, scikit-learn's ``KMeans``) up to ``MINIBATCH_ABOVE`` rows, then
``MiniBatchKMeans``, whose cost per iteration does not grow with the vocabulary; the switch
point is measured by ``scripts/classes_bench.py`` (docs/benchmarks.md). Both are deterministic
for a given ``seed``.

The output is word2vec.c's: one ``word class`` line per word, in the vocabulary's order (most
frequent first), classes numbered from 0.
"""

from __future__ import annotations

import numpy as np

from w2v.errors import UsageError

MINIBATCH_ABOVE = 20_000  # rows; see the module docstring


def word_classes(unit: np.ndarray, k: int, seed: int = 0,
                 minibatch_above: int = MINIBATCH_ABOVE) -> np.ndarray:
    """The class (0..k-1) of each row of ``unit`` (unit-normalised vectors).

    Classes are renumbered by first appearance, so the most frequent word is in class 0 and
    the numbering does not depend on the solver's internal order.

    >>> x = np.array([[1, 0], [0.99, 0.1], [0, 1], [0.1, 0.99]], np.float32)
    >>> word_classes(x, 2).tolist()
    [0, 0, 1, 1]
    """
    from sklearn.cluster import KMeans, MiniBatchKMeans

    if not 1 <= k <= len(unit):
        raise UsageError(f"{{=classes}} must be between 1 and the number of words ({len(unit):,}), "
                         f"got {k}")
    solver = (MiniBatchKMeans(k, n_init=3, random_state=seed, batch_size=4096)
              if len(unit) > minibatch_above else KMeans(k, n_init=1, random_state=seed))
    labels = solver.fit_predict(np.asarray(unit, dtype=np.float32))
    return _by_first_appearance(labels, k)


def _by_first_appearance(labels: np.ndarray, k: int) -> np.ndarray:
    """Relabel so that classes are numbered in the order their first word appears."""
    _, first = np.unique(labels, return_index=True)
    order = np.full(k, -1, dtype=np.int64)
    order[labels[np.sort(first)]] = np.arange(len(first))
    return order[labels]


def format_classes(words: list[str], labels: np.ndarray) -> str:
    """word2vec.c's class file: ``word class`` per line, in the vocabulary's order."""
    return "".join(f"{w} {c}\n" for w, c in zip(words, labels.tolist()))
