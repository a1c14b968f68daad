"""w2v: a fast, trustworthy word2vec (skip-gram with negative sampling) trainer."""

from importlib import metadata
from pathlib import Path


def _version() -> str:
    """The version in pyproject.toml, the only place it is written: from the installed package's
    metadata, else (a source tree on sys.path, not installed) from the pyproject.toml beside the
    package, else a PEP 440 placeholder. importlib.metadata adds ~15 ms to ``w2v --help`` (65
    against 50 ms) and imports neither numpy nor numba."""
    try:
        return metadata.version("w2v")
    except metadata.PackageNotFoundError:
        pass
    try:
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib
        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        if project.get("name") == "w2v":
            return project["version"]
    except (ImportError, OSError, ValueError, KeyError):
        pass
    return "0+unknown"


__version__ = _version()
