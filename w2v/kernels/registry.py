"""Which kernel trains which (architecture, loss, backend), and the one way to build one.

Every kernel is one backend's walk composed of an input side and a target side, so a new
variant is one line of ``KERNELS`` (and, for a new side, one small module or class per backend;
see ``base`` for the contract and docs/design.md). An unsupported combination is an error
naming what exists, never a silent switch to another kernel.

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
from w2v.kernels.base import Kernel, Settings, Tables
from w2v.kernels.numba import bag, cbow, cbow_bag, hs, ns, pairs, rows
from w2v.kernels.numba.compose import kernel as numba_kernel
from w2v.kernels.reference import inputs, targets
from w2v.kernels.reference.compose import kernel as numpy_kernel

ARCHS = {"sg": "skip-gram", "cbow": "CBOW"}

# Each backend's input sides (by what a token's input is, then the architecture) and target
# sides; a kernel is one of each. With subwords (``Config.ngrams``) a token's input is the mean
# of its bag of rows (``Tables.bags``): the same walks with fastText's input sides. With
# ``Config.pairwise`` skip-gram trains a window one pair at a time.
INPUT_SIDES = {
    "rows": {"sg": (rows, inputs.ContextRows), "cbow": (cbow, inputs.CbowHidden)},
    "bags": {"sg": (bag, inputs.Bag), "cbow": (cbow_bag, inputs.CbowBag)},
    "pairs": {"sg": (pairs, inputs.ContextPairs)},
}
TARGET_SIDES = {"ns": (ns, targets.NS), "hs": (hs, targets.HS)}


def _table(sides: dict) -> dict:
    """{(arch, loss, backend): kernel class} of every input side in ``sides`` with every target
    side, on both backends."""
    return {(arch, loss, backend): (numba_kernel(fast_in, fast_out) if backend == "numba"
                                    else numpy_kernel(ref_in, ref_out))
            for arch, (fast_in, ref_in) in sides.items()
            for loss, (fast_out, ref_out) in TARGET_SIDES.items()
            for backend in ("numba", "numpy")}


KERNELS = {**_table(INPUT_SIDES["rows"]),  # the seed's naive softmax, numpy only:
           ("sg", "softmax", "numpy"): numpy_kernel(inputs.ContextRows, targets.Softmax)}
BAG_KERNELS = _table(INPUT_SIDES["bags"])
PAIR_KERNELS = _table(INPUT_SIDES["pairs"])

# a token's input: its row, its bag's mean, or its row one pair at a time
INPUTS = {"rows": KERNELS, "bags": BAG_KERNELS, "pairs": PAIR_KERNELS}
KINDS = {"rows": "", "bags": " with subwords", "pairs": " one pair at a time"}


def inputs_of(cfg) -> str:
    """The input side a config trains: "bags" with n-gram rows (``Config.ngrams``), "pairs"
    with ``Config.pairwise``, else "rows"."""
    if cfg.ngrams:
        return "bags"
    return "pairs" if cfg.pairwise else "rows"


def available(inputs: str = "rows") -> str:
    """The supported combinations in words, e.g. 'skip-gram + ns on numba or numpy'."""
    groups: dict[tuple[str, str], list[str]] = {}
    for arch, loss, backend in INPUTS[inputs]:
        groups.setdefault((arch, loss), []).append(backend)
    return ", ".join(f"{ARCHS.get(a, a)} + {loss} on {' or '.join(b)}"
                     for (a, loss), b in groups.items())


def check_supported(arch: str, loss: str, backend: str, inputs: str = "rows") -> None:
    """Raise ``ConfigError`` unless a kernel exists for (arch, loss, backend) with ``inputs``
    (``INPUTS``' keys: "rows", "bags" for subwords, "pairs"); for validating a configuration
    before anything is built."""
    if (arch, loss, backend) not in INPUTS[inputs]:
        raise ConfigError(
            f"no {backend} kernel for {ARCHS.get(arch, arch)} with the {loss} loss"
            f"{KINDS[inputs]}; "
            f"kernels exist for: {available(inputs)}"
        )


def make_kernel(arch: str, loss: str, backend: str, tables: Tables, settings: Settings,
                inputs: str = "rows") -> Kernel:
    """The kernel for (arch, loss, backend), built on the run's shared ``tables``; ``inputs``
    "bags" reads ``tables.bags`` (subwords), "pairs" trains one pair at a time.

    >>> k = make_kernel("sg", "ns", "numpy", Tables([3, 2, 1], 6, 0.0), Settings(window=2))
    >>> type(k).__name__, k.output_rows, k.nogil
    ('SkipGramNS', 3, False)
    """
    check_supported(arch, loss, backend, inputs)
    return INPUTS[inputs][arch, loss, backend](tables, settings)
