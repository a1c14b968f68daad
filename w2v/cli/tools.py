"""Commands that need no run: ``gradcheck`` and ``demo``."""

from __future__ import annotations

from pathlib import Path

import click

from w2v import commands
from w2v.cli.app import main, reply
from w2v.cli.options import json_option


@main.command()
@click.option("--tol", type=float, default=1e-6, show_default=True, help="Max relative error.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random problems.")
@json_option
def gradcheck(tol, seed, as_json):
    """Check every loss gradient against centered finite differences: the analytic gradient
    of each objective, on small random problems, against (f(x + h) - f(x - h)) / 2h.

    \b
    Example:
      w2v gradcheck
      w2v gradcheck --tol 1e-5 --seed 3 --json
    """
    reply(commands.gradcheck(tol, seed, as_json))


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tokens", type=click.IntRange(1_000, 100_000_000), default=300_000,
              show_default=True, help="About how many tokens to write.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sentences.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def demo(out, tokens, seed, force):
    """Write the built-in demo corpus (planted groups and analogies) to OUT (.gz/.bz2/.xz
    compressed).

    \b
    Example:
      w2v demo demo.txt
      w2v demo demo-small.txt.gz --tokens 50000 --seed 2
    """
    reply(commands.demo(out, tokens, seed, force))
