#!/usr/bin/env python3
"""Which vector instructions the compiled walks use: compiles each composition (for rows of
``--dim`` floats) into a throw-away numba cache (numba shows no assembly for a
function it loaded from its cache) and counts, in ``inspect_asm``'s output, the floating-point
multiply-adds and adds by register width: zmm = 16 float32 lanes (AVX-512), ymm = 8,
xmm = 4 or one scalar (``ss``). ``--dump DIR`` writes each assembly listing there.

Usage:
  python scripts/kernel_asm.py --dim 100 --combos sg-ns sg-hs cbow-ns cbow-hs
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSTRUCTION = re.compile(r"\s+(v(?:fn?madd|fn?msub|add|mul)\w*)\s+.*%([xyz]mm)\d+\s*$")


def count(asm: str) -> dict:
    """{(instruction kind, width): count}: kind 'fma' or 'add/mul', width 'zmm', 'ymm', 'xmm
    packed' or 'scalar'."""
    out: collections.Counter = collections.Counter()
    for line in asm.splitlines():
        m = INSTRUCTION.match(line)
        if not m or m.group(1).endswith(("sd", "pd")):
            continue  # float64 (the loss sum) is not in the row loops
        kind = "fma" if "madd" in m.group(1) or "msub" in m.group(1) else "add/mul"
        width = "scalar" if m.group(1).endswith("ss") else m.group(2) + (
            " packed" if m.group(2) == "xmm" else "")
        out[kind, width] += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--combos", nargs="+", default=["sg-ns", "sg-hs", "cbow-ns", "cbow-hs"])
    ap.add_argument("--dump", type=Path, help="write each listing into this folder")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NUMBA_CACHE_DIR"] = tmp  # before numba is imported: compile, do not load
        sys.path.insert(0, str(HERE.parent))
        import numpy as np

        from w2v.kernels.base import Settings, Tables, output_rows
        from w2v.kernels.numba.compose import compose
        from w2v.kernels.registry import make_kernel

        tables = Tables(np.arange(20, 0, -1), 210, 1e-3)
        ids = np.tile(np.arange(20, dtype=np.int32), 3)
        widths = ["zmm", "ymm", "xmm packed", "scalar"]
        print(f"row length {args.dim}; float32 instructions in the walk's assembly "
              f"({', '.join(widths)})")
        for combo in args.combos:
            arch, loss = combo.split("-")
            k = make_kernel(arch, loss, "numba", tables, Settings(negative=5 * (loss == "ns")))
            walk = compose(k.inputs, k.targets)
            W_in = np.full((20, args.dim), 0.01, np.float32)
            W_out = np.zeros((output_rows(loss, 20), args.dim), np.float32)
            walk(W_in, W_out, ids, k.keep, k.out_params, k.sig, k.window, k.in_params,
                 0.025, 0.025, 1)
            asm = next(iter(walk.inspect_asm().values()))
            name = combo
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                (args.dump / f"{name}.s").write_text(asm)
            n = count(asm)
            cells = "; ".join(f"{kind} " + " / ".join(str(n[kind, w]) for w in widths)
                              for kind in ("fma", "add/mul"))
            print(f"{name:16} {len(asm.splitlines()):5} lines; {cells}")


if __name__ == "__main__":
    main()
