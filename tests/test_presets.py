"""The CBOW and hierarchical-softmax presets: valid, what they say they are, every setting
explained, and each trains (on the demo corpus) to the planted analogy."""

from pathlib import Path

import pytest

from w2v import demo
from w2v.settings import load_toml, make_config
from w2v.training.session import run
from w2v.vectors.vectors import Vectors

CONFIGS = Path(__file__).resolve().parents[1] / "w2v" / "presets"


@pytest.mark.parametrize("name, arch, loss, negative, lr", [
    ("cbow.toml", "cbow", "ns", 5, 0.05), ("hs.toml", "sg", "hs", 0, 0.025)])
def test_preset_is_what_it_says_and_explains_every_line(name, arch, loss, negative, lr):
    text = (CONFIGS / name).read_text()
    cfg = make_config(load_toml(CONFIGS / name))
    assert (cfg.arch, cfg.loss, cfg.negative, cfg.lr) == (arch, loss, negative, lr)
    settings = [line for line in text.splitlines() if line and not line.startswith(("#", " "))]
    assert len(settings) >= 10
    assert all("#" in line.split("=", 1)[1] for line in settings), settings  # a reason each


@pytest.mark.parametrize("name", ["cbow.toml", "hs.toml"])
def test_preset_recovers_the_planted_analogy(tmp_path, name):
    corpus = demo.write(tmp_path / "demo.txt", 300_000)
    cfg = make_config(load_toml(CONFIGS / name), {"dim": 50, "threads": 1})
    run(cfg, [corpus], tmp_path / "run")
    v = Vectors.load(tmp_path / "run")
    assert v.analogy("king", "male", "female", topn=1)[0][0] == "queen"


def test_a_preset_by_name_reads_its_file():
    from w2v.settings import presets

    assert {"default", "cbow", "hs", "demo"} <= set(presets())
    assert load_toml("cbow") == load_toml(CONFIGS / "cbow.toml")


def test_preset_names_work_outside_the_repository(tmp_path, monkeypatch):
    """--config cbow from a folder with no configs/ in it; a path still wins over a name."""
    from click.testing import CliRunner

    from w2v.cli import main

    monkeypatch.chdir(tmp_path)
    corpus = demo.write(tmp_path / "d.txt", 20_000)
    args = ["train", str(corpus), "--epochs", "1", "--dim", "8", "--threads", "1"]
    r = CliRunner().invoke(main, [*args, "--config", "cbow", "--out", "a"])
    assert r.exit_code == 0, r.output
    assert 'arch = "cbow"' in r.output
    (tmp_path / "cbow").write_text('arch = "sg"\n')  # a file named like a preset is the file
    r = CliRunner().invoke(main, [*args, "--config", "cbow", "--out", "b"])
    assert r.exit_code == 0 and 'arch = "sg"' in r.output, r.output
    r = CliRunner().invoke(main, [*args, "--config", "nope", "--out", "c"])
    assert r.exit_code == 2 and "no preset of that name" in r.output and "cbow" in r.output
    assert "Traceback" not in r.output
