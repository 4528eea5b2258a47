"""The closing: the invitation to ask, and the interviewer's answers to the candidate's questions, those asked at the
end and those it promised mid-interview to answer then. Pure functions of the state and the persona."""

from __future__ import annotations

import re

from mlcoach.judge import judge
from mlcoach.planner import fill
from mlcoach.state import State

PRAISE_FROM = 55  # "Great discussion!" at the closing only when the session so far reads as a hire


def closing_invite(state: State) -> str:
    invite = state.persona.closing_invite
    if not state.answers or judge(state).overall < PRAISE_FROM:
        invite = without_praise(invite)  # no "Great discussion!" after a session the report will call a no hire
    return fill(invite, state)


def without_praise(text: str) -> str:
    """The text without a leading exclamation ("Great discussion! Any questions?" -> "Any questions?")."""
    rest = re.sub(r"^[^.?!]*!\s+", "", text, count=1)
    return rest[:1].upper() + rest[1:] if rest else text


def closing_replies(state: State, question: str, deferred: list[str]) -> list[str]:
    """The closing's answers: to each question the candidate was promised an answer to mid-interview, then to the
    closing question, each reply said once ("About what you asked earlier: ...")."""
    out: list[str] = []
    for i, asked in enumerate(deferred):
        parts = closing_answers(state, asked, 1, out)
        if parts:
            out.append(("About what you asked earlier: " if i == 0 else "And on your other question: ") + parts[0])
    if question:
        out += closing_answers(state, question, 2, out)
    return out


def closing_answers(state: State, question: str, most: int = 2, said: list[str] | None = None) -> list[str]:
    """The persona's replies whose patterns match the question (a question about the team and the feature store
    gets both), none said already; the default reply when none matches."""
    p = state.persona
    said = said or []
    matched = [fill(text, state) for patterns, text in p.closing_answers if patterns.search(question)]
    fresh = [t for t in matched if not any(t in s for s in said)][:most]
    if fresh or matched:
        return fresh
    default = fill(p.closing_default, state)
    return [] if any(default in s for s in said) else [default]
