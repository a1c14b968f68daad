"""``w2v train``: the options are ``Config``'s fields (``options.config_options``)."""

from __future__ import annotations

from pathlib import Path

import click

from w2v import commands
from w2v.cli.app import flag, main, quiet, reply
from w2v.cli.options import config_options


@main.command()
@click.argument("corpus", nargs=-1, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="TOML file with the same keys as these options; options override it.")
@click.option("-o", "--out", type=click.Path(path_type=Path),
              help="Run folder.  [default: runs/<corpus name>/]")
@click.option("--resume", is_flag=True,
              help="Continue the run in --out from its latest checkpoint, with its settings.")
@click.option("--force", is_flag=True, help="Replace the run already in --out.")
@click.option("--corpus", "corpus_option", multiple=True,
              type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="With --resume: where the run's corpus is now, if it was moved or renamed "
                   "(or - to pipe a run's standard input again); accepted if its text is the "
                   "one the run read. Repeat it for several files. Same as giving CORPUS.")
@click.option("--init", "init", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Start from this run's vectors and settings (continued training on CORPUS).")
@config_options
def train(corpus, config_file, out, resume, force, corpus_option, init, **options):
    """Train skip-gram or CBOW vectors (--arch; --loss ns or hs, configs/cbow.toml, hs.toml)
    on CORPUS: text files (.gz, .bz2, .xz too), or - for standard input.

    \b
    Example:
      w2v train wiki.txt.gz --epochs 5 --out runs/wiki
      zcat wiki.txt.gz | w2v train - --out runs/wiki
      w2v train --out runs/wiki --resume
      w2v train --out runs/wiki --resume --epochs 10       # 5 more
      w2v train --out runs/wiki --resume --epochs 10 --corpus moved/wiki.txt.gz
      w2v train news.txt --init runs/wiki --out runs/wiki-news
    """
    reply(commands.train(corpus, config_file, out, resume, force, options, quiet(), init,
                         corpus_option, flag))
