"""Start-up costs of a training process: what it imports (``python -X importtime`` is the
tool; here, the modules present after a run, in a fresh interpreter)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys
from w2v.training import session
corpus, out = sys.argv[1], sys.argv[2]
session.run({"dim": 8, "epochs": 1, "min_count": 1, "threads": 1}, [corpus], out)
heavy = sorted(m for m in ("scipy.linalg", "matplotlib", "sklearn", "gensim", "pandas")
               if m in sys.modules)
import numba, numpy as np
import numba.np.arraymath as arraymath
blas = arraymath._HAVE_BLAS

@numba.njit
def dot(a, b):
    return np.dot(a, b)  # BLAS: numba imports scipy.linalg itself, now that it is needed

a = np.arange(4.0)
print(json.dumps({"heavy": heavy, "blas": blas, "dot": dot(a, a)}))
"""


def test_training_loads_no_scipy_linalg_and_numba_keeps_blas(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c d e a b c\n" * 200)
    r = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(tmp_path / "run")],
                       capture_output=True, text=True, cwd=ROOT, check=True)
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got == {"heavy": [], "blas": True, "dot": 14.0}, r.stderr[-2000:]
