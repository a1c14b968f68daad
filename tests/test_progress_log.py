"""Progress in a log file (not a terminal): the training line says the share of the epoch and,
apart, of the run or of the epochs added to it; counting prints a line every few seconds.
References: the shares worked by hand from the events' word counts."""

import io

import pytest

from w2v import demo, progress
from w2v.config import Config
from w2v.progress import Renderer, counting_line, progress_line
from w2v.training import events, session


def test_an_extension_reports_its_own_share_not_the_whole_run():
    """Epoch 6 of 7, 1,000 words an epoch, 5,000 done before the extension, 5,300 now:
    30% of the epoch, 15% of epochs 6-7 (300 of 2,000); never the run's 76%."""
    e = events.Progress(5300, 7000, 6, 7, 0.02, 3.0, 10.0, 300, 1000, 5000)
    line = progress_line(e)
    assert line.startswith("epoch 6/7: 30% of the epoch, 15% of epochs 6-7 (")
    assert "76%" not in line
    one = events.Progress(5300, 6000, 6, 6, 0.02, 3.0, 10.0, 300, 1000, 5000)
    assert progress_line(one).startswith("epoch 6/6: 30% of the epoch added (")


def test_a_run_reports_the_epoch_and_the_run_apart():
    e = events.Progress(3700, 5000, 4, 5, 0.02, 3.0, 10.0, 700, 1000)
    assert progress_line(e).startswith("epoch 4/5: 70% of the epoch, 74% of the run (")


def test_counting_prints_a_line_every_few_seconds():
    """A counting event a second for 20 s: a line at 0, 5, 10, 15 and 20 s, each with the
    share of the input, the rate and what is left."""
    now = [0.0]
    out = io.StringIO()
    renderer = Renderer(out, tty=False, clock=lambda: now[0])
    for t in range(21):
        now[0] = float(t)
        renderer(events.Counting(tokens=10_000 * (t + 1), bytes_read=5 * t + 1, bytes_total=101))
    lines = out.getvalue().splitlines()
    assert len(lines) == 21 // progress.COUNT_EVERY + 1 == 5
    assert lines[2] == counting_line(events.Counting(110_000, 51, 101), 10.0)
    assert lines[2] == "counting: 110.0k tokens, 50% of the input (11.0k tokens/s, eta 0m09s)"


def test_a_real_extension_logs_the_share_of_its_new_epochs(tmp_path, monkeypatch):
    from w2v.training.local import LocalTrainer

    monkeypatch.setattr(LocalTrainer, "chunk_words", 2048)  # several lines an epoch
    corpus = demo.write(tmp_path / "demo.txt", 30_000)
    out = tmp_path / "run"
    session.run(Config(dim=8, epochs=2, min_count=2, threads=1), [corpus], out)
    log = io.StringIO()
    renderer = Renderer(log, tty=False, clock=iter(range(0, 10**6, 60)).__next__)
    session.run({"epochs": 4}, [], out, resume=True, on_event=renderer)
    lines = [x for x in log.getvalue().splitlines() if "% of the epoch" in x]
    assert lines and all("of epochs 3-4" in x for x in lines)
    last = [x for x in lines if x.startswith("epoch 4/4")][-1]
    assert "100% of the epoch, 100% of epochs 3-4" in last
    assert lines[0].startswith("epoch 3/4:") and int(lines[0].split("of the epoch, ")[1]
                                                     .split("%")[0]) < 50


@pytest.mark.parametrize("total", [None, 0])
def test_counting_a_stream_shows_bytes_read(total):
    line = counting_line(events.Counting(2_000_000, 3_500_000, total), 2.0)
    assert line == "counting: 2.0M tokens, 3.5MB read (1.0M tokens/s)"


def test_the_first_counting_line_has_a_rate_only_when_time_has_passed():
    """The clock starts when the run is configured (counting starts then), not at the first
    counting event: the demo's first line said '43.9G tokens/s' over a clock that had not moved."""
    now = [0.0]
    out = io.StringIO()
    renderer = Renderer(out, tty=False, clock=lambda: now[0], version="x", corpus=["c"], out="r")
    renderer(events.Configured(Config().to_dict(), resumed=False))
    now[0] = 2.0
    renderer(events.Counting(tokens=200_000, bytes_read=50, bytes_total=100))
    assert out.getvalue().splitlines()[-1] == \
        "counting: 200.0k tokens, 50% of the input (100.0k tokens/s, eta 0m02s)"
    assert counting_line(events.Counting(201_800, 67, 100), 0.0) == \
        "counting: 201.8k tokens, 67% of the input"
