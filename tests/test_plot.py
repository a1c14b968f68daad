import json

import numpy as np
import pytest

from w2v.vectors import plot
from w2v.vectors.vectors import Vectors

MAGIC = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}


def clustered(seed=0):
    """Three planted groups far apart, with long labels at the edges of the cloud."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=10, size=(3, 6))
    words, vecs = [], []
    for g, c in enumerate(centers):
        for i in range(5):
            words.append(f"group{g}_word_with_a_long_label{i}")
            vecs.append(c + rng.normal(scale=0.3, size=6))
    return Vectors(words, np.array(vecs, dtype=np.float32))


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_formats(tmp_path, suffix):
    out = tmp_path / f"words{suffix}"
    v = clustered()
    info = plot.plot_words(v, v.words + ["missing"], out, clusters=3)
    assert out.read_bytes().startswith(MAGIC[suffix]) and out.stat().st_size > 1000
    assert info["missing"] == ["missing"]


def test_projection_is_pca_up_to_sign():
    from sklearn.decomposition import PCA

    X = np.random.default_rng(1).normal(size=(30, 7))
    ours = plot.project_2d(X)
    ref = PCA(2).fit_transform(X)
    for k in range(2):
        assert np.allclose(ours[:, k], ref[:, k], atol=1e-8) or np.allclose(
            ours[:, k], -ref[:, k], atol=1e-8)


def test_planted_clusters_found_automatically(tmp_path):
    v = clustered(2)
    info = plot.plot_words(v, v.words, tmp_path / "w.png")
    labels = np.array(info["labels"]).reshape(3, 5)
    assert len(set(labels[:, 0])) == 3 and all(len(set(row)) == 1 for row in labels)


def test_labels_stay_inside_the_axes(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    seen = {}
    real_savefig = matplotlib.figure.Figure.savefig

    def savefig(fig, *args, **kwargs):
        fig.canvas.draw()
        ax = fig.axes[0]
        axes_box = ax.get_window_extent()
        seen["boxes"] = [t.get_window_extent() for t in ax.texts if t.get_text()]
        seen["inside"] = all(
            axes_box.x0 <= b.x0 and b.x1 <= axes_box.x1 and axes_box.y0 <= b.y0
            and b.y1 <= axes_box.y1 for b in seen["boxes"])
        overlaps = [a.overlaps(b) for i, a in enumerate(seen["boxes"])
                    for b in seen["boxes"][i + 1:]]
        seen["overlaps"] = sum(overlaps)
        return real_savefig(fig, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    v = clustered(3)
    plot.plot_words(v, v.words, tmp_path / "w.png")
    plt.close("all")
    assert len(seen["boxes"]) == 15 and seen["inside"]
    assert seen["overlaps"] == 0


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_loss_curve_from_state_folder_or_history(tmp_path, suffix):
    history = {"epoch": [3.0, 2.5, 2.4], "checkpoint": [[500, 3.2], [1500, 2.7], [2500, 2.45]]}
    state = {"epoch": 3, "words_done": 3000, "loss_history": history}
    (tmp_path / "state.json").write_text(json.dumps(state))
    for i, source in enumerate((state, history, tmp_path, tmp_path / "state.json")):
        out = tmp_path / f"loss{i}{suffix}"
        assert plot.plot_loss(source, out) == history
        assert out.read_bytes().startswith(MAGIC[suffix])
    only_epochs = tmp_path / f"epochs{suffix}"
    plot.plot_loss({"epoch": [1.0]}, only_epochs)
    assert only_epochs.stat().st_size > 0


def test_loss_curve_errors(tmp_path):
    from w2v.errors import VectorsError

    with pytest.raises(VectorsError, match="no recorded loss"):
        plot.plot_loss({"loss_history": {"epoch": [], "checkpoint": []}}, tmp_path / "l.png")
    with pytest.raises(VectorsError, match="state.json does not exist"):
        plot.plot_loss(tmp_path, tmp_path / "l.png")
    (tmp_path / "state.json").write_text("{broken")
    with pytest.raises(VectorsError, match="not valid JSON"):
        plot.plot_loss(tmp_path, tmp_path / "l.png")


def test_explicit_cluster_count_and_no_global_figures(tmp_path):
    import matplotlib.pyplot as plt

    v = clustered(4)
    info = plot.plot_words(v, v.words, tmp_path / "w.png", clusters=5)
    assert info["clusters"] == 5 and len(set(info["labels"])) == 5
    again = plot.plot_words(v, v.words, tmp_path / "w2.png", clusters=5)
    assert again["labels"] == info["labels"]  # seeded
    assert plt.get_fignums() == []  # drawn without pyplot: nothing left open


def test_default_words_are_the_assignments():
    assert len(plot.DEFAULT_WORDS) == len(set(plot.DEFAULT_WORDS)) == 24
    assert {"king", "queen", "coffee", "tea", "hail"} <= set(plot.DEFAULT_WORDS)


def test_bad_extension(tmp_path):
    from w2v.errors import VectorsError

    with pytest.raises(VectorsError, match=".png, .svg or .pdf"):
        plot.plot_words(clustered(), clustered().words, tmp_path / "w.jpg")


# ------------------------------------------------------------- issue 11


@pytest.fixture
def drawn(monkeypatch):
    """The figures as they are saved (drawn first, so text extents are final)."""
    import matplotlib.figure

    figures = []
    real_savefig = matplotlib.figure.Figure.savefig

    def savefig(fig, *args, **kwargs):
        fig.canvas.draw()
        figures.append(fig)
        return real_savefig(fig, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    return figures


@pytest.mark.parametrize("words, message", [
    (["x", "y", "y"], r"none of the 2 words is in the vocabulary: x, y$"),
    (["group0_word_with_a_long_label0", "x"],
     r"only one word is in the vocabulary \('group0_word_with_a_long_label0'\); "
     r"need at least two to plot \(not in the vocabulary: x\)$"),
    (["group0_word_with_a_long_label0"] * 3,
     r"only one word is in the vocabulary \('group0_word_with_a_long_label0'\); "
     r"need at least two to plot \(it was given 3 times\)$"),
    ([], r"no words to plot$"),
])
def test_fewer_than_two_known_words(tmp_path, words, message):
    from w2v.errors import VectorsError

    with pytest.raises(VectorsError, match=message):
        plot.plot_words(clustered(), words, tmp_path / "w.png")


def label_boxes(fig):
    return [t.get_window_extent() for t in fig.axes[0].texts if t.get_text()]


@pytest.mark.slow  # draws eight figures
@pytest.mark.parametrize("seed", range(8))
def test_labels_keep_a_visible_gap(tmp_path, drawn, seed):
    """No two label boxes touch, even after each is padded by one pixel; random clouds of 20
    labels of mixed lengths (seeds 1 and 6 overlapped before) and the planted clusters."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}{'x' * (i % 5)}" for i in range(20)]
    for v in (Vectors(words, rng.normal(size=(20, 5)).astype(np.float32)), clustered(seed)):
        plot.plot_words(v, v.words, tmp_path / "w.png", clusters=3)  # clusters: no effect
        boxes = [b.padded(1) for b in label_boxes(drawn[-1])]
        assert len(boxes) == len(v)
        touching = [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
                    if boxes[i].overlaps(boxes[j])]
        assert touching == []
        axes_box = drawn[-1].axes[0].get_window_extent()
        assert all(axes_box.x0 <= b.x0 and b.x1 <= axes_box.x1 and axes_box.y0 <= b.y0
                   and b.y1 <= axes_box.y1 for b in label_boxes(drawn[-1]))


def test_explicit_clusters_capped_at_distinct_points(tmp_path):
    v = Vectors(["a", "b", "c", "d"], np.array([[1, 1], [1, 1], [2, 0], [0, 3]], np.float32))
    info = plot.plot_words(v, v.words, tmp_path / "w.png", clusters=4)
    assert info["clusters"] == 3 and len(set(info["labels"])) == 3
    assert info["labels"][0] == info["labels"][1]  # the identical pair shares a cluster
    assert info["notes"] == ["only 3 distinct vectors among the 4 words: drew 3 clusters"]


def visible_ticks(ax):
    lo, hi = sorted(ax.get_xlim())
    return [t for t in ax.get_xticks() if lo <= t <= hi]


@pytest.mark.parametrize("history, panels", [
    ({"epoch": [1.9], "checkpoint": [[1000, 2.0]]}, ["epoch"]),
    ({"epoch": [1.9]}, ["epoch"]),
    ({"checkpoint": [[1000, 2.0]]}, ["checkpoint"]),
    ({"epoch": [1.9], "checkpoint": [[500, 2.1], [1000, 1.9]]}, ["checkpoint"]),
    ({"epoch": [3.0, 2.5, 2.4], "checkpoint": [[3000, 2.4]]}, ["epoch"]),
    ({"epoch": [3.0, 2.5], "checkpoint": [[1500, 2.8], [3000, 2.5]]}, ["epoch"]),
    ({"epoch": [3.0, 2.5, 2.4], "checkpoint": [[500, 3.2], [1500, 2.7], [2500, 2.45]]},
     ["epoch"]),  # three points, one per epoch: the epoch panel says it already
    ({"epoch": [3.0, 2.5], "checkpoint": [[i * 500, 3.0 - 0.1 * i] for i in range(1, 5)]},
     ["epoch", "checkpoint"]),
    ({"epoch": [3.0 - 0.1 * i for i in range(13)]}, ["epoch"]),
])
def test_loss_plot_of_short_runs(tmp_path, drawn, history, panels):
    """Epoch ticks are whole epochs; a panel with one point is drawn only when it is all there
    is, and then its value is written beside the point (one dot alone says nothing)."""
    assert plot.plot_loss(history, tmp_path / "l.png") == {"epoch": [], "checkpoint": [],
                                                           **history}
    axes = drawn[-1].axes
    assert [ax.get_xlabel() for ax in axes] == [{"epoch": "epoch",
                                                 "checkpoint": "words trained"}[p]
                                                for p in panels]
    for ax, panel in zip(axes, panels):
        values = history[panel] if panel == "epoch" else [p[1] for p in history[panel]]
        if panel == "epoch":
            ticks = visible_ticks(ax)
            assert ticks and all(float(t).is_integer() for t in ticks), ticks
            assert set(ticks) <= set(range(1, len(values) + 1))
        notes = [t.get_text() for t in ax.texts]
        assert notes == ([f"{values[0]:.4f}"] if len(values) == 1 else [])


def test_loss_plot_marks_where_an_extension_restarted_the_lr(tmp_path, drawn):
    """A run of 3 epochs extended to 5 restarts its lr after epoch 3 (state.json's lr_schedule):
    a dashed line between epochs 3 and 4, and at the words trained by then."""
    history = {"epoch": [3.0, 2.5, 2.4, 2.6, 2.3],
               "checkpoint": [[i * 500, 3.0 - 0.05 * i] for i in range(1, 7)]}
    state = {"loss_history": history, "lr_schedule": [
        {"epoch": 0, "words": 0, "lr": 0.025}, {"epoch": 3, "words": 1800, "lr": 0.025}]}
    plot.plot_loss(state, tmp_path / "l.png")
    epoch_ax, words_ax = drawn[-1].axes
    marks = [[line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"]
             for ax in (epoch_ax, words_ax)]
    assert marks == [[3.5], [1800]]
    assert "lr restarted" in epoch_ax.get_legend().get_texts()[0].get_text()
    plot.plot_loss(history, tmp_path / "plain.png")  # a run never extended: no mark
    assert not any(line.get_linestyle() == "--" for line in drawn[-1].axes[0].lines)
