"""Where numba caches the compiled kernel: a per-user folder, never inside the installed package.

With ``@numba.njit(cache=True)`` and no NUMBA_CACHE_DIR, numba writes ``*.nbi``/``*.nbc`` files
into the ``__pycache__`` folder beside the source, i.e. ``site-packages/w2v/__pycache__/`` after a
regular ``pip install``. They are not in the wheel's RECORD, so uninstalling (or switching the
venv to an editable install) leaves ``site-packages/w2v/`` behind, and Python then imports that
leftover folder as an empty namespace package which shadows the real one (``cannot import name
'__version__' from 'w2v' (unknown location)``).

So the cache goes to ``$NUMBA_CACHE_DIR`` if the user set it, else ``$XDG_CACHE_HOME/w2v/numba``,
else ``~/.cache/w2v/numba`` (the XDG default). numba picks a function's cache folder once, when
``@njit(cache=True)`` decorates it, from ``numba.core.config.CACHE_DIR``; that value is read
from NUMBA_CACHE_DIR when numba is first imported and re-read before a compilation if any
NUMBA_* variable changed. Hence this module runs at import, before the first decoration
(w2v.kernels imports it ahead of numba), and sets both: the variable, so later re-reads and
child processes agree, and ``CACHE_DIR`` itself when numba was imported earlier by someone else,
in which case the variable alone would come too late. A folder already in ``CACHE_DIR`` (set by
the user through the variable, ``.numba_config.yaml`` or code) is kept.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path


def choose(environ: Mapping[str, str]) -> str:
    """The cache folder for this environment: NUMBA_CACHE_DIR, else the XDG cache home's
    ``w2v/numba``. A relative XDG_CACHE_HOME is ignored, as the XDG spec asks.

    >>> choose({"NUMBA_CACHE_DIR": "/mine", "XDG_CACHE_HOME": "/xdg"})
    '/mine'
    >>> choose({"XDG_CACHE_HOME": "/xdg", "HOME": "/home/ann"})
    '/xdg/w2v/numba'
    >>> choose({"XDG_CACHE_HOME": "rel", "HOME": "/home/ann"})
    '/home/ann/.cache/w2v/numba'
    """
    if environ.get("NUMBA_CACHE_DIR"):
        return environ["NUMBA_CACHE_DIR"]
    xdg = environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "w2v", "numba")
    home = environ.get("HOME") or str(Path.home())
    return os.path.join(home, ".cache", "w2v", "numba")


def configure() -> str:
    """Point numba's cache at ``choose(os.environ)`` unless a folder is already set; returns the
    folder numba will use for functions decorated from now on."""
    config = sys.modules.get("numba.core.config")
    if config is not None and config.CACHE_DIR:
        return config.CACHE_DIR
    folder = os.environ["NUMBA_CACHE_DIR"] = choose(os.environ)
    if config is not None:
        config.CACHE_DIR = folder
    return folder


CACHE_DIR = configure()
