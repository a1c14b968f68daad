"""Commands on a run folder or vectors file as a whole: ``info`` and ``export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from w2v import commands
from w2v.cli.app import main, reply
from w2v.cli.options import (
    force_option,
    json_option,
    most_frequent_option,
    renamed_top,
    words_option,
)


@main.command()
@click.argument("run_path", metavar="RUN", type=click.Path(path_type=Path))
@json_option
def info(run_path, as_json):
    """What the run folder RUN holds: config, vocabulary, progress, loss and evaluation per
    epoch, files. Works on finished, interrupted and diverged runs.

    \b
    Example:
      w2v info runs/demo
      w2v info runs/demo --json
    """
    reply(commands.info(run_path, as_json))


@main.command()
@click.argument("source", metavar="RUN", type=click.Path(path_type=Path))
@click.option("-o", "--out", required=True, metavar="PATH",
              help="The output file, or - for standard output (txt and bin). A .txt, .bin, "
              ".npy, .tsv or .kv (gensim) extension gives the format.")
@click.option("--format", "fmt", type=click.Choice(["tsv", "txt", "bin", "npy", "gensim"]),
              help="tsv (TensorBoard Projector: NAME.tsv and NAME.metadata.tsv, or a folder "
              "holding vectors.tsv and metadata.tsv), word2vec txt or bin, npy (with its "
              "vocabulary in NAME.vocab.txt), or gensim (a KeyedVectors .kv file for "
              "KeyedVectors.load; needs gensim).  [default: from the extension of --out; txt "
              "for -]")
@words_option
@most_frequent_option
@renamed_top
@force_option
def export(source, out, fmt, words, most_frequent, force):
    """Write the vectors of RUN (a run folder or a vectors file) in another format.

    \b
    Example:
      w2v export runs/demo -o demo-vectors.txt
      w2v export runs/demo --most-frequent 500 -o projector.tsv
      w2v export runs/demo --words king,queen,man,woman -o royals.npy
      w2v export runs/demo -o demo.kv
      w2v export runs/demo -o - | gzip > demo-vectors.txt.gz
    """
    reply(commands.export(source, fmt, out, words, most_frequent, force,
                          sys.stdout.buffer))
