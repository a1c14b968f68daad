"""Commands on a run folder or vectors file as a whole: ``info`` and ``export``."""

from __future__ import annotations

from pathlib import Path

import click

from w2v import commands
from w2v.cli.app import main, reply
from w2v.cli.options import json_option


@main.command()
@click.argument("run_path", metavar="RUN", type=click.Path(path_type=Path))
@json_option
def info(run_path, as_json):
    """What the run folder RUN holds: config, vocabulary, progress, loss and evaluation per
    epoch, files. Works on finished, interrupted and diverged runs."""
    reply(commands.info(run_path, as_json))


@main.command()
@click.argument("source", metavar="RUN", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["tsv", "txt", "bin", "npy"]), required=True,
              help="tsv (TensorBoard Projector), word2vec txt/bin, or npy (+ vocab.txt).")
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True,
              help="The output file; for tsv a folder (vectors.tsv, metadata.tsv).")
@click.option("--words", "words_file", type=click.File("r"), help="Only these words, in order.")
@click.option("--top", type=click.IntRange(1), help="Only the N most frequent words.")
@click.option("--force", is_flag=True, help="Replace existing output files.")
def export(source, fmt, out, words_file, top, force):
    """Write the vectors of RUN (a run folder or a vectors file) in another format."""
    reply(commands.export(source, fmt, out, words_file, top, force))
