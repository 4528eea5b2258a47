"""Typed records of what a session log holds. A log line becomes a record once, where the log is read
(`sessions.read_log`), after `sessions.event_problem` has checked its shape; code past that point reads fields,
not dicts. The dictionaries written to the log (and the TOML summary) come back out through `to_dict`.

Unknown keys in a line are kept out of the record (an older or newer mlcoach may write more); missing optional
keys take the defaults below, so every log of format 1 reads."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

QUESTION_KINDS = ("greeting", "question", "probe", "closing")  # interviewer events that ask something
GAPS_SHOWN = 4  # concepts listed as "not explained" under a criterion
GAPS_UP_TO = 2  # ... when the criterion scored this or less


def _number(value: Any) -> bool:
    """A number a log can hold: not a bool, finite (JSON may carry Infinity and NaN), and not a 400-digit int."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= 2 ** 53 if isinstance(value, int) else math.isfinite(value)


def _num(value: Any, default: float = 0.0) -> float:
    return value if _number(value) else default


def _int(value: Any, default: int = 0, lo: int = -(2 ** 53), hi: int = 2 ** 53) -> int:
    """A whole number from a checked log value, within [lo, hi]; a float (hand-edited) is rounded, never a crash."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(lo, min(hi, value))  # a huge int is clamped, never turned into a float
    return max(lo, min(hi, int(round(value)))) if _number(value) else default


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


def _table(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


# ---------------------------------------------------------------------------------------------- usage


@dataclass(frozen=True)
class Usage:
    """Tokens and cost of the model calls behind one event; `cost_usd` None when the model has no known price."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None

    def to_dict(self) -> dict:
        out: dict = {"calls": self.calls, "prompt_tokens": self.prompt_tokens,
                     "completion_tokens": self.completion_tokens}
        if self.cost_usd is not None:
            out["cost_usd"] = self.cost_usd
        return out

    @classmethod
    def from_dict(cls, d: Any) -> Usage | None:
        if not isinstance(d, Mapping):
            return None
        cost = d.get("cost_usd")
        return cls(_int(d.get("calls")), _int(d.get("prompt_tokens")), _int(d.get("completion_tokens")),
                   float(cost) if _number(cost) else None)


@dataclass(frozen=True)
class UsageTotal:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = 0.0  # None: at least one call had no known price

    def to_dict(self) -> dict:
        return {"calls": self.calls, "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "cost_usd": round(self.cost_usd, 6) if self.cost_usd is not None else "unknown"}


def usage_total(events: list[Event]) -> UsageTotal:
    """Tokens and cost of every model call in the session."""
    calls = prompt = completion = 0
    cost: float | None = 0.0
    for ev in events:
        usage = ev.score.usage if isinstance(ev, ScoreEvent) else \
            ev.usage if isinstance(ev, InterviewerEvent | NoteEvent) else None
        if usage is None:
            continue
        calls, prompt = calls + usage.calls, prompt + usage.prompt_tokens
        completion = completion + usage.completion_tokens
        cost = None if cost is None or usage.cost_usd is None else cost + usage.cost_usd
    return UsageTotal(calls, prompt, completion, cost)


# ---------------------------------------------------------------------------------------------- the score


@dataclass(frozen=True)
class Evidence:
    turn: int
    phase: str
    quote: str
    concept: str = ""  # the concept credited, or the signal ("experience", "failure", "tradeoff", "answer")
    named: bool = False  # the concept was only named here, not explained: little credit

    @property
    def where(self) -> str:
        return f"turn {self.turn}, {self.phase.replace('_', ' ')}"

    def to_dict(self) -> dict:
        out: dict = {"turn": self.turn, "phase": self.phase, "quote": self.quote}
        if self.concept:
            out["concept"] = self.concept
        if self.named:
            out["named"] = True
        return out

    @classmethod
    def from_dict(cls, d: Mapping) -> Evidence:
        return cls(_int(d.get("turn")), _str(d.get("phase")), _str(d.get("quote")), _str(d.get("concept")),
                   d.get("named") is True)


def _evidence(items: Any) -> tuple[Evidence, ...]:
    return tuple(Evidence.from_dict(e) for e in items if isinstance(e, Mapping)) if isinstance(items, list) else ()


@dataclass(frozen=True)
class CriterionResult:
    id: str
    score: int  # 0-4
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()  # the criterion's concepts no answer explained
    judged: bool = True  # False: the phases that show it were not reached and no answer spoke to it

    @property
    def gaps(self) -> tuple[str, ...]:
        """The concepts every report lists as "not explained in any answer": one rule for all of them."""
        return self.missing[:GAPS_SHOWN] if self.judged and self.score <= GAPS_UP_TO else ()

    def to_dict(self) -> dict:
        out = {"score": self.score, "evidence": [e.to_dict() for e in self.evidence], "missing": list(self.missing)}
        if not self.judged:
            out["judged"] = False
        return out


@dataclass(frozen=True)
class Correction:
    id: str
    label: str
    turn: int
    phase: str
    quote: str
    correction: str
    count: int = 1

    @property
    def where(self) -> str:
        return f"turn {self.turn}, {self.phase.replace('_', ' ')}"

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "turn": self.turn, "phase": self.phase, "quote": self.quote,
                "correction": self.correction, "count": self.count}

    @classmethod
    def from_dict(cls, d: Mapping) -> Correction:
        return cls(_str(d.get("id")), _str(d.get("label")), _int(d.get("turn")), _str(d.get("phase")),
                   _str(d.get("quote")), _str(d.get("correction")), _int(d.get("count"), 1))


@dataclass(frozen=True)
class Practice:
    criterion: str
    label: str
    text: str
    concepts: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"criterion": self.criterion, "label": self.label, "text": self.text, "concepts": list(self.concepts)}

    @classmethod
    def from_dict(cls, d: Mapping) -> Practice:
        return cls(_str(d.get("criterion")), _str(d.get("label")) or _str(d.get("criterion")), _str(d.get("text")),
                   _strs(d.get("concepts")))


@dataclass(frozen=True)
class Weakest:
    """The answer with the least in it, and the outline of a strong one."""

    turn: int
    phase: str
    question: str
    quote: str
    outline: str
    steps: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"turn {self.turn}, {self.phase.replace('_', ' ')}"

    def to_dict(self) -> dict:
        return {"turn": self.turn, "phase": self.phase, "question": self.question, "quote": self.quote,
                "outline": self.outline, "steps": list(self.steps)}

    @classmethod
    def from_dict(cls, d: Any) -> Weakest | None:
        if not isinstance(d, Mapping) or not d:
            return None
        return cls(_int(d.get("turn")), _str(d.get("phase")), _str(d.get("question")), _str(d.get("quote")),
                   _str(d.get("outline")), _strs(d.get("steps")))


@dataclass(frozen=True)
class Score:
    """A judge's verdict: the `score` event's body and the summary's [score] table."""

    judge: str
    overall: int
    band: str
    criteria: tuple[CriterionResult, ...]
    red_flags: tuple[tuple[str, tuple[Evidence, ...]], ...] = ()
    practice: tuple[Practice, ...] = ()
    weakest: Weakest | None = None
    summary: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)  # criterion and red-flag id -> label
    advice: Mapping[str, str] = field(default_factory=dict)  # red-flag id -> what to do instead
    concept_labels: Mapping[str, str] = field(default_factory=dict)  # concept id -> label, for the gaps
    corrections: tuple[Correction, ...] = ()
    formula: int = 0
    rescored: bool = False
    previous_overall: int | None = None
    usage: Usage | None = None  # what judging cost, when a model judged (or tried to)
    reading: str = ""  # how this judge reads answers and how far it is from an expert, for the report

    def label(self, item_id: str) -> str:
        return self.labels.get(item_id, item_id)

    def concept_label(self, concept_id: str) -> str:
        return self.concept_labels.get(concept_id, concept_id.replace("_", " "))

    @property
    def scores(self) -> dict[str, int]:
        """Criterion id -> 0..4, for the criteria that were judged."""
        return {c.id: c.score for c in self.criteria if c.judged}

    def to_dict(self) -> dict:
        out = {
            "judge": self.judge, "formula": self.formula, "overall": self.overall, "band": self.band,
            "criteria": {c.id: c.to_dict() for c in self.criteria},
            "red_flags": {fid: [e.to_dict() for e in ev] for fid, ev in self.red_flags},
            "practice": [p.to_dict() for p in self.practice], "weakest": self.weakest.to_dict() if self.weakest else {},
            "summary": self.summary, "labels": dict(self.labels), "advice": dict(self.advice),
            "concept_labels": dict(self.concept_labels), "corrections": [c.to_dict() for c in self.corrections],
        }
        if self.rescored:
            out["rescored"] = True
            if self.previous_overall is not None:
                out["previous_overall"] = self.previous_overall
        if self.usage is not None:
            out["usage"] = self.usage.to_dict()
        if self.reading:
            out["reading"] = self.reading
        return out

    def to_event(self) -> dict:
        return {"type": "score", **self.to_dict()}

    @classmethod
    def from_dict(cls, d: Mapping) -> Score:
        criteria = d.get("criteria") if isinstance(d.get("criteria"), Mapping) else {}
        flags = d.get("red_flags") if isinstance(d.get("red_flags"), Mapping) else {}
        previous = d.get("previous_overall")
        return cls(
            judge=_str(d.get("judge"), "offline"), overall=_int(d.get("overall"), 0, 0, 100), band=_str(d.get("band")),
            criteria=tuple(CriterionResult(str(cid), _int(c.get("score"), 0, 0, 4), _evidence(c.get("evidence")),
                                           _strs(c.get("missing")), c.get("judged") is not False)
                           for cid, c in criteria.items() if isinstance(c, Mapping)),
            red_flags=tuple((str(fid), _evidence(ev)) for fid, ev in flags.items()),
            practice=tuple(Practice.from_dict(p) for p in d.get("practice") or () if isinstance(p, Mapping)),
            weakest=Weakest.from_dict(d.get("weakest")), summary=_str(d.get("summary")),
            labels=_table(d.get("labels")), advice=_table(d.get("advice")),
            concept_labels=_table(d.get("concept_labels")),
            corrections=tuple(Correction.from_dict(c) for c in d.get("corrections") or () if isinstance(c, Mapping)),
            formula=_int(d.get("formula")), rescored=d.get("rescored") is True,
            previous_overall=_int(previous, 0, 0, 100) if isinstance(previous, int | float) else None,
            usage=Usage.from_dict(d.get("usage")), reading=_str(d.get("reading")),
        )


# ---------------------------------------------------------------------------------------------- events


@dataclass(frozen=True)
class MetaEvent:
    """Line 1 of every log: who, what, and the plan."""

    session_id: str
    format: int = 1
    app: str = ""
    persona: str = ""
    persona_ref: str = ""  # how the persona was asked for (an id or a path): what resume and rescore load
    candidate: str = ""
    scenario: str = ""
    interviewer: str = "scripted"  # the kind: scripted, or the model's name
    interviewer_name: str = ""  # the persona's interviewer ("Alex"); "" in logs before it was stored
    judge: str = "offline"
    seed: int = 0
    duration_minutes: float = 0.0
    plan: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # phase -> (minimum, budget) seconds
    mode: str = "live"
    level: str = ""
    focus: tuple[str, ...] = ()
    t: float = 0.0
    at: str = ""
    coach: bool = False  # coach mode: a note after each answer, /retry
    topic: str = ""  # a drill's topic (mode "drill"; drill.py)


@dataclass(frozen=True)
class PhaseEvent:
    phase: str
    title: str
    branch: str = ""
    t: float = 0.0
    at: str = ""


@dataclass(frozen=True)
class InterviewerEvent:
    text: str
    phase: str = ""
    kind: str = ""  # greeting, question, probe, ack, nudge, transition, closing
    move: str = ""  # the planner's move id
    source: str = "scripted"
    why: str = ""
    usage: Usage | None = None
    t: float = 0.0
    at: str = ""
    lead: str = ""  # the move id of an acknowledgement or transition said in the same breath ("ack:fair_point")

    @property
    def asks(self) -> bool:
        return self.kind in QUESTION_KINDS


@dataclass(frozen=True)
class CandidateEvent:
    text: str
    phase: str = ""
    input: str = "text"  # text | voice | script
    answer_seconds: float = 0.0
    wpm: float = 0.0
    fillers: float = 0.0  # per 100 words
    pauses: int = 0
    t: float = 0.0
    at: str = ""


@dataclass(frozen=True)
class NoteEvent:
    note: str
    text: str = ""
    warn: bool = False
    usage: Usage | None = None
    interviewer: str = ""  # on a "resumed" note: who goes on
    judge: str = ""
    t: float = 0.0
    at: str = ""


@dataclass(frozen=True)
class EndEvent:
    status: str = "incomplete"
    reason: str = ""
    t: float = 0.0
    at: str = ""


@dataclass(frozen=True)
class ScoreEvent:
    score: Score
    t: float = 0.0
    at: str = ""


Event = MetaEvent | PhaseEvent | InterviewerEvent | CandidateEvent | NoteEvent | EndEvent | ScoreEvent


def conversation(events: list[Event]) -> list[tuple[str, str]]:
    """(speaker, text) of every interviewer and candidate line, in order: what a model reads of the session."""
    return [("interviewer" if isinstance(ev, InterviewerEvent) else "candidate", ev.text)
            for ev in events if isinstance(ev, InterviewerEvent | CandidateEvent)]


def event(d: Mapping) -> Event:
    """The record of one checked log line (see sessions.event_problem)."""
    kind, t, at = d["type"], _num(d.get("t")), _str(d.get("at"))
    if kind == "meta":
        plan = d.get("plan") if isinstance(d.get("plan"), Mapping) else {}
        return MetaEvent(
            _str(d.get("session_id")), _int(d.get("format"), 1), _str(d.get("app")), _str(d.get("persona")),
            _str(d.get("persona_ref")) or _str(d.get("persona")), _str(d.get("candidate")), _str(d.get("scenario")),
            _str(d.get("interviewer"), "scripted"), _str(d.get("interviewer_name")), _str(d.get("judge"), "offline"),
            _int(d.get("seed")), _num(d.get("duration_minutes")),
            {str(p): (float(_num(v[0])), float(_num(v[1]))) for p, v in plan.items()}, _str(d.get("mode"), "live"),
            _str(d.get("level")), _strs(d.get("focus")), t, at, d.get("coach") is True,
            _str(d.get("topic")))
    if kind == "phase":
        return PhaseEvent(_str(d.get("phase")), _str(d.get("title")) or _str(d.get("phase")), _str(d.get("branch")),
                          t, at)
    if kind == "interviewer":
        return InterviewerEvent(_str(d.get("text")), _str(d.get("phase")), _str(d.get("kind")), _str(d.get("move")),
                                _str(d.get("source"), "scripted"), _str(d.get("why")), Usage.from_dict(d.get("usage")),
                                t, at, _str(d.get("lead")))
    if kind == "candidate":
        return CandidateEvent(_str(d.get("text")), _str(d.get("phase")), _str(d.get("input"), "text"),
                              _num(d.get("answer_seconds")), _num(d.get("wpm")), _num(d.get("fillers")),
                              _int(d.get("pauses")), t, at)
    if kind == "note":
        return NoteEvent(_str(d.get("note")), _str(d.get("text")), d.get("warn") is True,
                         Usage.from_dict(d.get("usage")), _str(d.get("interviewer")), _str(d.get("judge")), t, at)
    if kind == "end":
        return EndEvent(_str(d.get("status"), "incomplete"), _str(d.get("reason")), t, at)
    if kind == "score":
        return ScoreEvent(Score.from_dict(d), t, at)
    raise ValueError(f"unknown event type {kind!r}")
