"""The ``w2v`` group and what every command shares: one-line errors and exit codes, -q/--quiet
and --debug on every command, peers' flag names answered, and ``reply`` to print a
``commands.Reply``.

Heavy modules are imported inside the commands, so ``w2v --help`` stays fast. Errors are one
line (``errors.describe``: exit 1, 2 for usage, 130 for Ctrl-C; ``--debug`` or ``W2V_DEBUG=1``
shows the traceback). Only the ``cli`` package spells flags: library messages say ``{=key}``.
"""

from __future__ import annotations

import click

from w2v import __version__
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
      w2v demo demo.txt && w2v train demo.txt --dim 50 --threads 1 --out runs/mine
      w2v analogy runs/mine king male female
      w2v similar runs/mine king
    """
    ctx.obj = {"debug": debug}


main.command_class = Command
