"""Session state: the timeline fold (timeline.py) plus the reading of every answer. Replaying the events rebuilds it
exactly; `replay` is the one way a log becomes a state (resume, rescore, the judge, the bench)."""

from __future__ import annotations

from dataclasses import dataclass

from mlcoach import claims
from mlcoach.analysis import Analysis, Hit, analyze
from mlcoach.personas import Persona, Scenario
from mlcoach.records import CandidateEvent, Event, MetaEvent
from mlcoach.timeline import Timeline

ANSWERED_LATE = ("design", "production", "deep_dive", "closing")  # phases after the scenario was posed


@dataclass
class Answer:
    phase: str
    text: str
    analysis: Analysis
    t: float
    question: str  # the move id it answered
    asked: str = ""  # the wording of that question
    turn: int = 0  # 1-based number of this answer in the session


class State(Timeline):
    """The timeline, and what the answers said as the persona reads them."""

    def __init__(self, persona: Persona) -> None:
        super().__init__()
        self.persona = persona
        self.scenario: Scenario | None = None
        self.answers: list[Answer] = []
        self.coverage: dict[str, Hit] = {}  # best hit per concept across the session
        self.scenario_explained: set[str] = set()  # explained since the scenario was posed
        self.declined: set[str] = set()  # concepts the candidate said they have not worked on or waved away

    def apply(self, ev: Event) -> None:
        phase = self.phase
        last = self.last_question
        super().apply(ev)
        if isinstance(ev, MetaEvent) and ev.scenario:
            self.scenario = self.persona.scenario(ev.scenario)
        elif isinstance(ev, CandidateEvent):
            analysis = analyze(ev.text, self.persona, [a.text for a in self.answers], last.text if last else "",
                               self.scenario.id if self.scenario else "")
            self.answers.append(Answer(ev.phase or phase, ev.text, analysis, ev.t, last.move if last else "",
                                       last.text if last else "", len(self.answers) + 1))
            if phase in ANSWERED_LATE:
                self.scenario_explained |= analysis.explained
            self.declined |= {h.concept for h in analysis.hits if h.gap and h.mode != claims.ASKS}
            for hit in analysis.hits:
                old = self.coverage.get(hit.concept)
                if old is None or (hit.explained and not old.explained):
                    self.coverage[hit.concept] = hit

    # ------------------------------------------------------------------ views

    @property
    def explained(self) -> set[str]:
        return {c for c, h in self.coverage.items() if h.explained}

    def covered(self) -> set[str]:
        """What counts as covered for skipping questions: once the scenario is posed, only what was explained
        about it (a past project's deployment does not answer how *this* model would be deployed); and what the
        candidate said they have not done ("I've never monitored a model" is not asked about monitoring again)."""
        if self.phase in ("design", "production"):
            return self.scenario_explained | self.declined
        return self.explained | self.declined

    @property
    def mentioned(self) -> set[str]:
        return set(self.coverage)

    @property
    def last_answer(self) -> Answer | None:
        return self.answers[-1] if self.answers else None


def replay(events: list[Event], persona: Persona) -> State:
    """A log's events folded into a fresh state."""
    state = State(persona)
    for ev in events:
        state.apply(ev)
    return state
