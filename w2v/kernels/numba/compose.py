"""The one compiled walk, composed from an input side and a target side.

``compose(inputs, targets)`` builds one ``@njit`` loop over a segment: subsampling, a radius
uniform in [1, window] per kept center, its contexts (never across a sentence break), the
target side's targets and signs (``ns``: the center and K negatives; ``hs``: the center's
path), the lr at this position, and the input side's step (``rows``: each context's row;
``cbow``: one hidden row; ``bag``: each context's bag of rows), which trains the window with
``block.logistic_block``: every term from one snapshot, then -lr times the true gradient.
``reference.compose`` is the same walk in numpy, the specification the tests hold it to.

The sides are modules of ``@inline`` functions, so the composed loop compiles to one function
as if written by hand. They are captured in the closure as *modules*: numba keys a cached
function on its own file and on the pickled closure, and a module pickles by name, so each
composition has its own, stable entry in numba's cache (a captured ``Dispatcher`` would pickle
with a random id: a new compilation and a new cache file on every run). numba does not see
edits to the files a function inlines, so the closure also holds ``SOURCE_DIGEST``, the sha256
of this package's files and ``base.py``: an edit recompiles instead of loading a stale kernel.

Randomness: splitmix64 seeded with the segment's seed. Subsampling and the radii use one
stream, negatives a second one seeded by the first stream's first draw (drawn by every
variant, so that all of them walk the same windows).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numba
import numpy as np

from w2v import jit
from w2v.kernels import base
from w2v.kernels.base import Settings, Tables
from w2v.kernels.numba import ops

INLINED = (*sorted(Path(__file__).parent.glob("*.py")), Path(base.__file__))
SOURCE_DIGEST = hashlib.sha256(b"".join(p.read_bytes() for p in INLINED)).hexdigest()

_composed: dict = {}


def compose(inputs, targets):
    """The compiled ``train(W_in, W_out, ids, keep, out_params, sig, window, in_params,
    lr_start, lr_end, seed) -> (loss sum, count)`` of one (input side, target side), built
    once per process; count is what the input side counts (pairs, or CBOW's windows). The
    order of the arguments is that of the hand-written kernels it replaced: with the target
    side's arrays after ``sig`` and ``window``, nearly the same code ran sg + hs markedly
    slower (docs/benchmarks.md)."""
    key = (inputs.__name__, targets.__name__)
    if key not in _composed:
        _composed[key] = _walk(inputs, targets, SOURCE_DIGEST)
    return _composed[key]


def _walk(inputs, targets, digest):
    @numba.njit(nogil=True, fastmath=True, cache=True, error_model="numpy")
    def train(W_in, W_out, ids, keep, out_params, sig, window, in_params, lr_start, lr_end,
              seed):
        digest  # noqa: B018 (in the cache key, see the module docstring)
        state, neg_state, kept, m_kept = ops.start_segment(ids, keep, seed)
        contexts = np.empty(2 * window, dtype=np.int32)
        rows, signs, out_buffers = targets.start(neg_state, out_params)
        hidden, slots, coef, grad = inputs.buffers(W_in, window, targets.max_targets(out_params),
                                                   in_params)
        loss = 0.0
        count = 0
        for t in range(m_kept):
            c = kept[t]
            if c < 0:
                continue
            b = 1 + int(ops.splitmix64(state) % np.uint64(window))
            m = ops.gather_window(kept, m_kept, t, b, contexts)
            if m == 0:
                continue
            n_t = targets.select(c, rows, signs, out_buffers, neg_state, out_params, W_out)
            targets.prefetch(W_out, kept, m_kept, t, out_params)
            inputs.prefetch(W_in, kept, m_kept, t, window, in_params)
            lr = np.float32(ops.lr_at(lr_start, lr_end, t, m_kept))
            loss, n = inputs.step(W_in, W_out, contexts, m, rows, signs, n_t, sig, lr, hidden,
                                  slots, coef, grad, in_params, loss)
            count += n
        return loss, count

    return train


class NumbaKernel:
    """A composed kernel (``base.Kernel``); ``kernel(inputs, targets)`` makes the class of one
    composition. Releases the GIL (Hogwild threads)."""

    nogil = True
    inputs = targets = None  # the side modules, set by ``kernel``

    def __init__(self, tables: Tables, settings: Settings):
        self.train = compose(self.inputs, self.targets)
        self.keep, self.sig, self.window = tables.keep, tables.sigmoid, settings.window
        self.in_params = self.inputs.params(tables, settings)
        self.out_params = self.targets.params(tables, settings)
        self.output_rows = self.targets.output_rows(tables)

    def needs_compile(self) -> bool:
        return jit.needs_compile(self.train)

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        return self.train(W_in, W_out, ids, self.keep, self.out_params, self.sig, self.window,
                          self.in_params, lr_start, lr_end, seed)


def kernel(inputs, targets) -> type:
    """The kernel class of ``inputs`` and ``targets`` (side modules), e.g. ``SkipGramNS``."""
    return type(inputs.NAME + targets.NAME, (NumbaKernel,),
                {"inputs": inputs, "targets": targets, "__module__": __name__})
