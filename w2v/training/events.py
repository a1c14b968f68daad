"""What a training session reports, as plain data: the CLI renders these as a progress bar, as
log lines, or not at all (``-q``); the library prints nothing itself. No numpy here, so the CLI
can import the classes cheaply."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    """Something the user should know that is not an error (invalid UTF-8 replaced); ``kind``
    "warning" for a setting that will work but probably not as meant (more threads than cores).
    Unlike an Alert, hidden when quiet. The text has no prefix: the renderer adds ``kind``."""

    text: str
    kind: str = "note"


@dataclass(frozen=True)
class Alert:
    """Something that changes what the run's result is made of (a damaged checkpoint skipped,
    so epochs are trained again; a damaged file rebuilt): shown even when quiet."""

    text: str


@dataclass(frozen=True)
class Configured:
    """The config the session trains with (a resumed run's is the stored one)."""

    config: dict
    resumed: bool


@dataclass(frozen=True)
class Counting:
    """The one pass over the text, under way: tokens so far, stored bytes read of the total
    (None for standard input or a pipe)."""

    tokens: int
    bytes_read: int
    bytes_total: int | None


@dataclass(frozen=True)
class Counted:
    words: int  # vocabulary size
    min_count: int
    tokens: int  # raw tokens in the corpus
    seconds: float


@dataclass(frozen=True)
class Resuming:
    checkpoint: str
    epoch: int  # 1-based epoch that continues
    words_done: int


@dataclass(frozen=True)
class Compiling:
    """The compiled kernel is not in numba's cache: the first run compiles it (seconds)."""


@dataclass(frozen=True)
class Progress:
    """After each chunk: training words done of the total (all epochs of the run, the
    earlier sessions' included), the current lr and epoch's mean loss, and the seconds spent
    training (compilation excluded). ``epoch_words`` of ``words_per_epoch`` are the current
    epoch's share; ``start_words`` is where the current plan began (the words of the epochs
    a run had when it was given more, ``extend.py``; 0 otherwise)."""

    words_done: int
    total_words: int
    epoch: int  # 1-based
    epochs: int
    lr: float
    loss: float
    seconds: float
    epoch_words: int = 0
    words_per_epoch: int = 0
    start_words: int = 0


@dataclass(frozen=True)
class CheckpointSaved:
    path: str
    words_done: int


@dataclass(frozen=True)
class EpochDone:
    epoch: int  # 1-based
    epochs: int
    loss: float  # mean loss per pair, float64
    pairs: int
    scores: dict | None = None  # the epoch's eval_history entry (evaluation.py), if any
    eval_seconds: float = 0.0  # what scoring it took (not counted as training time)


@dataclass(frozen=True)
class Trained:
    words: int
    seconds: float  # training only, compilation excluded


@dataclass(frozen=True)
class Written:
    paths: tuple[str, ...]


@dataclass(frozen=True)
class NothingToDo:
    reason: str
