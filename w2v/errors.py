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
    (whether a checkpoint lets ``resume`` continue), so the CLI can print the command."""
