"""`mlcoach batch FILE...`: scripted mock interviews, no terminal interaction."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from mlcoach.cli.options import DurationOpt, JsonOpt, OfflineOpt, PersonaOpt, SeedOpt, SessionsDir
from mlcoach.errors import BadInput


def _score(summary: dict) -> dict:
    score = summary.get("score", {})
    return {"overall": score.get("overall", 0), "band": score.get("band", ""), "judge": score.get("judge", ""),
            "criteria": {cid: c.get("score", 0) for cid, c in score.get("criteria", {}).items()},
            "red_flags": list(score.get("red_flags", {}))}


def register(app: typer.Typer) -> None:
    app.command()(batch)


def batch(
    files: Annotated[list[Path], typer.Argument(help="Candidate script TOML files.", show_default=False)],
    offline: OfflineOpt = False,
    as_json: JsonOpt = False,
    sessions_dir: SessionsDir = None,
    seed: SeedOpt = None,
    persona: PersonaOpt = None,
    duration: DurationOpt = None,
) -> None:
    """Run one full mock interview per candidate script on a simulated clock.

    Every file is validated first; a bad one stops the batch before anything runs.
    Example: mlcoach batch tests/candidates/strong-spam.toml --offline --json
    """
    from mlcoach import config, script
    from mlcoach import persona as personas
    from mlcoach.batch import run_script
    from mlcoach.ui import render

    settings = config.resolve(sessions_dir=str(sessions_dir) if sessions_dir else None, duration=duration)
    scripts = [script.load(f) for f in files]
    for s in scripts:  # personas and scenarios are checked before the first interview starts
        p = personas.load(persona or s.persona or settings.persona)
        if s.scenario:
            try:
                p.scenario(s.scenario)
            except BadInput as exc:
                raise BadInput(f"{s.path}: {exc}") from None
    results = []
    with render.progress(len(scripts), enabled=len(scripts) > 3) as step:
        for s in scripts:
            results.append(run_script(s, sessions_dir=settings.sessions_dir, persona_ref=persona or s.persona or
                                      settings.persona, seed=seed, duration=settings.duration))
            step()
    if as_json:
        rows = [{"file": r.file, "session_id": r.session_id, "candidate": r.candidate, "scenario": r.scenario,
                 "status": r.status, "questions": r.questions, "phases": list(r.phases), **_score(r.summary)}
                for r in results]
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render.batch_table(results, settings.sessions_dir)
