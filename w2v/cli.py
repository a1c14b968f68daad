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
    from w2v.gradcheck import format_table, run_gradcheck

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


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
