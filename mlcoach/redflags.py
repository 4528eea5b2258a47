"""The red flags of the rubric: one rule per flag, each returning the quotes that show it (or nothing).

Flags about something missing need the chance to show it: the questions on it were asked and answered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlcoach import claims
from mlcoach import phrases as ph
from mlcoach.analysis import sentences
from mlcoach.personas import Persona, Scenario
from mlcoach.records import Evidence
from mlcoach.state import Answer

if TYPE_CHECKING:
    from mlcoach.judge import CriterionScore

SIMPLE_MODELS = ("linear_regression", "logistic_regression", "decision_trees", "naive_bayes", "baseline")
BUSINESS_DATA = ("business_problem", "problem_framing", "data_sources", "labels", "data_quality")
THEORY_GROUNDED = 0.25  # overly theoretical: fewer than this share of answers speak of the candidate's own work or plan
_DEFERRED = re.compile(r"\b(only (if|when|once|after)|once (the|we|it|our)|after (the|we|a|an)|later|"
                       r"if (the|it|we|that)\b[^.;]{0,40}\b(plateau\w*|not enough|fails?|stalls?))",
                       re.IGNORECASE)


def _shown_sentences(a: Answer, avoid: set[str]) -> list[str]:
    """The answer's sentences a flag may quote: read (not another language), not a question, and not affirming
    one of the `avoid` concepts (a flag never quotes a sentence that says the opposite)."""
    affirming = {h.quote for h in a.analysis.hits if h.concept in avoid and not h.gap}
    return [x for x in sentences(a.text) if x not in affirming and not claims.foreign(x)
            and not x.rstrip().endswith("?")]


def _answer_evidence(*groups: list[Answer], avoid: set[str] = frozenset(), limit: int = 2) -> tuple[Evidence, ...]:
    """The opening sentence of the answers of the first group that has one to show: where the gap shows."""
    for group in groups:
        found = tuple(Evidence(a.turn, a.phase, shown[0], "answer") for a in group
                      if (shown := _shown_sentences(a, avoid)))
        if found:
            return found[:limit]
    return ()


def _gap_evidence(answers: list[Answer], concepts: set[str], limit: int = 2) -> tuple[Evidence, ...]:
    """Sentences that say the work was not done, not known or not needed ("we don't really monitor it")."""
    out: list[Evidence] = []
    for a in answers:
        for h in a.analysis.hits:
            if h.concept in concepts and h.gap and h.quote not in {e.quote for e in out}:
                out.append(Evidence(a.turn, a.phase, h.quote, h.concept))
    return tuple(out[:limit])


def _on_topic(answers: list[Answer], topic: str, persona: Persona) -> list[Answer]:
    index = persona.questions_by_id
    return [a for a in answers if (q := index.get(a.question)) is not None and q.topic == topic]


@dataclass(frozen=True)
class _Seen:
    """The answers the red-flag rules look at, grouped once. A flag about something missing reads only answers
    the offline reader could read: what it could not read may have said it."""

    answers: list[Answer]
    crit: dict[str, CriterionScore]
    persona: Persona
    scenario: Scenario | None = None

    @property
    def ok(self) -> list[Answer]:
        return [a for a in self.answers if a.analysis.quality == "ok"]

    def phase(self, *phases: str) -> list[Answer]:
        return [a for a in self.answers if a.phase in phases]

    @property
    def algorithms(self) -> set[str]:
        return {c.id for c in self.persona.concepts.values() if c.group == "algorithms"}

    def concepts(self, criterion: str) -> set[str]:
        return set(next((c.concepts for c in self.persona.criteria if c.id == criterion), ()))

    def on_topic(self, answers: list[Answer], topic: str) -> list[Answer]:
        return _on_topic(answers, topic, self.persona)


def red_flags(answers: list[Answer], crit: dict[str, CriterionScore], persona: Persona,
              scenario: Scenario | None = None) -> tuple[tuple[str, tuple[Evidence, ...]], ...]:
    """Each of the persona's red flags whose rule fires, with the quotes that show it."""
    readable = [a for a in answers if not a.analysis.unread]  # what it could not read may have said it
    seen = _Seen(readable, crit, persona, scenario)
    rules = {f.id: f for f in persona.red_flags}
    flags: list[tuple[str, tuple[Evidence, ...]]] = []
    for fid, rule in _FLAG_RULES:
        if fid in rules and (evidence := rule(seen, rules[fid])):
            flags.append((fid, evidence))
    return tuple(flags)


def _jumps_to_complex(seen: _Seen, flag) -> tuple[Evidence, ...]:
    """A complex model proposed in the design before a baseline, a simpler model, or the problem and its data
    were explained. A complex model put off with its cost ("I'd only go there once the boosted ranker plateaus")
    is no jump, and any simpler algorithm proposed first (boosted trees before a neural network) grounds it."""
    complex_ids = set(flag.concepts)
    fair_start = set(seen.scenario.baselines) if seen.scenario else set()  # detection: a pretrained detector
    simpler = (set(SIMPLE_MODELS) | seen.algorithms) - complex_ids
    grounding: set[str] = set()
    for a in seen.phase("design"):
        named = {h.concept for h in a.analysis.hits if not h.gap}  # "starting simple just wastes time" grounds nothing
        proposed = [h for h in a.analysis.hits if h.concept in complex_ids and not h.gap and not _DEFERRED.search(h.quote)]
        rushed = [h for h in proposed if ph.RUSHED.search(h.quote)]  # "I'd skip all that and just use BERT"
        jumps = [h for h in proposed if not h.reasoned and h.concept not in fair_start]
        if rushed or jumps and not (grounding | named) & simpler and \
                len((grounding | a.analysis.explained) & set(BUSINESS_DATA)) < 2:
            shown = (rushed or jumps)[0]
            return (Evidence(a.turn, a.phase, shown.quote, shown.concept),)
        grounding |= named & simpler
        grounding |= a.analysis.explained & set(BUSINESS_DATA)
    return ()


def _ignores_data_quality(seen: _Seen, flag) -> tuple[Evidence, ...]:
    design = seen.phase("design")
    concepts = seen.concepts("data_quality")
    gaps = _gap_evidence(seen.answers, concepts)  # "we didn't do any cleaning"
    if gaps and seen.crit["data_quality"].score <= 1:
        return gaps
    explained = any(h.explained and not h.gap for a in seen.ok for h in a.analysis.hits if h.concept in concepts)
    if seen.crit["data_quality"].score > 1 or explained:  # one data issue with substance is no sign of ignoring it
        return ()
    if len(design) >= 2 or seen.on_topic(design, "data"):
        return _answer_evidence(seen.on_topic(design, "data"), design, avoid=concepts)
    return ()


def _no_algorithm_rationale(seen: _Seen, flag) -> tuple[Evidence, ...]:
    asked = seen.on_topic(seen.answers, "algorithm")
    named = [(a, h) for a in seen.answers if a.analysis.quality in ("ok", "salad")
             for h in a.analysis.hits if h.concept in seen.algorithms]
    if not (named or asked) or any(h.reasoned and a.analysis.quality == "ok" for a, h in named):
        return ()
    if named:
        return tuple(Evidence(a.turn, a.phase, h.quote, h.concept) for a, h in named[:2])
    return _answer_evidence(asked, seen.phase("design"), seen.phase("opening", "experience"), avoid=seen.algorithms)


def _ignores_production(seen: _Seen, flag) -> tuple[Evidence, ...]:
    production = seen.phase("production")
    production_ids = seen.concepts("production")
    score = seen.crit["production"].score
    if not production:  # never reached: production is not judged, and neither is ignoring it
        return ()
    gaps = _gap_evidence(seen.answers, production_ids)  # "I've never deployed a model", "we don't monitor it"
    if gaps and score <= 1:
        return gaps
    if len(production) < 2:
        return ()
    in_phase = {h.concept for a in production if a.analysis.quality == "ok" for h in a.analysis.hits
                if h.explained and h.concept in production_ids}
    if score <= 1 or (len(in_phase) < 2 and score <= 2):
        return gaps or _answer_evidence(production, avoid=production_ids)
    return ()


def _no_evaluation(seen: _Seen, flag) -> tuple[Evidence, ...]:
    design = seen.phase("design")
    asked = seen.on_topic(design, "evaluation")
    concepts = seen.concepts("evaluation_metrics")
    if seen.crit["evaluation_metrics"].score > 1:
        return ()
    if gaps := _gap_evidence(seen.answers, concepts):  # "we never computed a metric"
        return gaps
    if len(design) >= 2 or asked:
        return _answer_evidence(asked, design, avoid=concepts)
    return ()


def _overly_theoretical(seen: _Seen, flag) -> tuple[Evidence, ...]:
    substantive = [a for a in seen.ok if a.phase != "closing"]
    if len(substantive) < 3:
        return ()
    grounded = sum(1 for a in substantive if a.analysis.grounded)
    textbook = [a for a in substantive if a.analysis.definitional and not a.analysis.grounded]
    if grounded / len(substantive) < THEORY_GROUNDED and len(textbook) >= 2:
        return tuple(Evidence(a.turn, a.phase, a.analysis.quote_for("definitional"), "definition")
                     for a in textbook[:2])
    return ()


def _no_tradeoffs(seen: _Seen, flag) -> tuple[Evidence, ...]:
    asked = seen.on_topic(seen.answers, "algorithm")
    design = seen.phase("design")
    if not (asked or len(design) >= 2):
        return ()
    stated = [a for a in seen.ok if a.analysis.tradeoff and a.phase in ("experience", "design", "production")]
    if stated or seen.crit["algorithm_tradeoffs"].score > 2:
        return ()
    return _answer_evidence(asked, design, seen.phase("opening", "experience"))


def _no_real_experience(seen: _Seen, flag) -> tuple[Evidence, ...]:
    talk = seen.phase("opening", "experience")
    if len(talk) < 2 or seen.crit["real_projects"].score > 2:
        return ()
    if len([a for a in seen.ok if a.analysis.experience and not a.analysis.disclaims]) >= 2:
        return ()
    disclaimed = [a for a in talk if a.analysis.disclaims]
    if disclaimed:
        return tuple(Evidence(a.turn, a.phase, a.analysis.quote_for("disclaims"), "disclaimer")
                     for a in disclaimed[:2])
    return _answer_evidence(talk)


_FLAG_RULES = (
    ("jumps_to_complex", _jumps_to_complex), ("ignores_data_quality", _ignores_data_quality),
    ("no_algorithm_rationale", _no_algorithm_rationale), ("ignores_production", _ignores_production),
    ("no_evaluation", _no_evaluation), ("overly_theoretical", _overly_theoretical),
    ("no_tradeoffs", _no_tradeoffs), ("no_real_experience", _no_real_experience),
)
