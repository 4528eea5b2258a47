"""What a session focuses on (`--focus`): rubric criteria named by id, or the weakest ones in the candidate's own
history (their complete live sessions, as `mlcoach review trend` counts them)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from mlcoach import history
from mlcoach.errors import BadInput
from mlcoach.trend import Counting, trend

WEAKEST = 2  # "weakest": this many of the lowest criteria in the recent scored sessions
WEAKEST_SPEC = "weakest"


class Focus(NamedTuple):
    criteria: tuple[str, ...]  # criterion ids whose questions come first; () for a balanced interview
    note: str  # a line to show the candidate ("" when there is no focus)


def check(spec: str | None, persona) -> tuple[str, ...]:
    """The criterion ids asked for ((): none, or "weakest"); BadInput for an unknown or missing one. Checked before
    the interview asks anything."""
    if not spec or spec.strip() == WEAKEST_SPEC:
        return ()
    known = [c.id for c in persona.criteria]
    chosen = tuple(x.strip() for x in spec.split(",") if x.strip())
    if not chosen:
        raise BadInput(f"--focus: no criterion given in {spec!r} (weakest, or one of: {', '.join(known)})")
    for c in chosen:
        if c not in known:
            raise BadInput(f"--focus: unknown criterion {c!r} (weakest, or one of: {', '.join(known)})")
    return chosen


def choose(spec: str | None, persona, sessions_dir: Path, candidate: str | None = None) -> Focus:
    """The focus asked for: "weakest" (the lowest criteria in the candidate's recent complete live sessions; every
    candidate's when `candidate` is None) or ids, comma-separated."""
    if not spec:
        return Focus((), "")
    labels = {c.id: c.label for c in persona.criteria}
    if spec.strip() != WEAKEST_SPEC:
        chosen = check(spec, persona)
        return Focus(chosen, "Focus: " + "; ".join(labels[c] for c in chosen) + ".")
    rows, _ = history.list_sessions(sessions_dir)
    counting = Counting(candidate.strip() if candidate and candidate.strip() else None)
    weakest = tuple(c for c in trend(rows, counting).weakest if c in labels)[:WEAKEST]
    if not weakest:
        return Focus((), f"No scores yet in {counting.describe()}, so --focus weakest has nothing to go on: "
                         "a balanced interview it is.")
    whose = "your weakest lately" if counting.candidate else "the weakest lately, over every candidate's sessions"
    return Focus(weakest, "Focus: " + "; ".join(labels[c] for c in weakest) + f" ({whose}).")
