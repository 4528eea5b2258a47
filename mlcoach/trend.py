"""Scores across sessions: which sessions count (one candidate's complete live sessions by default), their
per-criterion series, the overall's, and the weakest criteria. Pure: index rows in (`labels` alone reads the
personas the sessions used)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from mlcoach import personas
from mlcoach.errors import MlcoachError
from mlcoach.personas import CRITERIA

if TYPE_CHECKING:
    from mlcoach.history import Row

BLOCKS = "▁▂▃▄▅▆▇█"
RECENT = 5  # the weakest criteria are judged on this many latest sessions
EVERYONE = "all"  # --candidate all: every candidate's sessions
LIVE = "live"
DRILL = "drill"  # a drill's mode (drilling.py): counted apart from interviews, and by the practice plan
# Why a session was not counted, in the order asked: a session with no score or no answers never counts.
UNSCORED, OTHER, DRILLS, BATCH, INCOMPLETE = "unscored", "other_candidates", "drills", "batch", "incomplete"
WIDEN = {OTHER: "--candidate all", BATCH: "--include-batch", INCOMPLETE: "--include-incomplete"}
SAID = {UNSCORED: "without a score or answers", OTHER: "of other candidates", DRILLS: "drills", BATCH: "batch",
        INCOMPLETE: "incomplete"}


def same_name(a: str, b: str) -> bool:
    """Case-insensitive exact match of two candidate names (surrounding spaces aside)."""
    return a.strip().casefold() == b.strip().casefold()


@dataclass(frozen=True)
class Counting:
    """Which sessions a trend (and `--focus weakest`) counts: by default complete live sessions of every candidate;
    `candidate` narrows to one, `batch` and `incomplete` widen."""

    candidate: str | None = None  # None: every candidate
    batch: bool = False  # also sessions not run live (`mlcoach batch`)
    incomplete: bool = False  # also sessions that did not end (interrupted, input ended)
    unnamed: bool = False  # every candidate only because no name is configured (said so in the view)
    drills: bool = False  # also drills (the practice plan counts them; a trend shows them apart)

    def why_not(self, row: Row) -> str:
        """"" when the session counts, else the reason it does not (one of UNSCORED, OTHER, BATCH, INCOMPLETE)."""
        if not row.scored or row.answers <= 0:
            return UNSCORED
        if self.candidate is not None and not same_name(row.candidate, self.candidate):
            return OTHER
        if row.mode == DRILL:
            if not self.drills:
                return DRILLS
        elif not self.batch and row.mode not in (LIVE, ""):  # "": an older session, live by default
            return BATCH
        if not self.incomplete and row.status != "complete":
            return INCOMPLETE
        return ""

    @property
    def modes(self) -> tuple[str, ...]:
        return (LIVE,) + (("batch",) if self.batch else ()) + ((DRILL,) if self.drills else ())

    @property
    def statuses(self) -> tuple[str, ...]:
        return ("complete", "incomplete") if self.incomplete else ("complete",)

    def describe(self) -> str:
        """"Priya's complete live sessions", "every candidate's complete or incomplete live and batch sessions"."""
        whose = "every candidate's" if self.candidate is None else f"{self.candidate.strip()}'s"
        return f"{whose} {' or '.join(self.statuses)} {' and '.join(self.modes)} sessions"

    def as_dict(self) -> dict:
        return {"candidate": None if self.candidate is None else self.candidate.strip(),
                "counted": {"modes": list(self.modes), "statuses": list(self.statuses)}}


def left_out_text(left_out: Mapping[str, int]) -> str:
    """"2 of other candidates (--candidate all), 3 batch (--include-batch)", or "" when nothing was left out."""
    parts = []
    for reason, said in SAID.items():
        n = left_out.get(reason, 0)
        if n:
            flag = f" ({WIDEN[reason]})" if reason in WIDEN else ""
            parts.append(f"{n} {said}{flag}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Trend:
    sessions: tuple[str, ...]  # session ids, oldest first
    dates: tuple[str, ...]
    overall: tuple[int, ...]
    criteria: dict[str, tuple[int | None, ...]]  # criterion id -> score per session (None: not scored)
    weakest: tuple[str, ...]  # criterion ids, weakest first
    counting: Counting = field(default_factory=Counting)
    left_out: Mapping[str, int] = field(default_factory=dict)  # reason -> sessions not counted for it

    def mean(self, cid: str, last: int | None = None) -> float | None:
        values = [v for v in self.criteria[cid][-last if last else 0:] if v is not None]
        return sum(values) / len(values) if values else None

    def change(self, cid: str) -> float | None:
        """Mean of the latest three minus the mean of the first three (needs four sessions or more)."""
        values = [v for v in self.criteria[cid] if v is not None]
        if len(values) < 4:
            return None
        return sum(values[-3:]) / 3 - sum(values[:3]) / 3

    def ticks(self, most: int) -> tuple[list[int], list[str]]:
        """At most `most` x ticks (session numbers from 1, the latest always among them) and their labels: the number
        over the date ("3\n11-29"; the year too when the sessions span more than one), distinct per session."""
        n = len(self.sessions)
        step = max(1, -(-n // max(1, most)))
        at = list(range(n, 0, -step))[::-1]
        cut = 5 if len({d[:4] for d in self.dates}) <= 1 else 2
        return at, [f"{i}\n{self.dates[i - 1][cut:]}" for i in at]

    def as_dict(self) -> dict:
        return {**self.counting.as_dict(), "not_counted": {r: self.left_out.get(r, 0) for r in SAID},
                "sessions": list(self.sessions), "dates": list(self.dates), "overall": list(self.overall),
                "criteria": {c: list(v) for c, v in self.criteria.items()}, "weakest": list(self.weakest)}


def counted(rows: list[Row], counting: Counting) -> tuple[list[Row], dict[str, int]]:
    """The rows that count (in the order given) and how many were left out for each reason."""
    kept: list[Row] = []
    left_out: dict[str, int] = {}
    for r in rows:
        reason = counting.why_not(r)
        if reason:
            left_out[reason] = left_out.get(reason, 0) + 1
        else:
            kept.append(r)
    return kept, left_out


def trend(rows: list[Row], counting: Counting | None = None) -> Trend:
    """The trend of the sessions that count (by default every candidate's complete live sessions)."""
    counting = counting or Counting()
    kept, left_out = counted(rows, counting)
    scored = sorted(kept, key=lambda r: (r.started, r.session_id))
    if counting.candidate is not None and scored:  # the name as the latest session spells it
        counting = replace(counting, candidate=scored[-1].candidate)
    ids = [c for c in CRITERIA if any(c in r.scores for r in scored)]
    ids += sorted({c for r in scored for c in r.scores} - set(ids))
    criteria = {c: tuple(r.scores.get(c) for r in scored) for c in ids}
    t = Trend(tuple(r.session_id for r in scored), tuple(r.started[:10] for r in scored),
              tuple(r.overall or 0 for r in scored), criteria, (), counting, left_out)
    means = {c: t.mean(c, RECENT) for c in ids}
    weakest = tuple(sorted((c for c in ids if means[c] is not None), key=lambda c: (means[c], ids.index(c))))
    return Trend(t.sessions, t.dates, t.overall, criteria, weakest, counting, left_out)


def drill_rows(rows: list[Row], counting: Counting) -> list[Row]:
    """The drills a trend shows apart from the interviews: the same candidate and statuses, oldest first."""
    kept, _ = counted(rows, replace(counting, drills=True))
    return sorted((r for r in kept if r.mode == DRILL), key=lambda r: (r.started, r.session_id))


def drill_dicts(rows: list[Row]) -> list[dict]:
    return [{"session_id": r.session_id, "date": r.started[:10], "topic": r.topic, "answers": r.answers,
             "scores": dict(r.scores)} for r in rows]


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
