"""More epochs on a finished run: resume it with ``epochs`` above the epochs it has done.

The lr schedule of the extra epochs is a fresh linear decay from ``lr`` to ``min_lr`` over
them, what gensim does when ``train()`` is called again. Continuing from the lr the run ended
at would train nothing: the schedule ends at ``min_lr`` (word2vec.c's at lr·1e-4), and on
wiki-1.5m five more epochs there moved WS-353 by 0.003 and analogies by 0.05 points. A fresh
decay from ``lr`` made 5 + 5 epochs as good as 10 planned from the start on WS-353 (0.523
against 0.525, 3 seeds) and 0.46 points behind on analogies; picking up the 10-epoch schedule
where its epoch 5 ended (lr/2) was 0.05 worse on WS-353 (README, "More epochs";
``scripts/continued_training.py epochs``). ``lr`` given with the extension sets where the new
decay starts.

Each decay is one entry of the run state's ``lr_schedule``, ``{"epoch", "words", "lr"}``: it
starts after ``epoch`` epochs (``words`` trained words) at ``lr`` and ends at ``min_lr`` at the
end of the run's (new) last epoch. A run that was never extended has none: one decay from the
config's ``lr``. Because the schedule is stored, an extended run that is interrupted resumes
exactly, and with one thread an extension is deterministic like any run.

Only a finished run can be extended: changing the plan of a run in mid-decay has no answer
this rule gives, so that is refused with what to do instead.
"""

from __future__ import annotations

from w2v.config import Config
from w2v.errors import ConfigError
from w2v.settings import resume_config


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def resumed_config(stored: dict, given: dict, state) -> tuple[Config, str | None]:
    """``settings.resume_config``, except that ``epochs`` above the planned epochs of a finished
    run extends it (and ``lr`` then starts the new decay). Returns the config and, when the
    run is extended, a note saying how; the new decay is appended to ``state.lr_schedule``."""
    wanted, planned = given.get("epochs"), stored.get("epochs")
    finished = _is_int(planned) and state.epoch >= planned
    if not (_is_int(wanted) and _is_int(planned)) or wanted == planned:
        return resume_config(stored, given), None
    if wanted < planned and finished:
        raise ConfigError(f"the run has trained all its {planned} epochs: {{=epochs}} above "
                          f"{planned} trains more ({wanted} is fewer)")
    if wanted < planned or not finished:
        try:
            return resume_config(stored, given), None  # refuses the change, by name
        except ConfigError as e:
            if wanted < planned or e.settings()[:1] != ["epochs"]:
                raise
            raise ConfigError(f"{e.template}; it has done {state.epoch} of its {planned} "
                              "epochs: resume it as it is, then again with more {=epochs} "
                              "to train more") from None
    cfg = resume_config(stored, {k: v for k, v in given.items() if k not in ("epochs", "lr")})
    extended = Config(**{**cfg.to_dict(), "epochs": wanted, "lr": given.get("lr", cfg.lr)})
    if not state.lr_schedule:
        state.lr_schedule.append({"epoch": 0, "words": 0, "lr": cfg.lr})
    state.lr_schedule.append({"epoch": state.epoch, "words": state.words_done,
                              "lr": extended.lr})
    state.config = extended.to_dict()  # what the next resume reads
    more = wanted - state.epoch
    which = f"epoch {wanted}" if more == 1 else f"epochs {state.epoch + 1}-{wanted}"
    note = (f"{more} more epoch{'s' * (more > 1)} ({which}): lr decays afresh from "
            f"{extended.lr:g} to {extended.min_lr:g}")
    return extended, note


def decay_start(state, cfg: Config) -> tuple[int, float]:
    """(words, lr) where the current decay started: the last ``lr_schedule`` entry, else the
    start of the run at the config's ``lr``."""
    if not state.lr_schedule:
        return 0, cfg.lr
    last = state.lr_schedule[-1]
    return last["words"], last["lr"]
