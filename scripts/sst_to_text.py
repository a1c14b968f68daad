#!/usr/bin/env python3
"""Convert the SST ``datasetSentences.txt`` into plain text for ``w2v train``.

The input starts with the header ``sentence_index<TAB>sentence`` and then has one
``index<TAB>sentence`` line per sentence; the output has one sentence per line, without the index
column, in the input's order. The text is copied as is (already tokenized; the ~107 lines with
mis-decoded accents such as ``Ã©`` are kept: they are what the CS224n assignment trains on).
Lowercasing is left to ``w2v train --lowercase`` / ``lowercase = true`` in the config.

Usage:
  python scripts/sst_to_text.py ../shared/data/sst/datasetSentences.txt sst.txt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HEADER = "sentence_index\tsentence"


def convert(src: Path, dst: Path) -> tuple[int, int]:
    """Stream ``src`` into ``dst``; returns (sentences written, malformed lines skipped).

    Raises ValueError when the header is not SST's, so a wrong file is not silently converted.
    """
    written = skipped = 0
    with open(src, encoding="utf-8", errors="replace", newline="") as f:
        header = f.readline().rstrip("\r\n")
        if header != HEADER:
            raise ValueError(f"{src}: expected the header {HEADER!r}, found {header[:60]!r}")
        with open(dst, "w", encoding="utf-8", newline="\n") as g:
            for line in f:
                index, sep, sentence = line.rstrip("\r\n").partition("\t")
                if not sep or not index.strip().isdigit():
                    skipped += 1
                    continue
                g.write(sentence + "\n")
                written += 1
    return written, skipped


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", type=Path, help="SST datasetSentences.txt")
    ap.add_argument("output", type=Path, help="text file to write, one sentence per line")
    args = ap.parse_args(argv)
    try:
        written, skipped = convert(args.input, args.output)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    note = f" (skipped {skipped:,} lines without 'index<TAB>sentence')" if skipped else ""
    print(f"wrote {written:,} sentences to {args.output}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
