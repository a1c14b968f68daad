"""SIGINT and SIGTERM during a training session, and which one stopped it: a shell reports
128 + the signal's number as the exit code (130 for Ctrl-C, 143 for SIGTERM), so the CLI does
the same (``Interrupted``'s ``signal`` detail)."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


class SignalInterrupt(KeyboardInterrupt):
    """The KeyboardInterrupt the trap raises, with the signal that caused it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def signal_of(error: BaseException) -> int:
    """The signal behind a KeyboardInterrupt: the trap's, else SIGINT (Python's own)."""
    return getattr(error, "signum", signal.SIGINT)


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
            raise SignalInterrupt(signum)

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._handler)
                              for s in (signal.SIGINT, signal.SIGTERM)}
        return self

    @property
    def first(self) -> int:
        """The first signal caught (SIGINT if none was)."""
        return self.caught[0] if self.caught else signal.SIGINT

    def __exit__(self, *exc):
        for s, h in self._previous.items():
            signal.signal(s, h)
        return False

    @contextmanager
    def deferred(self):
        """Signals only noted inside; nested, the outer one still holds after the inner."""
        before, self._defer = self._defer, True
        try:
            yield
        finally:
            self._defer = before
