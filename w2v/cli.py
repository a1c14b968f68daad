"""The command line: thin Click commands that parse, call the library, and echo.

Heavy modules (numpy, numba, matplotlib, scikit-learn) are imported inside the commands, so
``w2v --help`` stays fast. Library errors (``W2VError``) become one line and exit 1; usage errors
exit 2; ``--debug`` or ``W2V_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from w2v import __version__
from w2v.errors import ConfigError, Interrupted, W2VError
from w2v.train.rundir import RunDir, latest_run


class Failed(click.ClickException):
    """One line on stderr, exit code 1 (130 for an interruption)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def flag(key: str) -> str:
    """The flag of a setting or run option: ``min_count`` -> ``--min-count``."""
    return "--" + key.replace("_", "-")


def _message(e: W2VError) -> str:
    """A library error in the CLI's words: settings named by their flag (config errors name
    the config key too, since the value may come from a TOML file)."""
    if isinstance(e, ConfigError):
        return e.render(lambda key: f"{key} ({flag(key)})")
    if isinstance(e, Interrupted) and e.details.get("resumable"):
        command = f"w2v train --out {shlex.quote(e.details['out'])} --resume"
        return f"{e.render(flag)}; continue with: {command}"
    return e.render(flag)


class Group(click.Group):
    """Turns library errors, Ctrl-C and unexpected exceptions into one-line messages."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise Failed("interrupted", exit_code=130) from None
        except Exception as e:  # noqa: BLE001 - the user sees one line, --debug the rest
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise _failure(e) from None


def _failure(e: Exception) -> click.ClickException:
    if isinstance(e, Interrupted):
        return Failed(_message(e), exit_code=130)
    if isinstance(e, ConfigError):
        return click.UsageError(_message(e))
    if isinstance(e, W2VError):
        return Failed(_message(e))
    if isinstance(e, MemoryError):
        return Failed("out of memory; try a smaller --dim or --max-vocab")
    if isinstance(e, OSError):
        return Failed(f"{e.strerror or e}: {e.filename or ''}".rstrip(": "))
    return Failed(f"internal error: {type(e).__name__}: {e} (rerun with --debug for the "
                  "traceback and report it)")


def _set_debug(ctx, param, value):
    if value:
        ctx.find_root().obj["debug"] = True


def _set_quiet(ctx, param, value):
    ctx.meta["w2v.quiet"] = value


class Command(click.Command):
    """Every command takes -q/--quiet and --debug (also after the command's name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params += [
            click.Option(["-q", "--quiet"], is_flag=True, expose_value=False,
                         callback=_set_quiet, help="Print nothing but results and errors."),
            click.Option(["--debug"], is_flag=True, expose_value=False, hidden=True,
                         callback=_set_debug),
        ]


def quiet() -> bool:
    return click.get_current_context().meta.get("w2v.quiet", False)


def note(text: str) -> None:
    """A line for the person at the terminal (stderr), unless -q."""
    if not quiet():
        click.echo(text, err=True)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="w2v")
@click.option("--debug", is_flag=True, envvar="W2V_DEBUG", help="Show tracebacks on errors.")
@click.pass_context
def main(ctx, debug):
    """w2v: train word2vec skip-gram vectors and query them.

    \b
    Example:
      w2v demo demo.txt && w2v train demo.txt --config configs/demo.toml
      w2v analogy king male female
    """
    ctx.obj = {"debug": debug}


main.command_class = Command


@main.command()
@click.option("--tol", type=float, default=1e-6, show_default=True, help="Max relative error.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random problems.")
def gradcheck(tol, seed):
    """Check every loss gradient against centered finite differences."""
    from w2v.objectives.gradcheck import format_table, run_gradcheck

    if not 0 < tol < float("inf"):  # NaN or negative: every check fails; inf: all pass
        raise click.BadParameter(f"tol must be a positive finite number, got {tol}",
                                 param_hint="'--tol'")

    rows = run_gradcheck(seed=seed, tol=tol)
    click.echo(format_table(rows))
    failed = [r for r in rows if not r.passed]
    if failed:
        raise Failed(f"{len(failed)} of {len(rows)} gradient checks failed (tol {tol:g})")
    click.echo(f"all {len(rows)} checks passed (tol {tol:g})")


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tokens", type=click.IntRange(1_000, 100_000_000), default=300_000,
              show_default=True, help="About how many tokens to write.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sentences.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def demo(out, tokens, seed, force):
    """Write the built-in demo corpus (planted word groups and analogies) to OUT (.gz, .bz2
    and .xz are compressed)."""
    from w2v.demo import write

    write(out, n_tokens=tokens, seed=seed, overwrite=force)
    note(f"wrote the demo corpus to {out}")


# ------------------------------------------------------------------------------ train

class TrainCommand(Command):
    """``train`` answers a peer's flag name with w2v's before Click's "no such option"."""

    def parse_args(self, ctx, args):
        from w2v.config import peer_hints

        hints = {typed: text.render(flag) for typed, text in peer_hints(flag).items()}
        for arg in args:
            if arg == "--":
                break
            if arg.split("=", 1)[0] in hints:
                raise click.UsageError(hints[arg.split("=", 1)[0]], ctx)
        return super().parse_args(ctx, args)


def config_options(command):
    """One option per Config field: type, choices and help from its metadata, default None
    (not given), so a TOML file and the run's stored config can fill what is not given."""
    import typing
    from dataclasses import fields

    from w2v.config import Config

    hints = typing.get_type_hints(Config)
    for f in reversed(fields(Config)):
        shown = {True: "true", False: "false"}.get(f.default, f.default)
        help_text = f"{f.metadata['help']}  [default: {shown}]"
        if hints[f.name] is bool:
            decls, kind = [f"{flag(f.name)}/--no-{flag(f.name)[2:]}"], {}
        else:
            choices = f.metadata.get("choices")
            kind = {"type": click.Choice(choices) if choices else
                    {int: int, float: float}.get(hints[f.name], str)}
            decls = [flag(f.name)]
        command = click.option(*decls, f.name, default=None, help=help_text, **kind)(command)
    return command


def _default_out(corpus: str) -> Path:
    name = "stdin" if corpus == "-" else Path(corpus).name
    for suffix in (".gz", ".bz2", ".xz", ".txt"):
        name = name.removesuffix(suffix)
    return Path("runs") / (name or "corpus")


@main.command(cls=TrainCommand)
@click.argument("corpus", nargs=-1, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="TOML file with the same keys as these options; options override it.")
@click.option("-o", "--out", type=click.Path(path_type=Path),
              help="Run folder.  [default: runs/<corpus name>/]")
@click.option("--resume", is_flag=True,
              help="Continue the run in --out from its latest checkpoint, with its settings.")
@click.option("--force", is_flag=True, help="Replace the run already in --out.")
@config_options
def train(corpus, config_file, out, resume, force, **options):
    """Train skip-gram vectors with negative sampling on CORPUS: text files (.gz, .bz2, .xz
    too), or - for standard input.

    \b
    Example:
      w2v train wiki.txt.gz --epochs 5 --out runs/wiki
      zcat wiki.txt.gz | w2v train - --out runs/wiki
      w2v train --out runs/wiki --resume
    """
    from w2v.config import explicit_settings, load_toml

    if resume and force:
        raise click.UsageError("--resume continues a run and --force replaces it: pick one")
    if not corpus and not resume:
        raise click.UsageError("give the corpus: one or more text files, or - for stdin")
    if out is None and not corpus:
        raise click.UsageError("--resume needs the run folder: --out RUN")
    out = out or _default_out(corpus[0])
    if out.exists() and not out.is_dir():
        raise click.BadParameter(f"{out} exists and is not a folder", param_hint="--out")
    settings = explicit_settings(load_toml(config_file) if config_file else None, options)
    from w2v.progress import Renderer
    from w2v.train.session import run

    with Renderer(quiet=quiet(), version=__version__, corpus=corpus, out=out) as renderer:
        written = run(settings, corpus, out, resume=resume, force=force, on_event=renderer)
    if written and not quiet():
        click.echo(f"vectors written to {', '.join(written)}")


# ------------------------------------------------------------------------------ queries


def _source(path) -> Path:
    """``path``, or the newest run under runs/ (and say which, on stderr)."""
    if path is None:
        path = latest_run("runs")
        note(f"using the latest run: {path}")
    return Path(path)


def _load_vectors(path):
    """The vectors at ``path`` or the newest run's. A run trained lowercased lowercases its
    query words (``Vectors.lowercase``, from its state.json)."""
    from w2v.vectors.vectors import Vectors

    return Vectors.load(_source(path))


vectors_option = click.option(
    "--vectors", "vectors_path", type=click.Path(path_type=Path),
    help="A run folder, vectors.npy, or a word2vec .txt/.bin or GloVe file.  [default: latest]",
)
json_option = click.option("--json", "as_json", is_flag=True,
                           help="Machine-readable output (strict JSON: null for NaN).")
top_option = click.option("-n", "--top", "topn", type=click.IntRange(1), default=10,
                          show_default=True, help="How many words to list.")


def _echo_notes(notes):
    """The library's notes on degenerate input, one line each on stderr (unless -q): what a
    Python warning would have said, without its file:line."""
    for text in notes:
        note(f"note: {text}")


def _echo_ranked(results, as_json, query):
    """A ranked list as a table, or as JSON through ``to_json`` (NaN scores become null)."""
    from w2v.util.tables import format_ranked, ranked_records, to_json

    if as_json:
        click.echo(to_json({"query": query, "results": ranked_records(results)}))
    else:
        click.echo(format_ranked(results))


@main.command()
@click.argument("words", nargs=-1)
@vectors_option
@top_option
@click.option("--method", type=click.Choice(["add", "mul"]), default="add", show_default=True,
              help="3CosAdd (word2vec.c, gensim) or 3CosMul (Levy & Goldberg 2014).")
@click.option("--questions", type=click.File("r", errors="replace"),
              help="Many questions 'a b c' one per line, from a file or '-' for stdin.")
@json_option
def analogy(words, vectors_path, topn, method, questions, as_json):
    """Answer A - B + C = ?  (king - male + female = queen).

    With --questions, lines with unknown words or not three different words are skipped and
    listed at the end (so one typo does not lose the batch); --json then prints one object.

    \b
    Example:
      w2v analogy king male female
      printf 'king male female\\nparis france italy\\n' | w2v analogy --questions -
    """
    if questions is None and len(words) != 3:
        raise click.UsageError("give three words A B C (for A - B + C), or --questions FILE")
    if questions is not None and words:
        raise click.UsageError("give either three words or --questions, not both")
    vectors = _load_vectors(vectors_path)
    if questions is None:
        return _echo_ranked(vectors.analogy(*words, topn=topn, method=method), as_json, words)
    from w2v.util.tables import answers_record, format_answers, to_json
    from w2v.vectors.evaluate import answer_questions

    report = answer_questions(vectors, questions, topn, method)
    click.echo(to_json(answers_record(report)) if as_json else format_answers(report))


@main.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--minus", multiple=True, metavar="WORD", help="Subtract this word; repeatable.")
@click.option("--method", type=click.Choice(["add", "mul"]), default="add", show_default=True,
              help="3CosAdd (gensim's most_similar) or 3CosMul (most_similar_cosmul).")
@vectors_option
@top_option
@json_option
def similar(words, minus, method, vectors_path, topn, as_json):
    """Nearest neighbours of WORDS (summed) minus the --minus words; the query words are never
    answers.

    \b
    Example:
      w2v similar coffee
      w2v similar king female --minus male
    """
    vectors = _load_vectors(vectors_path)
    results = vectors.most_similar(words, minus, topn=topn, method=method)
    _echo_ranked(results, as_json, {"positive": words, "negative": minus, "method": method})


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
    files, the built-in sets: google (questions-words.txt) and wordsim353.

    Undefined correlations (all scores equal) are 'undefined' (null in --json), with a note
    on stderr that says why.
    """
    from w2v.util.tables import format_analogy_report, format_pairs_report, to_json
    from w2v.vectors.evalsets import choose
    from w2v.vectors.evaluate import evaluate_analogies, evaluate_word_pairs

    if not analogies and not similarity:
        note("using the built-in sets google (analogies) and wordsim353 (similarity)")
    analogies, similarity = choose(analogies, similarity)
    vectors = _load_vectors(vectors_path)
    report = {}
    if analogies:
        report["analogies"] = evaluate_analogies(vectors, analogies[0][1], restrict_vocab,
                                                 case_insensitive=not case_sensitive)
    report["similarity"] = {
        label: evaluate_word_pairs(vectors, path, restrict_vocab, not case_sensitive)
        for label, path in similarity
    }
    _echo_notes(n for r in report["similarity"].values() for n in r["notes"])
    if as_json:
        click.echo(to_json(report, indent=1))
        return
    if analogies:
        click.echo(format_analogy_report(report["analogies"]))
    for path, r in report["similarity"].items():
        click.echo(format_pairs_report(path, r))


@main.command()
@click.argument("run_path", metavar="RUN", type=click.Path(path_type=Path))
@json_option
def info(run_path, as_json):
    """What the run folder RUN holds: config, vocabulary, progress, loss and evaluation per
    epoch, files. Works on finished, interrupted and diverged runs."""
    from w2v.train.info import format_info, run_info
    from w2v.util.tables import to_json

    report = run_info(run_path)
    click.echo(to_json(report, indent=1) if as_json else format_info(report))
    if report["resumable"] and not as_json:
        note(f"continue with: w2v train --out {shlex.quote(str(run_path))} --resume")


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
    from w2v.vectors.export import export_vectors

    if words_file and top:
        raise click.UsageError("give --words FILE or --top N, not both")
    words = words_file.read().split() if words_file else None
    done = export_vectors(source, fmt, out, words=words, top=top, force=force)
    if done["missing"]:
        note(f"warning: not in the vocabulary, skipped: {' '.join(done['missing'])}")
    click.echo(f"wrote {done['rows']:,} vectors ({done['dim']}-d): {', '.join(done['paths'])}")


@main.command()
@vectors_option
@click.option("--words", "words_file", type=click.File("r"),
              help="Words to plot, whitespace-separated.  [default: the CS224n assignment's 24]")
@click.option("--clusters", type=click.IntRange(1),
              help="KMeans clusters.  [default: the k in 2..8 with the best silhouette]")
@click.option("--loss", "loss_run", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Plot the loss curve of this run folder instead.")
@click.option("-o", "--out", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output .png, .svg or .pdf.  [default: words.png / loss.png in the run]")
@click.option("--output", "output_alias", type=click.Path(dir_okay=False, path_type=Path),
              hidden=True)  # the old name of --out
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the KMeans clustering (the colors).")
@click.option("--html", "as_html", is_flag=True,
              help="Write one self-contained .html page to explore: hover, zoom, search a word "
                   "and see its nearest neighbours (above 500 words: 10 MiniBatchKMeans clusters "
                   "unless --clusters).")
@click.option("--top", type=click.IntRange(2),
              help="With --html: plot the N most frequent words.  [default: 2000]")
@click.option("--tsne", is_flag=True,
              help="With --html: add a t-SNE projection (slow: ~2 minutes for 10,000 words).")
def plot(vectors_path, words_file, clusters, loss_run, output, output_alias, seed, as_html, top,
         tsne):
    """Plot words in 2-D (SVD of their vectors), or a run's loss curve with --loss."""
    from w2v.vectors import html
    from w2v.vectors import plot as plots

    output = output or output_alias
    if loss_run is not None:
        output = output or RunDir(loss_run).plot("loss.png")
        plots.plot_loss(loss_run, output)  # reads state.json defensively: one line if damaged
        return click.echo(f"wrote {output}")
    if not as_html and (top or tsne or (output and output.suffix.lower() in html.SUFFIXES)):
        raise Failed("--top, --tsne and an .html output need --html")
    source = _source(vectors_path)
    vectors, words = _load_vectors(source), words_file.read().split() if words_file else None
    folder = source if source.is_dir() else source.parent
    if as_html:
        info = html.write_page(vectors, words, top, output or folder / "words.html", seed=seed,
                               clusters=clusters, tsne=tsne, name=source.name)
    else:
        info = plots.plot_words(vectors, plots.DEFAULT_WORDS if words is None else words,
                                output or folder / "words.png", clusters=clusters, seed=seed)
    _echo_notes(info["notes"])
    click.echo("\n".join(info["summary"]))


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
