"""What a session focuses on (`--focus`): rubric criteria named by id, or the weakest ones in the history."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from mlcoach import history
from mlcoach.errors import BadInput
from mlcoach.trend import trend

WEAKEST = 2  # "weakest": this many of the lowest criteria in the recent scored sessions


class Focus(NamedTuple):
    criteria: tuple[str, ...]  # criterion ids whose questions come first; () for a balanced interview
    note: str  # a line to show the candidate ("" when there is no focus)


def choose(spec: str | None, persona, sessions_dir: Path) -> Focus:
    """The focus asked for: "weakest" (the lowest criteria in the recent scored sessions) or ids, comma-separated."""
    if not spec:
        return Focus((), "")
    known = [c.id for c in persona.criteria]
    labels = {c.id: c.label for c in persona.criteria}
    if spec.strip() == "weakest":
        rows, _ = history.list_sessions(sessions_dir)
        weakest = tuple(c for c in trend(rows).weakest if c in known)[:WEAKEST]
        if not weakest:
            return Focus((), "No scored sessions yet, so --focus weakest has nothing to go on: a balanced interview "
                             "it is.")
        return Focus(weakest, "Focus: " + "; ".join(labels[c] for c in weakest) + " (your weakest lately).")
    chosen = tuple(x.strip() for x in spec.split(",") if x.strip())
    if not chosen:
        raise BadInput(f"--focus: no criterion given in {spec!r} (weakest, or one of: {', '.join(known)})")
    for c in chosen:
        if c not in known:
            raise BadInput(f"--focus: unknown criterion {c!r} (weakest, or one of: {', '.join(known)})")
    return Focus(chosen, "Focus: " + "; ".join(labels[c] for c in chosen) + ".")
