"""The checks and parsers of single setting values, apart from the settings themselves
(``config``): a value's type against its field's hint, its range or choices, and the two
settings with a small syntax of their own (``save``'s formats, ``checkpoint_every``'s interval).
Each error names the setting as ``{=key}``, which the command line renders as its flag.
"""

from __future__ import annotations

import math
import re
import types
import typing

from w2v.errors import ConfigError

SAVE_FORMATS = ("npy", "bin", "txt")  # what ``save`` chooses from, in the order written


def save_formats(text: str) -> tuple[str, ...]:
    """The formats of a ``save`` value, in ``SAVE_FORMATS`` order, each once.

    >>> save_formats("txt, npy,txt")
    ('npy', 'txt')
    """
    given = [part.strip() for part in str(text).split(",")]
    unknown = [g for g in given if g not in SAVE_FORMATS]
    if unknown or not given:
        raise ConfigError(f"{{=save}} must be formats from {', '.join(SAVE_FORMATS)} separated "
                          f"by commas (at least one), got {text!r}")
    return tuple(f for f in SAVE_FORMATS if f in given)


def type_ok(value, hint) -> bool:
    if typing.get_origin(hint) is tuple:  # tuple[str, ...]: a TOML array or repeated flag
        return isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return any(type_ok(value, h) for h in typing.get_args(hint))
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def type_name(hint) -> str:
    if typing.get_origin(hint) is tuple:
        return "a list of strings"
    return " or ".join(getattr(h, "__name__", str(h)) for h in typing.get_args(hint) or (hint,))


def check_limits(f, value) -> None:
    lo_hi, choices = f.metadata.get("range"), f.metadata.get("choices")
    if lo_hi and not lo_hi[0] <= value <= lo_hi[1]:
        raise ConfigError(f"{{={f.name}}} must be between {lo_hi[0]} and {lo_hi[1]}, got {value}")
    if choices and value not in choices:
        raise ConfigError(
            f"{{={f.name}}} must be one of {', '.join(map(repr, choices))}, got {value!r}")


_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600}
_WORDS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9}


def parse_interval(text) -> tuple[str, float]:
    """Parse ``checkpoint_every``: ("seconds", n) for "90s"/"10m"/"1h", ("words", n) for
    "200000"/"500k"/"5M" or an integer.

    >>> parse_interval("10m"), parse_interval("5M"), parse_interval(600)
    (('seconds', 600.0), ('words', 5000000.0), ('words', 600.0))
    """
    m = _INTERVAL.match(str(text))
    if m and m.group(2) in _SECONDS:
        kind, n = "seconds", float(m.group(1)) * _SECONDS[m.group(2)]
    elif m and m.group(2) in _WORDS:
        kind, n = "words", float(m.group(1)) * _WORDS[m.group(2)]
    else:
        raise ConfigError(
            "{=checkpoint_every} must be a time like '90s', '10m', '1h' or a word count like "
            f"'500k', '5M', 600, got {text!r}"
        )
    if n <= 0:
        raise ConfigError(f"{{=checkpoint_every}} must be positive, got {text!r}")
    return kind, n


LR_MULTIPLIERS = {"n": lambda n: n, "n/2": lambda n: max(1.0, n / 2), "sqrt": math.sqrt}


def lr_multiplier(text, ranks: int) -> float:
    """What ``sync_lr`` multiplies each rank's lr by on ``ranks`` ranks: a positive number, or
    "n" (the number of ranks), "n/2" (at least 1), "sqrt" (its square root).

    >>> [lr_multiplier(m, 8) for m in ("n", "n/2", "sqrt", 2, "0.5")]
    [8.0, 4.0, 2.8284271247461903, 2.0, 0.5]
    """
    spelled = str(text).strip().lower()
    if spelled in LR_MULTIPLIERS:
        return float(LR_MULTIPLIERS[spelled](ranks))
    try:
        value = float(spelled)
    except ValueError:
        value = math.nan
    if not 0 < value <= 1_000:
        raise ConfigError(f"{{=sync_lr}} must be a number in (0, 1000] or one of "
                          f"{', '.join(LR_MULTIPLIERS)}, got {text!r}")
    return value
