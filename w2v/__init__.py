"""w2v: a fast, trustworthy word2vec (skip-gram with negative sampling) trainer.

The Python API (README, "Python")::

    import w2v
    run = w2v.train("corpus.txt.gz", out="runs/x", dim=100)   # or sentences: lists of tokens
    v = run.vectors                                            # or w2v.load("runs/x")
    v.most_similar(positive=["king", "female"], negative=["male"])

``import w2v`` stays light (``w2v --help`` imports it): the public names are imported on first
use, by the module ``__getattr__`` (PEP 562), so numpy and numba load only to train or query.
"""

import importlib
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


_LAZY = {  # public name -> the module that defines it
    "train": "w2v.api", "load": "w2v.api", "Run": "w2v.api",
    "Config": "w2v.config", "Vectors": "w2v.vectors.vectors", "W2VError": "w2v.errors",
    "phrases": "w2v.text.phrases",
}
_SUBMODULES = ("demo",)
__all__ = ["train", "load", "Run", "Config", "Vectors", "W2VError", "phrases", "demo",
           "__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"w2v.{name}")
    else:
        raise AttributeError(f"module 'w2v' has no attribute {name!r}")
    globals()[name] = value  # once: later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
