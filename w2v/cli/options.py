"""Options that several commands share, and the train options generated from ``Config``."""

from __future__ import annotations

import typing
from dataclasses import fields
from pathlib import Path

import click

from w2v.cli.app import flag
from w2v.config import Config, setting_types

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Machine-readable output (strict JSON: null for NaN).")


def config_options(command):
    """One option per Config field, typed and helped by its metadata, default None (not
    given), so a TOML file and a resumed run's stored config fill what is not given."""
    hints = setting_types()
    for f in reversed(fields(Config)):
        shown = f.metadata["shown"] or (
            str(f.default).lower() if isinstance(f.default, bool)  # not {True: ..}: 1 == True
            else "none" if f.default == () else f.default)
        kind, decls = {}, [flag(f.name)]
        if hints[f.name] is bool:
            decls = [f"{flag(f.name)}/--no-{flag(f.name)[2:]}"]
        elif typing.get_origin(hints[f.name]) is tuple:  # repeatable; not given: None, not ()
            kind = {"multiple": True, "callback": lambda c, p, v: v or None}
        else:
            choices = f.metadata.get("choices")
            kind["type"] = (click.Choice(choices) if choices
                            else {int: int, float: float}.get(hints[f.name], str))
        command = click.option(*decls, f.name, default=None, **kind,
                               help=f"{f.metadata['help']}  [default: {shown}]")(command)
    return command



VECTORS_HELP = ("A run folder, vectors.npy, or a word2vec .txt/.bin or GloVe file; the same as "
                "giving it as the first argument.  [default: the latest run under runs/]")
vectors_option = click.option("--vectors", "vectors_path", type=click.Path(path_type=Path),
                              help=VECTORS_HELP)
run_argument = click.argument("run", required=False, type=click.Path(path_type=Path))
top_option = click.option("-n", "--top", "topn", type=click.IntRange(1), default=10,
                          show_default=True, help="How many results to list.")
most_frequent_option = click.option(
    "--most-frequent", "most_frequent", type=click.IntRange(1), metavar="N",
    help="Only the N most frequent words.")
words_option = click.option(
    "--words", multiple=True, metavar="WORDS|FILE",
    help="Only these words, in this order: comma-separated (--words king,queen), repeated, or "
         "a file of whitespace-separated words ('-': standard input).")
force_option = click.option("--force", is_flag=True, help="Replace existing output files.")


def _renamed(ctx, param, value):
    if value is not None:
        raise click.UsageError(f"{ctx.command.name} calls it --most-frequent now: -n/--top is "
                               "how many results similar and analogy list", ctx=ctx)


renamed_top = click.option("--top", hidden=True, expose_value=False, callback=_renamed)
method_option = click.option("--method", type=click.Choice(["add", "mul"]), default="add",
                             show_default=True, help="3CosAdd (word2vec.c, gensim's "
                             "most_similar) or 3CosMul (Levy & Goldberg 2014).")


