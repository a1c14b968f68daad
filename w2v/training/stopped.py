"""How a session that stopped early says what it kept, for a single process and for the
ranks of a distributed run alike: an interruption (SIGINT, SIGTERM) and a divergence."""

from __future__ import annotations

import signal

from w2v.errors import DivergenceError, Interrupted
from w2v.run.rundir import RunDir


def interrupted(rundir, signum: int = signal.SIGINT, ranks: int = 1) -> Interrupted:
    """The error for an interruption by ``signum``, saying what was kept; a run of several
    ``ranks`` is continued with its launcher (``launch``, which the CLI prints)."""
    rundir = rundir if isinstance(rundir, RunDir) else RunDir(rundir)
    if rundir.path.is_dir() and rundir.has_checkpoint():
        launch = {"launch": f"mpiexec -n {ranks} "} if ranks > 1 else {}
        return Interrupted(f"interrupted: the latest checkpoint in {rundir.checkpoints} is whole",
                           out=str(rundir.path), resumable=True, signal=int(signum), **launch)
    return Interrupted("interrupted before the first checkpoint: nothing to resume",
                       out=str(rundir.path), resumable=False, signal=int(signum))


def diverged(rundir: RunDir, error: DivergenceError) -> DivergenceError:
    """Say what is kept: the last good checkpoint, or nothing but the vocabulary and corpus.
    Whether every rank raised it together (``collective``) carries over."""
    if rundir.has_checkpoint():
        kept = f"the last good checkpoint in {rundir.checkpoints} is kept"
    else:
        kept = "no checkpoint had been written (only the vocabulary and encoded corpus are kept)"
    new = DivergenceError(f"{error}; {kept}; start again with a lower {{=lr}} "
                          "({=force} replaces this run)", **error.details)
    if getattr(error, "collective", False):
        new.collective = True
    return new
