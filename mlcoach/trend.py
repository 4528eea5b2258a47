"""Scores across sessions: per-criterion series, the overall's, and the weakest criteria. Pure: index rows in
(`labels` alone reads the personas the sessions used)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlcoach import personas
from mlcoach.errors import MlcoachError
from mlcoach.personas import CRITERIA

if TYPE_CHECKING:
    from mlcoach.history import Row

BLOCKS = "▁▂▃▄▅▆▇█"
RECENT = 5  # the weakest criteria are judged on this many latest sessions


@dataclass(frozen=True)
class Trend:
    sessions: tuple[str, ...]  # session ids, oldest first
    dates: tuple[str, ...]
    overall: tuple[int, ...]
    criteria: dict[str, tuple[int | None, ...]]  # criterion id -> score per session (None: not scored)
    weakest: tuple[str, ...]  # criterion ids, weakest first

    def mean(self, cid: str, last: int | None = None) -> float | None:
        values = [v for v in self.criteria[cid][-last if last else 0:] if v is not None]
        return sum(values) / len(values) if values else None

    def change(self, cid: str) -> float | None:
        """Mean of the latest three minus the mean of the first three (needs four sessions or more)."""
        values = [v for v in self.criteria[cid] if v is not None]
        if len(values) < 4:
            return None
        return sum(values[-3:]) / 3 - sum(values[:3]) / 3

    def as_dict(self) -> dict:
        return {"sessions": list(self.sessions), "dates": list(self.dates), "overall": list(self.overall),
                "criteria": {c: list(v) for c, v in self.criteria.items()}, "weakest": list(self.weakest)}


def trend(rows: list[Row]) -> Trend:
    scored = sorted((r for r in rows if r.scored), key=lambda r: (r.started, r.session_id))
    ids = [c for c in CRITERIA if any(c in r.scores for r in scored)]
    ids += sorted({c for r in scored for c in r.scores} - set(ids))
    criteria = {c: tuple(r.scores.get(c) for r in scored) for c in ids}
    t = Trend(tuple(r.session_id for r in scored), tuple(r.started[:10] for r in scored),
              tuple(r.overall or 0 for r in scored), criteria, ())
    means = {c: t.mean(c, RECENT) for c in ids}
    weakest = tuple(sorted((c for c in ids if means[c] is not None), key=lambda c: (means[c], ids.index(c))))
    return Trend(t.sessions, t.dates, t.overall, criteria, weakest)


def labels(rows: list[Row]) -> dict[str, str]:
    """Criterion id -> label, from the personas the sessions used (the newest session's wording first). A persona
    that no longer loads is skipped: the criterion ids will do."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for row in rows:
        ref = row.persona
        if not ref or ref in seen:
            continue
        seen.add(ref)
        try:
            criteria = personas.load(ref).criteria
        except MlcoachError:
            continue
        for c in criteria:
            out.setdefault(c.id, c.label)
    return out


def spark(values, top: float) -> str:
    """A sparkline; a gap for a missing value."""
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            out.append(BLOCKS[min(len(BLOCKS) - 1, max(0, round(v / top * (len(BLOCKS) - 1))))])
    return "".join(out)
