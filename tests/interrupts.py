"""One way for tests to interrupt training: a real signal to this process during the n-th kernel
call after the warm-up call (that first call compiles or loads the kernel), for every session
the test runs while the patch holds. Tests import it (tests/ is on sys.path) or take the
``signal_at_chunk`` fixture (conftest.py)."""

import os
import signal

from w2v.training import session


def interrupt_at_chunk(monkeypatch, n: int, signum: int = signal.SIGINT) -> None:
    real = session.make_kernel

    def make_kernel(cfg, vocab):
        kernel = real(cfg, vocab)
        inner, calls = kernel.train_chunk, []

        def train_chunk(*args):
            calls.append(1)
            if len(calls) == n + 1:
                os.kill(os.getpid(), signum)
            return inner(*args)

        kernel.train_chunk = train_chunk
        return kernel

    monkeypatch.setattr(session, "make_kernel", make_kernel)
