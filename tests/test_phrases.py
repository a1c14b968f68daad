"""Phrases: a hand-worked corpus, a naive Python reference, the phrases file, and gensim's npmi.
(The comparison with word2phrase.c itself is scripts/phrases_word2phrase.py.)"""

import math
from collections import Counter

import numpy as np
import pytest

from w2v.errors import CorpusError
from w2v.text import phrase_file, stream
from w2v.text.phrase_count import count
from w2v.text.phrase_score import npmi, word2phrase
from w2v.text.phrases import apply, learn, phrases

# Hand-worked: 8 tokens; c(new) = c(york) = 3, c(city) = c(to) = 1. In-line pairs:
# (new, york) 2 (lines 1 and 3), (york, city), (to, new), (york, new) 1 each. "new" ending
# line 2 and "york" starting line 3 are no pair (word2phrase.c's counting makes it a third).
HAND = "new york city\nto new\nyork new york\n"


def test_hand_worked_counts(tmp_path):
    (tmp_path / "c.txt").write_text(HAND)
    c = count(tmp_path / "c.txt")
    assert dict(zip(c.words, c.word_counts.tolist())) == {"new": 3, "york": 3, "city": 1,
                                                          "to": 1}
    pairs = {(c.words[a], c.words[b]): n for a, b, n in
             zip(c.left.tolist(), c.right.tolist(), c.pair_counts.tolist())}
    assert pairs == {("new", "york"): 2, ("york", "city"): 1, ("to", "new"): 1,
                     ("york", "new"): 1}
    assert c.total == 8 and c.pruned == 0


def test_hand_worked_scores_and_output(tmp_path):
    (tmp_path / "c.txt").write_text(HAND)
    # word2phrase, min_count 1: (2 - 1) / 3 / 3 * 8 = 8/9 for (new, york), 0 for the others
    p = learn(tmp_path / "c.txt", min_count=1, threshold=0.5)
    assert p.left == ["new"] and p.right == ["york"] and p.score[0] == pytest.approx(8 / 9)
    assert learn(tmp_path / "c.txt", min_count=1, threshold=0.9).left == []  # 8/9 < 0.9
    assert learn(tmp_path / "c.txt", min_count=2, threshold=0).left == []  # (2-2)/9*8 = 0
    phrases(tmp_path / "c.txt", tmp_path / "o.txt", min_count=1, threshold=0.5)
    assert (tmp_path / "o.txt").read_text() == "new_york city\nto new\nyork new_york\n"
    # npmi: ln(p_ab / (p_a p_b)) / -ln p_ab with p_ab = 2/8, p_a = p_b = 3/8
    q = learn(tmp_path / "c.txt", scoring="npmi", min_count=2, threshold=0.4)
    assert q.left == ["new"] and q.score[0] == pytest.approx(math.log(16 / 9) / math.log(4))


def test_greedy_left_to_right_and_passes(tmp_path):
    (tmp_path / "c.txt").write_text("a b c d\n" * 10 + "e f\n")
    # (a,b), (b,c), (c,d) all score (10-1)/10/10*43 > 1: a joined b starts no pair, so c_d
    phrases(tmp_path / "c.txt", tmp_path / "o.txt", min_count=1, threshold=1)
    assert (tmp_path / "o.txt").read_text().splitlines()[0] == "a_b c_d"
    found = phrases(tmp_path / "c.txt", tmp_path / "o2.txt", min_count=1, threshold=1, passes=2)
    assert [p.threshold for p in found] == [2.0, 1.0]  # pass k of N: threshold * (N - k + 1)
    assert (tmp_path / "o2.txt").read_text().splitlines()[0] == "a_b_c_d"
    assert found[1].tokens().keys() == {"a_b_c_d"}


def reference(lines, threshold, min_count):
    """A naive word2phrase pass: Counters of in-line tokens and pairs, then greedy joins."""
    uni = Counter(t for toks in lines for t in toks)
    bi = Counter(p for toks in lines for p in zip(toks, toks[1:]))
    total = sum(uni.values())

    def joins(a, b):
        ok = min(uni[a], uni[b], bi[(a, b)]) >= min_count
        return ok and (bi[(a, b)] - min_count) / uni[a] / uni[b] * total > threshold

    out = []
    for toks in lines:
        row, prev = [], None
        for t in toks:
            if prev is not None and joins(prev, t):
                row[-1] += "_" + t
                prev = None
            else:
                row.append(t)
                prev = t
        out.append(" ".join(row))
    return out


@pytest.mark.parametrize("block", [7, 64, 1 << 20])
def test_matches_a_naive_reference(tmp_path, monkeypatch, block):
    """Random text over a small vocabulary with planted pairs, read in blocks of any size."""
    monkeypatch.setattr(stream, "BLOCK_BYTES", block)
    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(40)] + ["é", "ünïcode"]
    lines = []
    for _ in range(300):
        toks = list(rng.choice(vocab, rng.integers(0, 12)))
        if rng.random() < 0.5:
            toks.insert(int(rng.integers(0, len(toks) + 1)), "new york")
        lines.append(" ".join(toks).split())
    text = "\n".join("\t ".join(toks) for toks in lines) + "\n"
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")
    for threshold, min_count in [(3.0, 5), (1.0, 1), (20.0, 3)]:
        phrases(tmp_path / "c.txt", tmp_path / "o.txt", threshold=threshold,
                min_count=min_count)
        got = (tmp_path / "o.txt").read_text(encoding="utf-8").split("\n")[:-1]
        assert got == reference(lines, threshold, min_count)


def test_stdin_is_read_twice_through_a_spool(tmp_path, monkeypatch):
    import io
    import sys

    (tmp_path / "c.txt").write_text("new york x\n" * 6 + "new york")  # no final newline
    phrases(tmp_path / "c.txt", tmp_path / "file.txt", min_count=1, threshold=0.1)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((tmp_path / "c.txt")
                                                                  .read_bytes())))
    phrases("-", tmp_path / "stdin.txt", min_count=1, threshold=0.1)
    assert (tmp_path / "stdin.txt").read_text() == (tmp_path / "file.txt").read_text()
    assert (tmp_path / "file.txt").read_text().endswith("new_york\n")


def test_pruning_bounds_the_tables_and_keeps_frequent_pairs(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "BLOCK_BYTES", 256)
    rare = (f"r{i}" for i in range(100_000))
    text = "".join(f"{next(rare)} new york {next(rare)} {next(rare)}\n" for _ in range(2000))
    (tmp_path / "c.txt").write_text(text)
    exact, pruned = count(tmp_path / "c.txt"), count(tmp_path / "c.txt", prune_at=300)
    assert exact.pruned == 0 and pruned.pruned > 10
    assert len(pruned.words) + len(pruned.pair_counts) < 300 + 256  # one block past the bound
    want = dict(zip(exact.words, exact.word_counts.tolist()))
    assert all(n <= want[w] for w, n in zip(pruned.words, pruned.word_counts.tolist()))
    assert dict(zip(pruned.words, pruned.word_counts.tolist()))["york"] == 2000
    kw = {"min_count": 5, "threshold": 1}
    assert learn(tmp_path / "c.txt", prune_at=300, **kw).tokens() == \
        learn(tmp_path / "c.txt", **kw).tokens() == {"new_york": pytest.approx(
            (2000 - 5) / 2000 / 2000 * 10000)}


def test_phrases_file_round_trip_and_apply(tmp_path):
    (tmp_path / "c.txt").write_text("a b c d\n" * 10 + "b c\ne f\n")
    found = phrases(tmp_path / "c.txt", tmp_path / "o.txt", min_count=1, threshold=1,
                    passes=2, save_phrases=tmp_path / "p.txt")
    loaded = phrase_file.load(tmp_path / "p.txt")
    for a, b in zip(found, loaded):
        assert (a.left, a.right, a.threshold, a.total_words) == (b.left, b.right,
                                                                  b.threshold, b.total_words)
        assert np.array_equal(a.score, b.score) and np.array_equal(a.count, b.count)
    joined = apply(tmp_path / "c.txt", tmp_path / "p.txt", tmp_path / "again.txt.gz")
    import gzip

    assert gzip.decompress((tmp_path / "again.txt.gz").read_bytes()).decode() == \
        (tmp_path / "o.txt").read_text()
    assert joined == [p.joined for p in found]


@pytest.mark.parametrize("content, message", [
    ("# w2v-vocab 1 total_words=3\n", "not a w2v phrases file"),
    ("# w2v-phrases 1\n", "holds no pass"),
    ("# w2v-phrases 1\n# pass=1 scoring=word2phrase threshold=1.0 min_count=1 total_words=3 "
     "connectors=none phrases=1\na\tb\tx\t3\n", ":3 is malformed"),
    ("# w2v-phrases 1\n# pass=1 scoring=pmi threshold=1 min_count=1 total_words=3 "
     "connectors=none phrases=0\n",
     "expected a pass header"),
])
def test_bad_phrases_files(tmp_path, content, message):
    (tmp_path / "p.txt").write_text(content)
    with pytest.raises(CorpusError, match=message):
        phrase_file.load(tmp_path / "p.txt")


def test_npmi_equals_gensims_on_the_same_counts(tmp_path):
    from gensim.models.phrases import Phrases

    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(30)]
    sentences = [list(rng.choice(words, rng.integers(1, 15))) + ["new", "york"]
                 for _ in range(400)]
    (tmp_path / "c.txt").write_text("\n".join(" ".join(s) for s in sentences) + "\n")
    g = Phrases(sentences, min_count=3, threshold=-1, scoring="npmi", connector_words=())
    c = count(tmp_path / "c.txt")
    assert c.total == g.corpus_word_count
    assert all(g.vocab[w] == n for w, n in zip(c.words, c.word_counts.tolist()))
    ours = npmi(c.pair_counts, c.word_counts[c.left], c.word_counts[c.right], c.total, 3)
    checked = 0
    for a, b, n, s in zip(c.left.tolist(), c.right.tolist(), c.pair_counts.tolist(), ours):
        assert g.vocab[f"{c.words[a]}_{c.words[b]}"] == n
        _, theirs = g.score_candidate(c.words[a], c.words[b], [])
        if theirs is None:  # gensim: bigram below min_count
            assert s == -np.inf
            continue
        assert abs(s - theirs) < 1e-9
        checked += 1
    assert checked > 50


def test_word2phrase_score_formula():
    """(c_ab - min_count) / c_a / c_b * N, -inf below min_count, against gensim's original."""
    from gensim.models.phrases import original_scorer

    got = word2phrase(np.array([10, 4]), np.array([20, 20]), np.array([30, 30]), 1000, 5)
    # gensim's scorer multiplies by its len_vocab; given the token count, it is word2phrase's
    assert got[0] == original_scorer(20, 30, 10, 1000, 5, 1000) and got[1] == -np.inf


def naive_apply(lines, passes):
    """Each pass's pairs joined greedily, left to right, in each line of tokens."""
    for p in passes:
        pairs = set(zip(p.left, p.right))
        joined = []
        for toks in lines:
            row, prev = [], None
            for t in toks:
                if prev is not None and (prev, t) in pairs:
                    row[-1] += "_" + t
                    prev = None
                else:
                    row.append(t)
                    prev = t
            joined.append(row)
        lines = joined
    return [" ".join(toks) for toks in lines]


def test_saved_phrases_apply_to_new_text(tmp_path):
    (tmp_path / "c.txt").write_text("the new york times\nnew york city\n" * 20 + "a b\n")
    found = phrases(tmp_path / "c.txt", tmp_path / "o.txt", min_count=2, threshold=1, passes=2,
                    save_phrases=tmp_path / "p.txt")
    assert found[1].tokens().keys() == {"the_new_york_times", "new_york_city"}
    new = ["new york times and new york", "", "york new york city the new york times", "new"]
    (tmp_path / "n.txt").write_text("\n".join(new))  # a blank line, no final newline
    apply(tmp_path / "n.txt", tmp_path / "p.txt", tmp_path / "n-out.txt")
    assert (tmp_path / "n-out.txt").read_text().split("\n")[:-1] == \
        naive_apply([line.split() for line in new], found)


def gensim_word2phrase(worda_count, wordb_count, bigram_count, len_vocab, min_count,
                       corpus_word_count):
    """word2phrase's score as a gensim scorer (gensim's own requires no min_count of words)."""
    if min(worda_count, wordb_count, bigram_count) < min_count:
        return float("-inf")
    return (bigram_count - min_count) / worda_count / wordb_count * corpus_word_count


@pytest.mark.parametrize("block", [5, 40, 1 << 20])
def test_connector_words_as_gensims(tmp_path, monkeypatch, block):
    """Pairs spanning connectors (bank_of_america) joined exactly as gensim's Phrases with
    connector_words and the same scorer, at block sizes that cut open candidates."""
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    monkeypatch.setattr(stream, "BLOCK_BYTES", block)
    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(25)] + ["of", "the", "and", "a", "in", "of"]
    planted = ["bank of america", "university of the west", "salt and pepper", "new york"]
    lines = []
    for _ in range(400):
        toks = list(rng.choice(vocab, rng.integers(0, 10)))
        if rng.random() < 0.6:
            toks.insert(int(rng.integers(0, len(toks) + 1)), str(rng.choice(planted)))
        lines.append(" ".join(toks).split())
    (tmp_path / "c.txt").write_text("\n".join(" ".join(t) for t in lines) + "\n")
    for threshold, min_count in [(5.0, 5), (1.0, 2)]:
        g = Phrases(lines, min_count=min_count, threshold=threshold, scoring=gensim_word2phrase,
                    connector_words=ENGLISH_CONNECTOR_WORDS).freeze()
        found = phrases(tmp_path / "c.txt", tmp_path / "o.txt", threshold=threshold,
                        min_count=min_count, connector_words="english",
                        save_phrases=tmp_path / "p.txt")
        assert found[0].tokens() == pytest.approx(g.phrasegrams)
        want = [" ".join(g[toks]) for toks in lines]
        assert (tmp_path / "o.txt").read_text().split("\n")[:-1] == want
        apply(tmp_path / "c.txt", tmp_path / "p.txt", tmp_path / "again.txt")
        assert (tmp_path / "again.txt").read_text() == (tmp_path / "o.txt").read_text()
    assert "bank_of_america" in found[0].tokens()
