"""The Typer app. Commands are thin: parse, call the core, render. Importing this must stay cheap (no litellm)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mlcoach import __version__
from mlcoach.cli.boundary import Boundary, report

app = typer.Typer(
    cls=Boundary,
    name="mlcoach",
    help="A terminal coach for machine-learning engineering interviews. Offline by default.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish and PowerShell
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
    from mlcoach.cli import batch, drill, interview, keys, models, personas, plan, review, settings, voice

    interview.register(app)
    drill.register(app)
    batch.register(app)
    review.register(app)
    plan.register(app)
    app.add_typer(settings.app, name="config")
    app.add_typer(keys.app, name="keys")
    app.add_typer(models.app, name="models")
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
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - what escaped Click: one line, no traceback
        sys.exit(int(report(exc, debug)))
