"""Coach mode (`mlcoach interview --coach`): after each answer, a short note before the next question: what the
answer covered (quoted, verbatim), the one most useful thing it missed for that question, and `/retry`. Built from
the same reading as the report, worded as observations about the answer, never about the person. Pure."""

from __future__ import annotations

import re

from mlcoach.state import State

QUOTE_CHARS = 90
SHOWN = 2  # concepts quoted as covered


def verbatim(text: str, limit: int = QUOTE_CHARS) -> str:
    """The start of the candidate's sentence, cut at a word: always a piece of what they said, word for word."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def again(asked: str, question: str = "") -> str:
    """The question for a second try: the questions the persona's question ends with (`question`, when the move is
    one of its questions: "How would you prevent overfitting? And how would you spot it?" stays whole, a drill's
    scenario frame goes), else those of what was said ("Hi Ana! I'm Alex. ... Tell me about ...?" -> the ask)."""
    text = question if question and question in asked else asked
    sentences = [x for x in re.split(r"(?<=[.!?])\s+", text.strip()) if x]
    asks = []
    for s in reversed(sentences):  # the questions it ends with, all of them
        if not s.endswith("?"):
            break
        asks.insert(0, s)
    return "Take two: " + (" ".join(asks) if asks else sentences[-1] if sentences else asked)


def can_retry(state: State) -> bool:
    """One second attempt per answer, at the question just answered."""
    last = state.last_answer
    return last is not None and state.retried != last.turn


def note(state: State) -> str:
    """The coach's note on the last answer (empty when there is none)."""
    answer = state.last_answer
    if answer is None:
        return ""
    persona = state.persona
    hits = [h for h in answer.analysis.hits if not h.gap and not h.void]
    explained = [h for h in hits if h.explained]
    label = persona.concepts
    parts = [state.retry_kept] if state.retried == answer.turn and state.retry_kept else []
    if explained:
        asked = state.covers_of(answer.question)  # what the question asked about comes first
        quoted: dict[str, list[str]] = {}  # one quote, the concepts it explained
        for h in sorted(explained, key=lambda h: h.concept not in asked):
            quoted.setdefault(verbatim(h.quote), []).append(label[h.concept].label)
        parts.append("Covered: " + "; ".join(f"{_names(names)} (“{quote}”)"
                                              for quote, names in list(quoted.items())[:SHOWN]) + ".")
    elif hits:
        parts.append("Named, not explained: " + ", ".join(label[h.concept].label for h in hits[:3]) +
                     ". Say how it applies here and why.")
    elif not answer.analysis.errors:  # a wrong claim is said below, with its correction
        parts.append("The answer did not speak to the question's topic yet.")
    wrong = {m.id: m for m in persona.misconceptions}
    for mid, sentence in answer.analysis.errors[:1]:  # a claim that is wrong is the most useful thing to say
        if mid in wrong:
            parts.append(f"Check: “{verbatim(sentence)}”: {wrong[mid].correction}")
    named = {h.concept for h in hits} - {h.concept for h in explained}
    parts.append(_missed(state, answer.question, {h.concept for h in explained}, bool(hits), named))
    return " ".join(p for p in parts if p)


def _names(names: list[str]) -> str:
    """"drift", "drift and monitoring", "drift, monitoring and 2 more"."""
    if len(names) <= 2:
        return " and ".join(names)
    return f"{names[0]}, {names[1]} and {len(names) - 2} more"


def _missed(state: State, move: str, explained: set[str], spoke: bool = True, named: frozenset | set = frozenset()) \
        -> str:
    """The one most useful thing the answer left out for this question: the first concept the question asks about
    that no answer has explained yet (that this one did not, when it spoke to none), with the persona's hint."""
    persona = state.persona
    covers = [c for c in state.covers_of(move) if c in persona.concepts]
    missing = [c for c in covers if c not in explained and (c not in state.explained or not spoke)]
    if not missing:
        last = state.last_answer
        if last is not None and explained and not last.analysis.numbers and not last.analysis.experience:
            return "Missing: a figure or an example from real work would make it concrete."
        return ""
    concept = persona.concepts[missing[0]]
    hint = next((h.text for h in persona.concept_hints if missing[0] in h.concepts), "")
    if hint and any(hint in said for said in state.coached):  # given once already: the name is enough
        hint = ""
    if missing[0] in named:  # said "Named, not explained" above: the hint is what is left to say
        return hint
    return f"Missing: {concept.label}." + (f" {hint}" if hint else "")
