"""The command line: thin Click commands that parse, call the library, and echo.

Heavy modules (numpy, numba, matplotlib, scikit-learn) are imported inside the commands, so
``w2v --help`` stays fast. Library errors (``W2VError``) become one line and exit 1; usage errors
exit 2; ``--debug`` or ``W2V_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from w2v import __version__
from w2v.errors import ConfigError, W2VError


class Failed(click.ClickException):
    """One line on stderr, exit code 1 (130 for an interruption)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class Group(click.Group):
    """Turns library errors and unexpected exceptions into one-line messages."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as e:  # noqa: BLE001 - the user sees one line, --debug the rest
            if ctx.obj and ctx.obj.get("debug"):
                raise
            from w2v.train import Interrupted

            if isinstance(e, Interrupted):
                raise Failed(str(e), exit_code=130) from None
            if isinstance(e, ConfigError):
                raise click.UsageError(str(e)) from None
            if isinstance(e, W2VError):
                raise Failed(str(e)) from None
            if isinstance(e, MemoryError):
                raise Failed("out of memory; try a smaller --dim or --max-vocab") from None
            if isinstance(e, OSError):
                raise Failed(f"{e.strerror or e}: {e.filename or ''}".rstrip(": ")) from None
            raise Failed(
                f"internal error: {type(e).__name__}: {e} (rerun with --debug for the traceback "
                "and report it)"
            ) from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="w2v")
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


@main.command()
@click.option("--tol", type=float, default=1e-6, show_default=True, help="Max relative error.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random problems.")
def gradcheck(tol, seed):
    """Check every loss gradient against centered finite differences."""
    from w2v.objectives.gradcheck import format_table, run_gradcheck

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
@click.option("--seed", type=int, default=0, show_default=True)
def demo(out, tokens, seed):
    """Write the built-in demo corpus (planted word groups and analogies)."""
    from w2v.demo import write

    write(out, n_tokens=tokens, seed=seed)
    click.echo(f"wrote the demo corpus to {out}")


def _default_out(corpus: Path) -> Path:
    name = corpus.name
    for suffix in (".gz", ".bz2", ".xz", ".txt"):
        name = name.removesuffix(suffix)
    return Path("runs") / (name or "corpus")


@main.command()
@click.argument("corpus", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="TOML file with the same keys as these options; options override it.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Run folder.  [default: runs/<corpus name>/]")
@click.option("--resume", is_flag=True, help="Continue from the run folder's latest checkpoint.")
@click.option("--dim", type=int, help="Vector size.  [default: 100]")
@click.option("--window", type=int, help="Max window radius (drawn in [1, window]).  [default: 5]")
@click.option("--negative", type=int, help="Negatives per pair (K).  [default: 5]")
@click.option("--sample", type=float, help="Subsampling threshold; 0 disables.  [default: 1e-3]")
@click.option("--min-count", type=int, help="Drop words rarer than this.  [default: 5]")
@click.option("--max-vocab", type=int, help="Keep the most frequent words; 0: all.  [default: 0]")
@click.option("--epochs", type=int, help="Passes over the corpus.  [default: 5]")
@click.option("--lr", type=float, help="Initial learning rate.  [default: 0.025]")
@click.option("--min-lr", type=float, help="Final learning rate.  [default: 0.0001]")
@click.option("--loss", type=click.Choice(["ns", "softmax"]), help="Objective.  [default: ns]")
@click.option("--kernel", type=click.Choice(["numba", "numpy"]), help="SGD step.  [default: numba]")
@click.option("--threads", type=int, help="Worker threads; 0: all cores.  [default: 0]")
@click.option("--seed", type=int, help="Random seed.  [default: 1]")
@click.option("--lowercase/--no-lowercase", default=None, help="Lowercase tokens.  [default: no]")
@click.option("--max-sentence-length", type=int, help="Split longer lines.  [default: 1000]")
@click.option("--checkpoint-every", type=str, help="'10m', '1h', '5M' words...  [default: 10m]")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def train(corpus, config_file, out, resume, quiet, **options):
    """Train skip-gram vectors with negative sampling on CORPUS (text, .gz, .bz2, .xz).

    \b
    Example:
      w2v train wiki.txt.gz --epochs 5 --out runs/wiki
      w2v train wiki.txt.gz --out runs/wiki --resume
    """
    from w2v.config import format_config, load_toml, make_config
    from w2v.train import train as run_training

    cfg = make_config(load_toml(config_file) if config_file else None, options)
    out = out or _default_out(corpus[0])
    if out.exists() and not out.is_dir():
        raise click.BadParameter(f"{out} exists and is not a folder", param_hint="--out")
    click.echo(f"# w2v {__version__}: training on {', '.join(map(str, corpus))} into {out}")
    click.echo(format_config(cfg))
    run_training(cfg, list(corpus), out, resume=resume, progress=not quiet,
                 log=lambda m: click.echo(m, err=True))
    click.echo(f"vectors written to {out}/vectors.npy, vectors.txt, vectors.bin")


# ------------------------------------------------------------------------------ queries


def _load_vectors(path):
    from w2v.vectors import Vectors, latest_run

    if path is None:
        path = latest_run("runs")
        click.echo(f"using the latest run: {path}", err=True)
    return Vectors.load(path)


vectors_option = click.option(
    "--vectors", "vectors_path", type=click.Path(path_type=Path),
    help="A run folder, vectors.npy, or a word2vec .txt/.bin file.  [default: latest run]",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def _echo_ranked(results, as_json, query):
    import json

    if as_json:
        click.echo(json.dumps({"query": query, "results": [
            {"word": w, "score": round(s, 6)} for w, s in results]}))
    else:
        from w2v.tables import format_ranked

        click.echo(format_ranked(results))


@main.command()
@click.argument("words", nargs=-1)
@vectors_option
@click.option("-n", "topn", type=click.IntRange(1), default=10, show_default=True)
@click.option("--method", type=click.Choice(["add", "mul"]), default="add", show_default=True,
              help="3CosAdd (word2vec.c, gensim) or 3CosMul (Levy & Goldberg 2014).")
@click.option("--questions", type=click.File("r"),
              help="Many questions 'a b c' one per line, from a file or '-' for stdin.")
@json_option
def analogy(words, vectors_path, topn, method, questions, as_json):
    """Answer A - B + C = ?  (king - male + female = queen).

    \b
    Example:
      w2v analogy king male female
      printf 'king male female\nparis france italy\n' | w2v analogy --questions -
    """
    if questions is None and len(words) != 3:
        raise click.UsageError("give three words A B C (for A - B + C), or --questions FILE")
    if questions is not None and words:
        raise click.UsageError("give either three words or --questions, not both")
    vectors = _load_vectors(vectors_path)
    lines = [words] if questions is None else [ln.split() for ln in questions if ln.strip()]
    for lineno, q in enumerate(lines, 1):
        if len(q) != 3:
            raise Failed(f"question {lineno}: expected three words, got {' '.join(q)!r}")
        results = vectors.analogy(*q, topn=topn, method=method)
        if questions is not None and not as_json:
            click.echo(f"{q[0]} - {q[1]} + {q[2]} = ?")
        _echo_ranked(results, as_json, list(q))


@main.command()
@click.argument("word")
@vectors_option
@click.option("-n", "topn", type=click.IntRange(1), default=10, show_default=True)
@json_option
def similar(word, vectors_path, topn, as_json):
    """Nearest neighbours of WORD by cosine similarity."""
    vectors = _load_vectors(vectors_path)
    _echo_ranked(vectors.similar(word, topn=topn), as_json, word)


@main.command()
@vectors_option
@click.option("--analogies", type=click.Path(exists=True, dir_okay=False),
              help="An analogy file such as questions-words.txt.")
@click.option("--similarity", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A word-pair file (WordSim-353, SimLex-999, MEN); repeatable.")
@click.option("--restrict-vocab", type=click.IntRange(1), default=300_000, show_default=True,
              help="Only the most frequent words count (as word2vec.c and gensim).")
@click.option("--case-sensitive", is_flag=True, help="Match case (default: case-insensitive).")
@json_option
def evaluate(vectors_path, analogies, similarity, restrict_vocab, case_sensitive, as_json):
    """Analogy accuracy and word-pair similarity (Spearman's rho), with coverage."""
    import json

    if not analogies and not similarity:
        raise click.UsageError("give --analogies FILE and/or --similarity FILE")
    vectors = _load_vectors(vectors_path)
    report = {}
    if analogies:
        report["analogies"] = vectors.evaluate_analogies(
            analogies, restrict_vocab, case_insensitive=not case_sensitive)
    report["similarity"] = {
        path: vectors.evaluate_word_pairs(path, restrict_vocab, not case_sensitive)
        for path in similarity
    }
    if as_json:
        click.echo(json.dumps(report, indent=1))
        return
    from w2v.tables import format_analogy_report, format_pairs_report

    if analogies:
        click.echo(format_analogy_report(report["analogies"]))
    for path, r in report["similarity"].items():
        click.echo(format_pairs_report(path, r))


@main.command()
@vectors_option
@click.option("--words", "words_file", type=click.File("r"),
              help="Words to plot, whitespace-separated.  [default: the CS224n assignment's 24]")
@click.option("--clusters", type=click.IntRange(1),
              help="KMeans clusters.  [default: the k in 2..8 with the best silhouette]")
@click.option("--loss", "loss_run", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Plot the loss curve of this run folder instead.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output .png, .svg or .pdf.  [default: words.png / loss.png in the run]")
@click.option("--seed", type=int, default=0, show_default=True)
def plot(vectors_path, words_file, clusters, loss_run, output, seed):
    """Plot words in 2-D (SVD of their vectors), or a run's loss curve with --loss."""
    import json

    from w2v import plot as plots

    if loss_run is not None:
        state_file = loss_run / "state.json"
        if not state_file.is_file():
            raise Failed(f"{loss_run} has no state.json: is it a w2v run folder?")
        output = output or loss_run / "loss.png"
        plots.plot_loss(json.loads(state_file.read_text()), output)
        click.echo(f"wrote {output}")
        return
    vectors = _load_vectors(vectors_path)
    words = words_file.read().split() if words_file else plots.DEFAULT_WORDS
    if not words:
        raise Failed("the words file is empty")
    if output is None:
        from w2v.vectors import latest_run

        output = Path(vectors_path or latest_run("runs"))
        output = (output if output.is_dir() else output.parent) / "words.png"
    info = plots.plot_words(vectors, words, output, clusters=clusters, seed=seed)
    if info["missing"]:
        click.echo(f"warning: not in the vocabulary, skipped: {' '.join(info['missing'])}",
                   err=True)
    groups = {}
    for w, label in zip(info["plotted"], info["labels"]):
        groups.setdefault(label, []).append(w)
    for label, members in sorted(groups.items()):
        click.echo(f"cluster {label + 1}: {' '.join(members)}")
    click.echo(f"wrote {output}")


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
