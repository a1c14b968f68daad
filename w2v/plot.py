"""Figures: the seed's 2-D SVD projection of chosen words, and the loss curve of a run.

matplotlib and scikit-learn are imported inside the functions, so the CLI starts fast.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from w2v.errors import VectorsError

# The CS224n assignment's 24 words (shared/data/README.md).
DEFAULT_WORDS = [
    "great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet", "enjoyable",
    "boring", "bad", "dumb", "annoying", "female", "male", "queen", "king", "man", "woman",
    "rain", "snow", "hail", "coffee", "tea",
]
FORMATS = (".png", ".svg", ".pdf")


def project_2d(X: np.ndarray) -> np.ndarray:
    """Center the rows, take their SVD X - mean = U S Vᵀ, and return the coordinates on the two
    top right-singular vectors, (X - mean) V[:, :2] = U[:, :2] S[:2].

    This is the CS224n run.py projection, and it is exactly PCA to two components: the right
    singular vectors of the centered data are the eigenvectors of its covariance.
    """
    X = np.asarray(X, dtype=np.float64)
    centered = X - X.mean(axis=0)
    U, S, _ = np.linalg.svd(centered, full_matrices=False)
    return U[:, :2] * S[:2]


def choose_clusters(points: np.ndarray, clusters: int | None, seed: int = 0) -> np.ndarray:
    """KMeans labels. With ``clusters`` None the rule is: try k = 2 .. min(8, n - 1) and keep the
    k with the highest silhouette score (ties: the smaller k)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(points)
    if clusters is not None:
        if not 1 <= clusters <= n:
            raise VectorsError(f"--clusters must be between 1 and {n} (the number of words)")
        return KMeans(clusters, n_init=10, random_state=seed).fit_predict(points)
    if n < 3:
        return np.zeros(n, dtype=int)
    best, best_score = None, -np.inf
    for k in range(2, min(8, n - 1) + 1):
        labels = KMeans(k, n_init=10, random_state=seed).fit_predict(points)
        score = silhouette_score(points, labels)
        if score > best_score + 1e-12:
            best, best_score = labels, score
    return best


def plot_words(vectors, words, out_path, clusters: int | None = None, seed: int = 0) -> dict:
    """Scatter the words' 2-D projection, colored by KMeans clusters of their unit vectors.

    Returns ``{"plotted": [...], "missing": [...], "labels": [...], "coords": array}``;
    out-of-vocabulary words are skipped and listed in "missing".
    """
    out_path = Path(out_path)
    if out_path.suffix.lower() not in FORMATS:
        raise VectorsError(f"cannot write {out_path}: use a .png, .svg or .pdf file name")
    present = [w for w in dict.fromkeys(words) if w in vectors.index]
    missing = [w for w in dict.fromkeys(words) if w not in vectors.index]
    if len(present) < 2:
        raise VectorsError(
            f"need at least two words in the vocabulary to plot; missing: {', '.join(missing)}"
        )
    X = np.asarray(vectors.vectors[[vectors.index[w] for w in present]], dtype=np.float64)
    coords = project_2d(X)
    labels = choose_clusters(vectors.unit[[vectors.index[w] for w in present]], clusters, seed)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 6), dpi=120)
    cmap = plt.get_cmap("tab10")
    ax.scatter(coords[:, 0], coords[:, 1], c=[cmap(i % 10) for i in labels], s=30, zorder=2)
    texts = [
        ax.annotate(w, (x, y), xytext=(4, 3), textcoords="offset points", fontsize=10, zorder=3)
        for w, (x, y) in zip(present, coords)
    ]
    ax.set_title(f"{len(present)} words, 2-D SVD projection, {labels.max() + 1} KMeans clusters")
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    ax.grid(alpha=0.3)
    _spread_labels(fig, texts)
    _fit_labels(fig, ax, texts)
    fig.savefig(out_path, bbox_inches="tight")
    plt.close(fig)
    return {"plotted": present, "missing": missing, "labels": labels.tolist(), "coords": coords}


def _spread_labels(fig, texts, step: float = 11.0, tries: int = 40) -> None:
    """Greedy de-overlap: move each label up or down (in points) until its box touches no label
    placed before it; a moved label gets a thin leader line to its point."""
    fig.canvas.draw()
    placed = []
    for t in texts:
        x0, y0 = t.xyann
        for i in range(tries):
            dy = step * ((i + 1) // 2) * (1 if i % 2 else -1)
            t.xyann = (x0, y0 + dy)
            box = t.get_window_extent().expanded(1.02, 1.1)
            if not any(box.overlaps(b) for b in placed):
                break
        if t.xyann != (x0, y0):
            t.arrow_patch = None
            t.set_horizontalalignment("left")
            t.axes.annotate("", xy=t.xy, xytext=t.xyann, textcoords="offset points",
                            arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "0.5"})
        placed.append(t.get_window_extent())


def _fit_labels(fig, ax, texts, rounds: int = 5) -> None:
    """Widen the axes until every label's box lies inside them (the assignment's plot clips
    labels at the edges)."""
    fig.canvas.draw()
    for _ in range(rounds):
        inv = ax.transData.inverted()
        boxes = [t.get_window_extent().transformed(inv) for t in texts]
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        nx0 = min([x0] + [b.x0 for b in boxes])
        nx1 = max([x1] + [b.x1 for b in boxes])
        ny0 = min([y0] + [b.y0 for b in boxes])
        ny1 = max([y1] + [b.y1 for b in boxes])
        if (nx0, nx1, ny0, ny1) == (x0, x1, y0, y1):
            return
        padx, pady = 0.02 * (nx1 - nx0), 0.02 * (ny1 - ny0)
        ax.set_xlim(nx0 - padx, nx1 + padx)
        ax.set_ylim(ny0 - pady, ny1 + pady)
        fig.canvas.draw()


def plot_loss(state: dict, out_path) -> None:
    """The loss curve stored in a run's state.json: per epoch, and per checkpoint if recorded."""
    out_path = Path(out_path)
    if out_path.suffix.lower() not in FORMATS:
        raise VectorsError(f"cannot write {out_path}: use a .png, .svg or .pdf file name")
    history = state.get("loss_history", {})
    epochs = history.get("epoch", [])
    points = history.get("checkpoint", [])
    if not epochs and not points:
        raise VectorsError("this run has no recorded loss yet")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    words_per_epoch = state.get("words_done", 0) / max(state.get("epoch", 1), 1)
    if points:
        ax.plot([p[0] / max(words_per_epoch, 1) for p in points], [p[1] for p in points],
                ".-", alpha=0.6, label="per checkpoint")
    if epochs:
        ax.plot(np.arange(1, len(epochs) + 1), epochs, "o-", label="epoch mean")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean loss per pair")
    ax.set_title("training loss")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.savefig(out_path, bbox_inches="tight")
    plt.close(fig)
