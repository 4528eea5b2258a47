"""Drills (`mlcoach drill TOPIC`): a short run of questions on one topic, drawn from every phase and scenario of the
persona, with coach mode on, ending in a report on that topic. Pure: the persona, a topic and a seed in, the
questions out; a session's state in, the report out. The session that asks them is drilling.py.

A topic is one of the persona's `[drills.<id>]` (or one of their aliases), a rubric criterion id, or a concept id.
The questions are every persona question that covers one of the topic's concepts; they are ordered so that each
next one reaches a concept not asked about yet, from a phase or scenario not used just before."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from mlcoach.errors import BadInput
from mlcoach.judge import judge_topic
from mlcoach.personas import Persona
from mlcoach.records import Score
from mlcoach.state import State

MINUTES = 10  # a drill's default length
MINUTES_PER_QUESTION = 2  # with the coach's note and a retry now and then
MIN_QUESTIONS = 2  # a drill asks at least this many, whatever the time
RECENT_SOURCES = 2  # the next question comes from a phase or scenario other than the last two, when it can


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    concepts: tuple[str, ...]
    criteria: tuple[str, ...]  # what the drill's answers score


@dataclass(frozen=True)
class Ask:
    """One question of a drill: a persona question, the phase it comes from and the scenario it is framed in."""

    id: str  # the persona's question id (the interviewer's move)
    phase: str  # experience, design, production or deep_dive
    scenario: str  # "" for a question about the candidate's own work or about fundamentals
    covers: tuple[str, ...]

    @property
    def source(self) -> str:
        return self.scenario if self.phase == "design" else self.phase


def topics(persona: Persona) -> list[Topic]:
    return [Topic(d.id, d.label, d.concepts, d.criteria) for d in persona.drills]


def names(persona: Persona) -> str:
    return ", ".join(d.id for d in persona.drills)


def resolve(spec: str, persona: Persona) -> Topic:
    """The topic a candidate typed: a drill or one of its aliases, a criterion id, or a concept id (BadInput else)."""
    key = re.sub(r"[\s-]+", "_", spec.strip().lower())
    for d in persona.drills:
        if key == d.id or key in d.aliases:
            return Topic(d.id, d.label, d.concepts, d.criteria)
    for c in persona.criteria:
        if key == c.id:
            return Topic(c.id, c.label, c.concepts, (c.id,))
    if key in persona.concepts:
        criteria = tuple(c.id for c in persona.criteria if key in c.concepts)
        if not criteria:
            raise BadInput(f"drill: concept {key!r} is scored by no rubric criterion; try a topic: {names(persona)}")
        if not any(key in q.covers for q in persona.questions_by_id.values()):
            raise BadInput(f"drill: no question of persona {persona.id} asks about {key!r}; try a topic: "
                           f"{names(persona)}")
        return Topic(key, persona.concepts[key].label, (key,), criteria)
    raise BadInput(f"drill: unknown topic {spec.strip()!r} (topics: {names(persona)}; or a rubric criterion id "
                   "or a concept id; see mlcoach drill --list)")


def drill_for(cid: str, persona: Persona) -> Topic | None:
    """The persona's drill that practises a criterion: of those that score it, the one that asks about most of its
    concepts (the first of equals); None when no drill scores it."""
    criterion = next((c for c in persona.criteria if c.id == cid), None)
    scoring = [d for d in persona.drills if cid in d.criteria]
    if criterion is None or not scoring:
        return None
    best = max(scoring, key=lambda d: (len(set(d.concepts) & set(criterion.concepts)), -scoring.index(d)))
    return Topic(best.id, best.label, best.concepts, best.criteria)


def of_log(meta, persona: Persona, path) -> Topic:
    """A drill log's topic (its meta line's `topic`); BadInput naming the file and the key when the persona has no
    such topic (a hand-edited log, or a persona changed since)."""
    try:
        return resolve(meta.topic, persona)
    except BadInput:
        raise BadInput(f"{path}: meta.topic: {meta.topic!r} is no drill topic of persona {persona.id} (topics: "
                       f"{names(persona)})") from None


def for_criterion(cid: str, persona: Persona) -> Topic:
    """The drill for a criterion (drill_for), else the criterion itself as the topic."""
    return drill_for(cid, persona) or resolve(cid, persona)


def count(minutes: float, available: int) -> int:
    """How many questions a drill of `minutes` asks."""
    return max(min(MIN_QUESTIONS, available), min(available, round(minutes / MINUTES_PER_QUESTION)))


def _candidates(persona: Persona, wanted: set[str]) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """(question id, phase, the scenarios it may be framed in, covers) of every question on the topic: a production
    question may be framed in any scenario, a scenario's question (or a shared probe) in those that ask it."""
    every = tuple(s.id for s in persona.scenarios)
    out = [(q.id, phase.id, every if phase.id == "production" else (), q.covers)
           for phase in persona.phases for q in phase.questions]
    framed: dict[str, list] = {}
    for s in persona.scenarios:
        for q in s.guide + s.probes:
            framed.setdefault(q.id, [q.id, "design", (), q.covers])[2] += (s.id,)
    out += [tuple(v) for v in framed.values()]
    out += [(q.id, "deep_dive", (), q.covers) for qs in persona.branches.values() for q in qs]
    return [c for c in out if set(c[3]) & wanted]


def questions(persona: Persona, topic: Topic, seed: int) -> list[Ask]:
    """Every question on the topic, in the order a drill asks them (deterministic for a seed)."""
    rng = random.Random(seed)
    wanted = set(topic.concepts)
    pool = _candidates(persona, wanted)
    tie = {qid: rng.random() for qid, *_ in pool}
    order = {cid: i for i, cid in enumerate(topic.concepts)}
    out: list[Ask] = []
    covered: set[str] = set()
    used: list[str] = []  # the scenarios used so far, in order
    while pool:
        recent = [a.source for a in out[-RECENT_SOURCES:]]
        best = max(pool, key=lambda c: _rank(c, wanted - covered, order, recent, tie))
        pool.remove(best)
        qid, phase, scenarios, covers = best
        scenario = ""
        if scenarios:
            unused = [s for s in scenarios if s not in used] or [s for s in scenarios if s not in used[-1:]]
            scenario = rng.choice(unused or list(scenarios))
            used.append(scenario)
        out.append(Ask(qid, phase, scenario, covers))
        covered |= set(covers) & wanted
    return out


def planned(persona: Persona, topic: Topic, seed: int, minutes: float) -> frozenset[str]:
    """The topic's concepts the drill's planned questions ask about: what its score is out of (a drill ended early
    is not scored on the one question it got to)."""
    asks = questions(persona, topic, seed)
    return frozenset(c for a in asks[:count(minutes, len(asks))] for c in a.covers if c in topic.concepts)


def _rank(c, new_concepts: set[str], order: dict[str, int], recent: list[str], tie: dict[str, float]) -> tuple:
    """The next question: one that reaches a concept not asked about yet, from a phase or scenario other than the
    last ones; the topic's first concepts before its later ones; whose main concept is the topic's; then the most
    new concepts; then the seed's order."""
    qid, phase, scenarios, covers = c
    new = set(covers) & new_concepts
    fresh = phase not in recent if not scenarios else any(s not in recent for s in scenarios)
    first = min((order[x] for x in new), default=len(order))
    return bool(new), fresh, -first, covers[0] in order, len(new), tie[qid]


def wording(persona: Persona, ask: Ask) -> str:
    """The question as the drill asks it: a scenario's question framed by the scenario's first sentence ("Let's say
    you need to build a spam detector for {product}."), a production question as that model working offline."""
    q = persona.questions_by_id[ask.id]
    if not ask.scenario or ask.id.startswith("scenario:"):
        return q.text
    scenario = next(s for s in persona.scenarios if s.id == ask.scenario)
    first = re.split(r"(?<=[.!?])\s+", scenario.prompt.strip())[0]
    if ask.phase == "production":
        first += " You've built a model that works well offline."
    return f"{first} {q.text}"


class TopicJudge:
    """The judge of a drill (the `Judge` of seams.py): the drill's criteria only, judged on its concepts."""

    name = "offline"

    def __init__(self, topic: Topic) -> None:
        self.topic = topic

    def score(self, state: State) -> Score:
        meta = state.meta
        asked = planned(state.persona, self.topic, meta.seed, meta.duration_minutes)
        return judge_topic(state, self.topic.concepts, self.topic.criteria, asked)

    def drain_notes(self) -> list[dict]:
        return []


# ---------------------------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Seen:
    """A concept of the topic as the drill's answers left it."""

    concept: str
    label: str
    status: str  # explained, named, missed
    quote: str = ""
    turn: int = 0


@dataclass(frozen=True)
class Report:
    topic: Topic
    asked: int
    answered: int
    retried: int
    concepts: tuple[Seen, ...]
    scores: tuple[tuple[str, int], ...]  # (criterion label, 0-4)
    corrections: tuple[str, ...]  # "“quote”: correction"
    next: str

    def lines(self) -> list[str]:
        out = [f"Drill report: {self.topic.label} ({self.answered} answer{'s' if self.answered != 1 else ''} to "
               f"{self.asked} question{'s' if self.asked != 1 else ''}"
               + (f", {self.retried} tried again" if self.retried else "") + ")"]
        for s in self.concepts:
            said = f" (turn {s.turn}: “{s.quote}”)" if s.quote else ""
            out.append(f"  {s.status:<9} {s.label}{said}")
        for label, score in self.scores:
            out.append(f"Score for {label}: {score}/4")
        out += [f"Check: {c}" for c in self.corrections]
        if self.next:
            out.append(f"Next: {self.next}")
        return out


def report(state: State, topic: Topic, asked: tuple[str, ...]) -> Report:
    """What the drill's answers covered of the topic, quoted; what they missed; the scores; the one next step."""
    from mlcoach.coach import verbatim

    persona = state.persona
    asked_about = {c for qid in asked for c in state.covers_of(qid)}
    best: dict[str, tuple[int, str, int]] = {}  # concept -> (rank, quote, turn): explained 2, named 1
    for a in state.answers:
        for h in a.analysis.hits:
            if h.concept in topic.concepts and not h.gap and not h.void:
                rank = 2 if h.explained else 1
                if rank > best.get(h.concept, (0, "", 0))[0]:
                    best[h.concept] = (rank, verbatim(h.quote), a.turn)
    seen = []
    for cid in topic.concepts:
        if cid not in persona.concepts or (cid not in best and cid not in asked_about):
            continue
        rank, quote, turn = best.get(cid, (0, "", 0))
        seen.append(Seen(cid, persona.concepts[cid].label, ("missed", "named", "explained")[rank], quote, turn))
    score = state.score
    labels = {c.id: c.label for c in persona.criteria}
    scores = tuple((labels.get(c.id, c.id), c.score) for c in score.criteria) if score else ()
    corrections = tuple(f"“{verbatim(c.quote)}”: {c.correction}" for c in score.corrections) if score else ()
    return Report(topic, len(asked), len(state.answers), state.retries, tuple(seen),
                  scores, corrections, _next(state, seen, asked_about))


def _next(state: State, seen: list[Seen], asked_about: set[str]) -> str:
    persona = state.persona
    missed = [s.concept for s in seen if s.status != "explained" and s.concept in asked_about]
    if missed:
        cid = missed[0]
        hint = next((h.text for h in persona.concept_hints if cid in h.concepts), "")
        return f"{persona.concepts[cid].label}: say what you would do about it, and why." + (f" {hint}" if hint else "")
    if not any(a.analysis.numbers or a.analysis.experience for a in state.answers):
        return "Every concept was explained; next time tie one to your own work, with a figure."
    return "Every concept asked about was explained. The plan brings this topic back later (mlcoach plan)."
