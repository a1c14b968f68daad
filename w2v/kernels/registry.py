"""Which kernel trains which (architecture, loss, backend), and the one way to build one.

An unsupported combination is an error naming what exists, never a silent switch to another
kernel. A new variant is one line of ``KERNELS`` (see ``base`` for the contract).

>>> sorted(KERNELS)[0]
('cbow', 'hs', 'numba')
>>> available()  # doctest: +NORMALIZE_WHITESPACE
'skip-gram + ns on numba or numpy, skip-gram + hs on numba or numpy, CBOW + ns on numba or
 numpy, CBOW + hs on numba or numpy, skip-gram + softmax on numpy'
>>> check_supported("cbow", "softmax", "numpy")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
w2v.errors.ConfigError: no numpy kernel for CBOW with the softmax loss; kernels exist for: ...
"""

from __future__ import annotations

from w2v.errors import ConfigError
from w2v.kernels import numba_cbow, numba_sg, numpy_cbow, numpy_ref
from w2v.kernels.base import Kernel, Settings, Tables

ARCHS = {"sg": "skip-gram", "cbow": "CBOW"}

KERNELS = {
    ("sg", "ns", "numba"): numba_sg.SkipGramNS,
    ("sg", "ns", "numpy"): numpy_ref.SkipGramNS,
    ("sg", "hs", "numba"): numba_sg.SkipGramHS,
    ("sg", "hs", "numpy"): numpy_ref.SkipGramHS,
    ("cbow", "ns", "numba"): numba_cbow.CbowNS,
    ("cbow", "ns", "numpy"): numpy_cbow.CbowNS,
    ("cbow", "hs", "numba"): numba_cbow.CbowHS,
    ("cbow", "hs", "numpy"): numpy_cbow.CbowHS,
    ("sg", "softmax", "numpy"): numpy_ref.SkipGramSoftmax,  # the seed's teaching path
}


def available() -> str:
    """The supported combinations in words, e.g. 'skip-gram + ns on numba or numpy'."""
    groups: dict[tuple[str, str], list[str]] = {}
    for arch, loss, backend in KERNELS:
        groups.setdefault((arch, loss), []).append(backend)
    return ", ".join(f"{ARCHS.get(a, a)} + {loss} on {' or '.join(b)}"
                     for (a, loss), b in groups.items())


def check_supported(arch: str, loss: str, backend: str) -> None:
    """Raise ``ConfigError`` unless a kernel exists for (arch, loss, backend); for validating
    a configuration before anything is built."""
    if (arch, loss, backend) not in KERNELS:
        raise ConfigError(
            f"no {backend} kernel for {ARCHS.get(arch, arch)} with the {loss} loss; "
            f"kernels exist for: {available()}"
        )


def make_kernel(arch: str, loss: str, backend: str, tables: Tables, settings: Settings) -> Kernel:
    """The kernel for (arch, loss, backend), built on the run's shared ``tables``.

    >>> k = make_kernel("sg", "ns", "numpy", Tables([3, 2, 1], 6, 0.0), Settings(window=2))
    >>> type(k).__name__, k.output_rows, k.nogil
    ('SkipGramNS', 3, False)
    """
    check_supported(arch, loss, backend)
    return KERNELS[arch, loss, backend](tables, settings)
