"""Training kernels: the SGD inner loops, one per (architecture, loss, backend).

    base.py       the Kernel contract, the count-derived tables every kernel shares
                  (subsampling, noise alias table, sigmoid table), the lr interpolation
    registry.py   (arch, loss, backend) -> kernel class; an unsupported combination raises
    numpy_ref.py  readable numpy references, the specification of the compiled kernels
    numba_ops.py  compiled pieces (random streams, table lookups, the NS block update)
    numba_sg.py   skip-gram + negative sampling composed from numba_ops

The objectives they minimise are in ``w2v.objectives``; ``w2v.objectives.windows`` states the
direction (each context's input row predicts the center, K negatives shared by the window).
"""

from w2v import numba_cache  # noqa: F401  (before any numba import: the cache stays out of site-packages)
