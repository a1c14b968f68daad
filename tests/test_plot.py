import json

import numpy as np
import pytest

from w2v import plot
from w2v.vectors import Vectors

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
