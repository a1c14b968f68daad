"""Training kernels: the SGD inner loops, one per (architecture, loss, backend).

    base.py         the Kernel contract, the count-derived tables every kernel shares
                    (subsampling, noise alias table, sigmoid table, Huffman tree), the lr ramp
    registry.py     (arch, loss, backend) -> kernel class; an unsupported combination raises
    numpy_ref.py    readable numpy references of the skip-gram kernels (the specification of
                    the compiled ones), the walk over windows, and the softmax kernel
    numpy_cbow.py   the same for CBOW
    numba_ops.py    compiled pieces (random streams, table lookups, the walk over windows)
    numba_blocks.py compiled block updates (NS and HS targets, CBOW's hidden row)
    numba_sg.py     skip-gram + negative sampling / hierarchical softmax, composed of both
    numba_cbow.py   CBOW + negative sampling / hierarchical softmax, composed of both

The objectives they minimise are in ``w2v.objectives``; ``w2v.objectives.windows`` states the
direction (each context's input row predicts the center, K negatives shared by the window).
"""

from w2v import numba_cache  # noqa: F401  (before any numba import: the cache stays out of site-packages)
