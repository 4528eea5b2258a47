"""`mlcoach interview` and `mlcoach resume`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mlcoach.cli.options import DurationOpt, OfflineOpt, PersonaOpt, ScenarioOpt, SeedOpt, SessionsDir


def register(app: typer.Typer) -> None:
    app.command()(interview)


def interview(
    name: Annotated[str | None, typer.Option("--name", "-n", help="Your name (the interviewer uses it).")] = None,
    persona: PersonaOpt = None,
    scenario: ScenarioOpt = None,
    duration: DurationOpt = None,
    seed: SeedOpt = None,
    offline: OfflineOpt = False,
    sessions_dir: SessionsDir = None,
) -> None:
    """Start a mock interview in the terminal.

    Example: mlcoach interview --name Priya --scenario spam --offline
    """
    from mlcoach import config
    from mlcoach import persona as personas
    from mlcoach.clock import RealClock
    from mlcoach.engine import Session
    from mlcoach.interviewers import ScriptedInterviewer

    settings = config.resolve(name=name, persona=persona, duration=duration,
                              sessions_dir=str(sessions_dir) if sessions_dir else None)
    p = personas.load(settings.persona)
    candidate = settings.name
    if not candidate:
        print("Your name: ", end="", flush=True)
        candidate = sys.stdin.readline().strip() or "there"
    session = Session.create(p, candidate=candidate, sessions_dir=settings.sessions_dir, clock=RealClock(),
                             interviewer=ScriptedInterviewer(), scenario=scenario, seed=seed,
                             duration=settings.duration, persona_ref=settings.persona)
    _plain_loop(session)


def _plain_loop(session) -> None:
    from mlcoach.engine import PhaseStart, Said

    def show(outputs) -> None:
        for out in outputs:
            if isinstance(out, PhaseStart):
                print(f"\n== {out.title} ==")
            elif isinstance(out, Said):
                print(f"Interviewer: {out.text}", flush=True)

    show(session.start())
    try:
        while not session.done:
            line = sys.stdin.readline()
            if not line:
                show(session.finish("incomplete", "input ended"))
                break
            if not line.strip():
                continue
            show(session.submit(line))
    finally:
        session.close()
    print(f"\nSession {session.id}: {session.state.status}")
