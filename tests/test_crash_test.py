"""scripts/crash_test.py sizes its run to the kills asked for, so it cannot end before the last
one however fast the kernel is (it used to train a fixed 15 epochs, and ended after 8 of 20
kills once the kernel got faster)."""

import doctest
import importlib.util
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "crash_test.py"
_spec = importlib.util.spec_from_file_location("crash_test", SCRIPT)
crash_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(crash_test)


def test_crash_test_doctests():
    result = doctest.testmod(crash_test)
    assert result.attempted >= 1 and result.failed == 0


@given(
    kills=st.integers(1, 200),
    max_wait=st.floats(0.1, 30.0),
    epoch_seconds=st.floats(0.01, 600.0),
    margin=st.floats(1.0, 3.0),
)
def test_epochs_outlast_the_kills_and_are_the_fewest(kills, max_wait, epoch_seconds, margin):
    """Against the definition: the run's training exceeds margin x kills x max-wait seconds,
    and one epoch fewer would not (unless that leaves no epoch at all)."""
    epochs = crash_test.epochs_for(kills, max_wait, epoch_seconds, margin)
    needed = margin * kills * max_wait
    assert epochs >= 1
    assert epochs * epoch_seconds > needed * (1 - 1e-12)
    assert epochs == 1 or (epochs - 1) * epoch_seconds <= needed * (1 + 1e-12)
