"""``w2v plot``: words in 2-D, an explorable HTML page, or a run's loss curve."""

from __future__ import annotations

from pathlib import Path

import click

from w2v import commands
from w2v.cli.app import main, reply
from w2v.cli.options import vectors_option


@main.command()
@vectors_option
@click.option("--words", "words_file", type=click.File("r"),
              help="Words to plot, whitespace-separated.  [default: the CS224n assignment's 24]")
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
@click.option("--top", type=click.IntRange(2),
              help="With --html: plot the N most frequent words.  [default: 2000]")
@click.option("--tsne", is_flag=True,
              help="With --html: add a t-SNE projection (slow: ~2 minutes for 10,000 words).")
def plot(vectors_path, words_file, clusters, loss_run, output, alias, seed, as_html, top, tsne):
    """Plot words in 2-D (SVD of their vectors), or a run's loss curve with --loss."""
    reply(commands.plot(vectors_path, words_file, clusters, loss_run, output or alias, seed,
                        as_html, top, tsne))
