"""What a persona is: the vocabularies a persona file must use and the frozen dataclasses it becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mlcoach.errors import BadInput
from mlcoach.matching import ConceptFinder, Patterns, prepare

FORMAT = 1
PHASE_IDS = ("opening", "experience", "design", "production", "deep_dive", "closing")
CRITERIA = (
    "business_and_data", "data_quality", "algorithm_tradeoffs", "evaluation_metrics", "production",
    "overfitting_bias_fairness", "iterative_mindset", "real_projects", "failures_learnings",
)
RED_FLAGS = (
    "jumps_to_complex", "ignores_data_quality", "no_algorithm_rationale", "ignores_production",
    "no_evaluation", "overly_theoretical", "no_tradeoffs", "no_real_experience",
)
GUIDE_TOPICS = ("data", "features", "algorithm", "evaluation")
PLACEHOLDERS = {"name", "interviewer", "role", "years", "algorithm", "product", "concept"}


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    rephrase: str = ""
    covers: tuple[str, ...] = ()
    topic: str = "general"
    extra: bool = False


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    minutes: tuple[float, float]
    goals: str
    questions: tuple[Question, ...]
    transition: str = ""  # said when the phase starts (before its first question)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    problem_type: str
    product: str
    prompt: str
    guide: tuple[Question, ...]
    rephrase: str
    probes: tuple[Question, ...]  # the scenario's own probes, then the shared ones it lists, in priority order
    metrics: tuple[str, ...] = ()  # the evaluation concepts that fit this problem (empty: any)
    baselines: tuple[str, ...] = ()  # concepts that are a fair first model here (detection: a pretrained network)


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    group: str
    patterns: Patterns
    account: bool = False  # an account of the candidate's own work, given to a question about it, is about it

    def search(self, text: str) -> bool:
        return self.patterns.search(text)


@dataclass(frozen=True)
class Line:
    """A technique line: an ack, a probe, a hint, a closing answer."""

    id: str
    text: str
    when: tuple[str, ...] = ()  # concept ids (acks, probes, pushbacks) or regexes (closing answers)
    approves: bool = False  # an ack that approves ("Good, that's how I'd start too."): only after a sound answer
    scenarios: tuple[str, ...] = ()  # discovery lines: the scenarios they fit (empty: all)


@dataclass(frozen=True)
class Hint:
    """A `/hint` for questions about some concepts: `text` first, `narrow` when asked again."""

    concepts: tuple[str, ...]
    text: str
    narrow: str = ""


@dataclass(frozen=True)
class Drill:
    """A topic for `mlcoach drill`: the concepts its questions are about and the criteria its answers score."""

    id: str
    label: str
    concepts: tuple[str, ...]
    criteria: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    concepts: tuple[str, ...]
    practice: str


@dataclass(frozen=True)
class RedFlag:
    id: str
    label: str
    advice: str
    concepts: tuple[str, ...] = ()  # the concepts the flag's rule looks for (jumps_to_complex: the complex models)


@dataclass(frozen=True)
class Misconception:
    """A claim that is wrong ("k-means because it is supervised", "accuracy of 140 percent"): the sentence earns no
    credit and the feedback corrects it. `unless` spares sentences that state the claim only to reject it."""

    id: str
    patterns: Patterns
    correction: str
    unless: Patterns | None = None
    label: str = ""
    scenarios: tuple[str, ...] = ()  # wrong only for these scenarios ("accuracy" for house prices); empty: always
    criterion: str = ""  # the rubric criterion stating it counts against
    probe: str = ""  # the interviewer's pushback when a candidate states it: a question, not a lecture

    def states(self, sentence: str, scenario: str = "") -> bool:
        if self.scenarios and scenario not in self.scenarios:
            return False
        return self.patterns.search(sentence) and not (self.unless is not None and self.unless.search(sentence))


@dataclass(frozen=True)
class Forbidden:
    rule: str
    patterns: Patterns


@dataclass(frozen=True)
class Persona:
    id: str
    path: Path
    name: str
    role: str
    years: int
    expertise: tuple[str, ...]
    style: str
    mission: str
    communication: tuple[tuple[str, str], ...]
    always: tuple[str, ...]
    never: tuple[str, ...]
    forbidden: tuple[Forbidden, ...]
    starters: tuple[tuple[str, str], ...]  # (instead_of, say)
    phases: tuple[Phase, ...]
    scenarios: tuple[Scenario, ...]
    branches: dict[str, tuple[Question, ...]]
    rapport: tuple[Line, ...]
    probing: tuple[Line, ...]
    tradeoffs: tuple[Line, ...]
    discovery: tuple[Line, ...]
    question_types: tuple[tuple[str, tuple[str, ...]], ...]
    hints: dict[str, str]
    closing_invite: str
    closing_thanks: str
    closing_default: str
    closing_answers: tuple[tuple[Patterns, str], ...]
    concepts: dict[str, Concept]
    criteria: tuple[Criterion, ...]
    red_flags: tuple[RedFlag, ...]
    domain_words: Patterns
    outlines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    misconceptions: tuple[Misconception, ...] = ()
    pushback: tuple[Line, ...] = ()  # questions back when the candidate waves a concept away or rushes past it
    deeper: tuple[Line, ...] = ()  # follow-ups on a concept the candidate raised themselves ({concept})
    concept_hints: tuple[Hint, ...] = ()
    drills: tuple[Drill, ...] = ()

    def phase(self, phase_id: str) -> Phase:
        return next(p for p in self.phases if p.id == phase_id)

    def scenario(self, scenario_id: str) -> Scenario:
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        known = ", ".join(s.id for s in self.scenarios)
        raise BadInput(f"scenario: unknown id {scenario_id!r} (known: {known})")

    def violations(self, text: str) -> list[str]:
        """The never-do rules that a question's wording breaks."""
        return [f.rule for f in self.forbidden if f.patterns.search(text)]

    @cached_property
    def finder(self) -> ConceptFinder:
        """Built on first use (compiling every concept's patterns), then kept with the persona."""
        return ConceptFinder({cid: c.patterns for cid, c in self.concepts.items()})

    def topics(self) -> dict[str, str]:
        """What a keyed script answer may be `about`: every concept (by id, its label) and every question the
        planner may ask (by move id, its wording)."""
        out = {cid: c.label for cid, c in self.concepts.items()}
        out.update({qid: " ".join(q.text.split()) for qid, q in self.questions_by_id.items()})
        return out

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        """Every question the planner may ask, by move id: the phases', the scenarios' guide questions and probes,
        each scenario's prompt (as `scenario:<id>`), the branches'."""
        out: dict[str, Question] = {}
        for phase in self.phases:
            out.update({q.id: q for q in phase.questions})
        for s in self.scenarios:
            out.update({q.id: q for q in s.guide + s.probes})
            out[f"scenario:{s.id}"] = Question(f"scenario:{s.id}", s.prompt, s.rephrase, (), "design")
        for qs in self.branches.values():
            out.update({q.id: q for q in qs})
        return out

    @cached_property
    def misconception_finder(self) -> ConceptFinder:
        """The misconceptions' patterns, indexed by their literal words like the concepts'."""
        return ConceptFinder({m.id: m.patterns for m in self.misconceptions})

    def misconceptions_in(self, sentence: str, scenario: str = "", prepared: str | None = None) -> tuple[str, ...]:
        """The ids of the misconceptions the sentence states (for this scenario)."""
        if not self.misconceptions:
            return ()
        found = self.misconception_finder.present(sentence, prepared if prepared is not None else prepare(sentence))
        return tuple(m.id for m in self.misconceptions if m.id in found and m.states(sentence, scenario))

    @cached_property
    def criterion_phases(self) -> dict[str, frozenset[str]]:
        """Criterion id -> the phases whose questions ask about its concepts: where it can be judged. A criterion
        no question asks about can be judged anywhere (an empty set)."""
        asked: dict[str, set[str]] = {}
        for phase in self.phases:
            for q in phase.questions:
                for cid in q.covers:
                    asked.setdefault(cid, set()).add(phase.id)
        for s in self.scenarios:
            for q in s.guide + s.probes:
                for cid in q.covers:
                    asked.setdefault(cid, set()).add("design")
        for qs in self.branches.values():
            for q in qs:
                for cid in q.covers:
                    asked.setdefault(cid, set()).add("deep_dive")
        return {c.id: frozenset().union(*(asked.get(cid, set()) for cid in c.concepts)) for c in self.criteria}

    def all_questions(self) -> list[tuple[str, str]]:
        """(key path, text) of every line the interviewer may say, for the never-do check."""
        out: list[tuple[str, str]] = []
        for phase in self.phases:
            out.append((f"phases.{phase.id}.transition", phase.transition))
            for q in phase.questions:
                out += [(f"phases.{phase.id}.{q.id}", q.text), (f"phases.{phase.id}.{q.id}.rephrase", q.rephrase)]
        shared: set[str] = set()  # a shared probe listed by several scenarios is checked once
        for s in self.scenarios:
            out += [(f"scenarios.{s.id}.prompt", s.prompt), (f"scenarios.{s.id}.rephrase", s.rephrase)]
            for q in s.guide + s.probes:
                if q.id in shared:
                    continue
                shared.add(q.id)
                out += [(f"scenarios.{s.id}.{q.id}", q.text), (f"scenarios.{s.id}.{q.id}.rephrase", q.rephrase)]
        for name, qs in self.branches.items():
            for q in qs:
                out += [(f"branches.{name}.{q.id}", q.text), (f"branches.{name}.{q.id}.rephrase", q.rephrase)]
        techniques = (("probing", self.probing), ("tradeoffs", self.tradeoffs), ("discovery", self.discovery),
                      ("rapport", self.rapport), ("pushback", self.pushback), ("deeper", self.deeper))
        for group, lines in techniques:
            out += [(f"techniques.{group}.{line.id}", line.text) for line in lines]
        for name, qs in self.question_types:
            out += [(f"question_types.{name}", q) for q in qs]
        for i, (_, say) in enumerate(self.starters):
            out.append((f"starters[{i}].say", say))
        out += [(f"hints.{k}", v) for k, v in self.hints.items()]
        for h in self.concept_hints:
            out += [(f"hints.{h.concepts[0]}", h.text), (f"hints.{h.concepts[0]}.narrow", h.narrow)]
        out += [(f"misconceptions.{m.id}.probe", m.probe) for m in self.misconceptions]
        out += [("closing.invite", self.closing_invite), ("closing.thanks", self.closing_thanks)]
        return [(k, t) for k, t in out if t]

    def compile_all(self) -> None:
        """Compile every regex now (validation); normally they compile on first use."""
        for group in [c.patterns for c in self.concepts.values()] + [f.patterns for f in self.forbidden] + \
                [p for p, _ in self.closing_answers] + [self.domain_words] + \
                [m.patterns for m in self.misconceptions] + [m.unless for m in self.misconceptions if m.unless]:
            group.check_backtracking()
            group.compile()
        self.finder  # noqa: B018 - built now (the warm-up thread), not at the first answer
