"""The session summary, derived from the events alone (so it can always be rebuilt from the log): a typed record
for the report, the exports, batch and review, and the TOML table written beside the log."""

from __future__ import annotations

from dataclasses import dataclass

from mlcoach.records import CandidateEvent, Event, Score, UsageTotal, usage_total
from mlcoach.sessions import FORMAT
from mlcoach.timeline import fold
from mlcoach.voice.metrics import observations


@dataclass(frozen=True)
class PhaseTime:
    id: str
    title: str
    planned_seconds: float
    actual_seconds: float
    questions: int
    branch: str = ""

    def to_dict(self) -> dict:
        out = {"title": self.title, "planned_seconds": self.planned_seconds, "actual_seconds": self.actual_seconds,
               "questions": self.questions}
        if self.branch:
            out["branch"] = self.branch
        return out


@dataclass(frozen=True)
class Summary:
    session_id: str
    persona: str
    candidate: str
    scenario: str
    interviewer: str  # scripted, or the model (the latest, after a resume)
    interviewer_name: str  # the persona's interviewer, as the transcript names it
    judge: str
    mode: str
    started: str
    ended: str
    status: str  # complete | incomplete
    duration_seconds: float
    planned_minutes: float
    seed: int
    questions: int
    answers: int
    hints: int
    notes: int
    phases: tuple[PhaseTime, ...]
    level: str = ""
    topic: str = ""  # a drill's topic
    delivery: tuple[str, ...] = ()
    usage: UsageTotal | None = None
    score: Score | None = None

    def to_dict(self) -> dict:
        """The TOML summary: the headline first, so a listing can read it without parsing the whole file."""
        out: dict = {
            "session_id": self.session_id, "format": FORMAT, "persona": self.persona, "candidate": self.candidate,
            "scenario": self.scenario, "interviewer": self.interviewer, "interviewer_name": self.interviewer_name,
            "judge": self.judge, "mode": self.mode, "started": self.started, "ended": self.ended,
            "status": self.status, "duration_seconds": self.duration_seconds, "planned_minutes": self.planned_minutes,
            "seed": self.seed, "questions": self.questions, "answers": self.answers, "hints": self.hints,
            "notes": self.notes,
        }
        if self.topic:
            out["topic"] = self.topic
        if self.score:
            out |= {"overall": self.score.overall, "band": self.score.band, "scores": self.score.scores}
        out["phases"] = {p.id: p.to_dict() for p in self.phases}
        if self.level:
            out["level"] = self.level
        if self.delivery:
            out["delivery"] = list(self.delivery)
        if self.usage:
            out["usage"] = self.usage.to_dict()
        if self.score:
            out["score"] = self.score.to_dict()
        return out


def summarize(events: list[Event]) -> Summary:
    timeline = fold(events)
    meta, plan, spent = timeline.meta, timeline.meta.plan, timeline.phase_seconds()
    phases: dict[str, PhaseTime] = {}
    for rec in timeline.phases:
        old = phases.get(rec.id)
        phases[rec.id] = PhaseTime(rec.id, old.title if old else rec.title,
                                   round(float(plan.get(rec.id, (0.0, 0.0))[1]), 1), round(spent[rec.id], 1),
                                   (old.questions if old else 0) + rec.questions, rec.branch or (old.branch if old else ""))
    usage = usage_total(events)
    return Summary(
        session_id=meta.session_id, persona=meta.persona, candidate=meta.candidate, scenario=meta.scenario,
        interviewer=timeline.interviewer, interviewer_name=timeline.interviewer_name, judge=timeline.judge,
        mode=meta.mode, started=meta.at, ended=timeline.ended_at, status=timeline.status or "incomplete",
        duration_seconds=round(timeline.t, 1), planned_minutes=meta.duration_minutes, seed=meta.seed,
        questions=timeline.questions, answers=timeline.answer_count, hints=timeline.hints, notes=timeline.notes,
        phases=tuple(phases.values()), level=meta.level, topic=meta.topic,
        delivery=tuple(observations([e for e in events if isinstance(e, CandidateEvent) and e.input == "voice"])),
        usage=usage if usage.calls else None, score=timeline.score,
    )
