"""The command line: Click only. ``app`` holds the group and what every command shares; each
other module registers one group of commands on it, which importing it here does."""

from w2v.cli import (  # noqa: F401 - registers the commands
    classes,
    phrases,
    plot,
    query,
    runs,
    tools,
    train,
)
from w2v.cli.app import main

__all__ = ["main"]
