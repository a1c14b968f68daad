"""scripts/memory_bench.py measures what it says: a child's peak RSS (wait4's ru_maxrss)
against a child that holds a known amount of touched memory, and the phases of its output."""

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "memory_bench.py"
_spec = importlib.util.spec_from_file_location("memory_bench", SCRIPT)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

CHILD = ("import time, numpy as np; a = np.ones(200 * 2**20 // 8); print('held', flush=True); "
         "time.sleep(1); del a; print('freed', flush=True); time.sleep(1)")  # a loaded machine


def test_peak_rss_and_phases_of_a_child_holding_200_mb():
    r = bench.measure([sys.executable, "-c", CHILD], sample=True)
    assert 200 < r["rss_mb"] < 320, r["rss_mb"]  # 200 MB touched, plus the interpreter
    assert [text for _, text in r["lines"]] == ["held", "freed"]
    phases = {text: mb for text, _, mb in bench.phases(r)}
    assert phases["held"] > 200 > phases["freed"]  # sampled VmRSS, by phase
