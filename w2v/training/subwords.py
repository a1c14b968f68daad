"""A run's n-gram rows (``Config.ngrams``): what a subword run adds to a plain one.

``W_in`` has ``V + buckets`` rows: the words' own rows, then one row per n-gram bucket, row
``V + bucket`` (fastText's layout, ``subwords.py``). Word o's input is the mean of its bag
G_o (its own row and its n-grams' rows, ``bag_table``), which the kernels' bag sides read
(``Tables(bags=...)``); a word's vector, in ``vectors.npy`` and the other formats, is that
mean (``word_vectors``), as fastText's ``.vec``; the whole ``W_in`` stays in the run folder
(``subwords.npy``) for the vectors of words outside the vocabulary.

>>> from w2v.config import Config
>>> cfg = Config(subwords=True, minn=3, maxn=3, buckets=10, dim=2)
>>> offsets, rows = bag_table(cfg, ["ab", "c"]); rows[offsets[0]:offsets[1]].tolist()
[0, 10, 8]
>>> input_rows(cfg, 2), input_rows(Config(), 2)
(12, 2)
"""

from __future__ import annotations

import numpy as np

from w2v.config import Config
from w2v.errors import ConfigError
from w2v.text.subword_table import mean_rows, row_table
from w2v.text.subwords import SubwordSpec


def spec_of(cfg) -> SubwordSpec | None:
    """The n-gram settings of a config (a Config or its stored dict), or None without n-grams."""
    get = cfg.get if isinstance(cfg, dict) else lambda k, d=None: getattr(cfg, k, d)
    if not (get("subwords", False) and get("maxn", 0) > 0):
        return None
    return SubwordSpec(get("minn"), get("maxn"), get("buckets"))


def input_rows(cfg: Config, words: int) -> int:
    """The rows of ``W_in``: one per word, and one per bucket with n-grams."""
    return words + cfg.buckets if cfg.ngrams else words


def bag_table(cfg: Config, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """CSR (offsets, int32 rows) of every word's bag G_o, word o's own row first."""
    spec = spec_of(cfg)
    offsets, rows = row_table(words, spec, len(words), first_id=0)
    if rows.dtype != np.int32:  # the kernels index rows with int32
        raise ConfigError(f"{len(words):,} words and {spec.buckets:,} {{=buckets}} are more "
                          f"rows than the kernels index (2^31); lower {{=buckets}}")
    return offsets, rows


def word_vectors(cfg: Config, words: list[str], W_in: np.ndarray) -> np.ndarray:
    """The words' vectors: the mean of each word's bag (fastText's ``.vec``), or ``W_in``
    itself for a run without n-grams."""
    if not cfg.ngrams:
        return W_in
    return mean_rows(W_in, *bag_table(cfg, words))


def memory_note(cfg: Config) -> str:
    """The memory the n-gram rows take, said before training."""
    size = cfg.buckets * cfg.dim * 4
    return (f"n-gram rows: {cfg.buckets:,} buckets x {cfg.dim} dimensions x 4 bytes = "
            f"{size / 1e6:,.1f} MB of memory ({{=buckets}} lowers it)")


def unused_warning(cfg: Config) -> str | None:
    """A warning when n-gram settings differ from their defaults but ``subwords`` is off: they
    change nothing then (``subwords`` turns n-grams on, as fastText's ``-maxn`` > 0 does).

    >>> unused_warning(Config(minn=2))
    'n-gram settings ({=minn}) have no effect without {=subwords}'
    >>> unused_warning(Config(subwords=True, minn=2)) is None
    True
    """
    if cfg.subwords:
        return None
    changed = [k for k in ("minn", "maxn", "buckets")
               if getattr(cfg, k) != Config.__dataclass_fields__[k].default]
    if not changed:
        return None
    return (f"n-gram settings ({', '.join('{=' + k + '}' for k in changed)}) have no effect "
            "without {=subwords}")
