"""Where a Config comes from, and how it is shown: a TOML file, the settings a user gave, a
resumed run's stored config (only settings that do not change the result may change), the
names word2vec.c and gensim users type, and the TOML lines printed at the start of a run.
"""

from __future__ import annotations

import difflib
import json
import sys
from dataclasses import fields
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from w2v.config import DEPENDENT_DEFAULTS, RESUMABLE_CHANGES, Config, default_of
from w2v.errors import ConfigError

PRESETS = Path(__file__).resolve().parent / "presets"  # shipped with the package


def presets() -> list[str]:
    """The names ``{=config}`` takes besides a path: the package's ``presets/*.toml``."""
    return sorted(p.stem for p in PRESETS.glob("*.toml"))


def config_path(name: str | Path) -> Path:
    """A config file: ``name`` itself when it exists or looks like a path (a folder or a
    suffix in it), else the preset of that name.

    >>> config_path("cbow") == PRESETS / "cbow.toml"
    True
    """
    path = Path(name)
    if path.exists() or path.suffix or len(path.parts) != 1:
        return path
    if (PRESETS / f"{name}.toml").is_file():
        return PRESETS / f"{name}.toml"
    raise ConfigError(f"no config file {name}, and no preset of that name (the presets: "
                      f"{', '.join(presets())})")


def load_toml(path: str | Path) -> dict:
    """Read a TOML config, a file or a preset's name (``config_path``); keys are checked when
    the Config is built."""
    path = config_path(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory") from None
    except UnicodeDecodeError as e:  # TOML is UTF-8 (tomllib raises this, not its own error)
        raise ConfigError(f"config file {path} is not UTF-8 text (byte {e.start}): TOML files "
                          "are UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}") from None
    return data


def explicit_settings(file_values: dict | None = None, overrides: dict | None = None) -> dict:
    """The settings a user gave: the file's values, then the flags (``None``: not given).
    Unknown keys are errors with a did-you-mean."""
    known = [f.name for f in fields(Config)]
    values = {}
    for source, items in (("config file", file_values or {}), ("option", overrides or {})):
        for key, value in items.items():
            if value is None:
                continue
            name = key.replace("-", "_")
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = (f"; did you mean {close[0]!r}?" if close
                        else f"; known keys: {', '.join(known)}")
                raise ConfigError(f"unknown {source} key {key!r}{hint}")
            values[name] = value
    return values


def make_config(file_values: dict | None = None, overrides: dict | None = None) -> Config:
    """Defaults, then the file's values, then the flags given."""
    return Config(**explicit_settings(file_values, overrides))


def stored_config(stored: dict, whose: str) -> Config:
    """The Config a run stored (its state.json's ``config``), or an error that says ``whose``
    it is when this w2v does not read it (a newer or older version's)."""
    try:
        return Config(**stored)
    except TypeError as e:
        raise ConfigError(f"{whose} stored config is not one this w2v reads ({e})") from None


def resume_config(stored: dict, given: dict) -> Config:
    """The config of a resumed run: the stored one, with only ``RESUMABLE_CHANGES`` taken from
    ``given`` (explicit settings); any other given setting that disagrees is refused by name."""
    cfg = stored_config(stored, "the run's")
    for key in sorted(given, key=lambda k: k in DEPENDENT_DEFAULTS):  # arch before its lr
        value = given[key]
        if key in RESUMABLE_CHANGES:
            cfg = cfg.replace(**{key: value})
        elif Config(**{**cfg.to_dict(), key: value}).to_dict()[key] != getattr(cfg, key):
            raise ConfigError(
                f"cannot resume with {{={key}}} = {value!r}: the run was trained with "
                f"{key} = {getattr(cfg, key)!r}, which would change the result"
            )
    return cfg


PEER_NOTES = {  # peers' options that are not one setting of w2v's
    "cbow": "w2v calls word2vec.c's -cbow 1 {=arch} cbow, and -cbow 0 {=arch} sg",
    "sg": "w2v calls gensim's sg=0 {=arch} cbow, and sg=1 {=arch} sg",
    "hs": "w2v calls word2vec.c's -hs 1 and gensim's hs=1 {=loss} hs (alone: w2v does not add "
          "negative sampling to hierarchical softmax, so {=negative} is unused)",
    "binary": "w2v writes vectors.bin (word2vec.c's -binary 1) by default and vectors.txt "
              "when {=save} includes txt",
    "train": "w2v takes the corpus as an argument (word2vec.c's -train): w2v train CORPUS",
    "input": "w2v takes the corpus as an argument (fastText's -input): w2v train CORPUS",
    "output": "w2v calls word2vec.c's and fastText's -output {=out} (a run folder)",
}


def peer_hints(flag) -> dict[str, ConfigError]:
    """What a word2vec.c, gensim or fastText user types (``-size``, ``--vector-size``,
    ``-minCount``), mapped to a message naming w2v's setting, from the peers in the fields'
    metadata; ``flag(key)`` is how the caller spells w2v's own option (typed names equal to it
    are left out). A typed name is attributed to the tools that spell it exactly so (``-window``
    is word2vec.c's, not gensim's ``window``), else to every tool whose name it resembles."""
    owners: dict[str, list] = {}
    for f in fields(Config):
        for tool, name in f.metadata["peers"]:
            bare = name.lstrip("-")
            typed = {"-" + bare, "-" * 2 + bare, "-" * 2 + bare.replace("_", "-")}
            for t in typed - {flag(f.name)}:
                owners.setdefault(t, []).append((tool, name, f.name))
    hints = {}
    for typed, found in owners.items():
        exact = [o for o in found if o[1] == typed] or found
        said = " and ".join(f"{tool}'s {name}" for tool, name, _ in exact)
        hints[typed] = ConfigError(f"w2v calls {said} {{={exact[0][2]}}}")
    for name, text in PEER_NOTES.items():
        hints["-" + name] = hints["-" * 2 + name] = ConfigError(text)
    return hints


def format_config(cfg: Config) -> str:
    """The resolved config as TOML lines, printed at the start of a run; ``threads`` and
    ``kernel`` show what is actually used, and a setting whose default depends on another
    (``lr`` on ``arch``) says when it is that default."""
    shown = {**cfg.to_dict(), "threads": cfg.workers, "kernel": cfg.backend}
    lines = []
    for key, value in shown.items():
        text = ("true" if value else "false") if isinstance(value, bool) else repr(value)
        if isinstance(value, str):
            text = f'"{value}"'
        if isinstance(value, list):
            text = "[" + ", ".join(json.dumps(v) for v in value) + "]"
        note = {"threads": "  # 0: all cores", "kernel": "  # auto"}.get(key, "")
        if getattr(cfg, key) != value and note:
            text += note
        driver = DEPENDENT_DEFAULTS.get(key, ("",))[0]
        if driver and value == default_of(key, shown[driver]):
            text += f"  # the default with {driver} {shown[driver]}"
        lines.append(f"{key} = {text}")
    return "\n".join(lines)
