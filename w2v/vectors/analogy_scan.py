"""The search behind analogy evaluation: for each question (a, b, c), the k rows w with the
largest 3CosAdd score cos(w, b - a + c), best first, ties to the lower row (the more frequent
word), as ``topk.top_rows`` orders them.

Questions share their words: the 19,544 questions of questions-words.txt use 905 words. So
rather than one product of every question's target with the n rows (19,544 × n × d
multiply-adds), the cosines of the question words with the n rows are computed once
(905 × n × d), and a question's scores are three of their rows combined,
u_w·u_b − u_w·u_a + u_w·u_c = u_w·(u_b − u_a + u_c). That is the target's cosine times the
positive factor 1/|u_b − u_a + u_c|, which changes no ranking. A compiled scan adds the three
rows and keeps each question's best k as it goes, so the (questions × n) scores are never
stored. At restrict_vocab 30,000 on wiki-17m's vectors (68k × 100, 11,963 questions in the
vocabulary) this took 0.35 s of one core's time against 1.8 s for the matrix product and a
top-k per row; the top-8 lists were identical.

Columns come in blocks (``BLOCK_FLOATS`` cosines at a time, 64 MB), each question's best k
carried across blocks, so restrict_vocab 300,000 needs no more memory than 30,000. The scan
releases the GIL; the questions are split among threads.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from w2v import jit  # noqa: F401  (before the decoration: the cache's folder)

BLOCK_FLOATS = 1 << 24


@numba.njit(cache=True, nogil=True)
def _scan(cos, offset, a, b, c, vals, idx, lo, hi):  # pragma: no cover - compiled
    """Questions lo..hi-1 over one block of columns (``offset`` is its first row): insert
    each score above the question's k-th best, after the scores equal to it (ties keep the
    lower row, which was seen first)."""
    k = vals.shape[1]
    for q in range(lo, hi):
        ra, rb, rc = cos[a[q]], cos[b[q]], cos[c[q]]
        for j in range(cos.shape[1]):
            s = rb[j] - ra[j] + rc[j]
            if s > vals[q, k - 1]:
                i = k - 1
                while i > 0 and vals[q, i - 1] < s:
                    vals[q, i] = vals[q, i - 1]
                    idx[q, i] = idx[q, i - 1]
                    i -= 1
                vals[q, i] = s
                idx[q, i] = offset + j


def best_rows(unit: np.ndarray, questions, k: int, threads: int | None = None) -> np.ndarray:
    """(Q, min(k, n)) rows of ``unit`` (n unit-norm float32 rows) with the best scores of
    each question ``(a, b, c)`` (rows of ``unit``), best first; the inputs are not left out.

    >>> unit = np.eye(3, dtype=np.float32)
    >>> best_rows(unit, [(0, 1, 2)], 2).tolist()   # scores -1, 1, 1: the tie goes to row 1
    [[1, 2]]
    """
    questions = np.asarray(questions, dtype=np.int64).reshape(-1, 3)
    n = len(unit)
    k = min(k, n)
    vals = np.full((len(questions), k), -np.inf, dtype=np.float32)
    idx = np.full((len(questions), k), -1, dtype=np.int64)
    if not len(questions):
        return idx
    slots, local = np.unique(questions, return_inverse=True)
    a, b, c = (np.ascontiguousarray(local.reshape(-1, 3)[:, i]) for i in range(3))
    words = np.ascontiguousarray(unit[slots], dtype=np.float32)
    threads = threads or _cores()
    bounds = np.linspace(0, len(questions), min(threads, len(questions)) + 1).astype(np.int64)
    step = max(1, BLOCK_FLOATS // len(slots))
    with ThreadPoolExecutor(len(bounds) - 1) as pool:
        for start in range(0, n, step):
            cos = words @ np.asarray(unit[start : start + step], dtype=np.float32).T
            jobs = [pool.submit(_scan, cos, start, a, b, c, vals, idx, lo, hi)
                    for lo, hi in zip(bounds[:-1], bounds[1:])]
            for job in jobs:
                job.result()
    return idx


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1
