"""What a session's events say without reading any answer: phases and their times, questions, status, the latest
interviewer and judge, the score. A fold: the session's state (state.py) extends it with the reading of each
answer, and the summary (summary.py) is made from it, so both follow one set of rules (what a resume undoes, which
interviewer counts, when a phase ends)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mlcoach.records import (
    CandidateEvent,
    EndEvent,
    Event,
    InterviewerEvent,
    MetaEvent,
    NoteEvent,
    PhaseEvent,
    Score,
    ScoreEvent,
)

_GREETING_NAME = re.compile(r"\bI'm ([A-Z][a-z]+)\b")


@dataclass
class PhaseRecord:
    id: str
    title: str
    started: float
    questions: int = 0
    branch: str = ""


@dataclass
class Timeline:
    meta: MetaEvent = field(default_factory=lambda: MetaEvent(""))
    phases: list[PhaseRecord] = field(default_factory=list)
    status: str = ""  # "" while running (or resumed), else complete / incomplete
    ended_at: str = ""
    end_t: float | None = None
    t: float = 0.0
    events: int = 0  # how many were folded
    questions: int = 0
    answer_count: int = 0
    hints: int = 0
    notes: int = 0
    interviewer: str = ""  # the latest: the meta's, or what a resume switched to
    judge: str = ""
    greeting_name: str = ""  # the interviewer's name as the greeting said it (logs from before the meta stored it)
    asked: set[str] = field(default_factory=set)  # move ids said
    asked_texts: list[str] = field(default_factory=list)
    last_question: InterviewerEvent | None = None  # the question awaiting (or that got) the latest answer
    awaiting: bool = False
    acks_said: list[str] = field(default_factory=list)  # rapport line ids said this session: none twice
    score: Score | None = None

    def apply(self, ev: Event) -> None:
        self.events += 1
        self.t = max(self.t, ev.t)
        match ev:
            case MetaEvent():
                self.meta, self.interviewer, self.judge = ev, ev.interviewer, ev.judge
            case PhaseEvent():
                self.phases.append(PhaseRecord(ev.phase, ev.title, ev.t, branch=ev.branch))
                self.awaiting = False
            case InterviewerEvent():
                self._said(ev)
            case CandidateEvent():
                self.answer_count += 1
                self.awaiting = False
            case NoteEvent():
                self.notes += 1
                if ev.note == "resumed":
                    self.status, self.ended_at, self.end_t = "", "", None
                    self.interviewer = ev.interviewer or self.interviewer
                    self.judge = ev.judge or self.judge
            case EndEvent():
                self.status, self.ended_at, self.end_t = ev.status, ev.at, ev.t
            case ScoreEvent():
                self.score = ev.score

    def _said(self, ev: InterviewerEvent) -> None:
        if ev.move:
            self.asked.add(ev.move)
        if not self.greeting_name and (m := _GREETING_NAME.search(ev.text)):
            self.greeting_name = m.group(1)
        for move in (ev.move if ev.kind == "ack" else "", ev.lead):
            if move.startswith("ack:"):
                self.acks_said.append(move.removeprefix("ack:"))
        if ev.kind == "nudge" and ev.move == "hint":
            self.hints += 1
        rephrased = ev.move.startswith(("rephrase:", "pointer:", "redirect:")) or ev.move in ("repeat", "retry")
        if ev.asks or rephrased:
            if ev.asks:
                self.questions += 1
                self.asked_texts.append(ev.text)
                if self.phases:
                    self.phases[-1].questions += 1
            if not rephrased:
                self.last_question = ev
            self.awaiting = True

    # ------------------------------------------------------------------ views

    @property
    def phase(self) -> str:
        return self.phases[-1].id if self.phases else ""

    @property
    def phase_started(self) -> float:
        return self.phases[-1].started if self.phases else 0.0

    @property
    def branch(self) -> str:
        return next((rec.branch for rec in reversed(self.phases) if rec.branch), "")

    @property
    def interviewer_name(self) -> str:
        return self.meta.interviewer_name or self.greeting_name or "Interviewer"

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    def phase_seconds(self) -> dict[str, float]:
        """Seconds spent in each phase, to the end (or the last event while the session is open)."""
        stop = self.end_t if self.end_t is not None else self.t
        out: dict[str, float] = {}
        for i, rec in enumerate(self.phases):
            until = self.phases[i + 1].started if i + 1 < len(self.phases) else stop
            out[rec.id] = out.get(rec.id, 0.0) + until - rec.started
        return out


def fold(events: list[Event]) -> Timeline:
    timeline = Timeline()
    for ev in events:
        timeline.apply(ev)
    return timeline


def plan_seconds(persona, duration_minutes: float) -> dict[str, list[float]]:
    """phase -> [minimum, budget] seconds: each phase's minute range scaled so the budgets sum to the duration."""
    mids = {p.id: sum(p.minutes) / 2 for p in persona.phases}
    scale = duration_minutes * 60.0 / sum(mids.values())
    return {p.id: [round(p.minutes[0] * scale, 1), round(mids[p.id] * scale, 1)] for p in persona.phases}
