"""What a session gives its front ends (terminal, pipe, voice, batch): the interviewer's words as they come, the
phases, notices and the end. Plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PhaseStart:
    phase: str
    title: str
    branch: str = ""


@dataclass(frozen=True)
class Chunk:
    kind: str
    text: str


@dataclass(frozen=True)
class Said:
    kind: str
    text: str
    move: str


@dataclass(frozen=True)
class Ended:
    status: str


@dataclass(frozen=True)
class Notice:
    """Something the candidate should know that is not the interviewer speaking (the model is unreachable...)."""

    text: str


Output = PhaseStart | Chunk | Said | Ended | Notice
