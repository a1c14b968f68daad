import functools
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def pytest_collection_modifyitems(config, items):
    if SHARED_DATA.is_dir():
        return
    skip = pytest.mark.skip(reason=f"{SHARED_DATA} is absent")
    for item in items:
        if "shared_data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def shared_data() -> Path:
    return SHARED_DATA


@pytest.fixture
def signal_at_chunk(monkeypatch):
    """``signal_at_chunk(n, signum)``: ``interrupts.interrupt_at_chunk`` with this test's
    monkeypatch."""
    from interrupts import interrupt_at_chunk

    return functools.partial(interrupt_at_chunk, monkeypatch)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """A run folder trained once per session on 30,000 demo tokens (12-d, one epoch, one
    thread), for tests that read or export vectors and must not change them."""
    from click.testing import CliRunner

    from w2v import demo
    from w2v.cli import main

    root = tmp_path_factory.mktemp("small-run")
    corpus = demo.write(root / "d.txt", 30_000)
    args = ["train", str(corpus), "--out", str(root / "run"), "--dim", "12", "--epochs", "1",
            "--threads", "1", "-q"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return root / "run"
