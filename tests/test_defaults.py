"""Defaults that depend on another setting, as word2vec.c's: lr on arch (0.025 sg, 0.05 cbow),
negative on loss (5 with ns, unused with hs). A stored config holds the resolved value, so a
resumed run keeps exactly its lr."""

import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main
from w2v.config import Config
from w2v.errors import ConfigError
from w2v.settings import format_config, load_toml, make_config, resume_config


@pytest.mark.parametrize("given, lr", [
    ({}, 0.025), ({"arch": "sg"}, 0.025), ({"arch": "cbow"}, 0.05),  # word2vec.c's -alpha
    ({"arch": "cbow", "lr": 0.025}, 0.025), ({"arch": "sg", "lr": 0.05}, 0.05)])  # given: kept
def test_lr_default_follows_arch_unless_given(given, lr):
    assert make_config(given).lr == lr


def test_replace_lets_a_default_lr_follow_a_new_arch_and_keeps_a_given_one():
    assert Config().replace(arch="cbow").lr == 0.05
    assert Config(lr=0.01).replace(arch="cbow").lr == 0.01
    assert Config(arch="cbow").replace(arch="sg").lr == 0.025


def test_resume_keeps_the_stored_lr_whatever_the_default():
    # a run stored before lr followed arch: cbow with 0.025; resuming must not move it to 0.05
    stored = {**Config(arch="cbow").to_dict(), "lr": 0.025}
    assert resume_config(stored, {}).lr == 0.025
    assert resume_config(stored, {"threads": 1}).lr == 0.025
    assert Config(arch="cbow").to_dict()["lr"] == 0.05  # stored concrete, never None


def test_printed_config_shows_the_resolved_lr_and_why():
    text = format_config(make_config({"arch": "cbow"}))
    assert "lr = 0.05  # the default with arch cbow" in text.splitlines()
    assert "lr = 0.025\n" in format_config(make_config({"arch": "cbow", "lr": 0.025})) + "\n"


def test_hs_alone_needs_no_negative_and_an_explicit_k_is_refused():
    assert make_config({"loss": "hs"}).negative == 0
    assert make_config({"loss": "hs", "negative": 0}).negative == 0
    assert make_config({}).negative == 5
    with pytest.raises(ConfigError, match="negative.*unused with loss hs"):
        make_config({"loss": "hs", "negative": 5})
    assert Config().replace(loss="hs").negative == 0


def test_the_default_preset_does_not_pin_what_follows_arch_or_loss():
    cbow = make_config(load_toml("default"), {"arch": "cbow", "loss": "hs"})
    assert (cbow.lr, cbow.negative) == (0.05, 0)
    cbow_hs = make_config(load_toml("cbow"), {"loss": "hs"})  # the cbow preset, with HS
    assert (cbow_hs.arch, cbow_hs.lr, cbow_hs.negative) == ("cbow", 0.05, 0)
    sg_hs = make_config(load_toml("hs"))
    assert (sg_hs.lr, make_config(load_toml("hs"), {"arch": "cbow"}).lr) == (0.025, 0.05)


def test_cli_help_and_a_cbow_run_show_the_arch_default(tmp_path):
    corpus = demo.write(tmp_path / "d.txt", 20_000)
    help_text = CliRunner().invoke(main, ["train", "--help"]).output
    assert "0.025 sg, 0.05" in " ".join(help_text.split())
    r = CliRunner().invoke(main, ["train", str(corpus), "--out", str(tmp_path / "run"),
                                  "--arch", "cbow", "--loss", "hs", "--epochs", "1",
                                  "--dim", "8", "--threads", "1"])
    assert r.exit_code == 0, r.output
    assert "lr = 0.05  # the default with arch cbow" in r.output
    assert "negative = 0  # the default with loss hs" in r.output
