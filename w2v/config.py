"""Training settings: one frozen dataclass, TOML loading, strict overrides.

Defaults are word2vec.c's and gensim's skip-gram defaults (see ``configs/default.toml`` for the
reason behind each). A TOML file uses the same keys as the command-line flags (with ``_``
for ``-``); unknown keys and wrong types are errors that name the key.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass, fields
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from w2v.errors import ConfigError


@dataclass(frozen=True)
class Config:
    dim: int = 100
    window: int = 5
    negative: int = 5
    sample: float = 1e-3
    min_count: int = 5
    max_vocab: int = 0  # 0: no limit
    epochs: int = 5
    lr: float = 0.025
    min_lr: float = 0.0001
    loss: str = "ns"  # "ns" (negative sampling) or "softmax" (the seed's naive softmax)
    kernel: str = "numba"  # "numba" (compiled, threaded) or "numpy" (the readable reference)
    threads: int = 0  # 0: all cores
    seed: int = 1
    lowercase: bool = False
    max_sentence_length: int = 1000
    checkpoint_every: str = "10m"  # a time ("90s", "10m", "1h") or a word count ("5M", "200000")

    def __post_init__(self):
        _validate(self)

    def replace(self, **changes) -> Config:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


# Settings that do not change the trained vectors (with threads=1 resume is bit-identical;
# with more threads the run is non-deterministic anyway), so resume may change them.
RESUMABLE_CHANGES = frozenset({"threads", "checkpoint_every"})

LIMITS = {
    "dim": (1, 10_000),
    "window": (1, 1_000),
    "negative": (1, 1_000),
    "min_count": (1, 10**12),
    "max_vocab": (0, 10**9),
    "epochs": (1, 100_000),
    "threads": (0, 1_024),
    "max_sentence_length": (1, 10**7),
}


def _validate(cfg: Config) -> None:
    for f in fields(cfg):
        value = getattr(cfg, f.name)
        want = {"int": int, "float": float, "str": str, "bool": bool}[f.type]
        ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
            object.__setattr__(cfg, f.name, float(value))
        if not ok:
            raise ConfigError(f"{f.name} must be {f.type}, got {value!r}")
    for name, (lo, hi) in LIMITS.items():
        value = getattr(cfg, name)
        if not lo <= value <= hi:
            raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}")
    if not cfg.lr > 0 or cfg.lr > 100:
        raise ConfigError(f"lr must be > 0 (and sane), got {cfg.lr}")
    if not 0 <= cfg.min_lr <= cfg.lr:
        raise ConfigError(f"min_lr must be between 0 and lr ({cfg.lr}), got {cfg.min_lr}")
    if not 0 <= cfg.sample < 1:
        raise ConfigError(f"sample must be in [0, 1), got {cfg.sample}")
    if cfg.loss not in ("ns", "softmax"):
        raise ConfigError(f"loss must be 'ns' or 'softmax', got {cfg.loss!r}")
    if cfg.kernel not in ("numba", "numpy"):
        raise ConfigError(f"kernel must be 'numba' or 'numpy', got {cfg.kernel!r}")
    if cfg.loss == "softmax" and cfg.kernel != "numpy":
        object.__setattr__(cfg, "kernel", "numpy")  # only the reference kernel has softmax
    parse_interval(cfg.checkpoint_every)


_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600}
_WORDS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9}


def parse_interval(text: str) -> tuple[str, float]:
    """Parse ``checkpoint_every``: ("seconds", n) for "90s"/"10m"/"1h", ("words", n) for
    "200000"/"500k"/"5M".

    >>> parse_interval("10m"), parse_interval("5M")
    (('seconds', 600.0), ('words', 5000000.0))
    """
    m = _INTERVAL.match(str(text))
    if m and m.group(2) in _SECONDS:
        kind, n = "seconds", float(m.group(1)) * _SECONDS[m.group(2)]
    elif m and m.group(2) in _WORDS:
        kind, n = "words", float(m.group(1)) * _WORDS[m.group(2)]
    else:
        raise ConfigError(
            f"checkpoint_every must be a time like '90s', '10m', '1h' or a word count like "
            f"'500k', '5M', got {text!r}"
        )
    if n <= 0:
        raise ConfigError(f"checkpoint_every must be positive, got {text!r}")
    return kind, n


def load_toml(path: str | Path) -> dict:
    """Read a TOML config; keys are checked when the Config is built."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}") from None
    return data


def make_config(file_values: dict | None = None, overrides: dict | None = None) -> Config:
    """Defaults, then the file's values, then the flags given (``None`` means not given)."""
    known = {f.name for f in fields(Config)}
    values = {}
    for source, items in (("config file", file_values or {}), ("option", overrides or {})):
        for key, value in items.items():
            if value is None:
                continue
            name = key.replace("-", "_")
            if name not in known:
                raise ConfigError(
                    f"unknown {source} key {key!r}; known keys: {', '.join(sorted(known))}"
                )
            values[name] = value
    return Config(**values)


def format_config(cfg: Config) -> str:
    """The resolved config as TOML lines, printed at the start of a run."""
    lines = []
    for key, value in cfg.to_dict().items():
        text = ("true" if value else "false") if isinstance(value, bool) else repr(value)
        if isinstance(value, str):
            text = f'"{value}"'
        lines.append(f"{key} = {text}")
    return "\n".join(lines)
