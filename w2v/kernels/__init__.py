"""Training kernels: the SGD inner loop, one walk per backend composed from an input side and a
target side.

    base.py      the Kernel contract, the count-derived tables every kernel shares
                 (subsampling, noise alias table, sigmoid table, Huffman tree, each token's
                 input rows), the lr ramp
    registry.py  (arch, loss, backend) -> kernel class, each one line: a walk composed of an
                 input side and a target side, with each token's row or, for subwords, its
                 bag of rows (``inputs``); an unsupported combination raises
    reference/   numpy, the specification: walk.py (random streams, subsampling, the windows),
                 compose.py (the one loop over windows), inputs.py (a context's row | CBOW's
                 hidden row | a bag of rows per token | CBOW's mean of all the bags' rows),
                 targets.py (NS | HS | softmax)
    numba/       compiled, the same semantics: ops.py (streams, tables, the window),
                 block.py (the logistic block), compose.py (the one walk), the input sides
                 rows.py | cbow.py | bag.py | cbow_bag.py and the target sides ns.py | hs.py

The objectives they minimise are in ``w2v.objectives``; ``w2v.objectives.windows`` states the
direction (each context's input row predicts the center, K negatives shared by the window).
"""

from w2v import jit  # noqa: F401  (before any numba import: the cache stays out of site-packages)
