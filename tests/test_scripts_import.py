"""Every script in scripts/ imports, and importing it runs nothing (issue 21).

All Python scripts are imported in ONE child process (a script inserts paths into
``sys.path``, which must not leak into this session) from an empty working folder: each must
import without error, print nothing and write no file, and keep its work behind
``if __name__ == "__main__":``. Shell scripts are checked with ``bash -n``. The eof fix of
scripts/peers.py is checked on a copy of word2vec.c's epoch-restart block.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
PY_SCRIPTS = sorted(SCRIPTS.glob("*.py"))
SH_SCRIPTS = sorted(SCRIPTS.glob("*.sh"))

IMPORT_ALL = r"""
import contextlib, importlib.util, io, json, sys, traceback
results = {}
for path in sys.argv[1:]:
    name = "script_" + path.rsplit("/", 1)[-1][:-3]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # dataclasses look their module up here
            spec.loader.exec_module(module)
        error = None
    except BaseException:
        error = traceback.format_exc(limit=3)
    results[path] = {"error": error, "output": out.getvalue()}
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("cwd")
    done = subprocess.run([sys.executable, "-c", IMPORT_ALL, *map(str, PY_SCRIPTS)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(SCRIPTS.parent), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1]), sorted(p.name for p in cwd.iterdir())


def test_there_are_scripts():
    assert len(PY_SCRIPTS) >= 10 and (SCRIPTS / "whole_run_bench.py") in PY_SCRIPTS


@pytest.mark.parametrize("path", PY_SCRIPTS, ids=lambda p: p.name)
def test_script_imports_quietly(imported, path):
    results, _ = imported
    result = results[str(path)]
    assert result["error"] is None, result["error"]
    assert result["output"] == "", f"importing {path.name} printed {result['output'][:300]!r}"


def test_importing_writes_nothing(imported):
    _, written = imported
    assert written == []


@pytest.mark.parametrize("path", PY_SCRIPTS, ids=lambda p: p.name)
def test_script_guards_its_main(path):
    assert 'if __name__ == "__main__":' in path.read_text()


@pytest.mark.parametrize("path", SH_SCRIPTS, ids=lambda p: p.name)
def test_shell_script_parses(path):
    done = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


EPOCH_RESTART = """\
    if (eof || (word_count > train_words / num_threads)) {
      word_count_actual += word_count - last_word_count;
      local_iter--;
      if (local_iter == 0) break;
      word_count = 0;
"""


def test_peers_eof_fix_clears_eof_once():
    sys.path.insert(0, str(SCRIPTS))
    try:
        import peers
    finally:
        sys.path.remove(str(SCRIPTS))
    patched = peers.patch_eof(EPOCH_RESTART)
    lines = patched.splitlines()
    assert lines[4].split("/*")[0].rstrip() == "      eof = 0;"  # right after the break
    assert lines[:4] + lines[5:] == EPOCH_RESTART.splitlines()
    assert peers.patch_eof(patched) == patched  # a second build does not patch twice
    with pytest.raises(peers.BuildError, match="expected one line"):
        peers.patch_eof(EPOCH_RESTART.replace("break;", "continue;"))
