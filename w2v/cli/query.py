"""Commands that query vectors: ``analogy``, ``similar`` and ``evaluate``.

Each takes the vectors as its first argument (a run folder or a vectors file) or as --vectors,
the latest run under runs/ without either. A first argument is the vectors only if it looks
like a path (it holds a ``/``, or names a folder or a vectors file), so a query word is never
read as one, nor a path as a query word.
"""

from __future__ import annotations

import sys

import click

from w2v import commands
from w2v.cli.app import flag, main, reply
from w2v.cli.options import json_option, method_option, run_argument, top_option, vectors_option
from w2v.config import RESTRICT_VOCAB


@main.command()
@click.argument("words", nargs=-1, metavar="[RUN] [A B C]")
@vectors_option
@top_option
@method_option
@click.option("--questions", type=click.File("r", errors="replace"),
              help="Many questions, one per line, from a file or '-' for standard input: "
              "'a b c', or 'a b c d' as in questions-words.txt, where d is the expected answer "
              "and each answer is marked as a hit or a miss. Lines starting with ':' (section "
              "names) are skipped.")
@json_option
def analogy(words, vectors_path, topn, method, questions, as_json):
    """Answer A - B + C = ?  (king - male + female = queen) with the vectors of RUN (or
    --vectors; else the latest run). With --questions, lines with unknown words or not three
    different words are skipped and listed at the end. With no words, a prompt: the vectors
    loaded once, then one question A B C per line of standard input (EXIT or Ctrl-D to leave).

    \b
    Example:
      w2v analogy king male female
      w2v analogy runs/demo king male female --method mul
      printf 'king male female queen\\nman male female woman\\n' | w2v analogy --questions -
    """
    run, words = commands.split_run(vectors_path, words)
    if not words and questions is None:
        return _prompt("analogy", run, method, topn, as_json)
    reply(commands.analogy(words, run, topn, method, questions, as_json))


@main.command()
@click.argument("words", nargs=-1, metavar="[RUN] [WORDS...]")
@click.option("--minus", multiple=True, metavar="WORD", help="Subtract this word; repeatable.")
@method_option
@vectors_option
@top_option
@json_option
def similar(words, minus, method, vectors_path, topn, as_json):
    """Nearest neighbours of WORDS (their vectors summed) minus the --minus words; the query
    words are never answers. RUN, a first argument that looks like a path (it holds a / or
    names a folder or vectors file), or --vectors gives the vectors; else the latest run.
    With no words, a prompt: the vectors loaded once, then one query per line of standard
    input, a word written -word subtracted (EXIT or Ctrl-D to leave).

    \b
    Example:
      w2v similar king
      w2v similar runs/demo king female --minus male -n 5
      w2v similar king --json
      printf 'coffee\nking female -male\n' | w2v similar runs/demo
    """
    run, words = commands.split_run(vectors_path, words)
    if not words and minus:
        raise click.UsageError("Missing argument '[RUN] WORDS...': the words --minus is "
                               "subtracted from (no words and no --minus: a prompt)")
    if not words:
        return _prompt("similar", run, method, topn, as_json)
    reply(commands.similar(words, minus, method, run, topn, as_json))


def _prompt(kind, run, method, topn, as_json):
    """One query per line of standard input, the vectors loaded once (``w2v.prompt``); on a
    terminal with a prompt and line editing."""
    from w2v.errors import describe
    from w2v.prompt import HINTS, reader, serve

    loaded, answer = commands.query_prompt(kind, run, method, topn, as_json)
    reply(loaded)
    terminal = sys.stdin.isatty()
    if terminal:
        click.echo(f"{HINTS[kind]} Ctrl-D or EXIT to leave.", err=True)
    read_line = reader(sys.stdin, f"{kind}> " if terminal else None)
    serve(answer, read_line, click.echo, lambda e: describe(e, flag)[0], as_json)
    if terminal:
        click.echo(err=True)  # the shell's prompt on a line of its own after Ctrl-D


@main.command()
@run_argument
@vectors_option
@click.option("--analogies", metavar="FILE|NAME",
              help="An analogy file such as questions-words.txt, or a built-in set: 'google' "
                   "(questions-words.txt) or 'phrases' (questions-phrases.txt).")
@click.option("--similarity", multiple=True, metavar="FILE|NAME", help="A word-pair file "
              "(WordSim-353, SimLex-999, MEN), or the built-in 'wordsim353'; repeatable.")
@click.option("--restrict-vocab", type=click.IntRange(1), default=RESTRICT_VOCAB,
              show_default=True, help="Only the most frequent words count (as word2vec.c's "
              "compute-accuracy; the default of --eval-restrict-vocab during training too).")
@click.option("--case-sensitive", is_flag=True, help="Match case (default: case-insensitive).")
@click.option("--oov", type=click.Choice(["skip", "subwords"]), default="skip",
              show_default=True, help="Word pairs with a word outside the evaluated words: "
              "skip them, or score them with the word's vector from its n-grams (vectors with "
              "n-gram rows: a subword run or a fastText .bin), as fastText's papers do; the "
              "report says how many pairs were scored so.")
@json_option
def evaluate(run, vectors_path, analogies, similarity, restrict_vocab, case_sensitive, oov,
             as_json):
    """Analogy accuracy and word-pair similarity (Spearman's rho), with coverage. Without
    files, the built-in sets: google (questions-words.txt) and wordsim353.

    \b
    Example:
      w2v evaluate runs/demo
      w2v evaluate runs/demo --analogies google --json
    """
    reply(commands.evaluate(commands.pick_run(run, vectors_path), analogies, similarity,
                            restrict_vocab, case_sensitive, as_json, oov))
