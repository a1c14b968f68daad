"""Phrases the word2vec way: find the bigrams that occur together more than chance allows and
write the corpus with them joined ("new york" -> "new_york"), so training learns a vector per
phrase (Mikolov et al. 2013, section 4; word2vec.c's word2phrase).

A pass reads the corpus twice: once to count words and in-line bigrams (``phrase_count``,
compiled, bounded memory), then, with the phrases chosen (``phrase_score``, ``phrase_file``),
once to write it joined (``phrase_join``, compiled). Pass k+1 reads pass k's output, so
``passes=2`` builds phrases of up to four tokens ("new_york_times"). A stream (standard input)
is copied to a temporary file while it is counted, to be read a second time; so are the passes
between the first and the last.

>>> import tempfile; d = Path(tempfile.mkdtemp()); src = d / "in.txt"
>>> _ = src.write_text("new york is big\\n" * 8 + "york is old\\n")
>>> found = phrases(src, d / "out.txt", threshold=3, min_count=1)
>>> {token: round(score, 2) for token, score in found[0].tokens().items()}
{'york_is': 3.46, 'new_york': 3.4, 'is_big': 3.4}
>>> (d / "out.txt").read_text().splitlines()[-2:]  # greedy: york is taken by new_york
['new_york is_big', 'york_is old']
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

from w2v.errors import ConfigError
from w2v.text.connected import SETS
from w2v.text.connected_join import ConnectedJoiner
from w2v.text.phrase_count import count
from w2v.text.phrase_file import PhrasePass, load, save, select
from w2v.text.phrase_join import Joiner
from w2v.text.phrase_score import SCORINGS, thresholds
from w2v.text.sentences import CorpusStats, sources
from w2v.text.stream import clean_blocks
from w2v.util.atomic import atomic_write

STDOUT = "-"
_WRITERS = {  # compression by the output's extension; gzip's level 9 would take most of the time
    ".gz": lambda f: gzip.GzipFile("", "wb", 6, f, mtime=0),  # noqa: SIM115
    ".bz2": lambda f: bz2.BZ2File(f, "wb"),  # noqa: SIM115
    ".xz": lambda f: lzma.LZMAFile(f, "wb"),  # noqa: SIM115
}


@contextmanager
def opened(out):
    """A binary file to write the text to: standard output for ``-``, else ``out`` written
    atomically (nothing replaces it unless the whole text is written), compressed by its
    extension."""
    if str(out) == STDOUT:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with ExitStack() as stack:
        f = stack.enter_context(atomic_write(out, "wb"))
        writer = _WRITERS.get(Path(out).suffix.lower())
        yield f if writer is None else stack.enter_context(writer(f))


def join_pass(paths, phrases: PhrasePass, out, *, lowercase: bool = False,
              threads: int = 2) -> int:
    """Write ``paths`` to ``out`` with one pass's phrases joined; returns how many pairs were
    joined."""
    joiner = (Joiner(phrases.left, phrases.right) if phrases.connectors == "none" else
              ConnectedJoiner(phrases.left, phrases.right, phrases.between,
                              SETS[phrases.connectors]))
    with opened(out) as f:
        for block, ends_input in clean_blocks(sources(paths), lowercase, CorpusStats(), threads):
            f.write(joiner(block, ends_input))
    return joiner.joined


def learn(paths, *, scoring: str = "word2phrase", threshold: float | None = None,
          min_count: int = 5, lowercase: bool = False, prune_at: int = 20_000_000,
          threads: int = 2, spool=None, connector_words: str | None = None) -> PhrasePass:
    """Count ``paths`` once and choose the bigrams scoring above ``threshold``; with
    ``connector_words`` ("english"), pairs may span them (``connected``)."""
    check(scoring, min_count, 1, prune_at, connector_words)
    counts = count(paths, lowercase=lowercase, prune_at=prune_at, threads=threads, spool=spool,
                   min_pair_count=min_count,  # both scores need c(ab) >= min_count
                   connectors=SETS[connector_words] if connector_words else ())
    t = thresholds(scoring, threshold, 1)[0]
    return select(counts, scoring, t, min_count)


def check(scoring: str, min_count: int, passes: int, prune_at: int,
          connector_words: str | None = None) -> None:
    if scoring not in SCORINGS:
        raise ConfigError(f"scoring must be one of {', '.join(SCORINGS)}, not {scoring!r}")
    if connector_words is not None and connector_words not in SETS:
        raise ConfigError(f"connector_words must be one of {', '.join(SETS)}, not "
                          f"{connector_words!r}")
    for name, value in (("min_count", min_count), ("passes", passes), ("prune_at", prune_at)):
        if value < 1:
            raise ConfigError(f"{{={name}}} must be at least 1, not {value}")


def _chain(paths, steps, out, tmp: Path, lowercase: bool, threads: int) -> list:
    """Run ``step(source, dest, k)`` for each step, each reading the last one's output (kept
    in ``tmp``) and the last writing ``out``; returns their results."""
    results, source = [], paths
    for k, step in enumerate(steps):
        dest = out if k == len(steps) - 1 else tmp / f"pass{k + 1}.txt"
        results.append(step(source, dest, lowercase if k == 0 else False))
        source = dest
    return results


def apply(paths, passes: list[PhrasePass] | str | os.PathLike, out, *,
          lowercase: bool = False, threads: int = 2) -> list[int]:
    """Write ``paths`` to ``out`` with saved phrases joined, pass after pass (``passes``: the
    learned passes or a phrases file); returns the pairs joined by each pass."""
    if not isinstance(passes, list):
        passes = load(passes)
    with tempfile.TemporaryDirectory(prefix="w2v-phrases-") as tmp:
        steps = [lambda s, d, lc, p=p: join_pass(s, p, d, lowercase=lc, threads=threads)
                 for p in passes]
        return _chain(paths, steps, out, Path(tmp), lowercase, threads)


def phrases(paths, out, *, passes: int = 1, scoring: str = "word2phrase",
            threshold: float | None = None, min_count: int = 5, lowercase: bool = False,
            prune_at: int = 20_000_000, save_phrases=None, threads: int = 2,
            connector_words: str | None = None) -> list[PhrasePass]:
    """Learn ``passes`` passes of phrases from ``paths`` and write the text joined to ``out``
    (a path, ``-`` for standard output; .gz/.bz2/.xz compress); ``save_phrases``, a path,
    keeps them for ``apply``. Returns each pass's phrases, ``joined`` set to the pairs it
    joined. Thresholds: ``phrase_score.thresholds``."""
    check(scoring, min_count, passes, prune_at, connector_words)
    found: list[PhrasePass] = []

    def step(source, dest, lc):
        spool = None
        if any(s.size is None for s in sources(source)):  # a stream: keep it to read again
            spool = Path(tmp) / "input.txt"
        with open(spool, "wb") if spool else ExitStack() as f:
            p = learn(source, scoring=scoring, threshold=ts[len(found)], min_count=min_count,
                      lowercase=lc, prune_at=prune_at, threads=threads,
                      spool=f if spool else None, connector_words=connector_words)
        p.joined = join_pass(spool or source, p, dest, lowercase=lc, threads=threads)
        found.append(p)

    ts = thresholds(scoring, threshold, passes)
    with tempfile.TemporaryDirectory(prefix="w2v-phrases-") as tmp:
        _chain(paths, [step] * passes, out, Path(tmp), lowercase, threads)
    if save_phrases is not None:
        save(found, save_phrases)
    return found

