"""A distributed run's pieces without MPI: shards against the single-process reader, the merged
vocabulary and the re-encoded shards against the single-process ones (pruning included), and
the sync schedule against its definition."""

import bz2
import gzip
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.errors import ConfigError, CorpusError, VocabError
from w2v.text import encoded
from w2v.text.merge import merged_vocab, remap_file, remap_table, shard_table
from w2v.text.sentences import CorpusStats, iter_sentences
from w2v.text.shard import check_shardable, shard_sources, stream_size
from w2v.text.vocab import count_words, select
from w2v.training.sync import SyncPlan, round_bounds, sentence_bounds, words_before

WORDS = ["a", "b", "c", "é", "zz", "日本", "x"]


def drain(gen):
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value


def shards_of(paths, n, **kw):
    sizes = [stream_size(p) for p in paths]
    return [shard_sources(paths, sizes, r, n) for r in range(n)]


def lines_text(lines, final_newline=True):
    return "\n".join(lines) + ("\n" if final_newline and lines else "")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="ab é\t日", max_size=12), max_size=6),
                min_size=1, max_size=3),
       st.integers(1, 7), st.integers(1, 9), st.booleans(), st.sampled_from(["", ".gz", ".bz2"]))
def test_shards_laid_end_to_end_are_the_corpus(tmp_path_factory, files, n, block, final, ext):
    """Every line is read by exactly one rank, whatever the number of ranks, the read block,
    the files' boundaries, blank lines, a last line without a newline, or compression."""
    tmp = tmp_path_factory.mktemp("shards")
    paths = []
    for i, lines in enumerate(files):
        data = lines_text(lines, final).encode()
        path = tmp / f"f{i}.txt{ext}"
        path.write_bytes({"": data, ".gz": gzip.compress(data) if ext == ".gz" else b"",
                          ".bz2": bz2.compress(data) if ext == ".bz2" else b""}[ext])
        paths.append(str(path))
    whole = list(iter_sentences(paths, max_words=3, block_size=block))
    parts = [list(iter_sentences(srcs, max_words=3, block_size=block))
             for srcs in shards_of(paths, n)]
    assert [s for part in parts for s in part] == whole


def test_shards_split_at_line_starts_only(tmp_path):
    # lines start at bytes 0, 4, 8 (of 12): rank r of 3 owns [4r, 4r + 4), i.e. one line each
    path = tmp_path / "c.txt"
    path.write_text("aaa\nbbb\nccc\n")
    assert [list(iter_sentences(s)) for s in shards_of([str(path)], 3)] == \
        [[["aaa"]], [["bbb"]], [["ccc"]]]
    # 2 ranks: [0, 6) owns the lines starting at 0 and 4, [6, 12) the one at 8
    assert [list(iter_sentences(s)) for s in shards_of([str(path)], 2)] == \
        [[["aaa"], ["bbb"]], [["ccc"]]]
    # more ranks than lines: the extra ranks read nothing
    assert sum(len(list(iter_sentences(s))) for s in shards_of([str(path)], 12)) == 3


def test_a_compressed_input_measures_its_decompressed_size(tmp_path):
    data = b"one two\nthree\n" * 100
    (tmp_path / "c.txt.gz").write_bytes(gzip.compress(data))
    assert stream_size(tmp_path / "c.txt.gz") == len(data)


def test_streams_cannot_be_sharded(tmp_path):
    with pytest.raises(CorpusError, match="standard input cannot be split"):
        check_shardable(["-"])
    with pytest.raises(CorpusError, match="does not exist"):
        check_shardable([str(tmp_path / "missing.txt")])


# ------------------------------------------------------------------ vocabulary merge


def count_shard(srcs, out, prune_at):
    stats = CorpusStats()
    try:
        local = drain(encoded.count_and_encode(srcs, out, min_count=1, max_words=5,
                                               prune_at=prune_at, stats=stats))
    except VocabError:  # an empty shard, or one whose every word was pruned
        out.write_bytes(b"")
        local = None
    return local, stats.tokens


def distributed_front_end(path, n, tmp, min_count, prune_at):
    """What the ranks do (rank_prepare.fresh), in one process: count each shard, merge, select,
    re-encode each shard."""
    tables, total, files = [], 0, []
    for r, srcs in enumerate(shards_of([str(path)], n)):
        out = tmp / f"rank-{r}.ids"
        local, tokens = count_shard(srcs, out, prune_at)
        tables.append((local, out))
        total += tokens
    vocab = merged_vocab([shard_table(local) for local, _ in tables], total, min_count, None)
    for local, out in tables:
        remap_file(out, remap_table(local, vocab))
        files.append(encoded.read_ids(out, 0, out.stat().st_size // 4))
    return vocab, np.concatenate(files)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=9), max_size=20),
       st.integers(1, 5), st.integers(1, 3))
def test_without_pruning_the_ranks_build_the_single_process_run(tmp_path_factory, lines, n,
                                                                min_count):
    tmp = tmp_path_factory.mktemp("merge")
    path = tmp / "c.txt"
    path.write_text(lines_text([" ".join(line) for line in lines]))
    if not any(lines):
        return
    try:
        single = drain(encoded.count_and_encode(path, tmp / "one.ids", min_count=min_count,
                                                max_words=5))
    except VocabError:  # no word reaches min_count: the merge must refuse as well
        with pytest.raises(VocabError):
            distributed_front_end(path, n, tmp, min_count, 20_000_000)
        return
    vocab, ids = distributed_front_end(path, n, tmp, min_count, 20_000_000)
    assert vocab == single
    assert ids.tolist() == encoded.read_ids(tmp / "one.ids", 0, 10**6).tolist()


def hapax_corpus(path, lines=400):
    """Frequent words on every line, and a new hapax on each: pruning (at a small prune_at)
    removes hapaxes only, in one process and in each shard alike."""
    rng = np.random.default_rng(0)
    frequent = [f"w{i}" for i in range(12)]
    text = [" ".join([*rng.choice(frequent, 6), f"rare{i}", *rng.choice(frequent, 3)])
            for i in range(lines)]
    path.write_text(lines_text(text))
    return text


@pytest.mark.parametrize("n", [2, 3])
def test_with_pruning_of_the_rare_tail_the_merged_vocabulary_is_the_single_process_one(
        tmp_path, n):
    hapax_corpus(tmp_path / "c.txt")
    single = drain(encoded.count_and_encode(tmp_path / "c.txt", tmp_path / "one.ids",
                                            min_count=2, max_words=5, prune_at=30))
    unpruned = drain(encoded.count_and_encode(tmp_path / "c.txt", tmp_path / "all.ids",
                                              min_count=1, max_words=5))
    kept = drain(encoded.count_and_encode(tmp_path / "c.txt", tmp_path / "p.ids",
                                          min_count=1, max_words=5, prune_at=30))
    assert len(kept) < len(unpruned)  # pruning did happen
    vocab, ids = distributed_front_end(tmp_path / "c.txt", n, tmp_path, 2, prune_at=30)
    assert vocab == single
    assert ids.tolist() == encoded.read_ids(tmp_path / "one.ids", 0, 10**6).tolist()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS + ["y", "w"]), max_size=6), max_size=25),
       st.integers(1, 4), st.integers(2, 5))
def test_pruned_merge_is_the_sum_of_the_shards_pruned_counts(tmp_path_factory, lines, n,
                                                             prune_at):
    """In general pruning depends on the shard: the merged counts are each shard's pruned
    counts (``vocab.count_words``, the reference of pruning) summed, then min_count once."""
    tmp = tmp_path_factory.mktemp("pruned")
    path = tmp / "c.txt"
    path.write_text(lines_text([" ".join(line) for line in lines]))
    if not any(lines):
        return
    expected, total = Counter(), 0
    for srcs in shards_of([str(path)], n):
        counts, tokens = count_words(iter_sentences(srcs, max_words=5), prune_at=prune_at)
        expected.update(counts)
        total += tokens
    try:
        reference = select(expected.items(), total, 1, None)
    except VocabError:
        return  # pruning left nothing in any shard
    vocab, _ = distributed_front_end(path, n, tmp, 1, prune_at)
    assert vocab == reference


# ------------------------------------------------------------------ the sync schedule


def naive_rows(plan, k, rounds, V):
    if k == rounds or k % plan.full_every == 0:
        return V
    tier = max(j for j in range(64) if k % plan.growth**j == 0)
    return min(V, plan.rows * plan.growth**tier)


@given(st.integers(1, 300), st.integers(1, 64), st.integers(2, 4), st.integers(1, 40),
       st.integers(1, 5000))
def test_rows_at_follows_the_tiers(rounds, rows, growth, full_every, V):
    plan = SyncPlan(rows=rows, growth=growth, full_every=full_every)
    got = [plan.rows_at(k, rounds, V) for k in range(1, rounds + 1)]
    assert got == [naive_rows(plan, k, rounds, V) for k in range(1, rounds + 1)]
    assert got[-1] == V  # every epoch ends on a full sync


def test_a_bad_plan_is_refused():
    with pytest.raises(ConfigError, match="sync mode"):
        SyncPlan(mode="median")


@given(st.lists(st.integers(-1, 5), max_size=50), st.integers(1, 9), st.integers(1, 7))
def test_words_before_counts_the_words_ahead(tmp_path_factory, ids, rounds, block):
    path = tmp_path_factory.mktemp("wb") / "c.ids"
    np.array(ids, dtype="<i4").tofile(path)
    bounds = round_bounds(len(ids), rounds)
    naive = [sum(1 for i in ids[:b] if i >= 0) for b in bounds]
    assert words_before(path, bounds, block=block).tolist() == naive


@given(st.lists(st.sampled_from([-1, 0, 1, 2]), max_size=60), st.integers(1, 9),
       st.integers(1, 7))
def test_period_bounds_move_to_sentence_starts(tmp_path_factory, ids, rounds, block):
    path = tmp_path_factory.mktemp("sb") / "c.ids"
    np.array(ids, dtype="<i4").tofile(path)
    bounds = round_bounds(len(ids), rounds)
    expected = [0, *(encoded.sentence_cut(np.array(ids, np.int32), int(b))
                     for b in bounds[1:-1]), len(ids)]
    assert sentence_bounds(path, bounds, block=block).tolist() == expected


def test_the_rows_a_partial_sync_combines_are_the_busiest():
    """What a partial sync of k rows combines: for W_in the k most frequent words (a prefix),
    for hierarchical softmax's W_out the k busiest inner nodes, i.e. those that the most word
    occurrences pass through (counted here from the tree's paths), which are the last rows."""
    from w2v.objectives.hs import huffman_tree
    from w2v.training.distributed import Replicas

    counts = np.sort(np.random.default_rng(4).zipf(1.3, 300).astype(np.int64))[::-1]
    tree = huffman_tree(counts)
    V = len(counts)
    traffic = np.zeros(V - 1, np.int64)
    for w in range(V):
        traffic[tree.points[w, : tree.lengths[w]]] += counts[w]
    W_in, W_out = np.zeros((V, 2), np.float32), np.zeros((V - 1, 2), np.float32)
    replicas = Replicas(None, SyncPlan(), W_in, W_out, tree=True)
    for k in (1, 16, 100, V - 1, 10 * V):
        busiest = set(np.argsort(-traffic, kind="stable")[: min(k, V - 1)].tolist())
        hot = set(range(V - 1)[replicas.hot(1, k)])
        ties = traffic[list(busiest ^ hot)]  # may differ only among equally busy nodes
        assert len(ties) == 0 or ties.min() == ties.max() == traffic[list(hot)].min()
        assert list(range(V)[replicas.hot(0, k)]) == list(range(min(k, V)))
    plain = Replicas(None, SyncPlan(), W_in, W_out)
    assert list(range(V - 1)[plain.hot(1, 16)]) == list(range(16))
