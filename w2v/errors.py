"""The library's error classes, and how a message names a setting without knowing the CLI.

A message refers to a setting as ``{=name}`` (``name`` is a ``Config`` key such as ``min_count``,
or a run option such as ``resume``). ``str(error)`` shows the key (``min_count``); the CLI
renders the same message with its flag (``--min-count``), so library code never spells a flag
and the user of either sees a name they can type.

>>> str(VocabError("no word occurs 5 times; try {=min_count} 2"))
'no word occurs 5 times; try min_count 2'
>>> VocabError("try {=min_count} 2").render(lambda key: "--" + key.replace("_", "-"))
'try --min-count 2'
"""

from __future__ import annotations

import re
import shlex
from signal import SIGINT

_SETTING = re.compile(r"\{=([a-z_]+)\}")


class W2VError(Exception):
    """Base class: a failed operation the user can fix. The message says what to do."""

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.template = message
        self.details = details  # structured facts for the CLI (a path, a pid, a setting)

    def settings(self) -> list[str]:
        """The settings the message names, in order."""
        return _SETTING.findall(self.template)

    def render(self, name=str) -> str:
        """The message with each ``{=key}`` replaced by ``name(key)``."""
        return _SETTING.sub(lambda m: name(m.group(1)), self.template)

    def __str__(self) -> str:
        return self.render()


class ConfigError(W2VError):
    """A setting is unknown, of the wrong type, or out of range."""


class UsageError(W2VError):
    """Options that do not go together, or a value no option accepts (exit code 2)."""


class CorpusError(W2VError):
    """The corpus cannot be read or yields nothing to train on."""


class VocabError(W2VError):
    """The vocabulary is empty or a vocabulary file is malformed."""


class CheckpointError(W2VError):
    """A checkpoint is missing, corrupt, from another format version, or incompatible."""


class RunError(W2VError):
    """A run folder is in use, holds another run, or lacks what the operation needs."""


class DivergenceError(W2VError):
    """Training produced NaN or inf weights."""


class VectorsError(W2VError):
    """A vectors file is malformed, or a query word is out of vocabulary."""


class Interrupted(W2VError):
    """SIGINT or SIGTERM arrived. ``details``: ``out`` (the run folder) and ``resumable``
    (whether a checkpoint lets ``resume`` continue), so the CLI can print the command, and
    ``signal`` (its number; SIGINT when absent) for the exit code."""


def describe(error: BaseException, flag) -> tuple[str, int]:
    """The one line and exit code a command-line user gets for ``error``: settings rendered
    by ``flag(key)`` (config errors name the key too, since the value may come from a TOML
    file); 2 for a usage error, 128 + the signal for an interruption (130 for SIGINT, 143 for
    SIGTERM, as a shell reports a process a signal ended), 1 otherwise.

    >>> describe(ConfigError("{=dim} must be positive"), lambda k: "--" + k)
    ('dim (--dim) must be positive', 2)
    """
    if isinstance(error, ConfigError):
        return error.render(lambda key: f"{key} ({flag(key)})"), 2
    if isinstance(error, UsageError):
        return error.render(flag), 2
    if isinstance(error, Interrupted):
        out = shlex.quote(error.details.get("out", ""))
        launch = error.details.get("launch", "")  # "mpiexec -n 4 " for a distributed run
        how = f"; continue with: {launch}w2v train {{=out}} {out} {{=resume}}"
        text = error.template + (how if error.details.get("resumable") else "")
        return W2VError(text).render(flag), 128 + int(error.details.get("signal", SIGINT))
    if isinstance(error, W2VError):
        return error.render(flag), 1
    if isinstance(error, MemoryError):
        return W2VError("out of memory; try a smaller {=dim} or {=max_vocab}").render(flag), 1
    if isinstance(error, OSError):
        return f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), 1
    return (f"internal error: {type(error).__name__}: {error} (rerun with "
            + W2VError("{=debug}").render(flag) + " for the traceback and report it)"), 1
