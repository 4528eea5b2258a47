"""The offline judge: scores the persona's rubric from the same reading of each answer that the planner uses.

Every credit and every red flag points to a turn and a verbatim quote of the candidate. Deterministic and pure:
events (or a folded State) in, a Verdict out. The formula is documented in README.md ("How scoring works").

Credit for a concept of a criterion is its best sentence in the session:
  explained (a reason, a consequence, a number, an account of real work) and grounded in the candidate's own work
  or plan  -> 1.0;  explained but impersonal (a textbook sentence)  -> 0.5;  named in the candidate's own plan
  without a reason ("I'd remove duplicates")  -> 0.5;  only named  -> 0.25;
  named in a keyword list  -> 0.2;  in an empty, one-word, gibberish, repeated or injected answer, named only to be
  waved away ("I don't worry about outliers"), or in a sentence that states a misconception  -> 0.
Some criteria add evidence beyond concepts: trade-offs stated about an algorithm (algorithm_tradeoffs), first-person
accounts of past work and their results (real_projects), a failure told as the candidate's own (failures_learnings).
A criterion's credit maps to 0-4 by CREDIT_STEPS (at most NAMED_ONLY_CAP when nothing of it was explained); overall = 100 * (sum of scores) / (4 * criteria) minus
FLAG_PENALTY per red flag and per misconception stated (at most MAX_CORRECTIONS of them count), clamped to 0-100;
bands by BANDS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlcoach.analysis import Analysis
from mlcoach.personas import Criterion, Persona
from mlcoach.state import Answer, State

FORMULA = 2  # 1: before misconceptions cost points and waved-away concepts earned nothing
CREDIT_STEPS = (0.0, 1.0, 2.0, 3.25)  # credit above the n-th step earns n+1 points: >0 -> 1, >=1 -> 2, ...
FLAG_PENALTY = 5
MAX_CORRECTIONS = 3
NAMED_ONLY_CAP = 2  # the most a criterion scores when none of its concepts was explained anywhere
ENGAGED = 0.6  # below this share of substantive answers the overall is scaled down in proportion
BANDS = ((75, "strong hire"), (55, "hire"), (35, "lean no"), (0, "no hire"))
HIT_CREDIT = {"grounded": 1.0, "explained": 0.5, "applied": 0.5, "named": 0.25, "salad": 0.2}
ANSWERED_PHASES = ("opening", "experience", "design", "production", "deep_dive")
# The criterion each red flag is about, for "what to practise next".
FLAG_CRITERION = {
    "jumps_to_complex": "iterative_mindset", "ignores_data_quality": "data_quality",
    "no_algorithm_rationale": "algorithm_tradeoffs", "ignores_production": "production",
    "no_evaluation": "evaluation_metrics", "overly_theoretical": "real_projects",
    "no_tradeoffs": "algorithm_tradeoffs", "no_real_experience": "real_projects",
}
OUTLINE_FOR_PHASE = {"opening": "opening", "experience": "experience", "design": "design",
                     "production": "production", "deep_dive": "fundamentals"}
# Among equally thin answers, the one whose outline teaches most: the design, then production, then experience.
WEAKEST_PREFERENCE = ("design", "production", "experience", "deep_dive", "opening")
SIMPLE_MODELS = ("linear_regression", "logistic_regression", "decision_trees", "naive_bayes", "baseline")
BUSINESS_DATA = ("business_problem", "problem_framing", "data_sources", "labels", "data_quality")
_DEFERRED = re.compile(r"\b(only (if|when|once|after)|once (the|we|it|our)|after (the|we|a|an)|later|"
                       r"if (the|it|we|that)\b[^.;]{0,40}\b(plateau\w*|not enough|fails?|stalls?))",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    turn: int
    phase: str
    quote: str
    concept: str = ""  # the concept credited, or the signal ("experience", "failure", "tradeoff", "answer")
    named: bool = False  # the concept was only named here, not explained: little credit

    def to_dict(self) -> dict:
        out = {"turn": self.turn, "phase": self.phase, "quote": self.quote}
        if self.concept:
            out["concept"] = self.concept
        if self.named:
            out["named"] = True
        return out


@dataclass(frozen=True)
class CriterionScore:
    id: str
    score: int
    credit: float
    evidence: tuple[Evidence, ...]
    missing: tuple[str, ...]  # the criterion's concepts never explained in the session


@dataclass(frozen=True)
class Verdict:
    judge: str
    overall: int
    band: str
    criteria: tuple[CriterionScore, ...]
    red_flags: tuple[tuple[str, tuple[Evidence, ...]], ...]
    practice: tuple[dict, ...]  # {criterion, label, text, concepts}
    weakest: dict  # {turn, phase, question, quote, outline, steps}, or {} when there is no answer
    summary: str
    labels: dict  # criterion and red-flag id -> the persona's label (the log reads on without the persona)
    advice: dict  # red-flag id -> what to do instead
    concept_labels: dict  # concept id -> label, for the concepts named in `missing`
    corrections: tuple[dict, ...] = ()  # {id, turn, phase, quote, correction}: claims that are wrong

    def to_event(self) -> dict:
        """The `score` event's body (also the summary's [score] table): plain data, TOML-safe (no None)."""
        return {
            "type": "score", "judge": self.judge, "formula": FORMULA, "overall": self.overall, "band": self.band,
            "criteria": {c.id: {"score": c.score, "evidence": [e.to_dict() for e in c.evidence],
                                "missing": list(c.missing)} for c in self.criteria},
            "red_flags": {fid: [e.to_dict() for e in ev] for fid, ev in self.red_flags},
            "practice": list(self.practice), "weakest": self.weakest, "summary": self.summary,
            "labels": dict(self.labels), "advice": dict(self.advice), "concept_labels": dict(self.concept_labels),
            "corrections": list(self.corrections),
        }


def band_for(overall: int) -> str:
    return next(name for floor, name in BANDS if overall >= floor)


def overall_for(scores: list[int], flags: int, engaged: float = 1.0, corrections: int = 0) -> int:
    """`engaged` is the share of answers with substance; below ENGAGED it scales the overall down, so one good
    paragraph pasted twenty times, or a few real answers among one-word ones, cannot carry a session."""
    if not scores:
        return 0
    raw = 100 * sum(scores) / (4 * len(scores)) - FLAG_PENALTY * (flags + min(corrections, MAX_CORRECTIONS))
    raw *= min(1.0, engaged / ENGAGED)
    return max(0, min(100, round(raw)))


def score_for(credit: float) -> int:
    """0 without credit; otherwise 1, plus one per step of CREDIT_STEPS reached."""
    if credit <= 0:
        return 0
    return 1 + sum(1 for step in CREDIT_STEPS[1:] if credit >= step)


# ---------------------------------------------------------------------------------------------- entry points


def judge_events(events: list[dict], persona: Persona) -> Verdict:
    """Replay a log into a fresh state and judge it (rescore, review of an old session)."""
    state = State(persona)
    for ev in events:
        state.apply(ev)
    return judge(state)


def judged_answers(state: State) -> list[Answer]:
    """The answers a judge reads: the interview's, not the candidate's questions at the close."""
    return [a for a in state.answers if a.phase in ANSWERED_PHASES or not a.phase]


def judge(state: State) -> Verdict:
    persona = state.persona
    answers = judged_answers(state)
    relevant = _relevant_concepts(state)
    criteria = tuple(_criterion(c, answers, persona, relevant) for c in persona.criteria)
    flags = _red_flags(answers, {c.id: c for c in criteria}, persona)
    summary = _summary(answers, criteria, flags, persona, [p.id for p in state.phases])
    return assemble(state, "offline", criteria, flags, summary)


def assemble(state: State, name: str, criteria: tuple[CriterionScore, ...], flags, summary: str) -> Verdict:
    """A verdict from criteria and flags, whoever judged them: the overall always comes from FORMULA here."""
    persona = state.persona
    answers = judged_answers(state)
    engaged = sum(1 for a in answers if a.analysis.quality == "ok") / len(answers) if answers else 0.0
    corrections = corrections_in(answers, persona)
    stated = sum(c["count"] for c in corrections)  # each wrong statement counts, up to MAX_CORRECTIONS
    overall = overall_for([c.score for c in criteria], len(flags), engaged, stated) if answers else 0
    labels = {c.id: c.label for c in persona.criteria} | {f.id: f.label for f in persona.red_flags}
    concept_labels = {cid: persona.concepts[cid].label for c in criteria for cid in c.missing
                      if cid in persona.concepts}
    advice = {f.id: f.advice for f in persona.red_flags if f.id in dict(flags)}
    return Verdict(name, overall, band_for(overall), criteria, tuple(flags), _practice(criteria, flags, persona),
                   _weakest(answers, persona), summary, labels, advice, concept_labels, corrections)


def corrections_in(answers: list[Answer], persona: Persona) -> tuple[dict, ...]:
    """Each misconception the candidate stated, quoted at its first statement, with how many answers stated it:
    the same reading for every judge."""
    texts = {m.id: m.correction for m in persona.misconceptions}
    labels = {m.id: m.label for m in persona.misconceptions}
    out: dict[str, dict] = {}
    for a in answers:
        for mid, quote in a.analysis.errors:
            if mid not in texts:
                continue
            if mid in out:
                out[mid]["count"] += 1
            else:
                out[mid] = {"id": mid, "label": labels[mid], "turn": a.turn, "phase": a.phase, "quote": quote,
                            "correction": texts[mid], "count": 1}
    return tuple(out.values())


# ---------------------------------------------------------------------------------------------- criteria


def _hit_credit(a: Analysis, explained: bool, grounded: bool, void: bool = False) -> float:
    if void:
        return 0.0
    if a.quality == "salad":
        return HIT_CREDIT["salad"]
    if a.quality != "ok":
        return 0.0
    if explained:
        return HIT_CREDIT["grounded"] if grounded else HIT_CREDIT["explained"]
    return HIT_CREDIT["applied"] if grounded else HIT_CREDIT["named"]


def _relevant_concepts(state: State) -> set[str]:
    """The concepts this interview's questions aim at: every phase's questions, this scenario's, both branches'.
    A concept only another scenario asks about (say, detection metrics in a spam interview) is no gap here."""
    persona, scenario = state.persona, state.scenario
    out: set[str] = set()
    for qid, q in persona.questions_by_id.items():
        other = [s for s in persona.scenarios if scenario is not None and s.id != scenario.id and
                 (qid.startswith(s.id + ".") or qid == f"scenario:{s.id}")]
        if not other:
            out.update(q.covers)
    for c in persona.criteria:  # concepts no question covers stay relevant (general ones like results)
        for cid in c.concepts:
            if not any(cid in q.covers for q in persona.questions_by_id.values()):
                out.add(cid)
    return out


def _criterion(c: Criterion, answers: list[Answer], persona: Persona, relevant: set[str]) -> CriterionScore:
    best: dict[str, tuple[float, Evidence]] = {}
    reasoned: set[str] = set()  # concepts explained somewhere (not only named, however often)
    for a in answers:
        for hit in a.analysis.hits:
            if hit.concept not in c.concepts:
                continue
            credit = _hit_credit(a.analysis, hit.explained, hit.grounded, hit.void)
            if hit.explained and credit > 0:
                reasoned.add(hit.concept)
            if credit > best.get(hit.concept, (0.0, None))[0]:
                best[hit.concept] = (credit, Evidence(a.turn, a.phase, hit.quote, hit.concept,
                                                      named=credit < HIT_CREDIT["explained"]))
    signals = _signals(c.id, answers, persona)
    items = list(best.values()) + signals
    credit = sum(x for x, _ in items)
    items.sort(key=lambda item: (-item[0], item[1].turn))
    evidence: list[Evidence] = []
    for _, ev in items:
        if ev.quote not in {e.quote for e in evidence}:
            evidence.append(ev)
    explained = {cid for cid, (x, _) in best.items() if x >= HIT_CREDIT["explained"]}
    missing = tuple(cid for cid in c.concepts if cid not in explained and cid in persona.concepts and cid in relevant
                    and persona.concepts[cid].group != "algorithms")  # not naming every algorithm is no gap
    score = score_for(credit)
    if not reasoned and not signals:
        score = min(score, NAMED_ONLY_CAP)  # concepts only named, however many, are not a strong criterion
    return CriterionScore(c.id, score, round(credit, 2), tuple(evidence[:3]), missing)


def _signals(cid: str, answers: list[Answer], persona: Persona) -> list[tuple[float, Evidence]]:
    """Evidence beyond single concepts, for the criteria that are about how the candidate works."""
    ok = [a for a in answers if a.analysis.quality == "ok"]
    out: list[tuple[float, Evidence]] = []
    if cid == "algorithm_tradeoffs":
        algorithms = {c.id for c in persona.concepts.values() if c.group == "algorithms"}
        for a in ok:
            if a.analysis.tradeoff and a.analysis.mentioned & algorithms:
                out.append((0.5, Evidence(a.turn, a.phase, a.analysis.quote_for("tradeoff"), "tradeoff")))
        return out[:3]
    if cid == "real_projects":
        told = [a for a in ok if a.analysis.experience and not a.analysis.disclaims]
        out = [(0.75, Evidence(a.turn, a.phase, a.analysis.quote_for("experience"), "experience")) for a in told[:3]]
        with_numbers = [a for a in told if a.analysis.numbers]
        if with_numbers:
            a = with_numbers[0]
            out.append((0.75, Evidence(a.turn, a.phase, a.analysis.quote_for("numbers"), "result")))
        return out
    if cid == "failures_learnings":
        told = [a for a in ok if a.analysis.failure and a.analysis.experience and not a.analysis.disclaims]
        return [(x, Evidence(a.turn, a.phase, a.analysis.quote_for("failure"), "failure"))
                for x, a in zip((1.5, 0.75), told, strict=False)]
    return out


# ---------------------------------------------------------------------------------------------- red flags


def _first_sentence(text: str) -> str:
    from mlcoach.analysis import sentences

    parts = sentences(text)
    return parts[0] if parts else text


def _answer_evidence(*groups: list[Answer], limit: int = 2) -> tuple[Evidence, ...]:
    """The opening sentence of the answers of the first group that has any text: where the gap shows."""
    for group in groups:
        found = tuple(Evidence(a.turn, a.phase, _first_sentence(a.text), "answer") for a in group if a.text.strip())
        if found:
            return found[:limit]
    return ()


def _on_topic(answers: list[Answer], topic: str, persona: Persona) -> list[Answer]:
    index = persona.questions_by_id
    return [a for a in answers if (q := index.get(a.question)) is not None and q.topic == topic]


def _red_flags(answers: list[Answer], crit: dict[str, CriterionScore], persona: Persona):
    flags: list[tuple[str, tuple[Evidence, ...]]] = []
    rules = {f.id: f for f in persona.red_flags}
    ok = [a for a in answers if a.analysis.quality == "ok"]
    design = [a for a in answers if a.phase == "design"]
    production = [a for a in answers if a.phase == "production"]
    talk = [a for a in answers if a.phase in ("opening", "experience")]
    algorithms = {c.id for c in persona.concepts.values() if c.group == "algorithms"}
    production_ids = set(next(c.concepts for c in persona.criteria if c.id == "production"))

    def raise_(fid: str, evidence: tuple[Evidence, ...]) -> None:
        if evidence and fid in rules:
            flags.append((fid, evidence))

    # jumps_to_complex: a complex model proposed in the design before a baseline, a simpler model, or the problem
    # and its data were explained.
    # A complex model put off with its cost ("I'd only go there once the boosted ranker plateaus") is no jump, and
    # any simpler algorithm proposed first (boosted trees before a neural network) grounds it.
    complex_ids = set(rules["jumps_to_complex"].concepts) if "jumps_to_complex" in rules else set()
    simpler = (set(SIMPLE_MODELS) | algorithms) - complex_ids
    grounding: set[str] = set()
    for a in design:
        named = a.analysis.mentioned
        jumps = [h for h in a.analysis.hits if h.concept in complex_ids and not h.reasoned
                 and not _DEFERRED.search(h.quote)]
        if jumps and not (grounding | named) & simpler and \
                len((grounding | a.analysis.explained) & set(BUSINESS_DATA)) < 2:
            hit = jumps[0]
            raise_("jumps_to_complex", (Evidence(a.turn, a.phase, hit.quote, hit.concept),))
            break
        grounding |= named & simpler
        grounding |= a.analysis.explained & set(BUSINESS_DATA)

    # Flags about something missing need the chance to show it: the questions on it were asked and answered.
    asked_data = _on_topic(design, "data", persona)
    if (len(design) >= 2 or asked_data) and crit["data_quality"].credit < HIT_CREDIT["applied"]:
        raise_("ignores_data_quality", _answer_evidence(_on_topic(design, "data", persona), design))

    asked_algorithm = _on_topic(answers, "algorithm", persona)
    named = [(a, h) for a in answers if a.analysis.quality in ("ok", "salad")
             for h in a.analysis.hits if h.concept in algorithms]
    if named or asked_algorithm:
        reasoned = [1 for a, h in named if h.reasoned and a.analysis.quality == "ok"]
        if not reasoned:
            if named:
                ev = tuple(Evidence(a.turn, a.phase, h.quote, h.concept) for a, h in named[:2])
            else:
                ev = _answer_evidence(_on_topic(answers, "algorithm", persona), design, talk)
            raise_("no_algorithm_rationale", ev)

    if len(production) >= 2:
        in_phase = {h.concept for a in production if a.analysis.quality == "ok" for h in a.analysis.hits
                    if h.explained and h.concept in production_ids}
        if crit["production"].score <= 1 or (len(in_phase) < 2 and crit["production"].score <= 2):
            raise_("ignores_production", _answer_evidence(production))

    if (len(design) >= 2 or _on_topic(design, "evaluation", persona)) and crit["evaluation_metrics"].score <= 1:
        raise_("no_evaluation", _answer_evidence(_on_topic(design, "evaluation", persona), design))

    substantive = [a for a in ok if a.phase != "closing"]
    if len(substantive) >= 3:
        grounded = sum(1 for a in substantive if a.analysis.grounded)
        textbook = [a for a in substantive if a.analysis.definitional and not a.analysis.grounded]
        if grounded / len(substantive) < 0.3 and len(textbook) >= max(2, len(substantive) // 3):
            raise_("overly_theoretical", tuple(Evidence(a.turn, a.phase, a.analysis.quote_for("definitional"),
                                                        "definition") for a in textbook[:2]))

    if asked_algorithm or len(design) >= 2:
        stated = [a for a in ok if a.analysis.tradeoff and a.phase in ("experience", "design", "production")]
        if not stated and crit["algorithm_tradeoffs"].score <= 2:
            raise_("no_tradeoffs", _answer_evidence(_on_topic(answers, "algorithm", persona), design, talk))

    if len(talk) >= 2 and crit["real_projects"].score <= 2:
        real = [a for a in ok if a.analysis.experience and not a.analysis.disclaims]
        if len(real) < 2:
            disclaimed = [a for a in talk if a.analysis.disclaims]
            if disclaimed:
                ev = tuple(Evidence(a.turn, a.phase, a.analysis.quote_for("disclaims"), "disclaimer")
                           for a in disclaimed[:2])
            else:
                ev = _answer_evidence(talk)
            raise_("no_real_experience", ev)
    return tuple(flags)


# ---------------------------------------------------------------------------------------------- feedback


def _practice(criteria: tuple[CriterionScore, ...], flags, persona: Persona) -> tuple[dict, ...]:
    flagged = {FLAG_CRITERION.get(fid) for fid, _ in flags}
    order = {c.id: i for i, c in enumerate(criteria)}
    ranked = sorted((c for c in criteria if c.score < 4),
                    key=lambda c: (c.score, c.id not in flagged, order[c.id]))
    out = []
    for c in ranked[:3]:
        rubric = next(r for r in persona.criteria if r.id == c.id)
        concepts = [persona.concepts[cid].label for cid in c.missing][:3]
        out.append({"criterion": c.id, "label": rubric.label, "text": rubric.practice, "concepts": concepts})
    return tuple(out)


def _answer_value(a: Answer) -> float:
    an = a.analysis
    if an.quality != "ok":
        return -1.0
    return (len(an.explained) + sum(0.5 for h in an.hits if h.grounded and h.explained) + an.reasons
            + an.experience + an.numbers + an.tradeoff)


def _weakest(answers: list[Answer], persona: Persona) -> dict:
    asked = [a for a in answers if a.asked and a.phase in OUTLINE_FOR_PHASE]
    if not asked:
        return {}
    worst = min(asked, key=lambda a: (_answer_value(a), WEAKEST_PREFERENCE.index(a.phase), a.turn))
    outline = OUTLINE_FOR_PHASE[worst.phase]
    steps = list(persona.outlines.get(outline, ()))
    if not steps:
        return {}
    return {"turn": worst.turn, "phase": worst.phase, "question": worst.asked, "quote": worst.text,
            "outline": outline, "steps": steps}


def _summary(answers: list[Answer], criteria, flags, persona: Persona, reached: list[str]) -> str:
    if not answers:
        return "No answers were given, so there is nothing to score."
    ok = sum(1 for a in answers if a.analysis.quality == "ok")
    explained = set().union(*(a.analysis.explained for a in answers if a.analysis.quality == "ok"))
    top = [c for c in sorted(criteria, key=lambda c: -c.score) if c.score >= 3][:2]
    labels = {c.id: c.label for c in persona.criteria}
    n = len(explained)
    parts = [f"{ok} of {len(answers)} answers had substance; {n} concept{'s were' if n != 1 else ' was'} explained "
             "in context."]
    if top:
        parts.append("Strongest: " + "; ".join(labels[c.id].lower() for c in top) + ".")
    if flags:
        parts.append(f"{len(flags)} red flag{'s' if len(flags) != 1 else ''} raised.")
    missed = [p.title for p in persona.phases if p.id not in reached and p.id in ANSWERED_PHASES]
    if missed:
        parts.append("Not reached, so not judged: " + ", ".join(missed) + ".")
    return " ".join(parts)


class OfflineJudge:
    """The judge a session calls at its end: the same protocol an LLM judge implements (`score`, `drain_notes`)."""

    name = "offline"

    def score(self, state: State) -> dict:
        return judge(state).to_event()

    def drain_notes(self) -> list[dict]:
        return []
