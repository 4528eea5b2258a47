"""How the interviewer answers what the candidate just said, from the same reading the judge scores.

An answer's stance decides the reply: approval only for a sound answer (it explains something and claims nothing
wrong); after a wrong claim, a concept waved away or a complex model rushed to, a neutral word and one question back
in the persona's voice (the misconception's `probe`, or a `[[techniques.pushback]]` line), asked once per claim and
never a lecture. No acknowledgement is said twice in a session. Pure functions of the state and the persona."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlcoach import claims
from mlcoach import phrases as ph
from mlcoach.personas import Line, Persona
from mlcoach.state import Answer, State, is_pointer

SOUND, PLAIN, WRONG, RUSHED, WAVED, NOT_DONE, UNSURE, POINTER, OFF = (
    "sound", "plain", "wrong", "rushed", "waved", "not_done", "unsure", "pointer", "off")
PUSHED = (WRONG, RUSHED, WAVED)  # stances that earn a question back
NO_APPROVAL = (WRONG, RUSHED, WAVED, NOT_DONE, UNSURE, OFF)
COMPLEX = ("deep_learning", "neural_networks")


@dataclass(frozen=True)
class Stance:
    kind: str
    concept: str = ""  # what the waved-away or rushed claim is about
    misconception: str = ""  # the misconception stated
    quote: str = ""


def stance_in(state: State, answer: Answer) -> Stance:
    """An answer's stance in its session: the scenario's fair first models, and what the question it answered
    asked about."""
    return stance(answer, state.persona, state.scenario.baselines if state.scenario else (),
                  state.covers_of(answer.question))


def stance(answer: Answer, persona: Persona, scenario_baselines: tuple[str, ...] = (),
           covers: tuple[str, ...] = ()) -> Stance:
    """What the answer does, for the reply: the first that holds of wrong, rushed, waved, not done, unsure,
    sound, plain. Sound, but about none of what the question asked (`covers`), is plain: nothing to approve."""
    an = answer.analysis
    if is_pointer(answer.text, an.words):
        return Stance(POINTER)
    if an.quality != "ok":
        return Stance(OFF)
    if an.errors:
        mid, quote = an.errors[0]
        return Stance(WRONG, misconception=mid, quote=quote)
    for h in an.hits:
        if h.concept in COMPLEX and not h.gap and ph.RUSHED.search(h.quote) and h.concept not in scenario_baselines:
            return Stance(RUSHED, h.concept, quote=h.quote)
    waved = _waved(an.hits, persona)
    if waved is not None:
        return Stance(WAVED, waved.concept, quote=waved.quote)
    gap = next((h for h in an.hits if _said_not(h)), None)
    if gap is not None and ph.DISMISSED.search(answer.text):  # "I haven't done any monitoring. I don't think it
        return Stance(WAVED, gap.concept, quote=gap.quote)   # matters": not done, and waved away
    solid = {h.concept for h in an.hits if h.explained and not h.gap}
    if any(_said_not(h) for h in an.hits):  # "deployment was handled by another team", "I've never monitored one"
        return Stance(PLAIN if solid else NOT_DONE)  # whatever else it explains, nothing to approve
    if not solid and any(h.gap and h.mode != claims.ASKS for h in an.hits):
        return Stance(NOT_DONE)
    if ph.UNSURE.search(answer.text):  # "I think it was overfitting, but I'm not totally sure": nothing to approve
        return Stance(UNSURE)
    on_topic = not covers or bool(set(covers) & {h.concept for h in an.hits})
    return Stance(SOUND) if solid and on_topic else Stance(PLAIN)


_SAID_NOT = re.compile(r"\b(i|we|i've|we've|i'm|we're)\s+(\w+\s+)?(never|not|\w+n't)\b|\bnever\b", re.IGNORECASE)


def _said_not(hit) -> bool:
    """The candidate says they (or their team) did not do it, or someone else did: not a fact stated with "no"
    ("a fifth of customers had no usage data")."""
    if hit.mode == claims.ASKS:
        return False
    return hit.polarity == claims.DISCLAIMED or hit.polarity == claims.NEGATED and bool(_SAID_NOT.search(hit.quote))


def _waved(hits, persona: Persona):
    """The concept an answer waves away: of the concepts in a dismissed clause, the one nearest the dismissal
    ("on all the listing data we had; I skipped a baseline because baselines are a waste of time": the baseline)."""
    best, distance = None, 1 << 30
    for h in hits:
        if h.polarity != claims.DISMISSED or h.mode == claims.ASKS:
            continue
        trigger = ph.DISMISSED.search(h.quote)
        where = persona.concepts[h.concept].patterns.compile().search(h.quote) if h.concept in persona.concepts else None
        d = abs(trigger.start() - where.start()) if trigger and where else 1 << 20
        if d < distance:
            best, distance = h, d
    return best


def pushback_line(s: Stance, persona: Persona) -> tuple[str, str] | None:
    """(move id, text) of the question back for a pushed stance, or None when the persona has none for it."""
    if s.kind == WRONG:
        m = next((m for m in persona.misconceptions if m.id == s.misconception), None)
        return (f"pushback:{m.id}", m.probe) if m is not None and m.probe else None
    line = next((ln for ln in persona.pushback if s.concept in ln.when), None)
    return (f"pushback:{line.id}", line.text) if line is not None else None


def ack_line(state: State, s: Stance, r) -> Line | None:
    """An acknowledgement not yet said this session: one that fits what the answer explained (and approves) only
    after a sound answer, a neutral one otherwise; None when none is left or `r` says to stay quiet."""
    last = state.last_answer
    if last is None or s.kind == OFF or (s.kind not in PUSHED and (last.analysis.words < 8 or r.random() < 0.5)):
        return None
    said = set(state.acks_said)
    neutral = [ln for ln in state.persona.rapport if not ln.approves and ln.id not in said]
    if s.kind != SOUND:
        return r.choice(neutral) if neutral else None
    explained = {h.concept for h in last.analysis.hits if h.explained and not h.gap}
    question = state.persona.questions_by_id.get(state.last_question.move if state.last_question else "")
    on_point = explained & set(question.covers) if question else set()
    fitting = [ln for ln in state.persona.rapport if ln.approves and ln.when and set(ln.when) & (on_point or explained)
               and ln.id not in said]
    general = [ln for ln in state.persona.rapport if ln.approves and not ln.when and ln.id not in said]
    pool = fitting or general or neutral
    return r.choice(pool) if pool else None


def said_as(state: State, hit) -> str:
    """The concept as the candidate named it when that is a name ("MAPE", "ROC-AUC", "LightGBM"); else its label.
    "You mentioned RMSE and MAE" to someone who said MAPE is not listening; a phrase's fragment ("shared feature")
    would read worse than the label."""
    concept = state.persona.concepts[hit.concept]
    m = concept.patterns.compile().search(hit.quote)
    name = m.group().strip() if m else ""
    if 2 <= len(name) <= 20 and len(name.split()) <= 2 and sum(c.isupper() for c in name) >= 2:
        return name
    return concept.label


def named_by_them(state: State, hit) -> bool:
    """The candidate's words name the concept ("MAPE", "the drift"), not only evidence it: "I sliced errors by plan
    type" is evidence of fairness checks, and "You mentioned bias and fairness" would put words in their mouth."""
    m = state.persona.concepts[hit.concept].patterns.compile().search(hit.quote)
    if m is None:
        return False
    said = set(re.findall(r"[a-z]{3,}", m.group().lower()))
    label = set(re.findall(r"[a-z]{3,}", state.persona.concepts[hit.concept].label.lower()))
    return said_as(state, hit) != state.persona.concepts[hit.concept].label or any(
        w[:5] == x[:5] for w in said for x in label | {hit.concept.split("_")[0]})
