"""Session state as a fold over the event log: replaying the events rebuilds it exactly (resume, review)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlcoach.analysis import Analysis, Hit, analyze
from mlcoach.personas import Persona, Scenario
from mlcoach.sessions import QUESTION_KINDS  # noqa: F401 - re-exported: one definition, in the format module


@dataclass
class Answer:
    phase: str
    text: str
    analysis: Analysis
    t: float
    question: str  # the move id it answered
    asked: str = ""  # the wording of that question
    turn: int = 0  # 1-based number of this answer in the session


@dataclass
class PhaseRecord:
    id: str
    title: str
    started: float
    questions: int = 0
    branch: str = ""


@dataclass
class State:
    persona: Persona
    meta: dict = field(default_factory=dict)
    scenario: Scenario | None = None
    phases: list[PhaseRecord] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)  # move ids said
    asked_texts: list[str] = field(default_factory=list)
    last_question: dict | None = None  # the interviewer event awaiting (or that got) the latest answer
    awaiting: bool = False
    answers: list[Answer] = field(default_factory=list)
    coverage: dict[str, Hit] = field(default_factory=dict)  # best hit per concept across the session
    hints: int = 0
    status: str = ""  # "" while running, else complete / incomplete
    t: float = 0.0
    events: int = 0
    recent_acks: list[str] = field(default_factory=list)
    scenario_explained: set[str] = field(default_factory=set)  # explained since the scenario was posed

    # ------------------------------------------------------------------ folding

    def apply(self, ev: dict) -> None:
        self.events += 1
        self.t = max(self.t, float(ev.get("t", 0.0)))
        kind = ev.get("type")
        if kind == "meta":
            self.meta = ev
            scenario = ev.get("scenario")
            if scenario:
                self.scenario = self.persona.scenario(scenario)
        elif kind == "phase":
            self.phases.append(PhaseRecord(ev["phase"], ev.get("title", ev["phase"]), float(ev["t"]),
                                           branch=ev.get("branch", "")))
            self.awaiting = False
        elif kind == "interviewer":
            move = ev.get("move", "")
            if move:
                self.asked.add(move)
            if ev.get("kind") == "ack":
                self.recent_acks = (self.recent_acks + [ev.get("text", "")])[-4:]
            if ev.get("kind") in QUESTION_KINDS or move.startswith("rephrase:") or move == "repeat":
                if ev.get("kind") in QUESTION_KINDS:
                    self.asked_texts.append(ev.get("text", ""))
                    if self.phases:
                        self.phases[-1].questions += 1
                if not move.startswith(("rephrase:", "repeat")):
                    self.last_question = ev
                self.awaiting = True
            if ev.get("kind") == "nudge" and move == "hint":
                self.hints += 1
        elif kind == "candidate":
            text = ev.get("text", "")
            analysis = analyze(text, self.persona, [a.text for a in self.answers])
            last = self.last_question or {}
            self.answers.append(Answer(ev.get("phase", self.phase), text, analysis, float(ev.get("t", 0)),
                                       last.get("move", ""), last.get("text", ""), len(self.answers) + 1))
            if self.phase in ("design", "production", "deep_dive", "closing"):
                self.scenario_explained |= analysis.explained
            for hit in analysis.hits:
                old = self.coverage.get(hit.concept)
                if old is None or (hit.explained and not old.explained):
                    self.coverage[hit.concept] = hit
            self.awaiting = False
        elif kind == "note":
            if ev.get("note") == "resumed":
                self.status = ""
        elif kind == "end":
            self.status = ev.get("status", "incomplete")

    # ------------------------------------------------------------------ views

    @property
    def phase(self) -> str:
        return self.phases[-1].id if self.phases else ""

    @property
    def phase_started(self) -> float:
        return self.phases[-1].started if self.phases else 0.0

    @property
    def branch(self) -> str:
        for rec in reversed(self.phases):
            if rec.branch:
                return rec.branch
        return ""

    @property
    def explained(self) -> set[str]:
        return {c for c, h in self.coverage.items() if h.explained}

    def covered(self) -> set[str]:
        """What counts as covered for skipping questions: once the scenario is posed, only what was explained
        about it (a past project's deployment does not answer how *this* model would be deployed)."""
        if self.phase in ("design", "production"):
            return self.scenario_explained
        return self.explained

    @property
    def mentioned(self) -> set[str]:
        return set(self.coverage)

    @property
    def last_answer(self) -> Answer | None:
        return self.answers[-1] if self.answers else None

    def answers_to(self, move_id: str) -> list[Answer]:
        return [a for a in self.answers if a.question == move_id]

    def phase_answers(self, phase: str | None = None) -> list[Answer]:
        phase = phase or self.phase
        return [a for a in self.answers if a.phase == phase]
