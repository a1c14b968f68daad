"""A full disk, said as such: which file, and what to do.

numpy's ``tofile`` reports a short write as ``OSError("178254 requested and 169138 written")``,
with no errno and no file name; ``os.write`` and ``open`` say ``ENOSPC`` (or ``EDQUOT``, a full
quota). Both become one RunError naming the file and the remedy; other errors pass unchanged.
"""

from __future__ import annotations

import errno
import re
from contextlib import contextmanager

from w2v.errors import RunError

_SHORT_WRITE = re.compile(r"^\d+ requested and \d+ written$")


def is_disk_full(error: OSError) -> bool:
    """Whether ``error`` says the disk (or the user's quota) is full.

    >>> is_disk_full(OSError("178254 requested and 169138 written"))
    True
    >>> is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    True
    >>> is_disk_full(OSError(errno.ENOENT, "No such file or directory"))
    False
    """
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return error.errno is None and bool(_SHORT_WRITE.match(str(error)))


@contextmanager
def disk_full(path, remedy: str):
    """Turn a full disk inside the block into ``RunError("disk full while writing PATH: ...;
    REMEDY")``; ``remedy`` says what to do once space is freed."""
    try:
        yield
    except OSError as e:
        if not is_disk_full(e):
            raise
        raise RunError(f"disk full while writing {path}: free some space there "
                       f"(nothing already written was lost), then {remedy}",
                       path=str(path)) from None
