"""Local training: one chunk of ids as segments on a pool of threads (Hogwild, as word2vec.c).

The threads update the shared matrices without locks. A chunk is cut into contiguous segments
of about equal length, each cut moved to the next sentence break so that no window loses
context at a cut, each with its own seed and its share of the chunk's lr ramp; with
several threads there are ``segments_per_thread`` segments per thread, taken in turn, so a
thread slowed by another process on a shared machine does not leave the others waiting at
the end of the chunk. With one thread (or a kernel that holds the GIL) a chunk is exactly one
segment, and the result is a deterministic function of the inputs and the chunk's seed.

This is the seam distributed training plugs into: a rank runs its share of the corpus through
the same ``train_chunk``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from w2v.kernels.base import Kernel, lr_at
from w2v.text.encoded import sentence_cut


def segment_seeds(seed: int, parts: int) -> list[int]:
    """Independent per-segment seeds (< 2^63) derived from one chunk seed.

    >>> len(set(segment_seeds(7, 4))), segment_seeds(7, 4)[:1] == segment_seeds(7, 1)
    (4, True)
    """
    ss = np.random.SeedSequence(seed)
    return [int(s) >> 1 for s in ss.generate_state(parts, dtype=np.uint64)]


class LocalTrainer:
    """Runs a kernel on ``threads`` threads; use as a context manager (or ``close()``) to shut
    the pool down. ``chunk_words``: how many ids the training loop hands over per call, about
    0.5 s of work, so progress, Ctrl-C and checkpoints are checked that often."""

    segments_per_thread = 8
    words_per_thread = 1 << 18  # for a compiled kernel: ~0.5 s of training
    reference_chunk_words = 20_000  # for a kernel that runs Python per window

    def __init__(self, kernel: Kernel, threads: int = 1):
        self.kernel = kernel
        self.threads = max(1, int(threads)) if kernel.nogil else 1
        self._pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None

    def needs_compile(self) -> bool:
        """Whether the first call compiles the kernel (so the caller can say so)."""
        return self.kernel.needs_compile()

    @property
    def chunk_words(self) -> int:
        if not self.kernel.nogil:
            return self.reference_chunk_words
        return self.words_per_thread * self.threads

    def train_chunk(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        """Train in place on one chunk; returns (summed loss, number of pairs)."""
        parts = 1 if self.threads == 1 else self.threads * self.segments_per_thread
        parts = max(1, min(parts, len(ids) // 4096))
        bounds = [sentence_cut(ids, int(b)) for b in np.linspace(0, len(ids), parts + 1)]
        lrs = [lr_at(lr_start, lr_end, p, parts) for p in range(parts)] + [lr_end]
        jobs = [(W_in, W_out, ids[bounds[p] : bounds[p + 1]], lrs[p], lrs[p + 1], s)
                for p, s in enumerate(segment_seeds(seed, parts))]
        if parts == 1:
            results = [self.kernel.train_segment(*jobs[0])]
        else:
            results = list(self._pool.map(lambda job: self.kernel.train_segment(*job), jobs))
        return sum(r[0] for r in results), sum(r[1] for r in results)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> LocalTrainer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
