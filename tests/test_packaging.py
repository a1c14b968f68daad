"""Packaging hygiene: numba's cache stays out of the package folder, the version has one source,
and pyproject's license is the SPDX form that setuptools no longer warns about."""

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import w2v
from w2v import demo

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(w2v.__file__).resolve().parents[1]
PACKAGE = ROOT / "w2v"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _copy_package(dest: Path) -> Path:
    """A fresh copy of the w2v sources without any __pycache__, so no earlier run's cache files
    (or a cache already up to date in the package folder) can hide where numba writes."""
    shutil.copytree(PACKAGE, dest / "w2v", ignore=shutil.ignore_patterns("__pycache__"))
    return dest / "w2v"


def _numba_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".nbi", ".nbc"))


@pytest.mark.parametrize("numba_first", [False, True], ids=["w2v-first", "numba-first"])
def test_numba_cache_goes_to_user_cache_not_package(tmp_path, numba_first):
    """Train with the compiled kernel from a copy of the package; the cache must land in
    $XDG_CACHE_HOME/w2v/numba, also when numba was imported (with no cache folder) first."""
    package = _copy_package(tmp_path / "src")
    corpus = demo.write(tmp_path / "d.txt", 5_000)
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(XDG_CACHE_HOME=str(tmp_path / "xdg"), PYTHONPATH=str(tmp_path / "src"))
    args = ["train", str(corpus), "--out", str(tmp_path / "run"), "--epochs", "1", "--dim", "8",
            "--threads", "1", "--kernel", "numba", "-q"]
    code = (f"{'import numba; ' if numba_first else ''}"
            "import w2v.cli, w2v.kernels.numba.compose as k; "
            f"assert k.__file__.startswith({str(package)!r}), k.__file__; w2v.cli.main({args!r})")
    subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, check=True,
                   capture_output=True)
    assert (tmp_path / "run" / "vectors.npy").exists()
    assert _numba_files(package) == []
    cached = _numba_files(tmp_path / "xdg" / "w2v" / "numba")
    assert any(p.name.startswith("compose.") and p.suffix == ".nbi" for p in cached)
    assert any(p.suffix == ".nbc" for p in cached)


def test_user_numba_cache_dir_is_kept(tmp_path):
    """A NUMBA_CACHE_DIR set by the user wins over the XDG folder, in numba's own config too."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "mine"),
               XDG_CACHE_HOME=str(tmp_path / "xdg"), PYTHONPATH=str(ROOT))
    code = ("import numba, w2v.kernels.numba.compose; from numba.core import config; "
            "print(config.CACHE_DIR)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == str(tmp_path / "mine")


def test_version_is_pyproject_version():
    assert w2v.__version__ == _pyproject()["project"]["version"]


def _version_of_copy(tmp_path, pyproject: str | None, site: bool) -> str:
    """w2v.__version__ from a copy of the package in ``tmp_path``, with ``pyproject`` beside it
    (or none), and with (``site``) or without (python -S) the installed package's metadata."""
    _copy_package(tmp_path)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    cmd = [sys.executable, *([] if site else ["-S"]), "-c", "import w2v; print(w2v.__file__, "
           "w2v.__version__)"]
    out = subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=str(tmp_path)), cwd=tmp_path,
                         capture_output=True, text=True, check=True)
    where, version = out.stdout.split()
    assert Path(where).parent == tmp_path / "w2v"
    return version


W2V_9 = '[project]\nname = "w2v"\nversion = "9.8.7"\n'
OTHER_9 = '[project]\nname = "other"\nversion = "9.8.7"\n'


@pytest.mark.parametrize(("pyproject", "site", "expected"), [
    (W2V_9, True, "9.8.7"),  # a source tree wins over (possibly stale) installed metadata
    (W2V_9, False, "9.8.7"),
    (OTHER_9, True, "metadata"),  # someone else's pyproject.toml is not ours
    (None, True, "metadata"),  # an installed wheel: no pyproject.toml beside the package
    (None, False, "0+unknown"),  # neither
], ids=["tree-over-metadata", "tree-only", "other-project", "wheel", "neither"])
def test_version_sources(tmp_path, pyproject, site, expected):
    if expected == "metadata":
        expected = metadata.version("w2v")
    assert _version_of_copy(tmp_path, pyproject, site) == expected


def test_license_is_spdx_with_a_setuptools_that_reads_it():
    """A ``{text = ...}`` table makes setuptools >= 77 print a deprecation box on every install;
    the SPDX string form needs setuptools >= 77 (older ones reject it)."""
    pyproject = _pyproject()
    assert pyproject["project"]["license"] == "MIT"
    (setuptools,) = [r for r in pyproject["build-system"]["requires"] if "setuptools" in r]
    minimum = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", setuptools.replace(" ", ""))
    assert minimum and int(minimum.group(1)) >= 77
