"""The offline judge: scores the persona's rubric from the same reading of each answer that the planner uses.

Every credit and every red flag points to a turn and a verbatim quote of the candidate. Deterministic and pure:
events (or a folded State) in, a Score out. The formula is documented in README.md ("How scoring works").

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

from dataclasses import dataclass, replace

from mlcoach import claims
from mlcoach.analysis import Analysis, Hit
from mlcoach.personas import Criterion, Persona
from mlcoach.records import Correction, CriterionResult, Evidence, Practice, Score, Weakest
from mlcoach.redflags import red_flags
from mlcoach.state import Answer, State, replay

FORMULA = 2  # 1: before misconceptions cost points and waved-away concepts earned nothing
CREDIT_STEPS = (0.0, 1.0, 2.0, 3.25)  # credit above the n-th step earns n+1 points: >0 -> 1, >=1 -> 2, ...
FLAG_PENALTY = 5
MAX_CORRECTIONS = 3
WRONG_CAP = 2  # the most a criterion scores when the candidate stated a misconception about it
SAID_NOT_CAP = 1  # the most a criterion scores when the candidate says they have not done it, and tells of no work
NAMED_ONLY_CAP = 2  # the most a criterion scores when none of its concepts was explained anywhere
ENGAGED = 0.6  # below this share of substantive answers the overall is scaled down in proportion
BANDS = ((75, "strong hire"), (55, "hire"), (35, "lean no"), (0, "no hire"))
HEDGED_CREDIT = 0.85  # a claim hedged ("I think", "maybe") earns this share of what it would
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


@dataclass(frozen=True)
class CriterionScore:
    """A criterion as judged, with the credit behind its score (the flags read it; the log keeps the score)."""

    id: str
    score: int
    credit: float
    evidence: tuple[Evidence, ...]
    missing: tuple[str, ...]  # the criterion's concepts never explained in the session
    judged: bool = True  # False: its phases were not reached and no answer spoke to it

    def result(self) -> CriterionResult:
        return CriterionResult(self.id, self.score, self.evidence, self.missing, self.judged)


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


def judge_events(events: list, persona: Persona) -> Score:
    """Replay a log's events into a fresh state and judge it (rescore, review of an old session)."""
    return judge(replay(events, persona))


def judged_answers(state: State) -> list[Answer]:
    """The answers a judge reads: the interview's, not the candidate's questions at the close."""
    return [a for a in state.answers if a.phase in ANSWERED_PHASES or not a.phase]


# What the report says of the offline judge, measured by bench/blind.py on candidates it was never tuned on.
OFFLINE_READING = (
    "The offline judge reads phrasing, not meaning. On {n} candidates written blind and never used to tune it, its "
    "overall was {overall} points from an expert's on average and {criterion} points per criterion (0-4). "
    "A model judge (--judge llm) reads meaning, and other languages."
)
MEASURED = {"n": 20, "overall": "15", "criterion": "1.0"}  # tests/blind/holdout, bench/blind.py


def judge(state: State) -> Score:
    persona = state.persona
    answers = judged_answers(state)
    relevant = _relevant_concepts(state)
    reached = {a.phase for a in answers if a.analysis.quality != "unread"}
    criteria = tuple(_criterion(c, answers, persona, relevant, reached) for c in persona.criteria)
    flags = red_flags(answers, {c.id: c for c in criteria}, persona, state.scenario)
    summary = _summary(answers, criteria, flags, persona, [p.id for p in state.phases])
    return replace(assemble(state, "offline", criteria, flags, summary), reading=OFFLINE_READING.format(**MEASURED))


DRILL_BAND = "drill"  # a drill's band: its score is out of its own criteria, not a hiring verdict
PLAN_SHARE = 0.6  # in a drill, a concept explained in a plan or in general earns this share of one from real work
DRILL_STEPS = (0.3, 0.55, 0.8)  # a drill's share of full credit above the n-th step earns n+2 points (>0: 1)


def _drill_credit(a: Analysis, hit: Hit) -> float:
    """A drill asks about each concept directly, so explaining it is expected: the full credit needs real work or a
    figure (`specific`); a plan or a textbook reason earns PLAN_SHARE of it."""
    credit = _hit_credit(a, hit)
    return credit if not hit.explained or hit.specific else credit * PLAN_SHARE


def drill_score(credit: float, concepts: int) -> int:
    """0-4 from a drill's credit, as a share of one full credit per concept asked about."""
    if credit <= 0:
        return 0
    share = credit / max(1, concepts)
    return 1 + sum(1 for step in DRILL_STEPS if share >= step)


def judge_topic(state: State, concepts: tuple[str, ...], criteria: tuple[str, ...],
                planned: frozenset[str] = frozenset()) -> Score:
    """A drill's verdict (drill.py): only its criteria, each judged on the drill's concepts of it that its planned
    questions ask about or its answers spoke to (and the criterion's own signals): 4 takes every one explained from
    real work or with a figure. No red flags: a drill asks about one topic, so what it leaves out is no fault.
    Misconceptions still cost points and cap the criterion they are about."""
    persona = state.persona
    answers = judged_answers(state)
    asked = planned | {cid for a in answers for cid in state.covers_of(a.question)}
    spoken = {h.concept for a in answers for h in a.analysis.hits}
    out = []
    for c in persona.criteria:
        if c.id not in criteria:
            continue
        mine = tuple(x for x in c.concepts if x in concepts) or c.concepts
        counted = {x for x in mine if x in asked | spoken} or set(mine)
        n = len(counted)
        judged = _criterion(replace(c, concepts=mine), answers, persona, counted, set(ANSWERED_PHASES),
                            _drill_credit, lambda credit, n=n: drill_score(credit, n))
        if judged.missing:  # a 4 takes every concept asked about explained: a story does not stand in for one
            judged = replace(judged, score=min(judged.score, 3))
        out.append(replace(judged, judged=True))
    summary = _summary(answers, out, (), persona, [p.id for p in persona.phases])
    return replace(assemble(state, "offline", tuple(out), (), summary), band=DRILL_BAND,
                   reading=OFFLINE_READING.format(**MEASURED))


def assemble(state: State, name: str, criteria: tuple[CriterionScore, ...], flags, summary: str) -> Score:
    """A verdict from criteria and flags, whoever judged them: the overall always comes from FORMULA here."""
    persona = state.persona
    answers = judged_answers(state)
    read = [a for a in answers if a.analysis.quality != "unread"]  # another language: neither credit nor fault
    engaged = sum(1 for a in read if a.analysis.quality == "ok") / len(read) if read else 0.0
    corrections = corrections_in(answers, persona)
    stated = sum(c.count for c in corrections)  # each wrong statement counts, up to MAX_CORRECTIONS
    judged = [c.score for c in criteria if c.judged]  # a phase never reached is not judged, not scored 0
    overall = overall_for(judged, len(flags), engaged, stated) if answers else 0
    labels = {c.id: c.label for c in persona.criteria} | {f.id: f.label for f in persona.red_flags}
    concept_labels = {cid: persona.concepts[cid].label for c in criteria for cid in c.missing
                      if cid in persona.concepts}
    advice = {f.id: f.advice for f in persona.red_flags if f.id in dict(flags)}
    return Score(name, overall, band_for(overall), tuple(c.result() for c in criteria), tuple(flags),
                 _practice(criteria, flags, persona), _weakest(answers, persona), summary, labels, advice,
                 concept_labels, corrections, FORMULA)


def corrections_in(answers: list[Answer], persona: Persona) -> tuple[Correction, ...]:
    """Each misconception the candidate stated, quoted at its first statement, with how many answers stated it:
    the same reading for every judge."""
    known = {m.id: m for m in persona.misconceptions}
    out: dict[str, Correction] = {}
    for a in answers:
        for mid, quote in a.analysis.errors:
            if mid not in known:
                continue
            if mid in out:
                out[mid] = replace(out[mid], count=out[mid].count + 1)
            else:
                out[mid] = Correction(mid, known[mid].label, a.turn, a.phase, quote, known[mid].correction)
    return tuple(out.values())


# ---------------------------------------------------------------------------------------------- criteria


def _hit_credit(a: Analysis, hit: Hit) -> float:
    """What one concept's best sentence earns: nothing when it says the work was not done, not known or not
    needed; a little for course work; less when every word is hedged."""
    if hit.void:
        return 0.0
    if a.quality == "salad":
        return HIT_CREDIT["salad"]
    if a.quality != "ok":
        return 0.0
    if hit.explained:
        credit = HIT_CREDIT["grounded"] if hit.grounded else HIT_CREDIT["explained"]
    else:
        credit = HIT_CREDIT["applied"] if hit.grounded else HIT_CREDIT["named"]
    if hit.course:
        credit = min(credit, HIT_CREDIT["named"])
    if hit.polarity == claims.HEDGED:
        credit *= HEDGED_CREDIT
    return credit


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
    if scenario is not None and scenario.metrics:  # house prices: no gap in not naming precision or ROC-AUC
        out -= {cid for cid, concept in persona.concepts.items()
                if concept.group == "evaluation" and cid not in scenario.metrics}
    return out


def _criterion(c: Criterion, answers: list[Answer], persona: Persona, relevant: set[str],
               reached: set[str], credit_of=None, score_of=score_for) -> CriterionScore:
    best: dict[str, tuple[float, Evidence]] = {}
    reasoned: set[str] = set()  # concepts explained somewhere (not only named, however often)
    for a in answers:
        for hit in a.analysis.hits:
            if hit.concept not in c.concepts:
                continue
            credit = (credit_of or _hit_credit)(a.analysis, hit)
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
    score = score_of(credit)
    if not reasoned and not signals:
        score = min(score, NAMED_ONLY_CAP)  # concepts only named, however many, are not a strong criterion
    if _only_says_not(c, answers):
        score = min(score, SAID_NOT_CAP)  # "I've never deployed a model": plans and knowledge do not lift it
    if any(m.criterion == c.id and any(mid == m.id for a in answers for mid, _ in a.analysis.errors)
           for m in persona.misconceptions):
        score = min(score, WRONG_CAP)  # "we kept the model with the best test accuracy": the rest cannot make it solid
    phases = persona.criterion_phases.get(c.id, frozenset())
    spoken = any(h.concept in c.concepts for a in answers for h in a.analysis.hits)
    judged = bool(spoken or signals or not phases or phases & reached)
    if judged and not credit and any(a.analysis.unread for a in answers if a.phase in phases):
        judged = False  # nothing read for it, and its answers were partly in another language: not read, not 0
    return CriterionScore(c.id, score, round(credit, 2), tuple(evidence[:3]), missing if judged else (), judged)


def _only_says_not(c: Criterion, answers: list[Answer]) -> bool:
    """The candidate says they have not done what the criterion is about (not done, someone else did it), and
    tells of no work of their own on it."""
    hits = [(a, h) for a in answers if a.analysis.quality == "ok" for h in a.analysis.hits if h.concept in c.concepts]
    said_not = any(h.polarity == claims.DISCLAIMED or h.polarity == claims.NEGATED and h.mode == claims.DID
                   for _, h in hits)
    return said_not and not any(not h.gap and h.grounded and h.mode == claims.DID for _, h in hits)


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


# ---------------------------------------------------------------------------------------------- feedback


def _practice(criteria: tuple[CriterionScore, ...], flags, persona: Persona) -> tuple[Practice, ...]:
    flagged = {FLAG_CRITERION.get(fid) for fid, _ in flags}
    order = {c.id: i for i, c in enumerate(criteria)}
    ranked = sorted((c for c in criteria if c.score < 4 and c.judged),
                    key=lambda c: (c.score, c.id not in flagged, order[c.id]))
    out = []
    for c in ranked[:3]:
        rubric = next(r for r in persona.criteria if r.id == c.id)
        concepts = [persona.concepts[cid].label for cid in c.missing][:3]
        out.append(Practice(c.id, rubric.label, rubric.practice, tuple(concepts)))
    return tuple(out)


def _answer_value(a: Answer) -> float:
    """How much an answer holds: what it explains, less what it gets wrong or says it has not done."""
    an = a.analysis
    if an.quality != "ok":
        return -1.0
    return (len(an.explained) + sum(0.5 for h in an.hits if h.grounded and h.explained) + an.reasons
            + an.experience + an.numbers + an.tradeoff - len(an.errors) - 0.5 * sum(1 for h in an.hits if h.gap))


def _weakest(answers: list[Answer], persona: Persona) -> Weakest | None:
    asked = [a for a in answers if a.asked and a.phase in OUTLINE_FOR_PHASE]
    if not asked:
        return None
    worst = min(asked, key=lambda a: (_answer_value(a), WEAKEST_PREFERENCE.index(a.phase), a.turn))
    outline = OUTLINE_FOR_PHASE[worst.phase]
    steps = tuple(persona.outlines.get(outline, ()))
    if not steps:
        return None
    return Weakest(worst.turn, worst.phase, worst.asked, worst.text, outline, steps)


def _summary(answers: list[Answer], criteria, flags, persona: Persona, reached: list[str]) -> str:
    if not answers:
        return "No answers were given, so there is nothing to score."
    ok = sum(1 for a in answers if a.analysis.quality == "ok")
    explained = set().union(*(a.analysis.explained for a in answers if a.analysis.quality == "ok"))
    top = [c for c in sorted(criteria, key=lambda c: -c.score) if c.score >= 3 and c.judged][:2]
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
    unread = sum(a.analysis.unread for a in answers)
    if unread:
        parts.append(f"{unread} sentence{'s were' if unread != 1 else ' was'} not in English and not read by the "
                     "offline judge (the LLM judge reads them: --judge llm with a model).")
    return " ".join(parts)


class OfflineJudge:
    """The judge a session calls at its end (the `Judge` protocol of seams.py)."""

    name = "offline"

    def score(self, state: State) -> Score:
        return judge(state)

    def drain_notes(self) -> list[dict]:
        return []
