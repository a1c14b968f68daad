"""Training with subwords (``--subwords``): settings, the run folder (word vectors = the mean
of each word's bag of rows, the whole W_in kept for unknown words), queries through a run,
export to fastText's .vec, and one-thread resume bit for bit."""

import json
import signal

import numpy as np
import pytest
from click.testing import CliRunner
from interrupts import interrupt_at_chunk

from w2v import load
from w2v.cli import main
from w2v.config import Config
from w2v.errors import Interrupted
from w2v.run import checkpoint
from w2v.text.subwords import SubwordSpec
from w2v.training import events, session

SPEC = dict(subwords=True, minn=3, maxn=5, buckets=997)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """~20k tokens of a Zipf vocabulary of inflected stems (walk, walks, walked, ...), so that
    words share n-grams."""
    rng = np.random.default_rng(0)
    stems = ["walk", "talk", "jump", "play", "cook", "paint", "climb", "read", "build", "call",
             "open", "clean", "count", "learn", "print", "start", "turn", "visit", "wash", "want"]
    words = [s + e for s in stems for e in ("", "s", "ed", "ing")]
    p = 1.0 / np.arange(1, len(words) + 1)
    path = tmp_path_factory.mktemp("corpus") / "stems.txt"
    with open(path, "w") as f:
        for _ in range(1_500):
            n = int(rng.integers(4, 22))
            f.write(" ".join(words[i] for i in rng.choice(len(words), n, p=p / p.sum())) + "\n")
    return path


def cfg(**kw):
    base = dict(dim=10, epochs=2, min_count=2, threads=1, seed=5, **SPEC)
    return Config(**{**base, **kw})


def train(config, corpus, out, **kw):
    seen = []
    session.run(config, corpus, out, on_event=seen.append, **kw)
    return seen


@pytest.fixture(scope="module")
def sg_run(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("sg") / "run"
    seen = train(cfg(), [corpus], out)
    return out, seen


def bag_mean(W_in, spec, word, word_id, V):
    rows = spec.rows(word, word_id, V)  # the pure-Python reference of the bag table
    return W_in[rows].astype(np.float64).mean(axis=0)


def test_the_vectors_are_the_means_of_the_bags_in_the_checkpoint(sg_run):
    out, seen = sg_run
    ckpt = checkpoint.latest(out)
    words = load(out).words
    V, spec = len(words), SubwordSpec(3, 5, 997)
    assert ckpt.W_in.shape == (V + 997, 10)
    vectors = np.load(out / "vectors.npy")
    assert vectors.shape == (V, 10)
    for i, w in enumerate(words):
        np.testing.assert_allclose(vectors[i], bag_mean(ckpt.W_in, spec, w, i, V), atol=1e-6)
    assert np.array_equal(np.load(out / "subwords.npy"), ckpt.W_in)
    assert not np.allclose(ckpt.W_in[V:], 0) and np.abs(ckpt.W_in[V:]).max() > 1 / 10
    notes = [e.text for e in seen if isinstance(e, events.Note)]
    assert "n-gram rows: 997 buckets x 10 dimensions x 4 bytes = 0.0 MB of memory " \
           "({=buckets} lowers it)" in notes
    state = json.loads((out / "state.json").read_text())
    assert state["outputs"]["files"]["subwords.npy"]["bytes"] == (out / "subwords.npy").stat(
        ).st_size


def test_an_unknown_word_gets_the_mean_of_its_ngram_rows(sg_run):
    out, _ = sg_run
    vectors = load(out)
    W_in = np.load(out / "subwords.npy")
    V, spec = len(vectors), SubwordSpec(3, 5, 997)
    assert "walkings" not in vectors
    np.testing.assert_allclose(vectors["walkings"],
                               bag_mean(W_in, spec, "walkings", None, V), atol=1e-6)
    assert vectors.similar("walkings", topn=3)  # answered, not UnknownWord
    r = CliRunner().invoke(main, ["similar", str(out), "walkings", "-n", "2"])
    assert r.exit_code == 0 and "walkings is not in the vocabulary: its vector is the mean " \
                                "of its n-gram rows" in r.output


def test_evaluate_scores_unknown_pairs_through_ngrams(sg_run, tmp_path):
    out, _ = sg_run
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("walk\twalks\t9\nwalkings\twalked\t8\ncook\tpaint\t2\nopener\tcall\t1\n")
    r = CliRunner().invoke(main, ["evaluate", str(out), "--similarity", str(pairs)])
    assert r.exit_code == 0 and "2/4 pairs" in r.output, r.output
    r = CliRunner().invoke(main, ["evaluate", str(out), "--similarity", str(pairs), "--oov",
                                  "subwords", "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)["similarity"][str(pairs)]
    assert (report["pairs"], report["from_ngrams"], report["oov_skipped"]) == (4, 2, 0)


def test_export_to_vec_is_the_word_vectors(sg_run, tmp_path):
    from gensim.models import KeyedVectors

    out, _ = sg_run
    r = CliRunner().invoke(main, ["export", str(out), "-o", str(tmp_path / "w.vec")])
    assert r.exit_code == 0, r.output
    kv = KeyedVectors.load_word2vec_format(tmp_path / "w.vec")
    vectors = load(out)
    assert kv.index_to_key == vectors.words
    np.testing.assert_allclose(kv.vectors, np.load(out / "vectors.npy"), rtol=1e-6, atol=1e-7)


def test_maxn_0_trains_exactly_the_plain_model(corpus, tmp_path):
    plain = tmp_path / "plain"
    train(cfg(subwords=False, epochs=1), [corpus], plain)
    off = tmp_path / "off"
    train(cfg(maxn=0, epochs=1), [corpus], off)
    assert np.array_equal(np.load(plain / "vectors.npy"), np.load(off / "vectors.npy"))
    assert not (off / "subwords.npy").exists()


@pytest.mark.parametrize("args, message", [
    (["--minn", "5", "--maxn", "3"], "must be at most maxn (--maxn), got 5 > 3"),
    (["--buckets", "0"], "needs buckets (--buckets) of at least 1"),
    (["--loss", "softmax"], "trains with loss (--loss) ns or hs, not softmax"),
    (["--arch", "cbow", "--no-cbow-mean"], "cbow_mean (--cbow-mean) must stay on"),
    (["--maxn", "101"], "--maxn"),
])
def test_bad_subword_settings_are_one_line_errors(corpus, tmp_path, args, message):
    r = CliRunner().invoke(main, ["train", str(corpus), "--out", str(tmp_path / "r"),
                                  "--subwords", *args])
    assert r.exit_code == 2 and message in r.output, r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_init_from_a_subword_run_is_refused(sg_run, corpus, tmp_path):
    r = CliRunner().invoke(main, ["train", str(corpus), "--out", str(tmp_path / "r"),
                                  "--init", str(sg_run[0])])
    assert r.exit_code == 1 and "cannot be continued (--init) yet" in r.output, r.output
    plain = tmp_path / "plain"
    train(cfg(subwords=False, epochs=1), [corpus], plain)
    r = CliRunner().invoke(main, ["train", str(corpus), "--out", str(tmp_path / "r2"),
                                  "--init", str(plain), "--subwords"])
    assert r.exit_code == 2 and "does not train n-gram rows yet" in r.output, r.output


@pytest.mark.parametrize("arch, loss", [("sg", "ns"), ("sg", "hs"), ("cbow", "ns"),
                                        ("cbow", "hs")])
def test_resume_is_bit_identical(corpus, tmp_path, arch, loss, monkeypatch):
    """Interrupted twice and resumed, one thread: the same bucket rows and vectors as one run."""
    from w2v.training.local import LocalTrainer

    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)  # several chunks per epoch
    config = cfg(checkpoint_every="8000", epochs=2, arch=arch, loss=loss,
                 negative=0 if loss == "hs" else 5)
    whole = tmp_path / "whole"
    train(config, [corpus], whole)
    out = tmp_path / "pieces"
    for n, sig in ((2, signal.SIGINT), (3, signal.SIGTERM)):
        with monkeypatch.context() as m:
            interrupt_at_chunk(m, n, sig)
            with pytest.raises(Interrupted):
                train(config if n == 2 else {"threads": 1}, [corpus], out, resume=n == 3)
    assert checkpoint.latest(out).W_in.shape[0] > len(load(whole))  # the bucket rows resumed
    train({"threads": 1}, [], out, resume=True)
    for name in ("vectors.npy", "subwords.npy"):
        assert np.array_equal(np.load(whole / name), np.load(out / name))


def test_resume_rewrites_missing_outputs_from_the_checkpoint(corpus, tmp_path):
    """A finished run whose vectors.npy and subwords.npy are gone gets both back, folded."""
    out = tmp_path / "run"
    train(cfg(epochs=1), [corpus], out)
    before = {n: (out / n).read_bytes() for n in ("vectors.npy", "subwords.npy", "vectors.bin")}
    (out / "vectors.npy").unlink()
    (out / "subwords.npy").unlink()
    train({"threads": 1}, [], out, resume=True)
    assert {n: (out / n).read_bytes() for n in before} == before


def test_ngram_settings_without_subwords_are_a_warning(corpus, tmp_path):
    r = CliRunner().invoke(main, ["train", str(corpus), "--out", str(tmp_path / "r"), "--minn",
                                  "2", "--dim", "8", "--epochs", "1", "--threads", "1"])
    assert r.exit_code == 0, r.output
    assert "n-gram settings (--minn) have no effect without --subwords" in r.output
    assert not (tmp_path / "r" / "subwords.npy").exists()


def test_evaluation_during_training_scores_the_word_vectors(corpus, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("walk\twalks\t9\nwalk\twalked\t8\ncook\tpaint\t2\ncall\topen\t1\n")
    out = tmp_path / "run"
    train(cfg(epochs=1, eval_similarity=(str(pairs),)), [corpus], out)
    history = json.loads((out / "state.json").read_text())["eval_history"]
    from w2v.vectors.word_pairs import evaluate_word_pairs

    final = evaluate_word_pairs(load(out), pairs)
    assert history[-1]["similarity"][str(pairs)]["spearman"] == pytest.approx(final["spearman"])


@pytest.mark.parametrize("change, message", [({"buckets": 500}, "buckets = 500"),
                                             ({"subwords": False}, "subwords = False"),
                                             ({"minn": 2}, "minn = 2")])
def test_resume_refuses_changed_ngram_settings(corpus, tmp_path, monkeypatch, change, message):
    """The bucket rows and the bags are the run's: a resume cannot change them."""
    from w2v.errors import ConfigError

    config = cfg(epochs=1)
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, 1)
        with pytest.raises(Interrupted):
            train(config, [corpus], tmp_path)
    with pytest.raises(ConfigError, match=message):
        train(config.replace(**change), [corpus], tmp_path, resume=True)


def test_init_from_a_vectors_file_with_subwords_is_refused(sg_run, corpus, tmp_path):
    r = CliRunner().invoke(main, ["train", str(corpus), "--out", str(tmp_path / "r"),
                                  "--init", str(sg_run[0] / "vectors.bin"), "--subwords"])
    assert r.exit_code == 2 and "does not train n-gram rows yet" in r.output, r.output
