"""w2v: a fast, trustworthy word2vec (skip-gram with negative sampling) trainer."""

from pathlib import Path


def _version() -> str:
    """The version written once, in pyproject.toml. A source tree (an editable install, or a
    checkout on sys.path) reads the pyproject.toml beside the package: always current, and ~2 ms
    against importlib.metadata's ~15 ms (``w2v --help`` imports this; neither imports numpy or
    numba). An installed wheel has no pyproject.toml, so its metadata answers; without either
    the version is a PEP 440 placeholder."""
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
    from importlib import metadata

    try:
        return metadata.version("w2v")
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _version()
