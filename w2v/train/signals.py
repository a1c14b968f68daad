"""SIGINT and SIGTERM during a training session."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


class SignalTrap:
    """SIGINT/SIGTERM handlers for a session: during ``deferred()`` a signal only sets a flag the
    loop checks between chunks (so a checkpoint is written); otherwise it raises
    KeyboardInterrupt at once. Installed only in the main thread (Python's rule)."""

    def __init__(self):
        self.caught: list[int] = []
        self._defer = False
        self._previous = {}

    def _handler(self, signum, frame):
        self.caught.append(signum)
        if not self._defer:
            raise KeyboardInterrupt

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._handler)
                              for s in (signal.SIGINT, signal.SIGTERM)}
        return self

    def __exit__(self, *exc):
        for s, h in self._previous.items():
            signal.signal(s, h)
        return False

    @contextmanager
    def deferred(self):
        self._defer = True
        try:
            yield
        finally:
            self._defer = False
