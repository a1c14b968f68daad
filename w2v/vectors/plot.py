"""Figures: the seed's 2-D SVD projection of chosen words, and the loss curve of a run.

matplotlib and scikit-learn are imported inside the functions, so the CLI starts fast. Figures
are drawn on matplotlib's Agg canvas directly (no pyplot, so no global figure state and no GUI
backend); the file format follows the extension: .png, .svg or .pdf.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from w2v.errors import RunError, VectorsError
from w2v.run.rundir import RunDir
from w2v.vectors.plot_eval import draw_scores, load_eval_history
from w2v.vectors.plot_labels import place_labels

# The CS224n assignment's 24 words (shared/data/README.md).
DEFAULT_WORDS = [
    "great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet", "enjoyable",
    "boring", "bad", "dumb", "annoying", "female", "male", "queen", "king", "man", "woman",
    "rain", "snow", "hail", "coffee", "tea",
]
FORMATS = (".png", ".svg", ".pdf")
MAX_AUTO_CLUSTERS = 8
KMEANS_INITS = 10  # fixed n_init: the same seed gives the same clusters on every sklearn
MAX_LISTED = 10  # unknown words named in an error
# Checkpoints between two epochs' points: fewer than this draw a near-straight line that says
# what the epoch panel says, so that panel alone is drawn.
MIN_CHECKPOINT_POINTS = 4


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

    Every label stays inside the axes and clear of the others (``plot_labels``).
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
    place_labels(fig, ax, texts)
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


def load_restarts(source) -> list[dict]:
    """Where the learning rate restarted: the ``lr_schedule`` entries after the first (each
    ``{"epoch", "words", "lr"}``, appended when a finished run was extended to more epochs, see
    ``w2v.training.extend``); empty for a bare history or a run never extended."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            source = RunDir(path).read_state() if path.is_dir() else RunDir.read_json(path)
        except RunError:
            return []  # load_loss_history, which runs first, has said what is wrong
    schedule = source.get("lr_schedule", []) if isinstance(source, dict) else []
    try:
        return [{"epoch": int(e["epoch"]), "words": float(e["words"]), "lr": float(e["lr"])}
                for e in schedule[1:]]
    except (KeyError, TypeError, ValueError):
        raise VectorsError("the run's lr_schedule is damaged: expected a list of "
                           "{'epoch', 'words', 'lr'} entries") from None


def _panels(series: dict) -> list[str]:
    """The epoch panel from two epochs on; the checkpoint panel when it is finer than the
    epoch panel (``MIN_CHECKPOINT_POINTS``), or has a curve where the epoch panel has none; a
    single point when that is all there is."""
    epochs, points = len(series["epoch"][1]), len(series["checkpoint"][1])
    panels = ["epoch"] if epochs >= 2 else []
    if points > epochs and points >= (MIN_CHECKPOINT_POINTS if panels else 2):
        panels.append("checkpoint")
    return panels or [next(p for p in series if series[p][1])]


def plot_loss(state_or_history, out_path) -> dict:
    """The training loss stored in a run's state.json: the mean loss per pair of each epoch
    (x = epoch), and beside it, when checkpoints recorded enough points to say more than the
    epochs do (``_panels``), the mean loss since the previous checkpoint (x = words trained).
    Accepts what ``load_loss_history`` accepts; returns the history drawn.

    Short runs: ticks are whole epochs (and whole words). A single point, when it is all there
    is, is drawn with its value written beside it. Where extending the run to more epochs restarted
    the learning rate (``load_restarts``), a dashed line marks the curve. A run that scored
    itself after each epoch gets one more panel, its scores (``plot_eval.py``).
    """
    out_path = _check_format(out_path)
    history = load_loss_history(state_or_history)
    scores = load_eval_history(state_or_history)
    restarts = load_restarts(state_or_history)
    epochs, points = history["epoch"], history["checkpoint"]
    if not epochs and not points:
        raise VectorsError("this run has no recorded loss yet; train at least one checkpoint")
    series = {"epoch": (list(range(1, len(epochs) + 1)), epochs),
              "checkpoint": ([p[0] for p in points], [p[1] for p in points])}
    panels = _panels(series)
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
        _mark_restarts(ax, restarts, panel)
        ax.set_ylabel("mean loss per pair")
        ax.grid(alpha=0.3)
    if scores:
        draw_scores(axes[-1], scores)
    fig.savefig(out_path, bbox_inches="tight")
    return history


def _mark_restarts(ax, restarts: list[dict], panel: str) -> None:
    """A dashed vertical line where each extension began: between its last old epoch and its
    first new one, or at the words trained by then."""
    for i, r in enumerate(restarts):
        x = r["epoch"] + 0.5 if panel == "epoch" else r["words"]
        ax.axvline(x, color="0.4", linestyle="--", linewidth=1,
                   label=None if i else "lr restarted: run extended")
    if restarts:
        ax.legend(fontsize="small", loc="upper right")
