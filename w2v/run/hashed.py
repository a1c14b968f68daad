"""Arrays written and read with their sha256 taken on the way, never by reading gigabytes a
second time: what checkpoints (``checkpoint.py``) and the run's outputs (``export.py``) record,
and what ``w2v info`` and resume verify (``integrity.py``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

BLOCK = 1 << 24  # bytes read or hashed at a time (16 MB)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(BLOCK), b""):
            h.update(block)
    return h.hexdigest()


def write_npy(path: Path, array: np.ndarray) -> str:
    """``np.save(path, array)``, fsync'd; returns the file's sha256. np.save writes a real file
    straight from the array's memory (a file-like wrapper would make it copy 16 MB blocks),
    so the digest is taken from the header it wrote and from the array's memory, which is the
    rest of the file (C order), rather than by reading gigabytes back."""
    with open(path, "wb") as f:  # "wb": np.save takes the direct path for a BufferedWriter only
        np.save(f, array)
        f.flush()
        os.fsync(f.fileno())
        end = f.tell()
    if not array.flags.c_contiguous:  # the file is in C order, the memory is not
        return sha256_file(path)
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read(end - array.nbytes))
    data = memoryview(array.reshape(-1)).cast("B")
    for start in range(0, len(data), BLOCK):
        sha.update(data[start : start + BLOCK])
    return sha.hexdigest()


def read_npy(path: Path) -> tuple[np.ndarray, str]:
    """``np.load(path)`` and the file's sha256, from one read of the file; a header this does
    not read directly (Fortran order, objects) falls back to hashing, then ``np.load``."""
    fmt = np.lib.format
    with open(path, "rb") as f:
        try:
            version = fmt.read_magic(f)
            reader = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}
            shape, fortran, dtype = reader[version](f)
        except (ValueError, KeyError, EOFError):
            fortran, dtype = True, None
        if fortran or dtype.hasobject:
            return np.load(path), sha256_file(path)  # np.load's own error if unreadable
        offset = f.tell()
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if offset + nbytes > os.fstat(f.fileno()).st_size:  # before allocating what it claims
            raise ValueError(f"{path.name} is shorter than its header's {shape} {dtype}")
        sha = hashlib.sha256()
        f.seek(0)
        sha.update(f.read(offset))
        array = np.empty(shape, dtype=dtype)
        view = memoryview(array.reshape(-1)).cast("B")
        done = 0
        while done < len(view):
            n = f.readinto(view[done : done + BLOCK])
            if not n:  # shrunk since the size check
                raise ValueError(f"{path.name} holds {done:,} of its {len(view):,} bytes")
            sha.update(view[done : done + n])
            done += n
        for block in iter(lambda: f.read(BLOCK), b""):  # trailing bytes count in the digest
            sha.update(block)
    return array, sha.hexdigest()
