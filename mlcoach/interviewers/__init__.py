"""Interviewers word the planner's moves. The engine only knows this interface."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

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
    history: tuple[tuple[str, str], ...]  # (speaker, text), most recent last, a bounded tail
    next_moves: tuple[str, ...] = ()  # what the scripted planner would ask after this move
    focus: tuple[str, ...] = ()  # labels of the rubric criteria this session practises (--focus)


class Interviewer(Protocol):
    name: str

    def say(self, move: Move, ctx: Context) -> Iterator[str]:
        """Yield the words of one move as text chunks (a stream). Must not raise for a model's faults."""
        ...


class ScriptedInterviewer:
    """The offline interviewer: the persona's own words, as the planner filled them."""

    name = "scripted"

    def say(self, move: Move, ctx: Context) -> Iterator[str]:
        yield move.text
