"""The Python API (``w2v.training``, ``w2v.load``, ``Run``): an in-memory corpus trains exactly like
the file with the same lines, is kept so the run can be extended, bad sentences and settings are
the library's errors before anything is written, and ``import w2v`` stays light."""

import io
import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import w2v
from w2v import api, demo
from w2v.errors import ConfigError, CorpusError, Interrupted, RunError, UsageError, W2VError
from w2v.training import events

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"dim": 16, "epochs": 2, "threads": 1, "quiet": True}  # one thread: deterministic


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return demo.write(tmp_path_factory.mktemp("api") / "demo.txt", n_tokens=40_000, seed=3)


@pytest.fixture(scope="module")
def file_run(corpus, tmp_path_factory) -> w2v.Run:
    return w2v.train(corpus, out=tmp_path_factory.mktemp("runs") / "file", **SMALL)


def lines(corpus: Path) -> list[str]:
    return corpus.read_text(encoding="utf-8").splitlines()


def test_token_lists_and_strings_train_exactly_like_the_file(corpus, file_run, tmp_path):
    as_tokens = w2v.train([line.split() for line in lines(corpus)], out=tmp_path / "tok",
                          **SMALL)
    as_strings = w2v.train(iter(lines(corpus)), out=tmp_path / "str", **SMALL)
    for run in (as_tokens, as_strings):
        assert run.vectors.words == file_run.vectors.words
        assert np.array_equal(run.vectors.matrix, file_run.vectors.matrix)
        assert (run.path / "spooled-corpus.txt").read_bytes() == corpus.read_bytes()
        assert run.losses == file_run.losses


def test_a_run_from_sentences_can_be_extended_like_one_from_the_file(corpus, tmp_path):
    """corpus.ids is gone after the run, so the extension reads the spooled corpus again."""
    runs = [w2v.train(corpus, out=tmp_path / "file", **SMALL),
            w2v.train([line.split() for line in lines(corpus)], out=tmp_path / "mem", **SMALL)]
    assert not (runs[1].path / "corpus.ids").exists()
    before = np.array(runs[1].vectors.matrix)
    more = [w2v.train(out=run.path, resume=True, epochs=3, quiet=True) for run in runs]
    assert [m.config.epochs for m in more] == [3, 3]
    assert np.array_equal(more[0].vectors.matrix, more[1].vectors.matrix)
    assert not np.array_equal(more[1].vectors.matrix, before)


@pytest.mark.parametrize("sentences, message", [
    ([["new york", "city"]], "sentence 1 has the token 'new york'"),
    ([["a"], ["b", ""]], "sentence 2 has the token ''"),
    ([["a", 3]], "sentence 1 has a token that is a int"),
    ([b"a b"], "sentence 1 is a bytes"),
    ([["a"], 7], "sentence 2 is a int"),
    ([Path("c.txt"), "a b"], "sentence 1 is a PosixPath"),
    (["a \ud800 b"], "sentence 1 is not valid Unicode"),
])
def test_bad_sentences_are_refused_and_leave_no_folder(tmp_path, sentences, message):
    with pytest.raises(CorpusError, match=message):
        w2v.train(sentences, out=tmp_path / "run", **SMALL)
    assert not (tmp_path / "run").exists()


def test_settings_are_checked_before_the_sentences_are_written(tmp_path):
    with pytest.raises(ConfigError, match="did you mean 'dim'"):
        w2v.train([["a", "b"]], out=tmp_path / "run", dimm=5)
    with pytest.raises(ConfigError, match="dim must be between"):
        w2v.train([["a", "b"]], out=tmp_path / "run", dim=0)
    assert not (tmp_path / "run").exists()


def test_sentences_do_not_replace_a_run_without_force(corpus, tmp_path):
    out = tmp_path / "run"
    w2v.train(lines(corpus), out=out, **SMALL)
    before = (out / "spooled-corpus.txt").read_bytes()
    with pytest.raises(RunError, match="already holds a run"):
        w2v.train(["a b c"] * 10, out=out, **SMALL)
    assert (out / "spooled-corpus.txt").read_bytes() == before
    w2v.train(lines(corpus)[:2000], out=out, force=True, **SMALL)
    assert (out / "spooled-corpus.txt").read_bytes() != before


def test_usage_errors(tmp_path, corpus):
    with pytest.raises(UsageError, match="need a run folder"):
        w2v.train([["a", "b"]])
    with pytest.raises(UsageError, match="continues on the run's own corpus"):
        w2v.train([["a", "b"]], out=tmp_path / "r", resume=True)
    with pytest.raises(UsageError, match="pick one"):
        w2v.train(corpus, out=tmp_path / "r", resume=True, force=True)
    with pytest.raises(CorpusError, match="does not exist"):
        w2v.train(tmp_path / "missing.txt", out=tmp_path / "r")
    assert issubclass(CorpusError, w2v.W2VError) and w2v.W2VError is W2VError


def test_paths_in_a_list_are_files_and_out_defaults_like_the_cli(corpus, tmp_path,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = w2v.train([corpus, corpus], **SMALL)
    assert run.path == Path("runs/demo")
    assert [c["path"] for c in run.state["corpus"]] == [str(corpus.resolve())] * 2


def test_events_reach_the_callback_and_quiet_prints_nothing(corpus, tmp_path, capsys):
    seen = []
    run = w2v.train(corpus, out=tmp_path / "run", on_event=seen.append, **SMALL)
    kinds = [type(e) for e in seen]
    assert kinds[0] is events.Configured and kinds[-1] is events.Written
    assert [e.epoch for e in seen if isinstance(e, events.EpochDone)] == [1, 2]
    assert [e.loss for e in seen if isinstance(e, events.EpochDone)] == run.losses
    assert capsys.readouterr().err == ""
    w2v.train(corpus, out=tmp_path / "loud", **{**SMALL, "quiet": False})
    err = capsys.readouterr().err  # not a terminal: log lines, as the CLI's
    assert "epoch 2/2: mean loss" in err and "vocabulary:" in err


def test_in_a_notebook_bars_are_drawn_with_tqdm_auto(monkeypatch):
    from tqdm.auto import tqdm

    assert api._renderer(False, [], "r").tty is sys.stderr.isatty()
    shell = types.SimpleNamespace(config={"IPKernelApp": {}})
    ipython = types.SimpleNamespace(get_ipython=lambda: shell)
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    renderer = api._renderer(False, [], "r")
    assert renderer.tty is True and renderer.tqdm_class is tqdm


def test_the_renderer_draws_with_the_tqdm_class_given():
    from tqdm import tqdm

    class Bars(tqdm):
        made = 0

        def __init__(self, *args, **kwargs):
            Bars.made += 1
            super().__init__(*args, **kwargs)

    from w2v.progress import Renderer

    stream = io.StringIO()
    with Renderer(stream=stream, tty=True, tqdm_class=Bars) as renderer:
        renderer(events.Progress(50, 100, 1, 1, 0.01, 2.0, 1.0))
        assert isinstance(renderer.bar, Bars) and Bars.made == 1
    assert "training" in stream.getvalue()


def test_an_interruption_says_how_to_continue():
    error = api._how_to_resume(Interrupted("interrupted", out="runs/x", resumable=True), "runs/x")
    assert str(error) == "interrupted; continue with w2v.train(out='runs/x', resume=True)"
    assert error.details["resumable"] is True
    lost = Interrupted("interrupted before the first checkpoint", out="r", resumable=False)
    assert api._how_to_resume(lost, "r") is lost


def test_run_and_load(file_run):
    assert repr(file_run) == f"Run({str(file_run.path)!r})"
    assert [p.name for p in file_run.files] == ["vectors.npy", "vectors.bin"]
    assert file_run.config.dim == 16 and len(file_run.losses) == 2
    reopened = w2v.Run(file_run.path)
    assert np.array_equal(reopened.vectors.matrix, file_run.vectors.matrix)
    binary = w2v.load(file_run.path / "vectors.bin")
    assert binary.words == file_run.vectors.words
    assert np.array_equal(binary.matrix, file_run.vectors.matrix)


CHILD = r"""
import json, sys
import w2v
light = sorted(m for m in ("numpy", "numba", "tqdm", "w2v.api") if m in sys.modules)
names = [n for n in ("train", "load", "Run", "Config", "Vectors", "W2VError") if n in dir(w2v)]
import w2v.run.checkpoint as checkpoint
from w2v.training import session
print(json.dumps({"light": light, "names": names, "callable": callable(w2v.train),
                  "package": w2v.train.__module__ == "w2v.api",
                  "api": w2v.Config.__module__, "version": w2v.__version__}))
"""


def test_import_w2v_is_light_and_w2v_train_stays_callable():
    r = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, cwd=ROOT,
                       check=True)
    got = json.loads(r.stdout)
    assert got == {"light": [], "names": ["train", "load", "Run", "Config", "Vectors",
                                          "W2VError"],
                   "callable": True, "package": True, "api": "w2v.config",
                   "version": w2v.__version__}


def test_config_and_toml_settings_with_keywords_over_them(corpus, tmp_path):
    toml = tmp_path / "small.toml"
    toml.write_text("dim = 12\nepochs = 1\nwindow = 3\n")
    run = w2v.train(corpus, out=tmp_path / "toml", config=toml, dim=10, threads=1, quiet=True)
    assert (run.config.dim, run.config.epochs, run.config.window) == (10, 1, 3)
    cfg = w2v.Config(dim=12, epochs=1, window=3, threads=1)
    run = w2v.train(corpus, out=tmp_path / "cfg", config=cfg, window=4, quiet=True)
    assert run.config == cfg.replace(window=4)
    run = w2v.train(corpus, out=tmp_path / "cbow", config=cfg, arch="cbow", quiet=True)
    assert (run.config.arch, run.config.lr) == ("cbow", w2v.Config(arch="cbow").lr) != (
        "cbow", cfg.lr)  # lr at sg's default follows the arch, as on the command line
    run = w2v.train(corpus, out=tmp_path / "dict", config={"dim": 9, "epochs": 1}, quiet=True)
    assert (run.config.dim, run.config.epochs) == (9, 1)
    with pytest.raises(ConfigError, match="not valid TOML"):
        w2v.train(corpus, out=tmp_path / "bad", config=corpus)


def test_ctrl_c_in_a_notebook_says_how_to_resume_and_the_resumed_run_is_exact(corpus,
                                                                              file_run,
                                                                              tmp_path):
    """A KeyboardInterrupt in on_event stands for Ctrl-C in a notebook cell."""
    def stop_at_first_checkpoint(event):
        if isinstance(event, events.CheckpointSaved):
            raise KeyboardInterrupt

    out = tmp_path / "run"
    with pytest.raises(Interrupted) as caught:
        w2v.train(corpus, out=out, checkpoint_every="20k", on_event=stop_at_first_checkpoint,
                  **SMALL)
    assert str(caught.value).endswith(f"continue with w2v.train(out={str(out)!r}, resume=True)")
    resumed = w2v.train(out=out, resume=True, quiet=True)
    assert np.array_equal(resumed.vectors.matrix, file_run.vectors.matrix)
