"""Commands that query vectors: ``analogy``, ``similar`` and ``evaluate``."""

from __future__ import annotations

import click

from w2v import commands
from w2v.cli.app import main, reply
from w2v.cli.options import json_option, method_option, top_option, vectors_option


@main.command()
@click.argument("words", nargs=-1)
@vectors_option
@top_option
@method_option
@click.option("--questions", type=click.File("r", errors="replace"),
              help="Many questions 'a b c' one per line, from a file or '-' for stdin.")
@json_option
def analogy(words, vectors_path, topn, method, questions, as_json):
    """Answer A - B + C = ?  (king - male + female = queen). With --questions, lines with
    unknown words or not three different words are skipped and listed at the end.

    \b
    Example:
      w2v analogy king male female
      printf 'king male female\\nparis france italy\\n' | w2v analogy --questions -
    """
    reply(commands.analogy(words, vectors_path, topn, method, questions, as_json))


@main.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--minus", multiple=True, metavar="WORD", help="Subtract this word; repeatable.")
@method_option
@vectors_option
@top_option
@json_option
def similar(words, minus, method, vectors_path, topn, as_json):
    """Nearest neighbours of WORDS (summed) minus the --minus words; the query words are
    never answers.  Example: w2v similar king female --minus male"""
    reply(commands.similar(words, minus, method, vectors_path, topn, as_json))


@main.command()
@vectors_option
@click.option("--analogies", metavar="FILE|NAME",
              help="An analogy file such as questions-words.txt, or a built-in set: 'google' "
                   "(questions-words.txt) or 'phrases' (questions-phrases.txt).")
@click.option("--similarity", multiple=True, metavar="FILE|NAME", help="A word-pair file "
              "(WordSim-353, SimLex-999, MEN), or the built-in 'wordsim353'; repeatable.")
@click.option("--restrict-vocab", type=click.IntRange(1), default=300_000, show_default=True,
              help="Only the most frequent words count (as word2vec.c and gensim).")
@click.option("--case-sensitive", is_flag=True, help="Match case (default: case-insensitive).")
@json_option
def evaluate(vectors_path, analogies, similarity, restrict_vocab, case_sensitive, as_json):
    """Analogy accuracy and word-pair similarity (Spearman's rho), with coverage. Without
    files, the built-in sets: google (questions-words.txt) and wordsim353."""
    reply(commands.evaluate(vectors_path, analogies, similarity, restrict_vocab, case_sensitive,
                            as_json))
