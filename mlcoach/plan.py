"""A practice plan from a candidate's history (`mlcoach plan`): the rubric criteria to work on next, each with its
scores so far (interviews and drills), when it was last practised, when it is due again and the command that
practises it (a drill while it is weak, an interview focused on it after). Spaced: a
criterion that scored well comes back later, one still weak comes back sooner. Pure: a trend in, items out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mlcoach.trend import RECENT, Trend

# Days until a criterion comes back, by its latest score (0-4): weak soon, strong later.
INTERVALS = {0: 1, 1: 1, 2: 3, 3: 7, 4: 14}


@dataclass(frozen=True)
class Item:
    criterion: str
    label: str
    scores: tuple[int, ...]  # the latest RECENT scores, oldest first
    last: str  # the date it was last judged (YYYY-MM-DD)
    due: str  # when to practise it again
    command: str
    evidence: str = ""  # what the latest session that judged it said (a quote, or what was missing)

    @property
    def latest(self) -> int:
        return self.scores[-1] if self.scores else -1

    def line(self, today: date) -> str:
        when = "now" if date.fromisoformat(self.due) <= today else f"from {self.due}"
        if not self.scores:
            return f"{self.label}: not judged yet; practise {when}: {self.command}"
        trail = " ".join(str(s) for s in self.scores)
        return f"{self.label}: scores {trail} (of 4); practise {when}: {self.command}"

    def to_dict(self) -> dict:
        return {"criterion": self.criterion, "label": self.label, "scores": list(self.scores), "last": self.last,
                "due": self.due, "command": self.command, "evidence": self.evidence}


DRILL_BELOW = 3  # a criterion scoring below this is practised with a drill (when one practises it), else in context


def command(cid: str, latest: int, drills: dict[str, str]) -> str:
    """A weak criterion gets a short drill on it; a fair one, an interview that asks about it first."""
    if latest < DRILL_BELOW and cid in drills:
        return f"mlcoach drill {drills[cid]}"
    return f"mlcoach interview --focus {cid}"


def plan(t: Trend, labels: dict[str, str], drills: dict[str, str] | None = None,
         every: tuple[str, ...] = ()) -> list[Item]:
    """Every judged criterion, the most due first; among those due on the same day, the weakest first. `drills`:
    criterion id -> the drill topic that practises it. `every`: the rubric's criteria; those never judged yet come
    due with the latest session, after the judged ones due that day."""
    items = []
    for cid, values in t.criteria.items():
        judged = [(d, v) for d, v in zip(t.dates, values, strict=True) if v is not None]
        if not judged:
            continue
        last, latest = judged[-1]
        try:
            due = date.fromisoformat(last) + timedelta(days=INTERVALS.get(latest, 1))
        except ValueError:  # a hand-edited date: practise it now
            due = date.min
        items.append(Item(cid, labels.get(cid, cid), tuple(v for _, v in judged[-RECENT:]), last,
                          due.isoformat(), command(cid, latest, drills or {})))
    judged = {i.criterion for i in items}
    if t.dates:
        items += [Item(cid, labels.get(cid, cid), (), "", t.dates[-1], command(cid, 0, drills or {}))
                  for cid in every if cid not in judged]
    unjudged = 5.0  # after every judged mean (0-4) due the same day
    return sorted(items, key=lambda i: (i.due, sum(i.scores) / len(i.scores) if i.scores else unjudged, i.criterion))


def improved(items: list[Item], before: dict[str, int]) -> list[str]:
    """What scores higher than when the plan was last shown ("label 2 -> 3")."""
    return [f"{i.label} {before[i.criterion]} -> {i.latest}" for i in items
            if i.criterion in before and i.latest > before[i.criterion]]
