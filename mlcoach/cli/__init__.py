"""The Typer app. Commands are thin: parse, call the core, render. Importing this must stay cheap (no litellm)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from mlcoach import __version__
from mlcoach.errors import ExitCode, MlcoachError


class _Boundary(TyperGroup):
    """The one error boundary: a user-facing error becomes one line on stderr and its named exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MlcoachError as exc:
            if ctx.params.get("debug"):
                raise
            typer.echo(f"mlcoach: error: {exc}", err=True)
            raise typer.Exit(int(exc.exit_code)) from None


app = typer.Typer(
    cls=_Boundary,
    name="mlcoach",
    help="A terminal coach for machine-learning engineering interviews. Offline by default.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"mlcoach {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """mlcoach: practise ML engineering interviews in your terminal."""


def _register() -> None:
    from mlcoach.cli import batch, interview, personas, review, settings, voice

    interview.register(app)
    batch.register(app)
    review.register(app)
    app.add_typer(settings.app, name="config")
    app.add_typer(personas.app, name="personas")
    app.add_typer(voice.app, name="voice")


_register()


def main() -> None:
    debug = "--debug" in sys.argv[1:]
    for stream in (sys.stdout, sys.stderr):  # a Latin-1 or ASCII terminal gets "?" for a dash, never a crash
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    try:
        app()
    except MlcoachError as exc:
        if debug:
            raise
        print(f"mlcoach: error: {exc}", file=sys.stderr)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        if debug:
            raise
        print("mlcoach: interrupted", file=sys.stderr)
        sys.exit(int(ExitCode.INTERRUPTED))
    except Exception as exc:  # the last line of defence: one line, never a traceback (unless --debug)
        if debug:
            raise
        print(f"mlcoach: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        sys.exit(int(ExitCode.ERROR))
