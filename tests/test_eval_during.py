"""Evaluation during training: the scores stored per epoch equal ``w2v evaluate`` on the same
vectors, scoring changes nothing about training, the settings may change on resume, and bad
files fail before training starts; ``w2v plot --loss`` draws the scores."""

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from interrupts import interrupt_at_chunk

from w2v import demo
from w2v.cli import main
from w2v.config import Config
from w2v.errors import ConfigError
from w2v.settings import format_config, load_toml, make_config
from w2v.training import session
from w2v.vectors.evaluate import evaluate_analogies
from w2v.vectors.vectors import Vectors
from w2v.vectors.word_pairs import evaluate_word_pairs

QUESTIONS = """: family
king queen man woman
prince princess boy girl
emperor empress man woman
boy girl king queen
: drinks
coffee tea coffee tea
unknownword tea coffee tea
"""
PAIRS = "king\tqueen\t9\ncoffee\ttea\t8\nrain\tsnow\t7.5\nking\tcoffee\t1\nrain\tboring\t0.5\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval")
    corpus = demo.write(root / "demo.txt", 40_000)
    (root / "qw.txt").write_text(QUESTIONS)
    (root / "ws.tsv").write_text(PAIRS)
    return corpus, root / "qw.txt", root / "ws.tsv"


def _cfg(qw, ws, **kw):
    return Config(**{**dict(dim=12, epochs=2, min_count=2, threads=1, window=3, seed=2,
                            eval_analogies=(str(qw),), eval_similarity=(str(ws),)), **kw})


def _state(out):
    return json.loads((out / "state.json").read_text())


def _expected(vectors, qw, ws, restrict=30_000):
    """The entry ``w2v evaluate``'s functions give for these vectors."""
    a = evaluate_analogies(vectors, qw, restrict)
    p = evaluate_word_pairs(vectors, ws, restrict)
    return {"analogies": {str(qw): {"total": a["total"]["accuracy"], "seen": a["seen"],
                                    "questions": a["questions"]}},
            "similarity": {str(ws): {"spearman": p["spearman"], "pairs": p["pairs"]}}}


def test_every_epoch_is_scored_like_w2v_evaluate(files, tmp_path):
    """Epoch 1's entry against the vectors after one epoch (a 1-epoch run, then given a
    second), epoch 2's against the final vectors."""
    corpus, qw, ws = files
    out = tmp_path / "run"
    session.run(_cfg(qw, ws, epochs=1), [corpus], out)
    after_one = Vectors.load(out)
    session.run({"epochs": 2}, [], out, resume=True)
    history = _state(out)["eval_history"]
    assert [e["epoch"] for e in history] == [1, 2]
    for entry, vectors in zip(history, (after_one, Vectors.load(out))):
        assert {k: entry[k] for k in ("analogies", "similarity")} == _expected(vectors, qw, ws)
    assert history[0]["analogies"][str(qw)]["questions"] == 6  # all valid lines count
    assert history[0]["analogies"][str(qw)]["seen"] == 5  # unknownword is out of vocabulary


def test_scoring_does_not_change_training(files, tmp_path):
    corpus, qw, ws = files
    plain = tmp_path / "plain"
    session.run(_cfg(qw, ws, eval_analogies=(), eval_similarity=()), [corpus], plain)
    scored = tmp_path / "scored"
    seen = []
    session.run(_cfg(qw, ws), [corpus], scored, on_event=seen.append)
    assert (plain / "vectors.npy").read_bytes() == (scored / "vectors.npy").read_bytes()
    assert _state(plain)["loss_history"] == _state(scored)["loss_history"]
    assert _state(plain)["eval_history"] == []
    done = [e for e in seen if type(e).__name__ == "EpochDone"]
    assert [e.scores for e in done] == _state(scored)["eval_history"]
    assert all(e.eval_seconds >= 0 for e in done)


def test_resume_may_change_the_files_and_keeps_the_history(files, tmp_path, monkeypatch):
    """Interrupted in epoch 2, resumed without the word-pair file: the vectors are those of the
    uninterrupted run, epoch 1 keeps its scores, epochs 2 and 3 score analogies only."""
    from w2v.errors import Interrupted
    from w2v.training.local import LocalTrainer

    corpus, qw, ws = files
    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)  # several chunks per epoch
    cfg = _cfg(qw, ws, epochs=3, checkpoint_every="1h")
    whole = tmp_path / "whole"
    session.run(cfg, [corpus], whole)
    per_epoch = -(-_state(whole)["words_done"] // 3 // 4096)  # about; chunks of an epoch
    out = tmp_path / "pieces"
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, per_epoch + 2)
        with pytest.raises(Interrupted):
            session.run(cfg, [corpus], out)
    assert _state(out)["epoch"] == 1
    session.run({"eval_similarity": []}, [], out, resume=True)
    assert (whole / "vectors.npy").read_bytes() == (out / "vectors.npy").read_bytes()
    history, full = _state(out)["eval_history"], _state(whole)["eval_history"]
    assert history[0] == full[0]
    assert [sorted(e["similarity"]) for e in history] == [[str(ws)], [], []]
    assert [e["analogies"] for e in history] == [e["analogies"] for e in full]


def test_an_undefined_correlation_is_null_in_strict_json(files, tmp_path):
    corpus, qw, _ = files
    flat = tmp_path / "flat.tsv"
    flat.write_text("king\tqueen\t5\ncoffee\ttea\t5\nrain\tsnow\t5\n")
    out = tmp_path / "run"
    session.run(_cfg(qw, flat, epochs=1), [corpus], out)
    text = (out / "state.json").read_text()
    assert "NaN" not in text
    assert json.loads(text)["eval_history"][0]["similarity"][str(flat)] == {
        "spearman": None, "pairs": 3}


@pytest.mark.parametrize("key, content, message", [
    ("eval_analogies", None, "neither a file nor a built-in analogy set"),
    ("eval_analogies", "king queen man woman\n", "before any ': section' line"),
    ("eval_analogies", "just text\n", "no analogy questions"),
    ("eval_similarity", None, "neither a file nor a built-in word-pair set"),
    ("eval_similarity", "google", "is a built-in analogy set"),
    ("eval_similarity", "zzz\tyyy\t3\n", "need at least two"),
])
def test_a_bad_file_fails_before_training(files, tmp_path, key, content, message):
    corpus, qw, ws = files
    bad = tmp_path / "bad.txt"
    if content == "google":
        bad = "google"
    elif content is not None:
        bad.write_text(content)
    out = tmp_path / "run"
    with pytest.raises(ConfigError, match=message) as e:
        session.run(_cfg(qw, ws, **{key: (str(bad),)}), [corpus], out)
    assert e.value.settings()[0] == key
    assert not (out / "checkpoints").exists()


def test_cli_repeatable_flags_print_scores_with_the_loss(files, tmp_path):
    corpus, qw, ws = files
    out = tmp_path / "run"
    r = CliRunner().invoke(main, ["train", str(corpus), "--out", str(out), "--dim", "8",
                                  "--epochs", "2", "--threads", "1", "--min-count", "2",
                                  "--eval-analogies", str(qw), "--eval-analogies", str(qw),
                                  "--eval-similarity", str(ws)])
    assert r.exit_code == 0, r.output
    lines = [line for line in r.stderr.splitlines() if line.startswith("epoch 2/2: mean loss")]
    assert len(lines) == 1 and "qw.txt" in lines[0] and "ws.tsv rho" in lines[0], r.stderr
    assert f'eval_analogies = ["{qw}", "{qw}"]' in r.stderr
    r = CliRunner().invoke(main, ["train", "--help"], terminal_width=200)
    assert "after every epoch; repeatable. [default: none]" in " ".join(r.output.split())
    r = CliRunner().invoke(main, ["train", str(corpus), "--out", str(tmp_path / "x"),
                                  "--eval-similarity", str(tmp_path / "missing.tsv")])
    assert r.exit_code == 2 and "--eval-similarity" in r.output and "neither a file" in r.output


def test_config_takes_lists_and_prints_toml_that_reads_back(tmp_path):
    cfg = make_config({"eval_analogies": ["a b.txt", 'q"w.txt'], "eval_similarity": []})
    assert cfg.eval_analogies == ("a b.txt", 'q"w.txt') and cfg.eval_similarity == ()
    (tmp_path / "c.toml").write_text(format_config(cfg))
    back = load_toml(tmp_path / "c.toml")
    assert back["eval_analogies"] == list(cfg.eval_analogies) and back["eval_similarity"] == []
    assert Config(**json.loads(json.dumps(cfg.to_dict()))) == cfg  # state.json round trip
    for bad in ("qw.txt", [1, 2], ["a", None]):
        with pytest.raises(ConfigError, match="eval_analogies must be a list of strings"):
            make_config({"eval_analogies": bad})


@pytest.mark.shared_data
def test_questions_words_accuracy_equals_gensim_on_trained_vectors(shared_data, tmp_path):
    """The scan gives gensim's numbers on a trained run too (test_evaluate: planted ones)."""
    gensim = pytest.importorskip("gensim")
    out = tmp_path / "run"
    corpus = demo.write(tmp_path / "demo.txt", 40_000)
    session.run(Config(dim=16, epochs=1, threads=1, min_count=2), [corpus], out)
    qw = shared_data / "eval" / "questions-words.txt"
    kv = gensim.models.KeyedVectors.load_word2vec_format(str(out / "vectors.bin"), binary=True)
    ours = evaluate_analogies(Vectors.load(out), qw, 30_000)
    theirs, sections = kv.evaluate_word_analogies(str(qw), restrict_vocab=30_000)
    total = next(s for s in sections if s["section"] == "Total accuracy")
    assert ours["total"]["correct"] == len(total["correct"])
    assert ours["seen"] == len(total["correct"]) + len(total["incorrect"])
    assert math.isclose(ours["total"]["accuracy"] or 0.0, theirs)


def test_plot_loss_draws_the_scores_beside_the_loss(tmp_path, monkeypatch):
    """A third panel: accuracy per epoch on the left axis, rho on a twin axis, None a gap."""
    import matplotlib.figure

    from w2v.vectors import plot

    figures = []
    real = matplotlib.figure.Figure.savefig
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig",
                        lambda fig, *a, **k: (figures.append(fig), real(fig, *a, **k)))
    entry = lambda e, acc, rho: {"epoch": e, "analogies": {"x/qw.txt": {  # noqa: E731
        "total": acc, "seen": 5, "questions": 6}}, "similarity": {"ws.tsv": {
            "spearman": rho, "pairs": 5}}}
    state = {"loss_history": {"epoch": [3.0, 2.5, 2.4], "checkpoint": []},
             "eval_history": [entry(1, 0.2, 0.1), entry(2, None, 0.3), entry(3, 0.6, None)]}
    (tmp_path / "state.json").write_text(json.dumps(state))
    assert plot.plot_loss(tmp_path, tmp_path / "loss.png") == state["loss_history"]
    loss_ax, score_ax, rho_ax = figures[-1].axes
    assert loss_ax.get_title() == "mean loss per epoch"
    assert score_ax.get_title() == "evaluation after each epoch"
    (acc_line,), (rho_line,) = score_ax.get_lines(), rho_ax.get_lines()
    assert acc_line.get_label() == "qw.txt accuracy" and rho_line.get_label() == "ws.tsv rho"
    np.testing.assert_equal(acc_line.get_ydata(), [0.2, np.nan, 0.6])
    np.testing.assert_equal(rho_line.get_ydata(), [0.1, 0.3, np.nan])
    assert rho_ax.get_ylabel() == "Spearman rho" and score_ax.get_ylabel() == "analogy accuracy"
    plot.plot_loss(state["loss_history"], tmp_path / "bare.png")  # no eval: two panels at most
    assert len(figures[-1].axes) == 1
    from w2v.errors import VectorsError

    for damaged in ([5], [{"epoch": "one", "analogies": {"a": {"total": 0.1}}}],
                    [{"epoch": 1, "similarity": {"a": {"rho": 0.1}}}]):
        with pytest.raises(VectorsError, match="evaluation history is damaged"):
            plot.plot_loss({**state, "eval_history": damaged}, tmp_path / "bad.png")


def test_built_in_sets_by_name(files, tmp_path):
    """'google' and 'wordsim353' are the packaged files; the history is keyed by the name."""
    from w2v.vectors.evalsets import DATA

    corpus, _, _ = files
    out = tmp_path / "run"
    session.run(Config(dim=8, epochs=1, min_count=2, threads=1, eval_analogies=("google",),
                       eval_similarity=("wordsim353",)), [corpus], out)
    (entry,) = _state(out)["eval_history"]
    assert list(entry["analogies"]) == ["google"] and list(entry["similarity"]) == ["wordsim353"]
    want = _expected(Vectors.load(out), DATA / "questions-words.txt", DATA / "wordsim353.tsv")
    assert entry["analogies"]["google"] == next(iter(want["analogies"].values()))
    assert entry["similarity"]["wordsim353"] == next(iter(want["similarity"].values()))
    assert entry["analogies"]["google"]["questions"] == 19_544


@pytest.mark.parametrize("key", ["eval_analogies", "eval_similarity"])
def test_a_missing_file_fails_before_the_corpus_is_read(files, tmp_path, key):
    """Nothing is counted or encoded (no corpus.ids left behind) when a file is missing."""
    corpus, qw, ws = files
    out, seen = tmp_path / "run", []
    with pytest.raises(ConfigError, match="nope.txt") as e:
        session.run(_cfg(qw, ws, **{key: (str(tmp_path / "nope.txt"),)}), [corpus], out,
                    on_event=seen.append)
    assert e.value.settings()[0] == key
    assert not any(type(ev).__name__ == "Counting" for ev in seen)
    assert not (out / "corpus.ids").exists()


def test_one_cutoff_during_training_and_in_evaluate_shown_in_both(files, tmp_path):
    """The same default in the setting, the library and the command; with a cutoff that
    drops words, the last epoch's scores (analogies and word pairs) are w2v evaluate's."""
    import inspect

    from w2v.cli.query import evaluate as evaluate_command

    default = Config().eval_restrict_vocab
    option = next(p for p in evaluate_command.params if p.name == "restrict_vocab")
    assert option.default == default
    for function in (evaluate_analogies, evaluate_word_pairs):
        assert inspect.signature(function).parameters["restrict_vocab"].default == default
    corpus, qw, ws = files
    out, cutoff = tmp_path / "run", 112  # coffee is 111th, rain 117th
    r = CliRunner().invoke(main, ["train", str(corpus), "--out", str(out), "--dim", "12",
                                  "--epochs", "1", "--threads", "1", "--eval-analogies",
                                  str(qw), "--eval-similarity", str(ws),
                                  "--eval-restrict-vocab", str(cutoff)])
    assert r.exit_code == 0, r.output
    assert f"among the {cutoff} most frequent words" in r.output
    vectors = Vectors.load(out)
    assert len(vectors) > cutoff
    entry = _state(out)["eval_history"][-1]
    assert {k: entry[k] for k in ("analogies", "similarity")} == _expected(vectors, qw, ws,
                                                                            cutoff)
    assert _expected(vectors, qw, ws, cutoff) != _expected(vectors, qw, ws, len(vectors))
    r = CliRunner().invoke(main, ["evaluate", "--vectors", str(out), "--analogies", str(qw),
                                  "--similarity", str(ws), "--restrict-vocab", str(cutoff)])
    assert r.exit_code == 0, r.output
    assert f"vocabulary cutoff {cutoff} words" in r.output
    pairs = entry["similarity"][str(ws)]["pairs"]
    assert f"{pairs}/5 pairs" in r.output


def test_a_missing_file_on_extension_fails_before_the_corpus_is_encoded_again(files, tmp_path):
    corpus, qw, ws = files
    out = tmp_path / "run"
    session.run(_cfg(qw, ws, epochs=1), [corpus], out)
    assert not (out / "corpus.ids").exists()  # removed at the end: more epochs re-read the text
    with pytest.raises(ConfigError, match="nope.txt"):
        session.run({"epochs": 2, "eval_analogies": [str(tmp_path / "nope.txt")]}, [], out,
                    resume=True)
    assert not (out / "corpus.ids").exists()
