"""The final vectors of a run: ``vectors.npy`` (beside ``vocab.txt``), word2vec text and binary,
written as one atomic group, so an interrupted export leaves all three old files (or none)
rather than some new and some missing."""

from __future__ import annotations

import numpy as np

from w2v.text.vocab import Vocab
from w2v.train.rundir import RunDir
from w2v.util.atomic import atomic_group
from w2v.vectors.formats import write_records


def write_vectors(rundir: RunDir, vocab: Vocab, W_in: np.ndarray) -> list[str]:
    """Write the three files; return their paths."""
    paths = [rundir.vectors(n) for n in ("vectors.npy", "vectors.txt", "vectors.bin")]
    with atomic_group() as stage:
        with open(stage(paths[0]), "wb") as f:
            np.save(f, W_in)
        for path, binary in zip(paths[1:], (False, True)):
            with open(stage(path), "wb") as f:
                write_records(f, vocab.words, W_in, binary)
    return [str(p) for p in paths]
