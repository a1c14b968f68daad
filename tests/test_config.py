from pathlib import Path

import pytest

from w2v.config import Config
from w2v.config_values import parse_interval
from w2v.errors import ConfigError
from w2v.settings import format_config, load_toml, make_config, resume_config

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "w2v" / "presets"


def test_default_toml_matches_dataclass_defaults():
    # the preset default.toml documents the defaults; it must not drift from the code.
    assert make_config(load_toml(CONFIGS / "default.toml")) == Config()


def test_every_shipped_config_loads():
    paths = [*CONFIGS.glob("*.toml"), *(ROOT / "configs").glob("*.toml")]
    assert len(paths) >= 5
    for path in paths:
        make_config(load_toml(path))


def test_flags_override_file():
    cfg = make_config({"dim": 10, "window": 3}, {"dim": 20, "window": None})
    assert (cfg.dim, cfg.window) == (20, 3)


def test_unknown_key_is_named(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("dimm = 10\n")
    with pytest.raises(ConfigError, match="'dimm'"):
        make_config(load_toml(path))


@pytest.mark.parametrize(
    "values, key",
    [
        ({"dim": "10"}, "dim"),
        ({"dim": 1.5}, "dim"),
        ({"lowercase": 1}, "lowercase"),
        ({"epochs": True}, "epochs"),
        ({"dim": 0}, "dim"),
        ({"window": -1}, "window"),
        ({"negative": 0}, "negative"),
        ({"epochs": 10**9}, "epochs"),
        ({"lr": 0.0}, "lr"),
        ({"lr": -1.0}, "lr"),
        ({"min_lr": 1.0}, "min_lr"),
        ({"sample": 1.0}, "sample"),
        ({"loss": "hs", "negative": 5}, "negative"),  # explicit K with hs: refused
        ({"checkpoint_every": "soon"}, "checkpoint_every"),
    ],
)
def test_bad_values_name_the_key(values, key):
    with pytest.raises(ConfigError, match=key):
        make_config(values)


def test_int_accepted_for_float():
    assert make_config({"lr": 1}).lr == 1.0


def test_invalid_toml(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("dim = = 3\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_toml(path)


@pytest.mark.parametrize(
    "text, expected",
    [("90s", ("seconds", 90)), ("10m", ("seconds", 600)), ("1.5h", ("seconds", 5400)),
     ("200000", ("words", 200_000)), ("500k", ("words", 500_000)), ("5M", ("words", 5e6))],
)
def test_parse_interval(text, expected):
    assert parse_interval(text) == expected


def test_unknown_key_suggests_the_closest():
    with pytest.raises(ConfigError, match="did you mean 'min_count'"):
        make_config({"min_cont": 3})


def test_checkpoint_every_takes_an_integer_of_words():
    assert parse_interval(make_config({"checkpoint_every": 600}).checkpoint_every) == (
        "words", 600)


def test_softmax_with_numba_is_refused_and_auto_picks_numpy():
    from w2v.kernels.registry import check_supported

    with pytest.raises(ConfigError, match="softmax"):
        cfg = make_config({"loss": "softmax", "kernel": "numba"})
        check_supported("sg", cfg.loss, cfg.backend)
    assert make_config({"loss": "softmax"}).backend == "numpy"
    assert make_config({}).backend == "numba"


def test_errors_name_the_setting_for_the_cli():
    with pytest.raises(ConfigError) as e:
        make_config({"dim": 0})
    assert e.value.settings() == ["dim"] and str(e.value).startswith("dim must be between")


def test_resume_takes_the_stored_config():
    stored = make_config({"epochs": 10, "dim": 7}).to_dict()
    cfg = resume_config(stored, {})
    assert (cfg.epochs, cfg.dim) == (10, 7)
    assert resume_config(stored, {"threads": 3, "epochs": 10}).threads == 3
    with pytest.raises(ConfigError, match="epochs = 5.*epochs = 10"):
        resume_config(stored, {"epochs": 5})
    assert resume_config(stored, {"lr": 0.025}).lr == 0.025  # equal after conversion: fine


def test_format_config_shows_what_is_used():
    from w2v.config import available_cores

    text = format_config(make_config({}))
    assert f"threads = {available_cores()}" in text and 'kernel = "numba"' in text


def test_non_utf8_toml_is_a_config_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes("dim = 10\n# caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_toml(path)
