#!/usr/bin/env python3
"""Build word2vec.c (and word2phrase.c, distance.c) outside this repository, eof fix applied.

    python scripts/peers.py [--src DIR] [--out /work/peers/word2vec]

The C sources come from ``--src`` (a folder holding word2vec.c, e.g. a checkout of
tmikolov/word2vec) or, by default, from the stored mirror's HEAD (``git archive``). They are
copied into ``--out``, which must lie outside this repository: no peer's code or binary is
ever written here. Each program is compiled as the source's own makefile does it, ``gcc X.c
-o X $(CFLAGS)`` with the makefile's CFLAGS line (``-O3 -march=native -funroll-loops ...``).
The binaries' paths are printed, one per line. Running it again rebuilds only what changed
(a stamp per binary holds the hash of its patched source and flags).

The eof fix. In ``TrainModelThread`` a thread sets its local ``eof`` when it reads the end
of the file, and the block that starts its next epoch (``if (eof || word_count > ...)``,
``local_iter--``, ``fseek`` back to the thread's start) never clears it. So in every later
epoch that thread reads one word, sees ``eof`` still set and ends the epoch at once. It hits
the thread whose share runs into the end of the file before its word quota is reached (the
last one, depending on the data; always the only one with one thread): that share of the
corpus is trained in the first epoch only (docs/benchmarks.md, "Whole runs against peers").
The fix clears it when the epoch restarts; in sed terms::

    sed -i 's/^\\( *\\)if (local_iter == 0) break;/&\\n\\1eof = 0;/' word2vec.c

applied here as a string replacement that must match exactly once (else the build stops).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIRROR = Path("/work/.mirror/tmikolov+word2vec/repo")
DEFAULT_OUT = Path("/work/peers/word2vec")
PROGRAMS = ("word2vec", "word2phrase", "distance")
EOF_ANCHOR = "if (local_iter == 0) break;"
EOF_FIX = "eof = 0;  /* w2v scripts/peers.py: a new epoch starts before the end of file */"


class BuildError(Exception):
    """A source or build problem, shown as one line."""


def patch_eof(source: str) -> str:
    """word2vec.c's text with ``eof = 0;`` after the epoch-restart's ``break`` (see the module
    docstring); already patched text is returned unchanged.

    >>> patch_eof("    if (local_iter == 0) break;\\n      word_count = 0;\\n").splitlines()[1]
    '    eof = 0;  /* w2v scripts/peers.py: a new epoch starts before the end of file */'
    """
    if EOF_FIX in source:
        return source
    lines = source.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.strip() == EOF_ANCHOR]
    if len(hits) != 1:
        raise BuildError(f"word2vec.c: expected one line '{EOF_ANCHOR}', found {len(hits)}; "
                         "is this tmikolov/word2vec's word2vec.c?")
    line = lines[hits[0]]
    indent = line[: len(line) - len(line.lstrip())]
    lines.insert(hits[0] + 1, f"{indent}{EOF_FIX}\n")
    return "".join(lines)


def makefile_cflags(makefile: str) -> list[str]:
    """The ``CFLAGS = ...`` line of the source's makefile, split into arguments."""
    m = re.search(r"^CFLAGS\s*=\s*(.+)$", makefile, re.MULTILINE)
    if not m:
        raise BuildError("makefile: no CFLAGS line")
    return m.group(1).split()


def fetch_sources(src: Path | None, dest: Path) -> None:
    """Copy the makefile and the programs' .c files into ``dest`` from ``src`` or the mirror."""
    if src is None:
        if not MIRROR.is_dir():
            raise BuildError(f"no --src given and no mirror at {MIRROR}")
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(["git", "--git-dir", str(MIRROR), "archive", "HEAD"],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            fetch_sources(Path(tmp), dest)
        return
    names = ["makefile", *(f"{p}.c" for p in PROGRAMS)]
    for name in names:
        if not (src / name).is_file():
            raise BuildError(f"{src / name} not found: --src must be a word2vec source folder")
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(src / name, dest / name)


def build(src: Path | None = None, out: Path = DEFAULT_OUT) -> dict[str, Path]:
    """Fetch, patch and compile into ``out``; returns {program: binary path}."""
    out = out.resolve()
    if out == ROOT or ROOT in out.parents:
        raise BuildError(f"{out} is inside the repository; build peers outside it")
    fetch_sources(src, out / "src")
    source = out / "src" / "word2vec.c"
    source.write_text(patch_eof(source.read_text()))
    cflags = makefile_cflags((out / "src" / "makefile").read_text())
    binaries = {}
    for program in PROGRAMS:
        code = (out / "src" / f"{program}.c").read_bytes()
        stamp = hashlib.sha256(code + " ".join(cflags).encode()).hexdigest()
        binary, stamp_file = out / program, out / f".{program}.stamp"
        fresh = binary.exists() and stamp_file.exists() and stamp_file.read_text() == stamp
        if not fresh:
            cmd = ["gcc", str(out / "src" / f"{program}.c"), "-o", str(binary), *cflags]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                raise BuildError(f"{' '.join(cmd)} failed: {done.stderr.strip()[-500:]}")
            stamp_file.write_text(stamp)
        binaries[program] = binary
    return binaries


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, help="word2vec source folder (default: the mirror)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="build folder, outside "
                    "this repository")
    args = ap.parse_args(argv)
    try:
        binaries = build(args.src, args.out)
    except (BuildError, OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"peers.py: {e}")
    for binary in binaries.values():
        print(binary)


if __name__ == "__main__":
    main()
