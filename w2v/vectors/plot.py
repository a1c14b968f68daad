"""Figures: the seed's 2-D SVD projection of chosen words, and the loss curve of a run.

matplotlib and scikit-learn are imported inside the functions, so the CLI starts fast. Figures
are drawn on matplotlib's Agg canvas directly (no pyplot, so no global figure state and no GUI
backend); the file format follows the extension: .png, .svg or .pdf.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from w2v.errors import RunError, VectorsError
from w2v.train.rundir import RunDir
from w2v.vectors.plot_eval import draw_scores, load_eval_history

# The CS224n assignment's 24 words (shared/data/README.md).
DEFAULT_WORDS = [
    "great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet", "enjoyable",
    "boring", "bad", "dumb", "annoying", "female", "male", "queen", "king", "man", "woman",
    "rain", "snow", "hail", "coffee", "tea",
]
FORMATS = (".png", ".svg", ".pdf")
MAX_AUTO_CLUSTERS = 8
KMEANS_INITS = 10  # fixed n_init: the same seed gives the same clusters on every sklearn
LABEL_GAP = 3.0  # pixels kept clear around each word label (120 dpi), so no two labels touch
MAX_LISTED = 10  # unknown words named in an error


def project_2d(X: np.ndarray) -> np.ndarray:
    """Center the rows, take their SVD X - mean = U S Vᵀ, and return the coordinates on the two
    top right-singular vectors, (X - mean) V[:, :2] = U[:, :2] S[:2].

    This is the CS224n run.py projection, and it is exactly PCA to two components: the
    covariance of the centered rows is V S² Vᵀ / (n - 1), so its top eigenvectors are the top
    right-singular vectors, found without forming the covariance.
    """
    X = np.asarray(X, dtype=np.float64)
    if len(X) < 2:
        raise VectorsError("need at least two words to project")
    centered = X - X.mean(axis=0)
    U, S, _ = np.linalg.svd(centered, full_matrices=False)
    coords = U[:, :2] * S[:2]
    if coords.shape[1] < 2:  # one-dimensional vectors: the second axis is flat
        coords = np.column_stack([coords, np.zeros(len(coords))])
    return coords


def choose_clusters(points: np.ndarray, clusters: int | None = None, seed: int = 0) -> np.ndarray:
    """KMeans labels (scikit-learn, ``random_state=seed``, ``n_init=10``).

    With ``clusters`` None the rule is the best silhouette: try k = 2 .. min(8, n - 1) and keep
    the k with the highest silhouette score (ties: the smaller k); fewer than 3 points, or
    points that are all identical, form one cluster.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(points)
    if clusters is not None:
        if not 1 <= clusters <= n:
            raise VectorsError(f"the number of clusters must be between 1 and {n} (the number "
                               f"of points), got {clusters}")
        return KMeans(clusters, n_init=KMEANS_INITS, random_state=seed).fit_predict(points)
    distinct = distinct_rows(points)
    if n < 3 or distinct < 2:
        return np.zeros(n, dtype=int)
    best, best_score = np.zeros(n, dtype=int), -np.inf
    for k in range(2, min(MAX_AUTO_CLUSTERS, n - 1, distinct) + 1):
        labels = KMeans(k, n_init=KMEANS_INITS, random_state=seed).fit_predict(points)
        if len(set(labels.tolist())) < 2:
            continue
        score = silhouette_score(points, labels)
        if score > best_score + 1e-12:
            best, best_score = labels, score
    return best


def distinct_rows(points: np.ndarray) -> int:
    """How many different rows (to 6 decimals): KMeans cannot make more clusters than that,
    and warns if asked to."""
    return len(np.unique(np.round(points, 6), axis=0))


def _figure(figsize):
    """A Figure on the Agg canvas: no pyplot, so nothing global to close or leak."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=120)
    FigureCanvasAgg(fig)
    return fig


def _check_format(out_path) -> Path:
    out_path = Path(out_path)
    if out_path.suffix.lower() not in FORMATS:
        raise VectorsError(f"cannot write {out_path}: use a .png, .svg or .pdf file name")
    return out_path


def plot_words(vectors, words, out_path, clusters: int | None = None, seed: int = 0) -> dict:
    """Scatter the words' 2-D projection (``project_2d`` of their raw vectors, as run.py),
    colored by KMeans clusters of their unit vectors (``choose_clusters``: ``clusters`` given,
    or the best silhouette for k in 2..8).

    Every label stays inside the axes and clear of the others (``_place_labels``).
    Out-of-vocabulary words get their n-gram vector when the vectors have n-gram rows, else are
    skipped, with a note either way; a lowercased run's words are lowercased first. More
    ``clusters`` than distinct vectors are capped, with a note. Returns
    ``{"plotted": [...], "missing": [...], "labels": [...], "clusters": k, "coords": (n, 2)
    array, "notes": [...], "summary": [lines]}`` (the clusters' members, the file written).
    """
    out_path = _check_format(out_path)
    unique = list(dict.fromkeys(vectors.key(w) for w in words))
    present = [w for w in unique if vectors.has_vector(w)]
    missing = [w for w in unique if not vectors.has_vector(w)]
    if len(present) < 2:
        raise VectorsError(_too_few_words(vectors, words, present, missing))
    unit = vectors.unit_vectors(present)  # first: it rejects NaN/inf, which would break the SVD
    coords = project_2d(np.asarray(vectors[present], dtype=np.float64))
    notes = [f"not in the vocabulary, skipped: {' '.join(missing)}"] if missing else []
    notes += vectors.ngram_notes(present)
    if clusters is not None and clusters > distinct_rows(unit):
        clusters = distinct_rows(unit)
        many = "s" if clusters > 1 else ""
        notes.append(f"only {clusters} distinct vector{many} among the {len(present)} words: "
                     f"drew {clusters} cluster{many}")
    labels = np.asarray(choose_clusters(unit, clusters, seed))
    k = int(labels.max()) + 1

    import matplotlib

    fig = _figure((8, 6))
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["tab10"]
    ax.scatter(coords[:, 0], coords[:, 1], c=[cmap(i % 10) for i in labels], s=30, zorder=2)
    texts = [
        ax.annotate(w, (x, y), xytext=(4, 3), textcoords="offset points", fontsize=10, zorder=3)
        for w, (x, y) in zip(present, coords)
    ]
    ax.set_title(f"{len(present)} words, 2-D SVD projection, {k} KMeans clusters")
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    ax.grid(alpha=0.3)
    _place_labels(fig, ax, texts)
    fig.savefig(out_path, bbox_inches="tight")
    members = {}
    for w, label in zip(present, labels.tolist()):
        members.setdefault(label, []).append(w)
    summary = [f"cluster {label + 1}: {' '.join(ws)}" for label, ws in sorted(members.items())]
    return {"plotted": present, "missing": missing, "labels": labels.tolist(), "clusters": k,
            "coords": coords, "notes": notes, "summary": summary + [f"wrote {out_path}"]}


def _too_few_words(vectors, words, present, missing) -> str:
    """Why fewer than two words can be plotted: none given, none known, or one known (and
    whether the others are unknown or repeats of it)."""
    if not words:
        return "no words to plot"
    more = len(missing) - MAX_LISTED
    unknown = ", ".join(missing[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")
    if not present:
        return f"none of the {len(missing)} words is in the vocabulary: {unknown}"
    why = [f"not in the vocabulary: {unknown}"] if missing else []
    repeats = sum(vectors.key(w) == present[0] for w in words)
    if repeats > 1:
        why.append(f"it was given {repeats} times")
    return (f"only one word is in the vocabulary ({present[0]!r}); need at least two to plot"
            + (f" ({'; '.join(why)})" if why else ""))


def _place_labels(fig, ax, texts, rounds: int = 6) -> None:
    """Spread the labels apart, widen the axes to fit them, and repeat while two still touch:
    widening brings the points closer in pixels while the labels' offsets stay in points, so
    labels spread at the old scale can touch again (king/queen in the demo run did). Moved
    labels then get a thin leader line to their point."""
    start = [t.xyann for t in texts]
    for _ in range(rounds):
        _spread_labels(fig, texts, start)
        _fit_labels(fig, ax, texts)
        boxes = [t.get_window_extent() for t in texts]
        if not any(a.padded(LABEL_GAP).overlaps(b) for i, a in enumerate(boxes)
                   for b in boxes[i + 1 :]):
            break
    for t, xy in zip(texts, start):
        if t.xyann != xy:
            t.axes.annotate("", xy=t.xy, xytext=t.xyann, textcoords="offset points",
                            arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "0.5"})


def _spread_labels(fig, texts, start, tries: int = 40) -> None:
    """Greedy: from its ``start`` offset, move each label up or down by whole label heights
    plus the gap until its box, padded by LABEL_GAP pixels, touches no label placed before it
    (``overlaps`` counts touching); if none of the ``tries`` is free, the one that touches
    fewest."""
    fig.canvas.draw()
    placed = []
    for t, (x0, y0) in zip(texts, start):
        t.xyann = (x0, y0)
        step = (t.get_window_extent().height + LABEL_GAP) * 72 / fig.dpi  # pixels -> points
        best = None
        for i in range(tries):
            t.xyann = (x0, y0 + step * ((i + 1) // 2) * (1 if i % 2 else -1))
            box = t.get_window_extent().padded(LABEL_GAP)
            touching = sum(box.overlaps(b) for b in placed)
            if best is None or touching < best[0]:
                best = (touching, t.xyann)
            if not touching:
                break
        t.xyann = best[1]
        placed.append(t.get_window_extent())


def _fit_labels(fig, ax, texts, rounds: int = 8) -> None:
    """Widen the axes until every label's box lies inside them (the assignment's plot clips
    labels at the edges). Widening moves the points, so repeat until nothing changes."""
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


def load_loss_history(source) -> dict:
    """``{"epoch": [...], "checkpoint": [[words_done, loss], ...]}`` from a run folder, a
    state.json path, a state dict (its ``loss_history``), or such a history dict itself."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            source = RunDir(path).read_state() if path.is_dir() else RunDir.read_json(path)
        except RunError as e:
            raise VectorsError(str(e)) from None
    if not isinstance(source, dict):
        raise VectorsError("expected a run folder, state.json, or a loss history dict")
    history = source.get("loss_history", source)
    try:
        return {"epoch": [float(x) for x in history.get("epoch", [])],
                "checkpoint": [[float(n), float(loss)] for n, loss in
                               history.get("checkpoint", [])]}
    except (AttributeError, TypeError, ValueError):
        raise VectorsError("the loss history is damaged: expected lists of numbers") from None


def plot_loss(state_or_history, out_path) -> dict:
    """The training loss stored in a run's state.json: the mean loss per pair of each epoch
    (x = epoch), and beside it, when checkpoints recorded it, the mean loss since the previous
    checkpoint (x = words trained). Accepts what ``load_loss_history`` accepts; returns the
    history drawn.

    Short runs: ticks are whole epochs (and whole words). A panel with a single point is a
    dot that says nothing, so it is left out when the other panel has a curve; when a single
    point is all there is, it is drawn with its value written beside it. A run that scored
    itself after each epoch gets one more panel, its scores (``plot_eval.py``).
    """
    out_path = _check_format(out_path)
    history = load_loss_history(state_or_history)
    scores = load_eval_history(state_or_history)
    epochs, points = history["epoch"], history["checkpoint"]
    if not epochs and not points:
        raise VectorsError("this run has no recorded loss yet; train at least one checkpoint")
    series = {"epoch": (list(range(1, len(epochs) + 1)), epochs),
              "checkpoint": ([p[0] for p in points], [p[1] for p in points])}
    panels = [p for p in series if len(series[p][1]) >= 2]
    panels = panels or [next(p for p in series if series[p][1])]
    from matplotlib.ticker import MaxNLocator

    fig = _figure((6.5 * (len(panels) + bool(scores)), 4.5))
    axes = fig.subplots(1, len(panels) + bool(scores), squeeze=False)[0]
    for ax, panel in zip(axes, panels):
        xs, ys = series[panel]
        ax.plot(xs, ys, "o-" if panel == "epoch" else ".-")
        if len(xs) == 1:
            ax.annotate(f"{ys[0]:.4f}", (xs[0], ys[0]), xytext=(6, 6), textcoords="offset points")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        if panel == "epoch":
            ax.set_xlim(0.5, len(xs) + 0.5)
            ax.set_xlabel("epoch")
            ax.set_title("mean loss per epoch")
        else:
            ax.set_xlabel("words trained")
            ax.set_title("mean loss between checkpoints")
        ax.set_ylabel("mean loss per pair")
        ax.grid(alpha=0.3)
    if scores:
        draw_scores(axes[-1], scores)
    fig.savefig(out_path, bbox_inches="tight")
    return history
