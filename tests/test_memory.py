"""What a run allocates beside its two matrices: at V = 1M and d = 300 each is 1.2 GB, so a
full-size temporary (a boolean copy for a finiteness check, a second random matrix at
initialisation) adds hundreds of MB to the peak. numpy reports its array memory to
tracemalloc, which is what these tests measure; each also checks the result against the
plain, allocating expression."""

import os
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.errors import DivergenceError
from w2v.training.loop import check_finite
from w2v.training.prepare import init_weights


def peak_bytes(fn, *args):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = fn(*args)
        return result, tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_check_finite_allocates_a_small_fraction_of_the_matrices():
    W_in = np.zeros((40_000, 300), np.float32)  # 48 MB each: a boolean copy would be 12 MB
    W_out = np.zeros_like(W_in)
    _, peak = peak_bytes(check_finite, W_in, W_out, 0)
    assert peak < W_in.size // 8, peak


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 3000), dim=st.integers(1, 40), data=st.data())
def test_check_finite_finds_any_bad_value(rows, dim, data):
    """Against np.isfinite over the whole matrices, with a NaN or inf anywhere (or none)."""
    W = [np.ones((rows, dim), np.float32), np.ones((rows, dim), np.float32)]
    bad = data.draw(st.sampled_from([None, np.nan, np.inf, -np.inf]))
    if bad is not None:
        which = data.draw(st.integers(0, 1))
        W[which][data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, dim - 1))] = bad
    finite = bool(np.isfinite(W[0]).all() and np.isfinite(W[1]).all())
    if finite:
        check_finite(*W, 7)
    else:
        with pytest.raises(DivergenceError, match="after 7 words"):
            check_finite(*W, 7)


@pytest.mark.parametrize("out_rows", [1, 20_000])
def test_init_weights_allocates_each_matrix_once_and_is_word2vec_c(out_rows):
    V, d = 20_000, 300
    (W_in, W_out), peak = peak_bytes(init_weights, V, d, out_rows, np.random.default_rng(3))
    # the old expression, which allocated a temporary per operation
    rng = np.random.default_rng(3)
    reference = ((rng.random((V, d), dtype=np.float32) - 0.5) / d).astype(np.float32)
    assert np.array_equal(W_in, reference) and W_in.dtype == np.float32
    assert not W_out.any() and W_out.shape == (out_rows, d) and W_out.dtype == np.float32
    assert peak < 1.05 * (W_in.nbytes + W_out.nbytes), peak / W_in.nbytes  # nothing more


def test_no_vocabulary_object_is_held_while_training(tmp_path):
    """A Vocab's word list and index cost ~200 bytes a word (211 MB at V = 1M) for the whole
    run; training needs only the counts, the export only the words (TrainingVocab)."""
    import gc

    from w2v.config import Config
    from w2v.text.vocab import Vocab
    from w2v.training import events, session

    corpus = tmp_path / "c.txt"
    corpus.write_text("".join(f"a b c w{i % 50} d w{i % 7}\n" for i in range(3000)))
    cfg = Config(dim=8, epochs=1, min_count=1, threads=1)
    alive = None
    for event in session.train(cfg, [str(corpus)], tmp_path / "run"):
        if isinstance(event, events.Progress) and alive is None:
            gc.collect()
            alive = [o for o in gc.get_objects() if isinstance(o, Vocab)]
    assert alive == []
    words = [line.split("\t")[0] for line in (tmp_path / "run" / "vocab.txt").read_text()
             .splitlines()[1:]]
    binary = (tmp_path / "run" / "vectors.bin").read_bytes()
    assert binary.startswith(f"{len(words)} 8\n".encode()) and b"\nw49 " in binary


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_freed_heap_goes_back_to_the_os():
    """Against the kernel's own count (VmRSS): 150 MB of 1 kB blocks, one in fifty kept (so
    glibc cannot shrink its heap from the top), are resident until ``return_freed_memory``."""
    from w2v.training.prepare import return_freed_memory

    blocks = [bytes(1000) + i.to_bytes(4, "little") for i in range(150_000)]
    kept = blocks[::50]
    del blocks
    before = _rss_mb()
    return_freed_memory()
    after = _rss_mb()
    assert before - after > 80, (before, after)
    assert len(kept) == 3000


def test_checkpoint_writes_from_the_matrices_without_copies(tmp_path):
    from w2v.run import checkpoint

    W_in = np.random.default_rng(0).random((40_000, 300), dtype=np.float32)  # 48 MB each
    W_out = W_in[::-1].copy()
    _, peak = peak_bytes(checkpoint.save, tmp_path, {}, W_in, W_out)
    assert peak < 4_000_000, peak  # np.save through a file-like object copied 16 MB blocks
    ckpt = checkpoint.latest(tmp_path)
    assert np.array_equal(ckpt.W_in, W_in) and np.array_equal(ckpt.W_out, W_out)
