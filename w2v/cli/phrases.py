"""``w2v phrases``: join the bigrams that behave as one word (``new_york``), word2phrase's way."""

from __future__ import annotations

import click

from w2v.cli.app import main, reply

SCORINGS = ["word2phrase", "npmi"]  # phrase_score.SCORINGS (not imported: keeps --help fast)


@main.command()
@click.argument("corpus", nargs=-1, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("-o", "--out", required=True,
              help="The joined text: a file (.gz, .bz2, .xz compress it) or - for standard "
                   "output.")
@click.option("--passes", type=click.IntRange(1), default=None,
              help="Passes over the text; each joins pairs of the last one's tokens, so 2 "
                   "passes build phrases of up to 4 words.  [default: 1]")
@click.option("--scoring", type=click.Choice(SCORINGS), default=None,
              help="word2phrase: (c(ab) - min_count) / c(a) / c(b) * tokens (word2phrase.c); "
                   "npmi: normalized pointwise mutual information, -1..1 (gensim's).  "
                   "[default: word2phrase]")
@click.option("--threshold", type=float, default=None,
              help="A pair whose score is above it is joined. With word2phrase, pass k of N "
                   "uses it times N-k+1 (2 passes: 200 then 100).  [default: 100 for "
                   "word2phrase, 0.5 for npmi]")
@click.option("--min-count", type=click.IntRange(1), default=None,
              help="Words and pairs seen fewer times are never joined.  [default: 5]")
@click.option("--connector-words", type=click.Choice(["english"]), default=None,
              help="Let phrases span these words (of, the, and, ...: gensim's English "
                   "connector words), as bank_of_america; they start or end none.")
@click.option("--lowercase", is_flag=True, help="Lowercase the text first (as train's).")
@click.option("--prune-at", type=click.IntRange(1), default=None,
              help="Bounds memory: past this many words and pairs held, the rarest are "
                   "forgotten (word2phrase.c's ReduceVocab).  [default: 20000000]")
@click.option("--save-phrases", type=click.Path(dir_okay=False), default=None,
              help="Where to save the phrases with their scores.  [default: OUT.phrases, "
                   "none for -]")
@click.option("--apply", "apply_file", type=click.Path(exists=True, dir_okay=False),
              help="Join the phrases saved in this file instead of learning them.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def phrases(corpus, out, apply_file, force, lowercase, **learning):
    """Write CORPUS (text files, .gz/.bz2/.xz, or - for standard input) to OUT with its
    phrases joined: "new york" becomes "new_york" where the pair scores above the threshold.
    Train on the result as on any text.

    \b
    Example:
      w2v phrases runs/demo.txt -o runs/demo-phrases.txt.gz --passes 2
      w2v phrases runs/demo.txt -o runs/again.txt --apply runs/demo-phrases.txt.gz.phrases
      w2v phrases runs/demo.txt -o - --save-phrases demo.phrases | w2v train - --out runs/p
    """
    from w2v.commands import Reply
    from w2v.text.phrase_command import run

    reply(Reply(notes=run(corpus, out, apply_file=apply_file, force=force,
                          lowercase=lowercase, **learning)))
