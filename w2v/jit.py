"""numba's workarounds, in one place: where its cache goes, the BLAS probe a training process
leaves out, and whether a compiled function's first call will compile it.

**The cache folder.** With ``@numba.njit(cache=True)`` and no NUMBA_CACHE_DIR, numba writes
``*.nbi``/``*.nbc`` files into the ``__pycache__`` folder beside the source, i.e.
``site-packages/w2v/__pycache__/`` after a regular ``pip install``. They are not in the wheel's
RECORD, so uninstalling (or switching the venv to an editable install) leaves
``site-packages/w2v/`` behind, and Python then imports that leftover folder as an empty
namespace package which shadows the real one (``cannot import name '__version__' from 'w2v'
(unknown location)``). So the cache goes to ``$NUMBA_CACHE_DIR`` if the user set it, else
``$XDG_CACHE_HOME/w2v/numba``, else ``~/.cache/w2v/numba`` (the XDG default). numba picks a
function's cache folder once, when ``@njit(cache=True)`` decorates it, from
``numba.core.config.CACHE_DIR``; that value is read from NUMBA_CACHE_DIR when numba is first
imported and re-read before a compilation if any NUMBA_* variable changed. Hence this module
runs ``configure`` at import, before the first decoration (every module with compiled code
imports it ahead of numba), and sets both: the variable, so later re-reads and child processes
agree, and ``CACHE_DIR`` itself when numba was imported earlier by someone else, in which case
the variable alone would come too late. A folder already in ``CACHE_DIR`` (set by the user
through the variable, ``.numba_config.yaml`` or code) is kept.

**The BLAS probe.** numba imports ``numba.np.arraymath`` lazily, at the first compiled call
(cache load included), and that module probes for BLAS at import by importing
``scipy.linalg.cython_blas``. w2v's compiled code calls no BLAS, and importing ``scipy.linalg``
costs every run time and memory (measured in docs/benchmarks.md, "Other measurements").
``skip_blas_probe`` imports ``arraymath`` with ``scipy.linalg`` held out of reach, then sets
``_HAVE_BLAS`` to what the probe would have found (whether ``scipy.linalg`` can be imported,
looked up without importing it), so numba code compiled later in the same process still uses
BLAS, which numba then imports on its own when it compiles a call that needs it.

**Will it compile?** numba has no public call that says whether a first call compiles or loads
from the cache; ``needs_compile`` asks the cache's index (see its docstring).
"""

from __future__ import annotations

import importlib.util
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


def skip_blas_probe() -> None:
    """Import numba's ``arraymath`` without ``scipy.linalg`` (see the module docstring); a
    no-op if either is already imported. Call it before the first compiled call."""
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    sys.modules["scipy.linalg"] = None  # "import scipy.linalg..." raises ImportError
    try:
        import numba.np.arraymath as arraymath
    finally:
        del sys.modules["scipy.linalg"]
    try:
        available = importlib.util.find_spec("scipy.linalg") is not None
    except (ImportError, ValueError):
        available = False
    arraymath._HAVE_BLAS = available


def needs_compile(dispatcher) -> bool:
    """Whether the first call of a compiled function will compile it: nothing compiled in this
    process and no entry for this function in numba's cache. Several functions made by one
    factory share one index file, told apart by the hash of their closure, so the entry must
    match this function's code and closure hashes (numba's own ``_index_key`` with no
    signature), not merely exist. numba has no public call for this; if the internals change,
    it says False (no message is better than a wrong one)."""
    if dispatcher.signatures:
        return False
    try:
        cache = dispatcher._cache
        mine = cache._index_key(None, dispatcher.targetctx.codegen())[1:]
        return not any(key[1:] == mine for key in cache._cache_file._load_index())
    except Exception:  # noqa: BLE001 - numba internals; the answer only chooses a message
        return False
