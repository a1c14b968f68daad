"""What ``w2v phrases`` does between the options Click parsed and the lines it prints: check the
combination, learn or load the phrases, write the text, and say what was done (notes for
stderr: standard output may be the text itself). Settings are named ``{=key}``."""

from __future__ import annotations

from pathlib import Path

from w2v.errors import UsageError
from w2v.text import phrases as ph
from w2v.text.phrase_file import load

LEARNING = ("passes", "scoring", "threshold", "min_count", "prune_at", "save_phrases",
            "connector_words")


def _check_out(corpus, out, force: bool) -> None:
    if str(out) == ph.STDOUT:
        return
    out = Path(out)
    if any(str(c) != "-" and Path(c).resolve() == out.resolve() for c in corpus):
        raise UsageError(f"{out} is also an input; write the joined text to another file")
    if not out.parent.is_dir():
        raise UsageError(f"folder {out.parent} does not exist; create it for {{=out}} first")
    if out.exists() and not force:
        raise UsageError(f"{out} exists; choose another {{=out}} or add {{=force}}")


def default_phrases_file(out) -> Path | None:
    """Where the phrases go when no file is named: beside a file output (OUT.phrases)."""
    return None if str(out) == ph.STDOUT else Path(f"{out}.phrases")


def run(corpus, out, *, apply_file=None, force: bool = False, lowercase: bool = False,
        **learning) -> list[str]:
    """Learn (``learning``: ``phrases.phrases``' settings, None for the default) or apply
    phrases; returns the notes to show."""
    if not corpus:
        raise UsageError("give the corpus files to read (- for standard input)")
    _check_out(corpus, out, force)
    given = [k for k in LEARNING if learning.get(k) is not None]
    if apply_file is not None:
        if given:
            raise UsageError(f"{{=apply}} uses the saved phrases; {{={given[0]}}} is for learning")
        passes = load(apply_file)
        joined = ph.apply(list(corpus), passes, out, lowercase=lowercase)
        return [f"pass {k}: {len(p):,} phrases from {apply_file}, {j:,} pairs joined"
                for k, (p, j) in enumerate(zip(passes, joined), start=1)]
    settings = {k: v for k, v in learning.items() if v is not None}
    save_to = settings.pop("save_phrases", None) or default_phrases_file(out)
    found = ph.phrases(list(corpus), out, lowercase=lowercase, save_phrases=save_to, **settings)
    scoring = settings.get("scoring", "word2phrase")
    notes = [f"pass {k}: {len(p):,} phrases scoring above {p.threshold:g} ({scoring}), "
             f"{p.joined:,} pairs joined" for k, p in enumerate(found, start=1)]
    if save_to is not None:
        notes.append(f"phrases saved to {save_to}; reuse them with {{=apply}} {save_to}")
    return notes + ([] if str(out) == ph.STDOUT else [f"wrote {out}"])

