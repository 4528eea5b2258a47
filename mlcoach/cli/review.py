"""`mlcoach review`: list past sessions (the review issue builds the rest)."""

from __future__ import annotations

import json
import sys

import typer

from mlcoach.cli.options import JsonOpt, SessionsDir


def register(app: typer.Typer) -> None:
    app.command()(review)


def review(sessions_dir: SessionsDir = None, as_json: JsonOpt = False) -> None:
    """List past sessions, newest first.

    Example: mlcoach review --json
    """
    from mlcoach import config
    from mlcoach.history import list_sessions
    from mlcoach.ui import render

    settings = config.resolve(sessions_dir=str(sessions_dir) if sessions_dir else None)
    rows, warnings = list_sessions(settings.sessions_dir)
    for w in warnings:
        print(f"mlcoach: warning: {w}", file=sys.stderr)
    if as_json:
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render.sessions_table(rows)
