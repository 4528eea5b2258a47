"""Batch mock interviews: one full scripted interview per candidate script, on a simulated clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlcoach import persona as personas
from mlcoach.clock import SimClock
from mlcoach.engine import Notice, Session
from mlcoach.interviewers import ScriptedInterviewer
from mlcoach.judge import OfflineJudge
from mlcoach.script import Script
from mlcoach.wiring import Team

MAX_TURNS = 400  # a guard against a planner bug turning a batch into an endless loop


@dataclass(frozen=True)
class Result:
    file: str
    session_id: str
    candidate: str
    scenario: str
    status: str
    questions: int
    phases: tuple[str, ...]
    summary: dict
    session: Session
    notices: tuple[str, ...] = ()  # what a live candidate would have been told (a model unreachable...), once each


def _drain(outputs, notices: list[str]) -> None:
    for out in outputs:
        if isinstance(out, Notice) and out.text not in notices:
            notices.append(out.text)


def run_script(script: Script, *, sessions_dir: Path, persona_ref: str | None = None, seed: int | None = None,
               duration: float = 45, factory: Callable[[], Team] | None = None,
               transcribe: Callable | None = None) -> Result:
    """One scripted interview on a simulated clock. `factory` gives a fresh Team for the session (default:
    scripted and offline)."""
    ref = persona_ref or script.persona or "ml-engineer"
    persona = personas.load(ref)
    if script.scenario:
        persona.scenario(script.scenario)
    team = factory() if factory else Team(ScriptedInterviewer(), OfflineJudge())
    interviewer, judge = team.interviewer, team.judge
    session = Session.create(persona, candidate=script.name, sessions_dir=sessions_dir, clock=SimClock(),
                             interviewer=interviewer, judge=judge, scenario=script.scenario or None,
                             seed=seed if seed is not None else 0, duration=duration, persona_ref=ref,
                             level=script.level, mode="batch")
    notices: list[str] = []
    try:
        _drain(session.start(), notices)
        queues = {phase: list(items) for phase, items in script.answers.items()}
        turns = 0
        while not session.done and turns < MAX_TURNS:
            turns += 1
            queue = queues.get(session.state.phase, [])
            if not queue:
                _drain(session.next_phase(), notices)
                continue
            answer = queue.pop(0)
            extra = {}
            text, seconds, kind = answer.text, answer.seconds, "script"
            if answer.audio is not None and transcribe is not None:
                heard = transcribe(answer.audio)
                text, seconds, kind, extra = heard.text, heard.duration_seconds, "voice", heard.metrics()
            _drain(session.submit(text, input=kind, seconds=seconds, **extra), notices)
        if not session.done:
            _drain(session.finish("incomplete", "turn limit reached"), notices)
        unused = {p: len(q) for p, q in queues.items() if q}
        if unused:
            session.note("unused_answers", "scripted answers not reached: " +
                         ", ".join(f"{p} {n}" for p, n in unused.items()))
            session._write_summary()
    except BaseException:
        if not session.done:
            for _ in session.finish("incomplete", "batch interrupted"):
                pass
        raise
    finally:
        session.close()
    summary = session.summary()
    return Result(file=str(script.path), session_id=session.id, candidate=script.name,
                  scenario=summary["scenario"], status=summary["status"], questions=summary["questions"],
                  phases=tuple(summary["phases"]), summary=summary, session=session, notices=tuple(notices))
