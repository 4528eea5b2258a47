"""`mlcoach review`: list past sessions, or show one session's feedback report."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from mlcoach.cli.options import JsonOpt, SessionsDir


def register(app: typer.Typer) -> None:
    app.command()(review)


def review(
    session_id: Annotated[str | None, typer.Argument(help="A session id or a unique prefix of one.",
                                                     show_default=False)] = None,
    sessions_dir: SessionsDir = None,
    as_json: JsonOpt = False,
) -> None:
    """List past sessions, newest first; or show one session's feedback report.

    Example: mlcoach review 20261129T0915
    """
    from mlcoach import config, history, sessions
    from mlcoach.ui import render

    settings = config.resolve(sessions_dir=str(sessions_dir) if sessions_dir else None)
    if session_id:
        from mlcoach.summary import summarize
        from mlcoach.ui.report import report

        path = sessions.find(settings.sessions_dir, session_id)
        loaded = sessions.read_events(path)
        for w in loaded.warnings:
            print(f"mlcoach: warning: {w}", file=sys.stderr)
        summary = summarize(loaded.events)  # the log is the truth; the TOML is derived from it
        if as_json:
            json.dump(summary, sys.stdout, indent=2)
            sys.stdout.write("\n")
            return
        out = render.console()
        out.print(f"[bold]{summary['session_id']}[/bold] · {summary['candidate'] or 'unnamed'} · "
                  f"{summary['scenario']} · {summary['status']}", markup=True)
        out.print(report(summary))
        return
    rows, warnings = history.list_sessions(settings.sessions_dir)
    for w in warnings:
        print(f"mlcoach: warning: {w}", file=sys.stderr)
    if as_json:
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render.sessions_table(rows)
