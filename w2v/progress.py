"""How a training session's events look to a person: a tqdm bar on a terminal, a plain line now
and then in a log file (never ``\\r`` frames), nothing at all when quiet (errors still show,
by the CLI). The library yields events (``w2v.training.events``); only this module draws them.
"""

from __future__ import annotations

import sys
import time

from w2v.errors import W2VError
from w2v.training import events

LOG_EVERY = 30.0  # seconds between training progress lines in a log file
COUNT_EVERY = 5.0  # seconds between counting lines: the pass is short, so check it often
MIN_RATE_SECONDS = 0.5  # before this much counting time a rate says nothing


def _eta(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    h, rest = divmod(seconds, 3600)
    return f"{h}h{rest // 60:02d}m" if h else f"{rest // 60}m{rest % 60:02d}s"


def _size(n: float, unit: str = "") -> str:
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= scale:
            return f"{n / scale:.1f}{suffix}{unit}"
    return f"{n:.0f}{unit}"


class Renderer:
    """Feed it every event of a session (``renderer(event)``); ``close()`` at the end.
    ``tqdm_class``: what draws the bars (``tqdm.tqdm``; the Python API passes ``tqdm.auto``'s,
    a widget in a notebook)."""

    def __init__(self, stream=None, quiet: bool = False, tty: bool | None = None,
                 version: str = "", corpus=(), out="", tqdm_class=None, clock=time.monotonic,
                 flag=str):
        self.stream = stream or sys.stderr
        self.tqdm_class = tqdm_class
        self.header = (version, list(corpus), str(out))
        self.quiet = quiet
        self.tty = self.stream.isatty() if tty is None else tty
        self.bar = None
        self._bar_kind = None
        self._last_line = float("-inf")  # the first event gets a line
        self._count_start = None
        self.clock = clock  # seconds, for the spacing of log lines
        self.flag = flag  # how a message's {=key} is named: the CLI's flag for the key

    def __call__(self, event) -> None:
        if isinstance(event, events.Alert):  # quiet or not
            self.line(f"warning: {W2VError(event.text).render(self.flag)}", force=True)
            return
        if self.quiet:
            return
        handler = getattr(self, "_" + type(event).__name__.lower(), None)
        if handler is not None:
            handler(event)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def line(self, text: str, force: bool = False) -> None:
        if self.quiet and not force:
            return
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    # ------------------------------------------------------------------ bars and log lines

    def _ensure_bar(self, kind: str, total, initial=0, unit="w"):
        if self._bar_kind != kind:
            self.close()
            from tqdm import tqdm as std_tqdm

            tqdm = self.tqdm_class or std_tqdm
            self.bar = tqdm(total=total, initial=initial, unit=unit, unit_scale=True,
                            file=self.stream, dynamic_ncols=True, smoothing=0.1,
                            desc=kind, leave=kind == "training")
            self._bar_kind = kind
        return self.bar

    def _due(self, every: float | None = None) -> bool:
        now = self.clock()
        if now - self._last_line >= (LOG_EVERY if every is None else every):
            self._last_line = now
            return True
        return False

    def _counting(self, e: events.Counting) -> None:
        if self._count_start is None:
            self._count_start = self.clock()
        if self.tty:
            if e.bytes_total:
                bar = self._ensure_bar("counting", e.bytes_total, unit="B")
                bar.update(e.bytes_read - bar.n)
            else:
                bar = self._ensure_bar("counting", None, unit="tok")
                bar.update(e.tokens - bar.n)
        elif self._due(COUNT_EVERY):
            self.line(counting_line(e, self.clock() - self._count_start))

    def _progress(self, e: events.Progress) -> None:
        if self.tty:
            bar = self._ensure_bar("training", e.total_words - e.start_words)
            bar.set_postfix_str(f"epoch {e.epoch}/{e.epochs} lr {e.lr:.5f} loss {e.loss:.4f}",
                                refresh=False)
            bar.update(e.words_done - e.start_words - bar.n)
        elif self._due():
            self.line(progress_line(e))

    # ------------------------------------------------------------------ one-line events

    def _configured(self, e: events.Configured) -> None:
        from w2v.config import Config
        from w2v.settings import format_config

        version, corpus, out = self.header
        what = "resuming" if e.resumed else "training on " + ", ".join(corpus)
        self.line(f"# w2v {version}: {what} into {out}")
        self.line(format_config(Config(**e.config)))
        self._count_start = self.clock()  # counting, if any, starts now

    def _note(self, e: events.Note) -> None:
        self.line(f"{e.kind}: {W2VError(e.text).render(self.flag)}")

    def _counted(self, e: events.Counted) -> None:
        self.close()
        self.line(f"vocabulary: {e.words:,} words with count >= {e.min_count} out of "
                  f"{e.tokens:,} tokens ({e.seconds:.1f}s to count and encode)")

    def _resuming(self, e: events.Resuming) -> None:
        self.line(f"resuming from {e.checkpoint} (epoch {e.epoch}, {e.words_done:,} words done)")

    def _compiling(self, e: events.Compiling) -> None:
        self.line("compiling the kernel (first run only)...")

    def _checkpointsaved(self, e: events.CheckpointSaved) -> None:
        self.line(f"checkpoint saved: {e.path} ({e.words_done:,} words)")

    def _epochdone(self, e: events.EpochDone) -> None:
        text = f"epoch {e.epoch}/{e.epochs}: mean loss {e.loss:.6f} over {e.pairs:,} pairs"
        if e.scores is not None:
            from w2v.training.evaluation import summary

            text += f"; {summary(e.scores)}, scored in {e.eval_seconds:.2f}s"
        self.line(text)

    def _trained(self, e: events.Trained) -> None:
        self.close()
        self.line(f"trained {e.words:,} words in {e.seconds:.1f}s "
                  f"({e.words / max(e.seconds, 1e-9):,.0f} words/s, compilation excluded)")

    def _nothingtodo(self, e: events.NothingToDo) -> None:
        self.line(f"nothing to do: {e.reason}")


def counting_line(e: events.Counting, seconds: float) -> str:
    """A log line of the counting pass: tokens, the share of the input read, the rate, and
    the time left when the input's size is known; no rate before ``MIN_RATE_SECONDS``, when
    the count over the time is noise (the first block over a clock that has barely moved)."""
    text = f"counting: {_size(e.tokens)} tokens"
    rate = f"{_size(e.tokens / seconds)} tokens/s" if seconds >= MIN_RATE_SECONDS else ""
    if e.bytes_total:
        share = e.bytes_read / e.bytes_total
        left = seconds * (1 - share) / share if share > 0 else 0
        timing = f" ({rate}, eta {_eta(left)})" if rate else ""
        return f"{text}, {100 * share:.0f}% of the input{timing}"
    return f"{text}, {_size(e.bytes_read, 'B')} read" + (f" ({rate})" if rate else "")


def progress_line(e: events.Progress) -> str:
    """A log line of training: the share of the current epoch and, apart, of the run (or of
    the epochs added to it, for a run given more), so "74%" is never ambiguous.

    >>> progress_line(events.Progress(700, 1000, 4, 5, 0.01, 2.5, 7.0, 100, 200))
    'epoch 4/5: 50% of the epoch, 70% of the run (100 words/s, lr 0.01000, loss 2.5000, eta 0m03s)'
    """
    rate = e.words_done / max(e.seconds, 1e-9)
    left = (e.total_words - e.words_done) / max(rate, 1e-9)
    parts = []
    if e.words_per_epoch:
        parts.append(f"{100 * e.epoch_words / e.words_per_epoch:.0f}% of the epoch")
    first = e.start_words // e.words_per_epoch + 1 if e.words_per_epoch else 1
    if e.start_words and first == e.epochs:
        parts[-1] += " added"  # the extension is this one epoch: one share says it all
    elif e.start_words and e.words_per_epoch:
        share = (e.words_done - e.start_words) / max(e.total_words - e.start_words, 1)
        parts.append(f"{100 * share:.0f}% of epochs {first}-{e.epochs}")
    else:
        parts.append(f"{100 * e.words_done / max(e.total_words, 1):.0f}% of the run")
    return (f"epoch {e.epoch}/{e.epochs}: {', '.join(parts)} ({_size(rate)} words/s, "
            f"lr {e.lr:.5f}, loss {e.loss:.4f}, eta {_eta(left)})")
