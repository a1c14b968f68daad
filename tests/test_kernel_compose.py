"""The composed kernels: numba's cache keeps one stable entry per composition (and knows which
are there), and the bag input side against the context-row side, the numpy reference and a
naive loop of fastText's rule."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_kernels import naive_windows, problem

from w2v.kernels import base
from w2v.kernels.base import Settings, Tables, alias_table, check_bags, keep_probs, output_rows
from w2v.kernels.numba import bag, cbow, cbow_bag, compose, hs, ns, rows
from w2v.kernels.reference import inputs, targets
from w2v.kernels.reference.compose import kernel as numpy_kernel
from w2v.kernels.registry import KERNELS
from w2v.objectives import common

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("key", [k for k in KERNELS if k[2] == "numba"])
def test_the_compiled_kernel_is_cached_under_its_sides_and_the_digest_of_what_it_inlines(key):
    """numba keys a cached function on its own file and its closure: the closure must hold the
    side modules (pickled by name: one stable entry per composition) and the digest of every
    file it inlines, or an edit there would load a stale kernel."""
    kernel = KERNELS[key](Tables(np.array([3, 2, 1]), 6, 0.0), Settings())
    fn = kernel.train.py_func
    cells = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__)))
    files = sorted((ROOT / "w2v" / "kernels" / "numba").glob("*.py"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in [*files, Path(base.__file__)]))
    assert cells["digest"] == compose.SOURCE_DIGEST == digest.hexdigest()
    assert (cells["inputs"], cells["targets"]) == (kernel.inputs, kernel.targets)
    assert cells["inputs"].__name__.startswith("w2v.kernels.numba.")
    assert compose.compose(kernel.inputs, kernel.targets) is kernel.train  # built once


CHILD = r"""
import json, sys
import numpy as np
from w2v.kernels.base import Settings, Tables
from w2v.kernels.registry import KERNELS
tables = Tables(np.array([5, 4, 3, 2, 1]), 15, 0.0)
kernels = {f"{a}-{l}": KERNELS[a, l, b](tables, Settings(window=2, negative=2))
           for a, l, b in KERNELS if b == "numba"}
before = {name: k.needs_compile() for name, k in kernels.items()}
k = kernels[sys.argv[1]]
W = np.full((5, 4), 0.1, np.float32)
k.train_segment(W, W[: k.output_rows].copy(), np.array([0, 1, 2, 3], np.int32), 0.1, 0.1, 1)
hits = sum(k.train.stats.cache_hits.values())
print(json.dumps({"before": before, "hits": hits}))
"""


@pytest.mark.slow  # two processes compile and load
def test_each_composition_has_its_own_stable_cache_entry(tmp_path):
    """A second process loads the kernel a first one compiled (a closure over a Dispatcher
    would pickle with a random id: a cache miss on every run), and ``needs_compile`` tells the
    compiled composition from the three that share its cache index but were never compiled."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))

    def child():
        out = subprocess.run([sys.executable, "-c", CHILD, "sg-ns"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    first, second = child(), child()
    assert first == {"before": dict.fromkeys(["sg-ns", "sg-hs", "cbow-ns", "cbow-hs"], True),
                     "hits": 0}
    assert second == {"before": {"sg-ns": False, "sg-hs": True, "cbow-ns": True,
                                 "cbow-hs": True}, "hits": 1}


def random_bags(V, n_rows, seed):
    """Each token: its own row and 0-3 extra rows of the n_rows - V shared "subword" rows."""
    rng = np.random.default_rng(seed)
    bags = [[o, *rng.choice(np.arange(V, n_rows), rng.integers(0, 4), replace=False)]
            for o in range(V)]
    offsets = np.cumsum([0] + [len(b) for b in bags])
    return offsets, np.concatenate(bags).astype(np.int32)


def naive_bag_ns(W_in, W_out, ids, keep, noise, bags, window, negative, lr0, lr1, seed):
    """fastText's skip-gram input in the kernels' direction, one window at a time, float64 with
    the exact sigmoid: context o's input is the mean of its bag's rows, every score from the
    rows as the window found them, then the targets move, then every row of each bag gets the
    whole step of its context's input."""
    offsets, bag_rows = bags
    loss, pairs = 0.0, 0
    for c, contexts, negs, lr in naive_windows(ids, keep, noise, window, negative, lr0, lr1,
                                               seed):
        members = [bag_rows[offsets[o] : offsets[o + 1]] for o in contexts]
        H = np.stack([W_in[b].astype(np.float64).mean(axis=0) for b in members])
        U = W_out[[c] + negs].astype(np.float64)
        labels = np.array([1.0] + [0.0] * negative)
        scores = H @ U.T
        loss += float(np.sum(-common.log_sigmoid(np.where(labels == 1, scores, -scores))))
        g = labels - common.sigmoid(scores)
        np.add.at(W_out, [c] + negs, (lr * (g.T @ H)).astype(np.float32))
        for b, g_h in zip(members, g @ U):
            np.add.at(W_in, b, np.tile((lr * g_h).astype(np.float32), (len(b), 1)))
        pairs += len(contexts)
    return loss, pairs


def naive_cbow_bag_ns(W_in, W_out, ids, keep, noise, bags, window, negative, lr0, lr1, seed):
    """One window at a time, float64 with the exact sigmoid: the context words' bags
    concatenated (repeats kept), h their mean, the targets' scores from the rows as the window
    found them; the targets move, then every row of the list gets the whole step of h."""
    offsets, bag_rows = bags
    loss, windows = 0.0, 0
    for c, contexts, negs, lr in naive_windows(ids, keep, noise, window, negative, lr0, lr1,
                                               seed):
        flat = np.concatenate([bag_rows[offsets[o] : offsets[o + 1]] for o in contexts])
        h = W_in[flat].astype(np.float64).mean(axis=0)
        U = W_out[[c] + negs].astype(np.float64)
        labels = np.array([1.0] + [0.0] * negative)
        scores = U @ h
        loss += float(np.sum(-common.log_sigmoid(np.where(labels == 1, scores, -scores))))
        g = labels - common.sigmoid(scores)
        np.add.at(W_out, [c] + negs, (lr * np.outer(g, h)).astype(np.float32))
        np.add.at(W_in, flat, np.tile((lr * (g @ U)).astype(np.float32), (len(flat), 1)))
        windows += 1
    return loss, windows


def _bag_problem(seed, n_extra=12):
    counts, ids, W_in, W_out = problem(seed)
    V = len(counts)
    W_in = np.vstack([W_in, np.random.default_rng(seed).uniform(-0.5, 0.5, (n_extra, 8))])
    bags = random_bags(V, V + n_extra, seed)
    return counts, ids, W_in.astype(np.float32), W_out, bags


def _train(kernel_cls, counts, bags, W_in, W_out, ids, sample=1e-2, loss="ns"):
    tables = Tables(counts, counts.sum(), sample, bags=bags)
    kernel = kernel_cls(tables, Settings(window=3, negative=4))
    A_in, A_out = W_in.copy(), W_out[: output_rows(loss, len(counts))].copy()
    return kernel.train_segment(A_in, A_out, ids, 0.05, 0.01, 31), A_in, A_out


# the two bag input sides: (compiled side, numpy side, its naive loop, the side it equals with
# bags of one row each); skip-gram's is fastText's skip-gram input, CBOW's its CBOW
BAG_SIDES = {"sg": (bag, inputs.Bag, naive_bag_ns, rows),
             "cbow": (cbow_bag, inputs.CbowBag, naive_cbow_bag_ns, cbow)}


@pytest.mark.parametrize("arch, seed", [("sg", 7), ("cbow", 17)])
def test_numpy_bag_equals_the_naive_loop(arch, seed):
    _, numpy_side, naive, _ = BAG_SIDES[arch]
    counts, ids, W_in, W_out, bags = _bag_problem(seed)
    (got, n), A_in, A_out = _train(numpy_kernel(numpy_side, targets.NS), counts, bags, W_in,
                                   W_out, ids)
    B_in, B_out = W_in.copy(), W_out.copy()
    keep = keep_probs(counts, counts.sum(), 1e-2)
    ref, ref_n = naive(B_in, B_out, ids, keep, alias_table(counts), bags, 3, 4, 0.05, 0.01, 31)
    assert n == ref_n > 0 and got == pytest.approx(ref, rel=1e-7)
    np.testing.assert_allclose(A_in, B_in, atol=1e-6)
    np.testing.assert_allclose(A_out, B_out, atol=1e-6)
    assert not np.array_equal(A_in[len(counts):], W_in[len(counts):])  # subword rows moved


@pytest.mark.parametrize("arch, seed", [("sg", 8), ("cbow", 18)])
@pytest.mark.parametrize("target, numpy_target, loss", [(ns, targets.NS, "ns"),
                                                        (hs, targets.HS, "hs")])
def test_numba_bag_equals_the_numpy_bag(arch, seed, target, numpy_target, loss):
    side, numpy_side, _, _ = BAG_SIDES[arch]
    counts, ids, W_in, W_out, bags = _bag_problem(seed)
    (got, n), A_in, A_out = _train(compose.kernel(side, target), counts, bags, W_in, W_out, ids,
                                   loss=loss)
    (ref, ref_n), B_in, B_out = _train(numpy_kernel(numpy_side, numpy_target), counts, bags,
                                       W_in, W_out, ids, loss=loss)
    assert n == ref_n > 0 and got == pytest.approx(ref, rel=1e-5)
    np.testing.assert_allclose(A_in, B_in, atol=1e-5)
    np.testing.assert_allclose(A_out, B_out, atol=1e-5)


@pytest.mark.parametrize("arch, seed", [("sg", 9), ("cbow", 19)])
@pytest.mark.parametrize("target, loss", [(ns, "ns"), (hs, "hs")])
def test_bags_of_one_row_each_are_the_plain_sides(arch, seed, target, loss):
    """With the plain table (a word is its own row) the bag sides are skip-gram's context rows
    and word2vec.c's CBOW (mean, eq 120), bit for bit."""
    side, _, _, plain = BAG_SIDES[arch]
    counts, ids, W_in, W_out = problem(seed)
    (got, n), A_in, A_out = _train(compose.kernel(side, target), counts, None, W_in, W_out, ids,
                                   loss=loss)
    (ref, ref_n), B_in, B_out = _train(compose.kernel(plain, target), counts, None, W_in, W_out,
                                       ids, loss=loss)
    assert (got, n) == (ref, ref_n) and n > 0
    assert np.array_equal(A_in, B_in) and np.array_equal(A_out, B_out)


def test_a_bag_table_must_cover_every_token_with_a_row():
    assert check_bags(([0, 1, 3], [1, 0, 2]), 2)[1].dtype == np.int32
    with pytest.raises(ValueError, match="needs 3 offsets"):
        check_bags(([0, 1], [0]), 2)
    with pytest.raises(ValueError, match="at least one input row"):
        check_bags(([0, 1, 1], [0]), 2)
