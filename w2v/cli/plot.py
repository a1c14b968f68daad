"""``w2v plot``: words in 2-D, an explorable HTML page, or a run's loss curve."""

from __future__ import annotations

from pathlib import Path

import click

from w2v import commands
from w2v.cli.app import main, reply
from w2v.cli.options import (
    force_option,
    most_frequent_option,
    renamed_top,
    run_argument,
    vectors_option,
    words_option,
)


@main.command()
@run_argument
@vectors_option
@words_option
@click.option("--clusters", type=click.IntRange(1),
              help="KMeans clusters.  [default: the k in 2..8 with the best silhouette]")
@click.option("--loss", "loss_run", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Plot the loss curve of this run folder instead.")
@click.option("-o", "--out", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output .png, .svg, .pdf or .html.  [default: words.png / loss.png in the run]")
@click.option("--output", "alias", type=click.Path(dir_okay=False, path_type=Path), hidden=True)
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the KMeans clustering (the colors).")
@click.option("--html", "as_html", is_flag=True, help="One self-contained .html page to "
              "explore: hover, zoom, search a word and see its nearest neighbours.")
@most_frequent_option
@renamed_top
@click.option("--tsne", is_flag=True,
              help="With --html: add a t-SNE projection (slow: ~2 minutes for 10,000 words).")
@force_option
def plot(run, vectors_path, words, clusters, loss_run, output, alias, seed, as_html,
         most_frequent, tsne, force):
    """Plot words of RUN in 2-D (SVD of their vectors; the CS224n assignment's 24 words unless
    --words), an explorable page of the most frequent words with --html, or a run's loss
    curve with --loss.

    \b
    Example:
      w2v plot runs/demo -o words.png
      w2v plot runs/demo --words king,queen,man,woman,boy,girl -o royals.svg
      w2v plot runs/demo --html --most-frequent 300 -o words.html
      w2v plot --loss runs/demo -o loss.png
    """
    reply(commands.plot(commands.pick_run(run, vectors_path), words, clusters, loss_run,
                        output or alias, seed, as_html, most_frequent, tsne, force))
