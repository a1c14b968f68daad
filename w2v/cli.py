"""The command line: Click options, and one call to ``commands`` (or the training session).

Heavy modules are imported inside the commands, so ``w2v --help`` stays fast. Errors are one
line (``errors.describe``: exit 1, 2 for usage, 130 for Ctrl-C; ``--debug`` or ``W2V_DEBUG=1``
shows the traceback). Only this module spells flags: library messages say ``{=key}``.
"""

from __future__ import annotations

import typing
from dataclasses import fields
from pathlib import Path

import click

from w2v import __version__, commands
from w2v.config import Config
from w2v.errors import W2VError, describe
from w2v.settings import peer_hints


class Failed(click.ClickException):
    """One line on stderr, exit code 1 (130 for an interruption)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def flag(key: str) -> str:
    """The flag of a setting or run option: ``min_count`` -> ``--min-count``."""
    return "--" + key.replace("_", "-")


class Group(click.Group):
    """Turns library errors, Ctrl-C and unexpected exceptions into one-line messages."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as e:  # one line, not Click's usage block
            raise Failed(f"{e.format_message()} (see {(e.ctx or ctx).command_path} --help)",
                         exit_code=2) from None
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as e:  # noqa: BLE001 - the user sees one line, --debug the rest
            if ctx.obj and ctx.obj.get("debug"):
                raise
            if getattr(e, "quiet", False):  # an MPI rank other than 0, which prints it for all
                raise click.exceptions.Exit(describe(e, flag)[1]) from None
            raise Failed(*describe(e, flag)) from None
        except KeyboardInterrupt:
            raise Failed("interrupted", exit_code=130) from None


def _set(key):
    """An option callback that records the flag in the context (and --debug at the root)."""

    def callback(ctx, param, value):
        if key == "debug" and value:
            ctx.find_root().obj["debug"] = True
        ctx.meta[key] = value
    return callback


class Command(click.Command):
    """Every command takes -q/--quiet and --debug (also after the command's name), and
    answers a word2vec.c or gensim flag (``--size``) with w2v's (``--dim``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params += [
            click.Option(["-q", "--quiet"], is_flag=True, expose_value=False,
                         callback=_set("quiet"), help="Print nothing but results and errors."),
            click.Option(["--debug"], is_flag=True, expose_value=False, hidden=True,
                         callback=_set("debug"))]

    def parse_args(self, ctx, args):
        if self.name == "train":
            hints = peer_hints(flag)
            for arg in args[: args.index("--") if "--" in args else len(args)]:
                if arg.split("=", 1)[0] in hints:
                    raise Failed(hints[arg.split("=", 1)[0]].render(flag), exit_code=2)
        return super().parse_args(ctx, args)


def quiet() -> bool:
    return click.get_current_context().meta.get("quiet", False)


def reply(r) -> None:
    """Print a ``commands.Reply``: its notes on stderr (unless -q), its result on stdout, and
    its error, if any, as the one-line failure."""
    for text in [] if quiet() else r.notes:
        click.echo(W2VError(text).render(flag), err=True)
    if r.out:
        click.echo(r.out)
    if r.error:
        raise Failed(r.error)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="w2v")
@click.option("--debug", is_flag=True, envvar="W2V_DEBUG", help="Show tracebacks on errors.")
@click.pass_context
def main(ctx, debug):
    """w2v: train word2vec vectors and query them.

    \b
    Example:
      w2v demo demo.txt && w2v train demo.txt --config configs/demo.toml
      w2v analogy king male female
    """
    ctx.obj = {"debug": debug}


main.command_class = Command
json_option = click.option("--json", "as_json", is_flag=True,
                           help="Machine-readable output (strict JSON: null for NaN).")


@main.command()
@click.option("--tol", type=float, default=1e-6, show_default=True, help="Max relative error.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the problems.")
@json_option
def gradcheck(tol, seed, as_json):
    """Check every loss gradient against centered finite differences."""
    reply(commands.gradcheck(tol, seed, as_json))


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tokens", type=click.IntRange(1_000, 100_000_000), default=300_000,
              show_default=True, help="About how many tokens to write.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sentences.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def demo(out, tokens, seed, force):
    """Write the built-in demo corpus (planted groups and analogies) to OUT (.gz/.bz2/.xz too)."""
    reply(commands.demo(out, tokens, seed, force))


def config_options(command):
    """One option per Config field, typed and helped by its metadata, default None (not
    given), so a TOML file and a resumed run's stored config fill what is not given."""
    hints = typing.get_type_hints(Config)
    for f in reversed(fields(Config)):
        shown = (str(f.default).lower() if isinstance(f.default, bool)  # not {True: ..}: 1 == True
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


@main.command()
@click.argument("corpus", nargs=-1, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="TOML file with the same keys as these options; options override it.")
@click.option("-o", "--out", type=click.Path(path_type=Path),
              help="Run folder.  [default: runs/<corpus name>/]")
@click.option("--resume", is_flag=True,
              help="Continue the run in --out from its latest checkpoint, with its settings.")
@click.option("--force", is_flag=True, help="Replace the run already in --out.")
@click.option("--init", "init", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Start from this run's vectors and settings (continued training on CORPUS).")
@config_options
def train(corpus, config_file, out, resume, force, init, **options):
    """Train skip-gram or CBOW vectors (--arch; --loss ns or hs, configs/cbow.toml, hs.toml)
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


vectors_option = click.option(
    "--vectors", "vectors_path", type=click.Path(path_type=Path),
    help="A run folder, vectors.npy, or a word2vec .txt/.bin or GloVe file.  [default: latest]")
top_option = click.option("-n", "--top", "topn", type=click.IntRange(1), default=10,
                          show_default=True, help="How many words to list.")
method_option = click.option("--method", type=click.Choice(["add", "mul"]), default="add",
                             show_default=True, help="3CosAdd (word2vec.c, gensim's "
                             "most_similar) or 3CosMul (Levy & Goldberg 2014).")


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
              help="An analogy file such as questions-words.txt, or the built-in 'google'.")
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


@main.command()
@vectors_option
@click.option("--words", "words_file", type=click.File("r"),
              help="Words to plot, whitespace-separated.  [default: the CS224n assignment's 24]")
@click.option("--clusters", type=click.IntRange(1),
              help="KMeans clusters.  [default: the k in 2..8 with the best silhouette]")
@click.option("--loss", "loss_run", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Plot the loss curve of this run folder instead.")
@click.option("-o", "--out", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output .png, .svg, .pdf or .html.  [default: words.png / loss.png in the run]")
@click.option("--output", "alias", type=click.Path(dir_okay=False, path_type=Path), hidden=True)
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the KMeans clustering (the colors).")
@click.option("--html", "as_html", is_flag=True, help="One self-contained .html page to "
              "explore: hover, zoom, search a word and see its nearest neighbours.")
@click.option("--top", type=click.IntRange(2),
              help="With --html: plot the N most frequent words.  [default: 2000]")
@click.option("--tsne", is_flag=True,
              help="With --html: add a t-SNE projection (slow: ~2 minutes for 10,000 words).")
def plot(vectors_path, words_file, clusters, loss_run, output, alias, seed, as_html, top, tsne):
    """Plot words in 2-D (SVD of their vectors), or a run's loss curve with --loss."""
    reply(commands.plot(vectors_path, words_file, clusters, loss_run, output or alias, seed,
                        as_html, top, tsne))
