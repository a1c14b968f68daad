"""``w2v train``: the options are ``Config``'s fields (``options.config_options``)."""

from __future__ import annotations

from pathlib import Path

import click

from w2v import commands
from w2v.cli.app import main, quiet, reply
from w2v.cli.options import config_options


@main.command()
@click.argument("corpus", nargs=-1, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--config", "config_file", metavar="PRESET|FILE",
              help="A preset shipped with w2v (default, cbow, hs, demo) or a TOML file with "
              "the same keys as these options; options override it.")
@click.option("-o", "--out", type=click.Path(path_type=Path),
              help="Run folder.  [default: runs/<corpus name>/]")
@click.option("--resume", is_flag=True,
              help="Continue the run in --out from its latest checkpoint, with its settings.")
@click.option("--force", is_flag=True, help="Replace the run already in --out.")
@click.option("--init", "init", type=click.Path(path_type=Path), metavar="RUN",
              help="Start from this run's vectors and settings (continued training on CORPUS).")
@config_options
def train(corpus, config_file, out, resume, force, init, **options):
    """Train skip-gram or CBOW vectors (--arch; --loss ns or hs; presets: --config cbow, hs)
    on CORPUS: text files (.gz, .bz2, .xz too), or - for standard input.

    \b
    Example:
      w2v train wiki.txt.gz --epochs 5 --out runs/wiki
      zcat wiki.txt.gz | w2v train - --out runs/wiki
      w2v train --out runs/wiki --resume
      w2v train --out runs/wiki --resume --epochs 10       # 5 more
      w2v train news.txt --init runs/wiki --out runs/wiki-news
    """
    reply(commands.train(corpus, config_file, out, resume, force, options, quiet(), init))
