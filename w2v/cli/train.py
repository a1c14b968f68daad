"""``w2v train``: the options are ``Config``'s fields (``options.config_options``)."""

from __future__ import annotations

from pathlib import Path

import click

from w2v import commands
from w2v.cli.app import flag, main, quiet, reply
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
@click.option("--corpus", "corpus_option", multiple=True,
              type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="With --resume: where the run's corpus is now, if it was moved or renamed "
                   "(or - to pipe a run's standard input again); accepted if its text is the "
                   "one the run read. Repeat it for several files. Same as giving CORPUS.")
@click.option("--init", "init", type=click.Path(path_type=Path), metavar="RUN|VECTORS",
              help="Start from this run's vectors and settings (continued training on CORPUS), "
                   "or fine-tune published vectors: a word2vec text or binary, GloVe or "
                   "fastText (.vec, .bin) file, gzipped or not. The corpus's words found in "
                   "the file start from its vectors, its other words are not added, and "
                   "--dim is the file's; --freeze keeps the loaded vectors fixed. README's "
                   "\"Fine-tuning published vectors\" recommends --lr 0.005.")
@config_options
def train(corpus, config_file, out, resume, force, corpus_option, init, **options):
    """Train word vectors on CORPUS: text files (.gz, .bz2, .xz too), or - for standard input.
    Skip-gram (--arch sg) or CBOW (--arch cbow), with negative sampling (--loss ns) or
    hierarchical softmax (--loss hs); the presets --config cbow and --config hs ship with w2v.

    \b
    Example:
      w2v demo demo.txt && w2v train demo.txt --epochs 3 --out runs/mine
      w2v train --out runs/mine --resume --epochs 5       # 2 more epochs
      cat demo.txt | w2v train - --arch cbow --out runs/piped    # lr 0.05: cbow's
      w2v train demo.txt --init runs/mine --out runs/mine-more
      w2v train demo.txt --init runs/mine/vectors.bin --lr 0.005 --out runs/tuned
      mv demo.txt moved.txt && w2v train --out runs/mine --resume --epochs 6 --corpus moved.txt
    """
    reply(commands.train(corpus, config_file, out, resume, force, options, quiet(), init,
                         corpus_option, flag))
