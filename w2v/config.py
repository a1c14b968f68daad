"""Training settings: one frozen dataclass whose fields carry their help, limits and peers' names.

Defaults are word2vec.c's and gensim's skip-gram defaults (the preset
``w2v/presets/default.toml`` gives the reason for each); ``lr`` and ``negative`` depend on
``arch`` and ``loss`` (``DEPENDENT_DEFAULTS``). Each field's metadata holds its help text, its
range or choices, and the names word2vec.c and gensim use for it; the CLI builds its options
from them, so the help, the validation and the TOML keys cannot drift apart. A TOML file uses
the field names as keys; unknown keys (with a did-you-mean) and wrong types are errors that
name the setting.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from dataclasses import dataclass, field, fields

from w2v.config_values import (
    check_limits,
    lr_multiplier,
    parse_interval,
    save_formats,
    type_name,
    type_ok,
)
from w2v.errors import ConfigError


def setting(default, help: str, *, range=None, choices=None, peers=(), shown=None):
    """A Config field: ``range`` (lo, hi) or ``choices`` are enforced by ``Config``; ``peers``
    are (tool, name) pairs such as ("word2vec.c", "-size"): word2vec.c's, gensim's and fastText's
    names, for help and error messages; ``shown``: the default as help shows it, for a default
    that depends on another setting."""
    return field(default=default, metadata={
        "help": help, "range": range, "choices": choices, "peers": tuple(peers), "shown": shown})


# The words evaluation looks at, during training and in ``w2v evaluate``: one default, so one
# run's vectors score the same in both. word2vec.c's compute-accuracy threshold (gensim's is
# 300,000); the cost of an analogy grows with it.
RESTRICT_VOCAB = 30_000

# Defaults that depend on another setting, as word2vec.c's: {key: (driver, {driver value:
# default})}. ``None`` (not given) resolves to the driver's default when a Config is built, so a
# Config, and the config stored in a run, always holds a concrete value: a resumed run keeps
# exactly its lr whatever the defaults become.
DEPENDENT_DEFAULTS = {
    "lr": ("arch", {"sg": 0.025, "cbow": 0.05}),  # word2vec.c: -alpha 0.025, 0.05 with -cbow 1
    "negative": ("loss", {"ns": 5, "hs": 0, "softmax": 5}),  # K is for ns only (softmax: unused)
}


@dataclass(frozen=True)
class Config:
    dim: int = setting(100, "Vector size.", range=(1, 10_000),
                       peers=[("word2vec.c", "-size"), ("gensim", "vector_size"),
                              ("fastText", "-dim")])
    window: int = setting(5, "Max window radius (drawn in [1, window]).", range=(1, 1_000),
                          peers=[("word2vec.c", "-window"), ("gensim", "window"),
                                 ("fastText", "-ws")])
    negative: int | None = setting(
        None, "Negatives per pair (K) for loss ns; unused (0) with loss hs.", range=(0, 1_000),
        shown="5 with ns", peers=[("word2vec.c", "-negative"), ("gensim", "negative"),
                                  ("fastText", "-neg")])
    ns_exponent: float = setting(
        0.75, "The noise distribution of loss ns: P(w) proportional to count^ns_exponent; 1 "
        "follows the counts, 0 is uniform, a negative value favours rare words (recommendation "
        "and graph-walk embeddings tune it).", range=(-10.0, 10.0),
        peers=[("gensim", "ns_exponent")])
    sample: float = setting(1e-3, "Subsampling threshold; 0 disables.", range=(0.0, 1.0),
                            peers=[("word2vec.c", "-sample"), ("gensim", "sample"),
                                   ("fastText", "-t")])
    min_count: int = setting(5, "Drop words rarer than this.", range=(1, 10**12),
                             peers=[("word2vec.c", "-min-count"), ("gensim", "min_count"),
                                    ("fastText", "-minCount")])
    max_vocab: int = setting(0, "Keep the most frequent words; 0: all.", range=(0, 10**9),
                             peers=[("gensim", "max_final_vocab")])
    epochs: int = setting(5, "Passes over the corpus.", range=(1, 100_000),
                          peers=[("word2vec.c", "-iter"), ("gensim", "epochs"),
                                 ("fastText", "-epoch")])
    lr: float | None = setting(None, "Initial learning rate.", shown="0.025 sg, 0.05 cbow",
                               peers=[("word2vec.c", "-alpha"), ("gensim", "alpha"),
                                      ("fastText", "-lr")])
    min_lr: float = setting(0.0001, "Final learning rate.", range=(0.0, 100.0),
                            peers=[("gensim", "min_alpha")])
    arch: str = setting("sg", "Architecture: sg (skip-gram: each context word predicts the "
                        "center; better for rare words) or cbow (the mean of the context "
                        "predicts it; several times faster, good for frequent words; its default "
                        "lr is 0.05, as word2vec.c's).",
                        choices=("sg", "cbow"), peers=[("word2vec.c", "-cbow"), ("gensim", "sg")])
    loss: str = setting("ns", "Objective: ns (negative sampling), hs (hierarchical softmax: "
                        "log2 V inner nodes per prediction, suits rare words and large "
                        "vocabularies; trained alone, negative unused), or softmax (the seed's "
                        "naive softmax, sg only, numpy teaching path).",
                        choices=("ns", "hs", "softmax"),
                        peers=[("word2vec.c", "-hs"), ("gensim", "hs"), ("fastText", "-loss")])
    cbow_mean: bool = setting(True, "CBOW's hidden vector: the mean of the context vectors "
                              "(word2vec.c), or their sum.", peers=[("gensim", "cbow_mean")])
    hs_skip: bool = setting(False, "Loss hs only: a path node whose score is beyond ±6 gets no "
                            "update, as word2vec.c and gensim always do (faster; the loss still "
                            "counts it). Off: every node gets its true gradient.",
                            peers=[("word2vec.c", "MAX_EXP"), ("gensim", "MAX_EXP")])
    ns_skip: bool = setting(False, "Loss ns only: a target whose score is beyond ±6 gets no "
                            "update, as gensim does (word2vec.c clips it instead). Off: every "
                            "target gets its true gradient.", peers=[("gensim", "MAX_EXP")])
    pairwise: bool = setting(False, "Arch sg only: train a window one (context, center) pair "
                             "at a time, each pair's step from the rows the pairs before it "
                             "left, as word2vec.c and gensim do (slower). Off: the window's pairs "
                             "from one snapshot, their steps summed.")
    subwords: bool = setting(
        False, "Train character n-gram rows as fastText does: a word's input is the mean of its "
        "own row and its n-grams' rows (minn to maxn characters of <word>, hashed into "
        "buckets), so words outside the vocabulary get vectors from their spelling.")
    minn: int = setting(3, "With subwords: the shortest n-gram, in characters.", range=(1, 100),
                        peers=[("fastText", "-minn"), ("gensim", "min_n")])
    maxn: int = setting(6, "With subwords: the longest n-gram, in characters; 0 turns subwords "
                        "off.", range=(0, 100), peers=[("fastText", "-maxn"), ("gensim", "max_n")])
    buckets: int = setting(2_000_000, "With subwords: the n-gram rows (hash buckets); they take "
                           "buckets x dim x 4 bytes of memory.", range=(0, 2**30),
                           peers=[("fastText", "-bucket"), ("gensim", "bucket")])
    kernel: str = setting("auto", "SGD step: compiled, the numpy reference, or auto (numba for "
                          "ns and hs, numpy for softmax).", choices=("auto", "numba", "numpy"))
    threads: int = setting(0, "Worker threads; 0: all cores.", range=(0, 1_024),
                           peers=[("word2vec.c", "-threads"), ("gensim", "workers"),
                                  ("fastText", "-thread")])
    seed: int = setting(1, "Random seed (initial vectors, sampling).", range=(0, 2**63 - 1),
                        peers=[("gensim", "seed"), ("fastText", "-seed")])
    lowercase: bool = setting(False, "Lowercase tokens (and the queries on this run).")
    read_vocab: str = setting(
        "", "Vocabulary file to use instead of counting the corpus (word2vec.c's format, or a "
        "run's vocab.txt): its words keep their order and counts, min_count and max_vocab "
        "still apply (as word2vec.c), a corpus word outside it is unknown.",
        peers=[("word2vec.c", "-read-vocab")])
    save_vocab: str = setting(
        "", "Also write the run's vocabulary to this file in word2vec.c's format, for "
        "read_vocab in later runs (or word2vec.c's -read-vocab).", shown="none",
        peers=[("word2vec.c", "-save-vocab")])
    max_sentence_length: int = setting(1000, "Split longer lines into chunks of this many words.",
                                       range=(1, 10**7), peers=[("gensim", "max_sentence_length")])
    checkpoint_every: str | int = setting(
        "10m", "Checkpoint interval: a time ('90s', '10m', '1h') or words ('500k', '5M', 600).")
    eval_analogies: tuple[str, ...] = setting(
        (), "Analogy file, or 'google' (built in), scored after every epoch; repeatable.")
    eval_similarity: tuple[str, ...] = setting(
        (), "Word-pair file, or 'wordsim353' (built in), scored after every epoch; repeatable.")
    eval_restrict_vocab: int = setting(
        RESTRICT_VOCAB, "Scores during training look at this many of the most frequent words "
        "(as w2v evaluate's default).", range=(1, 10**9))
    save: str = setting("npy,bin", "Vector formats written at the end, comma-separated: npy "
                        "(with vocab.txt; shares the checkpoint's file), bin (word2vec binary, "
                        "gensim and word2vec.c read it), txt (word2vec text).")
    keep_ids: bool = setting(False, "Keep corpus.ids (4 bytes per token) after the run, to "
                             "extend it without reading the corpus again (a run from standard "
                             "input cannot be extended without it).")
    freeze: bool = setting(False, "With init from a vectors file: keep the vectors loaded "
                           "from it fixed (their output rows and the other words still train).",
                           peers=[("gensim", "vectors_lockf")])
    sync_every: int = setting(200_000, "Under mpiexec: words all ranks train between syncs.",
                              range=(100, 10**12))
    sync_rows: int = setting(1024, "Under mpiexec: the most frequent rows averaged at every "
                             "sync (twice as many every 2nd sync, ...).", range=(1, 10**9))
    sync_lr: str | float = setting(
        "n", "Under mpiexec: each rank trains at this many times the lr before the replicas "
        "are averaged: a number (1: plain averaging), n (the number of ranks: to first order "
        "one process's steps without momentum), n/2 (the same with sync_momentum 0.5), or "
        "sqrt (the square root of n).")
    sync_momentum: float = setting(
        0.0, "Under mpiexec: block momentum on the averaged rows (BMUF): each sync's change "
        "also carries this fraction of the row's previous one, so that every change counts "
        "1 / (1 - momentum) times; with sync_lr n/2, momentum 0.5 makes the ranks progress as "
        "one process (the velocity is flushed at every full sync). Better at 8 ranks on large "
        "corpora, worse when a corpus gives few syncs per epoch: docs/distributed.md.",
        range=(0.0, 0.99))

    def __post_init__(self):
        _resolve_defaults(self)
        _validate(self)

    def replace(self, **changes) -> Config:
        """A copy with ``changes``; a dependent setting (``DEPENDENT_DEFAULTS``) still at its
        driver's default follows a changed driver (``Config().replace(arch="cbow").lr`` is
        0.05)."""
        for key, (driver, defaults) in DEPENDENT_DEFAULTS.items():
            if driver in changes and key not in changes and \
                    getattr(self, key) == defaults.get(getattr(self, driver)):
                changes[key] = None
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """The settings as JSON has them (lists, not tuples), so that a config stored in
        state.json and read back compares equal."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in dataclasses.asdict(self).items()}

    @property
    def backend(self) -> str:
        """The kernel actually used: ``kernel``, or for "auto" numba (ns, hs) / numpy (softmax)."""
        if self.kernel != "auto":
            return self.kernel
        return "numpy" if self.loss == "softmax" else "numba"

    @property
    def ngrams(self) -> bool:
        """Whether the run trains n-gram rows: ``subwords`` on and ``maxn`` not 0."""
        return self.subwords and self.maxn > 0

    @property
    def workers(self) -> int:
        """The number of threads actually used (``threads``, or every core this process may
        run on)."""
        return self.threads or available_cores()


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


# Settings that do not change the trained vectors (with threads=1 resume is bit-identical;
# with more threads the run is non-deterministic anyway), so resume may change them.
RESUMABLE_CHANGES = frozenset({"threads", "checkpoint_every", "eval_analogies", "eval_similarity",
                               "eval_restrict_vocab", "save", "keep_ids", "save_vocab"})
def setting_types() -> dict:
    """Each setting's type, with the ``None`` of a dependent default left out (``None`` only
    means "not given"): what a value given for it must be."""
    hints = typing.get_type_hints(Config)
    for key in DEPENDENT_DEFAULTS:
        hints[key] = next(h for h in typing.get_args(hints[key]) if h is not type(None))
    return hints


def default_of(key: str, driver_value):
    """The default of a dependent setting for its driver's value (None for an unknown one).

    >>> default_of("lr", "cbow"), default_of("negative", "hs")
    (0.05, 0)
    """
    return DEPENDENT_DEFAULTS[key][1].get(driver_value)


def _resolve_defaults(cfg: Config) -> None:
    for key, (driver, _) in DEPENDENT_DEFAULTS.items():
        if getattr(cfg, key) is None:
            object.__setattr__(cfg, key, default_of(key, getattr(cfg, driver)))


def _validate(cfg: Config) -> None:
    hints = setting_types()
    for f in fields(cfg):
        value, hint = getattr(cfg, f.name), hints[f.name]
        if hint is str and isinstance(value, os.PathLike):  # read_vocab=Path(...) from Python
            object.__setattr__(cfg, f.name, value := os.fspath(value))
        if value is None and f.name in DEPENDENT_DEFAULTS:
            continue  # its driver is not a valid choice: its own check says so
        if not type_ok(value, hint):
            raise ConfigError(f"{{={f.name}}} must be {type_name(hint)}, got {value!r}")
        if hint is float and not isinstance(value, float):
            object.__setattr__(cfg, f.name, float(value))  # 1 in TOML means 1.0
        if isinstance(value, list):
            object.__setattr__(cfg, f.name, tuple(value))  # hashable, as the default ()
        check_limits(f, getattr(cfg, f.name))
    if not 0 < cfg.lr <= 100:
        raise ConfigError(f"{{=lr}} must be > 0 (and at most 100), got {cfg.lr}")
    if not cfg.min_lr <= cfg.lr:
        raise ConfigError(f"{{=min_lr}} must be between 0 and lr ({cfg.lr}), got {cfg.min_lr}")
    if not cfg.sample < 1:
        raise ConfigError(f"{{=sample}} must be in [0, 1), got {cfg.sample}")
    if cfg.loss != "softmax" and (cfg.negative > 0) != (cfg.loss == "ns"):  # HS alone, not +NS
        raise ConfigError(f"{{=negative}} must be between 1 and 1000 with {{=loss}} ns; it is "
                          f"unused with {{=loss}} hs (w2v trains it alone: leave it out, or 0), "
                          f"got {cfg.negative}")
    _check_subwords(cfg)
    parse_interval(cfg.checkpoint_every)
    lr_multiplier(cfg.sync_lr, 1)
    object.__setattr__(cfg, "save", ",".join(save_formats(cfg.save)))  # one spelling




def _check_subwords(cfg: Config) -> None:
    """The n-gram settings agree with each other and with what the subword kernels train."""
    if not cfg.ngrams:
        return
    if cfg.minn > cfg.maxn:
        raise ConfigError(f"{{=minn}} must be at most {{=maxn}}, got {cfg.minn} > {cfg.maxn} "
                          "({=maxn} 0 turns subwords off)")
    if cfg.buckets < 1:
        raise ConfigError("{=subwords} needs {=buckets} of at least 1 for the n-gram rows "
                          "({=maxn} 0 turns them off)")
    if cfg.loss == "softmax":
        raise ConfigError("{=subwords} trains with {=loss} ns or hs, not softmax")
    if cfg.pairwise:
        raise ConfigError("{=subwords} trains a window's pairs together: leave out {=pairwise}")
    if cfg.arch == "cbow" and not cfg.cbow_mean:
        raise ConfigError("{=subwords} with {=arch} cbow averages all the bags' rows, as "
                          "fastText does: {=cbow_mean} must stay on")
