"""``w2v classes``: word classes by k-means of the vectors (word2vec.c's ``-classes``)."""

from __future__ import annotations

from pathlib import Path

import click

from w2v.cli.app import main, reply
from w2v.commands import Reply, _load


@main.command()
@click.argument("source", metavar="RUN", required=False, type=click.Path(path_type=Path))
@click.option("-k", "--k", type=click.IntRange(1), default=500, show_default=True,
              help="How many classes.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="The class file.  [default: standard output]")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the k-means initialisation; the same seed gives the same classes.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def classes(source, k, out, seed, force):
    """Group the words of RUN (a run folder or a vectors file; default: the latest run) into
    K classes by k-means of their unit-normalised vectors, and write one 'word class' line per
    word, most frequent word first, as word2vec.c's -classes does.

    \b
    Example:
      w2v classes runs/demo -k 8 -o runs/demo/classes.txt --force
    """
    reply(_classes(source, k, out, seed, force))


def _classes(source, k, out, seed, force) -> Reply:
    from w2v.errors import UsageError
    from w2v.util.atomic import atomic_write
    from w2v.vectors.classes import format_classes, word_classes

    if out is not None and out.exists() and not force:
        raise UsageError(f"{out} exists; give {{=force}} to replace it")
    notes = []
    vectors = _load(source, notes)
    text = format_classes(vectors.words, word_classes(vectors.unit, k, seed))
    if out is None:
        return Reply(text.rstrip("\n"), notes)
    with atomic_write(out, "w", encoding="utf-8") as f:
        f.write(text)
    return Reply(notes=notes + [f"wrote {len(vectors):,} words in {k} classes to {out}"])
