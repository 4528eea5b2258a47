"""Interviewers word the planner's moves; the engine knows them as the `Interviewer` of seams.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mlcoach.personas import Persona, Phase, Scenario
from mlcoach.planner import Move


@dataclass(frozen=True)
class Context:
    """What an interviewer may use to word a move: the persona, where we are, and what was said."""

    persona: Persona
    scenario: Scenario | None
    phase: Phase
    phase_seconds_left: float
    candidate: str
    covered: tuple[str, ...]  # concept labels the candidate has explained so far
    history: tuple[tuple[str, str], ...]  # (speaker, text), the whole session so far, most recent last
    next_moves: tuple[str, ...] = ()  # what the scripted planner would ask after this move
    focus: tuple[str, ...] = ()  # labels of the rubric criteria this session practises (--focus)
    stance: str = ""  # what the last answer did (replies.py): only a "sound" one may be approved
    background: tuple[str, ...] = ()  # the candidate's own account of their background (the opening's answers)


class ScriptedInterviewer:
    """The offline interviewer: the persona's own words, as the planner filled them (the `Interviewer` of
    seams.py)."""

    name = "scripted"
    combines_leads = False

    def say(self, move: Move, ctx: Context) -> Iterator[str]:
        yield move.text

    def drain_notes(self) -> list[dict]:
        return []

    def drain_meta(self) -> dict:
        return {}
