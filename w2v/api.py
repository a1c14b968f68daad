"""The Python API: ``w2v.training`` and ``w2v.load``, for notebooks and scripts.

``train`` is ``w2v train`` without the command line: the same session (``training.session``),
the same run folder, the same errors (``W2VError`` subclasses, raised rather than printed;
``str(error)`` names settings by their keyword, ``dim``), progress drawn by the CLI's renderer
with ``tqdm.auto`` (a widget in a notebook) unless ``quiet``, and each event handed to
``on_event``. Settings are ``Config``'s fields as keywords, or a ``Config`` or TOML file as
``config`` (keywords override it).

An iterable corpus (strings, or lists of tokens) is written to ``RUN/spooled-corpus.txt``
(``spool.py``) and trained from there, through the same one-pass encoder as a file: a list of
token lists trains exactly like the file with the same lines. The file is kept, because
resuming or extending the run reads the corpus again from it; delete it (or the folder) when
the run is done with.
"""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path

from w2v import spool
from w2v.config import Config
from w2v.errors import Interrupted, RunError, UsageError
from w2v.run.rundir import RunDir
from w2v.vectors.vectors import Vectors


class Run:
    """A run folder after training: ``path``, the vector ``files`` written this time,
    ``vectors`` (loaded on first use), and what its ``state.json`` holds (``state``,
    ``config``, ``losses``). ``Run("runs/x")`` opens any finished run."""

    def __init__(self, path, files=()):
        self.path = Path(path)
        self.files = [Path(f) for f in files]

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r})"

    @cached_property
    def vectors(self) -> Vectors:
        return Vectors.load(self.path)

    @property
    def state(self) -> dict:
        """The run's state.json: its config, corpus, position, loss and score history."""
        return RunDir(self.path).read_state()

    @property
    def config(self) -> Config:
        return Config(**self.state["config"])

    @property
    def losses(self) -> list[float]:
        """The mean loss of each epoch, in order."""
        return list(self.state["loss_history"]["epoch"])


def load(path) -> Vectors:
    """Vectors from a run folder, a ``.npy`` beside ``vocab.txt``, or a word2vec text or binary
    or GloVe file (optionally gzipped), told apart by content (``Vectors.load``)."""
    return Vectors.load(path)


def train(corpus=None, out=None, *, config=None, resume: bool = False, force: bool = False,
          init=None, quiet: bool = False, on_event=None, **settings) -> Run:
    """Train word vectors into the run folder ``out`` and return the ``Run``.

    ``corpus``: a text file (a str or path; ``.gz``, ``.bz2``, ``.xz`` too), a list of ``Path``
    objects, or an iterable of sentences, each a string or a list of tokens (then ``out`` is
    needed). ``settings``: ``Config`` keywords (``dim=100, epochs=5``), over ``config`` (a
    ``Config``, a dict or a TOML file). ``resume`` continues the run in ``out`` (no corpus needed;
    more ``epochs`` extend a finished run), ``force`` replaces it, ``init`` starts from another
    run's vectors, or fine-tunes a vectors file's (``freeze=True`` keeps them fixed: README,
    "Fine-tuning published vectors"). ``on_event(event)`` sees every ``w2v.training.events``
    event.
    """
    from w2v.commands import train_folder  # training's modules: not needed by ``load``
    from w2v.settings import explicit_settings
    from w2v.training.session import run as run_session

    in_memory = corpus is not None and not spool.is_files(corpus)
    if in_memory and out is None:
        raise UsageError("sentences given in memory need a run folder: give {=out}")
    if in_memory and resume:
        raise UsageError("{=resume} continues on the run's own corpus: give no corpus")
    files = [] if corpus is None else ["sentences"] if in_memory else _paths(corpus)
    out = train_folder(files, out, resume, force, init)
    if isinstance(config, Config):  # replace: an lr at arch's default follows a new arch
        given = config.replace(**explicit_settings(None, settings)).to_dict()
    else:
        given = explicit_settings(_values(config), settings)
    if in_memory:
        files = [_spool(corpus, out, force, given if init is None else None)]
    with _renderer(quiet, files, out) as renderer:
        def both(event):
            renderer(event)
            if on_event is not None:
                on_event(event)

        try:
            written = run_session(given, files, out, resume=resume, force=force,
                                  init=init, on_event=both)
        except Interrupted as e:
            raise _how_to_resume(e, out) from None
    return Run(out, written)


def _values(config) -> dict | None:
    """The settings of ``config``: a dict of them, or a TOML file's path."""
    from w2v.settings import load_toml

    return config if config is None or isinstance(config, dict) else load_toml(config)


def _paths(corpus) -> list[str]:
    return [str(corpus)] if not isinstance(corpus, (list, tuple)) else [str(p) for p in corpus]


def _spool(sentences, out: Path, force: bool, settings: dict | None) -> str:
    """Write the sentences into the run folder, once the settings are known to be valid (when
    they can be checked alone: not with ``init``, whose run supplies the rest) and the folder
    is free: its lock is held while writing, and a folder holding a run is left alone unless
    ``force`` (as the session itself would refuse)."""
    if settings is not None:
        Config(**settings)
    rundir = RunDir(out)
    with rundir.lock():
        if rundir.has_checkpoint() and not force:
            raise RunError(f"{rundir.path} already holds a run; use {{=resume}} to continue "
                           "it, {=force} to replace it, or choose another {=out}")
        return str(spool.write(sentences, rundir.path / spool.SPOOL))


def _renderer(quiet: bool, corpus: list[str], out):
    """The CLI's progress renderer drawing with ``tqdm.auto``: bars in a notebook (its output
    is no terminal, so the renderer is told), a bar on a terminal, log lines otherwise."""
    from tqdm.auto import tqdm

    from w2v import __version__
    from w2v.progress import Renderer

    return Renderer(quiet=quiet, tty=True if _in_notebook() else None, version=__version__,
                    corpus=corpus, out=out, tqdm_class=tqdm)


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (the test ``tqdm.autonotebook`` makes)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _how_to_resume(error: Interrupted, out) -> Interrupted:
    """The interruption, with the call that continues it (the CLI prints its command)."""
    if not error.details.get("resumable"):
        return error
    return Interrupted(f"{error.template}; continue with w2v.train(out={str(out)!r}, "
                       "resume=True)", **error.details)
