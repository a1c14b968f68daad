"""What a run folder holds, for ``w2v info``: its config, vocabulary, progress, losses,
evaluation scores and files, as data (``run_info``) and as text (``format_info``).

It reads whatever is there and never trains or locks, so it works on a finished run, on an
interrupted or diverged one (checkpoints but no vectors), and on one that stopped before its
first checkpoint (only the vocabulary). Every file with a recorded size and sha256 is checked
against it (``integrity.check``: each file is read once), and each damaged one is listed in
``damage`` with how it can be recovered. A part that cannot be read (a corrupt
``state.json``, say) becomes a line in ``problems`` instead of an error, so the rest is still
shown; a folder that holds no part of a run is an error.

The state comes from ``RUN/state.json`` (a copy of the last checkpoint's), else from the newest
checkpoint's own ``state.json``. Per-epoch evaluation, when training stored it, is the state's
``eval_history``: ``[{"epoch": 3, "analogies": {path: {"total": accuracy, "seen": n, ...}},
"similarity": {path: {"spearman": rho, ...}}}, ...]``.
"""

from __future__ import annotations

import math
from pathlib import Path

from w2v.errors import RunError, W2VError
from w2v.run.integrity import check
from w2v.run.rundir import RunDir
from w2v.text.vocab import Vocab
from w2v.util.tables import format_table

# What a run's state says about it; "resumable" ones continue with the train command's resume.
FINISHED, TRAINED, UNFINISHED, NO_CHECKPOINT = ("finished", "trained", "unfinished",
                                                "no checkpoint")
STATUS_TEXT = {
    FINISHED: "finished: all {done} of {planned} epochs, vectors written",
    TRAINED: "trained all {done} of {planned} epochs, but the vectors were not written",
    UNFINISHED: "unfinished: {done} of {planned} epochs done (interrupted or diverged)",
    NO_CHECKPOINT: "no checkpoint: the corpus was counted, but training stopped (interrupted "
                   "or diverged) before the first checkpoint",
}


def run_info(path) -> dict:
    """The report on the run folder ``path`` (see the module docstring); JSON-ready."""
    run = RunDir(path)
    if not run.path.exists():
        raise RunError(f"{run.path} does not exist")
    if not run.path.is_dir():
        raise RunError(f"{run.path} is not a folder: give a w2v run folder")
    if not run.is_run():
        raise RunError(f"{run.path} is not a w2v run folder (no {run.state.name}, no "
                       f"{run.checkpoints.name}/, no {run.vocab.name} with {run.ids.name})")
    problems: list[str] = []
    damage = [vars(d) for d in check(run)]
    state, source = _read_state(run, problems)
    config = state.get("config") if isinstance(state.get("config"), dict) else {}
    status = _status(run, state, config)
    done, planned = state.get("epoch"), config.get("epochs")
    words, seconds = state.get("words_done"), state.get("train_seconds")
    history = state.get("loss_history") if isinstance(state.get("loss_history"), dict) else {}
    return {
        "run": str(run.path),
        "status": status,
        "status_text": STATUS_TEXT[status].format(done=done, planned=planned)
        + (f"; {len(damage)} damaged file{'s' * (len(damage) > 1)}" if damage else ""),
        "damage": damage,
        "resumable": status in (TRAINED, UNFINISHED),
        "state_file": source,
        "config": config,
        "corpus": state.get("corpus") if isinstance(state.get("corpus"), list) else [],
        "vocabulary": _vocabulary(run, config, problems),
        "training": {
            "epochs_done": done,
            "epochs_planned": planned,
            "words_trained": words,
            "train_seconds": seconds,
            "words_per_second": words / seconds if _positive(words) and _positive(seconds)
            else None,
        },
        "loss": {"epoch": list(history.get("epoch", [])),
                 "checkpoint": list(history.get("checkpoint", []))},
        "eval_history": _eval_history(state, problems),
        "files": [{"name": str(p.relative_to(run.path)), "bytes": _size(p), "folder": p.is_dir()}
                  for p in run.listing()],
        "problems": problems,
    }


def _read_state(run: RunDir, problems: list) -> tuple[dict, str | None]:
    """RUN/state.json, else the newest checkpoint's state.json that parses; ({}, None) if
    neither (a run that stopped before its first checkpoint has none)."""
    candidates = [run.state] + [d / run.state.name for d in reversed(run.checkpoint_dirs())]
    for file in candidates:
        if not file.is_file():
            continue
        try:
            return RunDir.read_json(file), str(file)
        except RunError as e:
            problems.append(str(e))
        except OSError as e:
            problems.append(f"{file} is unreadable ({e.strerror or e})")
    return {}, None


def _status(run: RunDir, state: dict, config: dict) -> str:
    done, planned = state.get("epoch"), config.get("epochs")
    if not state:
        return NO_CHECKPOINT
    if isinstance(done, int) and isinstance(planned, int) and done >= planned:
        return FINISHED if run.has_vectors() else TRAINED
    return UNFINISHED


def _vocabulary(run: RunDir, config: dict, problems: list) -> dict:
    """Size, the cutoff settings, and the count of the rarest word kept (the effective cutoff
    when max_vocab, not min_count, decided)."""
    summary = {"words": None, "corpus_words": None, "rarest_count": None,
               "min_count": config.get("min_count"), "max_vocab": config.get("max_vocab")}
    if not run.vocab.is_file():
        problems.append(f"{run.vocab} is missing")
        return summary
    try:
        vocab = Vocab.load(run.vocab)
    except W2VError as e:
        problems.append(str(e))
        return summary
    summary.update(words=len(vocab), corpus_words=vocab.total_words,
                   rarest_count=int(vocab.counts[-1]) if len(vocab) else None)
    return summary


def _eval_history(state: dict, problems: list) -> list:
    history = state.get("eval_history", [])
    ok = isinstance(history, list) and all(
        isinstance(e, dict) and isinstance(e.get("epoch"), int) for e in history)
    if not ok:
        problems.append("the state's eval_history is malformed; it is left out")
        return []
    return history


def _size(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def _positive(x) -> bool:
    return isinstance(x, (int, float)) and x > 0


# ------------------------------------------------------------------------------ text


def format_info(info: dict) -> str:
    """The report as text: a summary, the per-epoch table, the config and the files."""
    blocks = [_summary(info)]
    table = epoch_table(info)
    if table:
        blocks.append(table)
    if info["config"]:
        settings = [(k, {True: "true", False: "false"}.get(v, v) if isinstance(v, bool) else v)
                    for k, v in info["config"].items()]
        blocks.append(format_table(settings, ["setting", "value"]))
    files = [(f["name"] + ("/" if f["folder"] else ""), human_bytes(f["bytes"]))
             for f in info["files"]]
    blocks.append(format_table(files, ["file", "size"], right=(1,)))
    if info["damage"]:
        rows = [(d["file"], d["problem"], d["recovery"]) for d in info["damage"]]
        blocks.append(format_table(rows, ["damaged file", "problem", "recovery"]))
    blocks += ["\n".join(f"warning: {p}" for p in info["problems"])] if info["problems"] else []
    return "\n\n".join(blocks)


def _summary(info: dict) -> str:
    vocab, training = info["vocabulary"], info["training"]
    lines = [f"run:        {info['run']}", f"status:     {info['status_text']}"]
    for c in info["corpus"]:
        size = f" ({human_bytes(c['size'])})" if isinstance(c.get("size"), int) else ""
        lines.append(f"corpus:     {c.get('path')}{size}")
    if vocab["words"] is not None:
        cutoff = [f"min_count {vocab['min_count']}"] if vocab["min_count"] is not None else []
        if vocab["max_vocab"]:
            cutoff.append(f"max_vocab {vocab['max_vocab']:,}")
        if vocab["rarest_count"] is not None:
            cutoff.append(f"the rarest kept word occurs {vocab['rarest_count']:,} times")
        lines.append(f"vocabulary: {vocab['words']:,} words ({'; '.join(cutoff)}) from "
                     f"{vocab['corpus_words']:,} corpus words")
    if training["words_trained"] is not None:
        speed = training["words_per_second"]
        rate = f" in {training['train_seconds']:.3g} s ({speed:,.0f} words/s)" if speed else ""
        lines.append(f"trained:    {training['words_trained']:,} words{rate}")
    return "\n".join(lines)


def epoch_table(info: dict) -> str:
    """One row per epoch: its mean loss, then one column per evaluation set (analogy accuracy
    in %, similarity Spearman's rho); '-' where an epoch has no value."""
    losses = info["loss"]["epoch"]
    evals = {e["epoch"]: e for e in info["eval_history"]}
    columns = []  # (kind, key, heading), in order of first appearance
    for entry in info["eval_history"]:
        for kind in ("analogies", "similarity"):
            for key in entry.get(kind) or {}:
                if (kind, key) not in [c[:2] for c in columns]:
                    columns.append((kind, key, Path(str(key)).name))
    epochs = sorted(set(range(1, len(losses) + 1)) | set(evals))
    if not epochs:
        return ""
    rows = []
    for epoch in epochs:
        loss = losses[epoch - 1] if 0 < epoch <= len(losses) else None
        row = [epoch, _number(loss, "{:.4f}")]
        for kind, key, _ in columns:
            scores = (evals.get(epoch, {}).get(kind) or {}).get(key) or {}
            if kind == "analogies":
                row.append(_number(scores.get("total"), "{:.1%}"))
            else:
                row.append(_number(scores.get("spearman"), "{:.4f}"))
        rows.append(row)
    headings = ["epoch", "loss", *(c[2] for c in columns)]
    return format_table(rows, headings, right=tuple(range(len(headings))))


def _number(x, fmt: str) -> str:
    if isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x):
        return fmt.format(x)
    return "-"


def human_bytes(n: int) -> str:
    """Decimal units, three significant digits: 1,309,796 -> '1.31 MB'.

    >>> human_bytes(999), human_bytes(12_345), human_bytes(1_309_796), human_bytes(250_000_000)
    ('999 B', '12.3 kB', '1.31 MB', '250 MB')
    """
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            value = n / scale
            digits = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{digits}f} {unit}"
    return f"{n} B"
