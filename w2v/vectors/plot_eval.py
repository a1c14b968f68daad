"""The evaluation panel of ``plot_loss``: the scores a run recorded after each epoch
(``eval_history`` in its state.json, see ``w2v.training.evaluation``), beside its loss.

Analogy accuracy and Spearman's rho live on different scales (a few percent against 0.3-0.7
on small corpora), so accuracies use the left axis and correlations a right one: both curves
keep their shape. An undefined score (None) leaves a gap.
"""

from __future__ import annotations

from pathlib import Path, PurePath

from w2v.errors import RunError, VectorsError
from w2v.run.rundir import RunDir


def load_eval_history(source) -> dict[str, tuple[list[int], list]]:
    """``{label: (epochs, scores)}`` from a run folder, a state.json path or a state dict;
    empty when the run evaluated nothing (or ``source`` is a bare loss history). Labels are
    "FILE accuracy" and "FILE rho", by file name."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            source = RunDir(path).read_state() if path.is_dir() else RunDir.read_json(path)
        except RunError:
            return {}  # load_loss_history, which runs first, has said what is wrong
    entries = source.get("eval_history", []) if isinstance(source, dict) else []
    series: dict[str, tuple[list[int], list]] = {}
    try:
        for entry in entries:
            for kind, metric, label in (("analogies", "total", "accuracy"),
                                        ("similarity", "spearman", "rho")):
                for file, result in entry.get(kind, {}).items():
                    xs, ys = series.setdefault(f"{PurePath(file).name} {label}", ([], []))
                    xs.append(int(entry["epoch"]))
                    ys.append(None if result[metric] is None else float(result[metric]))
    except (AttributeError, KeyError, TypeError, ValueError):
        raise VectorsError("the evaluation history is damaged: expected a list of "
                           "{'epoch', 'analogies', 'similarity'} entries") from None
    return series


def draw_scores(ax, series: dict[str, tuple[list[int], list]]) -> None:
    """Accuracies on ``ax``, correlations on a twin axis at its right (or on ``ax`` itself
    when there are no accuracies), one line per file, with one legend."""
    from matplotlib.ticker import MaxNLocator

    nan = float("nan")
    accuracy = {k: v for k, v in series.items() if k.endswith(" accuracy")}
    rho = {k: v for k, v in series.items() if k.endswith(" rho")}
    right = ax.twinx() if accuracy and rho else ax
    lines = []
    for axis, group, style in ((ax, accuracy, "o-"), (right, rho, "s--")):
        for label, (xs, ys) in group.items():  # one color cycle over both axes
            lines += axis.plot(xs, [nan if y is None else y for y in ys], style, label=label,
                               color=f"C{len(lines) % 10}")
    if accuracy:
        ax.set_ylabel("analogy accuracy")
    if rho:
        right.set_ylabel("Spearman rho")
    epochs = sorted({x for xs, _ in series.values() for x in xs})
    ax.set_xlim(epochs[0] - 0.5, epochs[-1] + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.set_xlabel("epoch")
    ax.set_title("evaluation after each epoch")
    ax.grid(alpha=0.3)
    ax.legend(lines, [line.get_label() for line in lines], fontsize="small", loc="best")
