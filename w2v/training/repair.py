"""Resuming a damaged run: its files are checked against their records (``integrity.py``) and
rebuilt from the newest intact checkpoint, or the resume is refused with the reason.

Each step is a generator of events: every fallback and rebuild is an ``Alert``, which quiet
output still shows, since it changes what the run's result is made of.
"""

from __future__ import annotations

from w2v.config import Config
from w2v.config_values import save_formats
from w2v.errors import CheckpointError, RunError
from w2v.run import checkpoint, integrity
from w2v.run.checkpoint import FILES, VOCAB, write_json_atomic
from w2v.run.rundir import RunDir
from w2v.training import events
from w2v.training.export import finish


def newest_good(run: RunDir):
    """The newest intact checkpoint, after restoring a damaged file of the newest one from its
    twin in the run folder (``integrity.twins``) where that holds the recorded bytes; damaged
    newer ones are set aside, each with an Alert saying what falling back costs."""
    record, dirs = integrity.read_record(run), run.checkpoint_dirs()
    skipped, ckpt, error = [], None, None
    try:
        ckpt = checkpoint.latest(run, warn=skipped.append)
    except CheckpointError as e:
        error = e
    if dirs and (ckpt is None or ckpt.path != dirs[-1]):
        restored = yield from _restore_twins(run, dirs[-1])
        if restored:
            skipped, error = [], None
            ckpt = checkpoint.latest(run, warn=skipped.append)
    if ckpt is None:
        raise error
    checkpoint.set_aside(run, ckpt.path)
    for message in skipped:
        yield events.Alert(message + _retrained(record, ckpt.state))
    return ckpt


def _restore_twins(run: RunDir, path):
    """Restore the damaged files of checkpoint ``path`` that have an intact twin; returns
    whether any was."""
    problems, restored = checkpoint.verify(path), False
    for name, twin in integrity.twins(run).items():
        if any(p.startswith(FILES[name]) for p in problems) and \
                integrity.restorable(run, path, name):
            integrity.restore(twin, path / FILES[name])
            restored = True
            yield events.Alert(f"{path / FILES[name]} was damaged: restored from {twin}, "
                               "which holds the same bytes")
    if problems[:1] and "state.json" in problems[0] and integrity.state_twin(run, path):
        write_json_atomic(path / "state.json", integrity.state_twin(run, path))
        restored = True
        yield events.Alert(f"{path / 'state.json'} was damaged: restored from {run.state}")
    return restored


def _retrained(record: dict, state: dict) -> str:
    done, ahead = state.get("epoch"), record.get("epoch")
    if isinstance(done, int) and isinstance(ahead, int) and ahead > done:
        return f"; {integrity.epoch_span(done + 1, ahead)} must be trained again (resume " \
               f"with {{=epochs}} {ahead})"
    return ""


def vocabulary(run: RunDir, ckpt):
    """Restore vocab.txt from the checkpoint's copy if it is not the recorded file."""
    want = {"bytes": ckpt.state.get("bytes", {}).get(VOCAB),
            "sha256": ckpt.state.get("sha256", {}).get(VOCAB)}
    if want["sha256"] is None:  # a checkpoint from before copies were kept
        return
    problem = integrity.file_problem(run.vocab, want)
    if problem:
        aside = integrity.keep_aside(run.vocab)
        integrity.restore(ckpt.path / FILES[VOCAB], run.vocab)
        yield events.Alert(f"{run.vocab} was {problem}: restored from {ckpt.path.name}"
                           + (f" (the changed file is kept as {aside.name})" if aside else ""))


def finished(run: RunDir, cfg: Config, vocab_words: list[str], ckpt):
    """A run that has trained all its epochs: nothing to do if its outputs are whole, else
    rebuild them from ``ckpt``, or refuse if they came from a newer, damaged checkpoint."""
    record = integrity.read_record(run)
    source, files = integrity.output_records(run, record)
    damaged = integrity.damaged_outputs(run, record)
    words = record.get("words_done")
    behind = isinstance(words, int) and words > ckpt.state.get("words_done", 0)
    if source not in (None, ckpt.path.name) or behind:  # the outputs are newer than ckpt
        source = source or "of the run's last epoch"
        _check_not_behind(run, record, source, damaged, ckpt)
        yield events.NothingToDo(f"the run's vectors (epoch {record.get('epoch')}) are left "
                                 f"as they are, but their checkpoint {source} is damaged: more "
                                 "epochs "
                                 f"start again from {ckpt.path.name} (epoch "
                                 f"{ckpt.state.get('epoch')})")
        return
    if {k: v for k, v in record.items() if k != "outputs"} != ckpt.state:
        kept = {"outputs": record["outputs"]} if files else {}  # checked file by file above
        write_json_atomic(run.state, {**ckpt.state, **kept})
        yield events.Alert(f"{run.state} was damaged or edited: rewritten from "
                           f"{ckpt.path.name}")
    for name, problem in damaged.items():
        if name != run.vocab.name:  # restored by ``vocabulary``
            aside = integrity.keep_aside(run.path / name)
            yield events.Alert(f"{run.path / name} was {problem}: rewritten from "
                               f"{ckpt.path.name}" + (f" (the changed file is kept as "
                                                      f"{aside.name})" if aside else ""))
    whole = run.saved_formats() == save_formats(cfg.save) and not damaged and files
    if whole and (cfg.keep_ids or not run.ids.exists()):
        yield events.NothingToDo(f"the run finished all {cfg.epochs} epochs; its vectors are "
                                 f"in {run.path}")
        return
    aside = [] if files else [integrity.keep_aside(run.vector_file(f))
                              for f in run.saved_formats()]  # no record to check them by
    yield from finish(run, cfg, vocab_words, ckpt.W_in, ckpt.path, skip_existing=True)
    yield from _drop_same(run, aside)


def _drop_same(run: RunDir, aside: list):
    """Remove the old vector files that are what was just written again (a run of an older
    w2v, whose outputs had no record); say which ones differed and are kept."""
    _, files = integrity.output_records(run, integrity.read_record(run))
    kept = []
    for old in aside:
        rec = files.get(old.name.removesuffix(".changed"))
        if rec is not None and integrity.file_problem(old, rec) is None:
            old.unlink()
        else:
            kept.append(old.name)
    if kept:
        yield events.Alert(f"vector files that differ from the final checkpoint's were kept "
                           f"as {', '.join(kept)} in {run.path}")


def _check_not_behind(run: RunDir, record, source, damaged, ckpt) -> None:
    """The outputs came from ``source``, newer than the intact ``ckpt``: if any is damaged,
    nothing can rebuild it; say how to train the lost epochs again."""
    if not damaged:
        return
    done, ahead = ckpt.state.get("epoch"), record.get("epoch")
    names = ", ".join(sorted(damaged))
    which = integrity.epoch_span(done + 1, ahead)
    raise RunError(f"cannot rebuild {names} in {run.path}: they came from checkpoint "
                   f"{source} (epoch {ahead}), which is damaged; the newest intact one, "
                   f"{ckpt.path.name}, is at epoch {done}: resume with {{=epochs}} {ahead} to "
                   f"train {which} again")
