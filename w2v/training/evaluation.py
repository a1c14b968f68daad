"""Evaluation during training: score the vectors (``W_in``) at the end of every epoch with the
same gensim-exact functions as ``w2v evaluate`` (``w2v.vectors.evaluate``), so a curve of
scores per epoch can be read beside the loss. The loss says how well the model predicts its
own corpus; it keeps falling while the vectors stop improving, or get worse on a task.

Each epoch adds one entry to the run state's ``eval_history``::

    {"epoch": 3, "restrict_vocab": 30000,
     "analogies": {FILE: {"total": accuracy, "seen": n, "questions": n}},
     "similarity": {FILE: {"spearman": rho, "pairs": n}}}

FILE is the value given: a path, or the name of a set packaged with w2v (``google``,
``wordsim353``: ``w2v.vectors.evalsets``), as ``w2v evaluate`` takes them.

``accuracy`` is None when no question was in the vocabulary, ``rho`` None when it is
undefined (all scores equal), so the state stays strict JSON. Analogies and word pairs look at
the ``eval_restrict_vocab`` most frequent words, ``config.RESTRICT_VOCAB`` (30,000) by default
as in ``w2v evaluate``, so the last epoch's scores are the ones ``w2v evaluate`` prints for the
run (``restrict_vocab`` in the entry, shown on the epoch's line).

The files are read before training starts: a typo in a path or a file in the wrong format is
an error at once, not after the first hour-long epoch.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np

from w2v.config import RESTRICT_VOCAB, Config
from w2v.errors import ConfigError, VectorsError
from w2v.vectors import evalsets
from w2v.vectors.evalsets import read_lines
from w2v.vectors.evaluate import evaluate_analogies
from w2v.vectors.vectors import Vectors
from w2v.vectors.word_pairs import evaluate_word_pairs


class EpochEvaluator:
    """``evaluator(W_in, epoch)`` -> the epoch's ``eval_history`` entry. ``analogies`` and
    ``similarity`` are ``(label, path)`` pairs; the label (a path as given, or a built-in
    set's name) is the entry's key."""

    def __init__(self, words: list[str], analogies=(), similarity=(),
                 restrict_vocab: int = RESTRICT_VOCAB):
        self.words = list(words)
        self.analogies, self.similarity = tuple(analogies), tuple(similarity)
        self.restrict_vocab = restrict_vocab

    def __call__(self, W_in: np.ndarray, epoch: int) -> dict:
        vectors = Vectors(self.words, W_in)  # a view: W_in is not copied
        entry = {"epoch": int(epoch), "restrict_vocab": vectors.cutoff(self.restrict_vocab),
                 "analogies": {}, "similarity": {}}
        for label, path in self.analogies:
            r = evaluate_analogies(vectors, path, self.restrict_vocab)
            entry["analogies"][label] = {"total": r["total"]["accuracy"], "seen": r["seen"],
                                         "questions": r["questions"]}
        for label, path in self.similarity:
            r = evaluate_word_pairs(vectors, path, self.restrict_vocab)
            rho = r["spearman"]
            entry["similarity"][label] = {"spearman": None if math.isnan(rho) else rho,
                                          "pairs": r["pairs"]}
        return entry

    def check(self) -> None:
        """Read every file once, cheaply, turning a bad one into an error that names its
        setting: analogy files against a one-word vocabulary (their format; no question is
        answered), word-pair files against the run's words with zero vectors (at least two
        pairs must be among the ``restrict_vocab`` most frequent)."""
        probes = (("eval_analogies", self.analogies, evaluate_analogies,
                   Vectors([" "], np.zeros((1, 1), np.float32))),
                  ("eval_similarity", self.similarity, evaluate_word_pairs,
                   Vectors(self.words, np.zeros((len(self.words), 1), np.float32))))
        for key, files, evaluate, vectors in probes:
            for _, path in files:
                with _naming(key):
                    evaluate(vectors, path, self.restrict_vocab)


@contextmanager
def _naming(key: str):
    """A VectorsError inside becomes a ConfigError that names the setting ``key``."""
    try:
        yield
    except VectorsError as e:
        raise ConfigError(f"{{={key}}}: {e}") from None


def evaluator(cfg: Config, words: list[str] | None) -> EpochEvaluator | None:
    """The run's evaluator, each value a file or a built-in set's name (``evalsets``), its
    files checked; None when it evaluates nothing. ``words`` None (before the corpus is
    read): the word-pair files are checked against their own words, so their format is."""
    if not cfg.eval_analogies and not cfg.eval_similarity:
        return None
    chosen = {}
    for key, kind in (("eval_analogies", "analogies"), ("eval_similarity", "similarity")):
        with _naming(key):
            chosen[kind] = [evalsets.resolve(value, kind) for value in getattr(cfg, key)]
    restrict = cfg.eval_restrict_vocab
    if words is None:  # the files' formats only: every word of theirs counts
        words = _pair_words(chosen["similarity"])
        restrict = len(words)
    ev = EpochEvaluator(words, chosen["analogies"], chosen["similarity"], restrict)
    ev.check()
    return ev


def check_files(cfg: Config) -> None:
    """Every evaluation file exists, is a built-in set or reads in its format: called before
    the corpus is read, so a typo fails at once, not after a long counting pass (and leaves
    no encoded corpus behind). Whether enough word pairs are in the vocabulary is checked
    once the vocabulary is known (``evaluator``)."""
    evaluator(cfg, None)


def _pair_words(files) -> list[str]:
    """The words of word-pair files (their first two tab-separated fields): a vocabulary in
    which every well-formed pair is found."""
    with _naming("eval_similarity"):
        words = {field.strip() for _, path in files for line in read_lines(path)
                 for field in line.split("\t")[:2]}
    return sorted(words - {""}) or [" "]


def summary(entry: dict) -> str:
    """One line's worth of an entry, for the epoch's progress line: file names, not paths,
    and the vocabulary cutoff (absent from runs older than it).

    >>> summary({"epoch": 1, "restrict_vocab": 300, "analogies": {"a/qw.txt": {"total": 0.25,
    ...          "seen": 8, "questions": 10}}, "similarity": {"ws.tsv": {"spearman": 0.5,
    ...          "pairs": 9}}})
    'qw.txt 25.0% (8/10 seen), ws.tsv rho 0.5000 (9 pairs), among the 300 most frequent words'
    """
    from pathlib import PurePath

    parts = []
    for path, r in entry.get("analogies", {}).items():
        acc = "n/a" if r["total"] is None else f"{100 * r['total']:.1f}%"
        parts.append(f"{PurePath(path).name} {acc} ({r['seen']}/{r['questions']} seen)")
    for path, r in entry.get("similarity", {}).items():
        rho = "undefined" if r["spearman"] is None else f"{r['spearman']:.4f}"
        parts.append(f"{PurePath(path).name} rho {rho} ({r['pairs']} pairs)")
    if "restrict_vocab" in entry:
        parts.append(f"among the {entry['restrict_vocab']:,} most frequent words")
    return ", ".join(parts)
