#!/usr/bin/env python3
"""Convert the SST ``datasetSentences.txt`` (``sentence_index<TAB>sentence``, with a header
line) into plain text, one sentence per line, for ``w2v train``.

Usage:
  python scripts/sst_to_text.py ../shared/data/sst/datasetSentences.txt sst.txt
"""

import argparse
import sys
from pathlib import Path


def convert(src: Path, dst: Path) -> int:
    n = 0
    with open(src, encoding="utf-8", errors="replace") as f, open(dst, "w", encoding="utf-8") as g:
        header = f.readline()
        if not header.startswith("sentence_index"):
            sys.exit(f"{src}: expected the header 'sentence_index<TAB>sentence'")
        for line in f:
            _, sep, sentence = line.rstrip("\n").partition("\t")
            if sep:
                g.write(sentence + "\n")
                n += 1
    return n


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    args = ap.parse_args()
    print(f"wrote {convert(args.src, args.dst):,} sentences to {args.dst}")
