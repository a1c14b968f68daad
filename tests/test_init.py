"""Continued training on new text (``init``): the merged vocabulary against a Counter-based
reference, old-only words bitwise unchanged, a new word trained into its group, the encoded
corpus equal to encoding the text with the merged vocabulary, exact resume, and the errors."""

import dataclasses
import json
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner
from interrupts import interrupt_at_chunk

from w2v import demo
from w2v.cli import main
from w2v.config import Config
from w2v.errors import ConfigError, Interrupted, RunError
from w2v.run import checkpoint
from w2v.text import encoded
from w2v.text.vocab import Vocab
from w2v.training import session
from w2v.training.continued import merge, start_weights
from w2v.training.prepare import init_weights
from w2v.vectors.vectors import Vectors

CFG = Config(dim=16, epochs=3, min_count=2, threads=1, seed=3, checkpoint_every="1h")
DRINKS = {"coffee", "tea", "milk", "juice", "cocoa"}


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    """Old text: the demo corpus. New text: another seed's, without any sentence that has
    "tea" (an old-only word) and with "juice" renamed "smoothie" (a new word)."""
    root = tmp_path_factory.mktemp("init")
    old = demo.write(root / "old.txt", 40_000, seed=0)
    lines = [line.replace("juice", "smoothie") for line in demo.generate(40_000, seed=1)
             if "tea" not in line.split()]
    new = root / "new.txt"
    new.write_text("\n".join(lines) + "\n")
    old_run = root / "old"
    session.run(CFG, [old], old_run)
    return old, new, old_run


def _counts(path):
    return Counter(path.read_text().split())


def test_merge_against_a_counter_reference():
    rng = np.random.default_rng(0)
    for _ in range(20):
        old_counts = Counter({f"w{i}": int(rng.integers(1, 50))
                              for i in rng.choice(60, 30, replace=False)})
        text = Counter({f"w{i}": int(rng.integers(1, 9))
                        for i in rng.choice(60, 40, replace=False)})
        min_count, max_vocab = int(rng.integers(1, 5)), int(rng.choice([0, 10]))
        old = Vocab(*zip(*sorted(old_counts.items(), key=lambda wc: (-wc[1], wc[0]))),
                    total_words=sum(old_counts.values()) + 7)
        text_vocab = Vocab(*zip(*sorted(text.items(), key=lambda wc: (-wc[1], wc[0]))))
        union, remap, added = merge(old, text_vocab, min_count, max_vocab)
        fresh = [w for w in text_vocab.words if text[w] >= min_count][: max_vocab or None]
        want = old_counts + Counter({w: text[w] for w in set(old_counts) | set(fresh)
                                     if w in text})
        assert union.words == sorted(want, key=lambda w: (-want[w], w))
        assert union.counts.tolist() == [want[w] for w in union.words]
        assert union.total_words == old.total_words + sum(text.values())
        assert added == len(set(fresh) - set(old_counts))
        for w, i in text_vocab.index.items():
            assert remap[i] == union.index.get(w, encoded.DROPPED)


def test_start_weights_move_old_rows_and_init_new_ones():
    old = Vocab(["a", "b", "c"], [9, 5, 1])
    union = Vocab(["d", "b", "a", "e", "c"], [20, 9, 9, 3, 1])
    old_in = np.arange(6, dtype=np.float32).reshape(3, 2)
    old_out = -old_in
    W_in, W_out = start_weights(union, old, old_in, old_out, np.random.default_rng(5))
    ref_in, ref_out = init_weights(5, 2, 5, np.random.default_rng(5))
    for w, i in old.index.items():
        assert W_in[union.index[w]].tolist() == old_in[i].tolist()
        assert W_out[union.index[w]].tolist() == old_out[i].tolist()
    for w in ("d", "e"):  # word2vec.c's fresh rows, the draws a fresh run would make
        assert W_in[union.index[w]].tolist() == ref_in[union.index[w]].tolist()
        assert not W_out[union.index[w]].any()


def test_continued_training(texts, tmp_path):
    old_text, new_text, old_run = texts
    out = tmp_path / "new"
    seen = []
    session.run({"keep_ids": True}, [new_text], out, init=old_run, on_event=seen.append)
    before, after = Vectors.load(old_run), Vectors.load(out)
    new_counts, old_vocab = _counts(new_text), Vocab.load(old_run / "vocab.txt")
    vocab = Vocab.load(out / "vocab.txt")
    # the union, with merged counts
    assert set(vocab.words) == set(old_vocab.words) | {w for w, c in new_counts.items()
                                                       if c >= CFG.min_count}
    for w, c in zip(vocab.words, vocab.counts.tolist()):
        old_c = old_vocab.counts[old_vocab.index[w]] if w in old_vocab else 0
        assert c == old_c + new_counts[w]
    # old-only words keep their vectors exactly; the others moved
    absent = [w for w in old_vocab.words if w not in new_counts]
    assert "tea" in absent
    for w in absent:
        assert after.vectors[after.id(w)].tobytes() == before.vectors[before.id(w)].tobytes()
    assert not np.array_equal(after.vectors[after.id("coffee")],
                              before.vectors[before.id("coffee")])
    # the old words' planted structure survives: the analogy, and each probe's nearest word
    # in its own group (drinks, weather, praise, complaint), as before continued training
    groups = [DRINKS | {"smoothie"}, set(demo.TOPICS["weather"]["word"]),
              set(demo.REVIEWS["good"]["adj"]), set(demo.REVIEWS["bad"]["adj"])]
    for v in (before, after):
        assert v.analogy("king", "male", "female", topn=1)[0][0] == "queen"
        for probe, group in zip(("coffee", "rain", "great", "boring"), groups):
            assert v.similar(probe, topn=1)[0][0] in group, (probe, v.similar(probe, topn=3))
    # the new word is trained into its group
    assert "smoothie" not in before and "smoothie" in after
    near = {w for w, _ in after.similar("smoothie", topn=5)}
    assert len(near & DRINKS) >= 3, near
    # provenance, and the same settings as the old run
    state = json.loads((out / "state.json").read_text())
    assert state["init"]["run"] == str(old_run.resolve())
    assert state["init"]["added_words"] == len(set(vocab.words) - set(old_vocab.words)) == 1
    assert state["init"]["absent_words"] == len(absent)
    assert Config(**state["config"]) == dataclasses.replace(CFG, keep_ids=True)
    assert any("1 new words" in getattr(e, "text", "") for e in seen)
    # the encoded corpus is the new text encoded with the merged vocabulary
    ref = tmp_path / "ref.ids"
    encoded.encode([new_text], vocab, ref)
    assert (out / "corpus.ids").read_bytes() == ref.read_bytes()


def test_interrupted_continued_run_resumes_exactly(texts, tmp_path, monkeypatch):
    from w2v.training.local import LocalTrainer

    _, new_text, old_run = texts
    monkeypatch.setattr(LocalTrainer, "chunk_words", 4096)
    whole = tmp_path / "whole"
    session.run({}, [new_text], whole, init=old_run)
    out = tmp_path / "pieces"
    with monkeypatch.context() as m:
        interrupt_at_chunk(m, 5)
        with pytest.raises(Interrupted):
            session.run({}, [new_text], out, init=old_run)
    (out / "corpus.ids").unlink()  # rebuilt from the text with the merged vocabulary
    session.run({}, [], out, resume=True)
    assert (whole / "vectors.npy").read_bytes() == (out / "vectors.npy").read_bytes()


def test_given_settings_override_the_old_runs(texts, tmp_path):
    _, new_text, old_run = texts
    out = tmp_path / "new"
    session.run({"epochs": 1, "lr": 0.01}, [new_text], out, init=old_run)
    config = json.loads((out / "state.json").read_text())["config"]
    assert (config["epochs"], config["lr"], config["window"]) == (1, 0.01, CFG.window)


def test_errors(texts, tmp_path):
    _, new_text, old_run = texts
    with pytest.raises(ConfigError, match="dim of 16|dim 16") as e:
        session.run({"dim": 8}, [new_text], tmp_path / "a", init=old_run)
    assert "init" in e.value.settings()
    with pytest.raises(RunError, match="same folder"):
        session.run({}, [new_text], old_run, init=old_run, force=True)
    assert (old_run / "vectors.npy").is_file()  # untouched
    with pytest.raises(RunError, match="no checkpoint to start from"):
        session.run({}, [new_text], tmp_path / "b", init=tmp_path)
    hs_like = tmp_path / "hs"  # an output matrix that is not one row per word
    ckpt = checkpoint.latest(old_run)
    hs_like.mkdir()
    (hs_like / "vocab.txt").write_bytes((old_run / "vocab.txt").read_bytes())
    checkpoint.save(hs_like, ckpt.state, ckpt.W_in, ckpt.W_out[:-1])
    with pytest.raises(RunError, match="one row of each per word"):
        session.run({}, [new_text], tmp_path / "c", init=hs_like)
    done = session.run({}, [new_text], tmp_path / "d", init=old_run)
    assert done
    with pytest.raises(RunError, match="already holds a run"):
        session.run({}, [new_text], tmp_path / "d", init=old_run)


def test_cli(texts, tmp_path):
    _, new_text, old_run = texts
    out = tmp_path / "new"
    r = CliRunner().invoke(main, ["train", str(new_text), "--init", str(old_run), "--out",
                                  str(out), "--epochs", "1"])
    assert r.exit_code == 0, r.output
    assert f"note: starting from {old_run}" in r.stderr and "1 new words" in r.stderr
    r = CliRunner().invoke(main, ["train", "--out", str(out), "--resume", "--init",
                                  str(old_run)])
    assert r.exit_code == 2 and "--init" in r.output
    r = CliRunner().invoke(main, ["train", str(new_text), "--init", str(old_run), "--out",
                                  str(tmp_path / "x"), "--dim", "5"])
    assert r.exit_code == 2 and "--dim" in r.output and "--init" in r.output


def test_init_needs_a_run_folder_and_names_what_it_got(texts, tmp_path):
    """A file that is not vectors, a missing path, an HS run: each refused with what --init
    takes (a vectors file is published vectors to fine-tune: test_finetune.py)."""
    _, new_text, old_run = texts
    hs_run = tmp_path / "hs"
    session.run(dataclasses.replace(CFG, loss="hs", negative=0, epochs=1), [new_text], hs_run)
    cases = [(new_text, "cannot start from"),
             (tmp_path / "nowhere", "does not exist"),
             (hs_run, "runs trained with hierarchical softmax cannot be continued")]
    for path, message in cases:
        r = CliRunner().invoke(main, ["train", str(new_text), "--init", str(path), "--out",
                                      str(tmp_path / "new")])
        assert r.exit_code == 1, r.output
        assert message in r.output and "Traceback" not in r.output
        assert len(r.output.strip().splitlines()) <= 2, r.output  # the header + one line
