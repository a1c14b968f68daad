"""``w2v classes``: word classes by k-means of the vectors (word2vec.c's ``-classes``)."""

from __future__ import annotations

from pathlib import Path

import click

from w2v import commands
from w2v.cli.app import main, reply


@main.command()
@click.argument("source", metavar="RUN", required=False, type=click.Path(path_type=Path))
@click.option("-k", "--classes", "k", type=click.IntRange(1), default=500, show_default=True,
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
    reply(commands.classes(source, k, out, seed, force))

