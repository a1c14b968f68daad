"""What a training process leaves out at start-up: numba's BLAS probe.

numba imports ``numba.np.arraymath`` lazily, at the first compiled call (cache load included),
and that module probes for BLAS at import by importing ``scipy.linalg.cython_blas`` (its
``_HAVE_BLAS``). w2v's compiled code calls no BLAS, and ``scipy.linalg`` costs about 0.2 s on a
quiet machine (0.4-0.9 s on a loaded one) and 12 MB of every run. ``skip_blas_probe`` imports
``arraymath`` with ``scipy.linalg`` held out of reach, then sets ``_HAVE_BLAS`` to what the probe
would have found (whether ``scipy.linalg`` can be imported, looked up without importing it), so
numba code compiled later in the same process still uses BLAS, which numba then imports on its
own when it compiles a call that needs it.
"""

from __future__ import annotations

import importlib.util
import sys


def skip_blas_probe() -> None:
    """Import numba's ``arraymath`` without ``scipy.linalg`` (see the module docstring); a
    no-op if either is already imported."""
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
