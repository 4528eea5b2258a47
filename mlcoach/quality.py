"""How the interviewer behaved across a batch (`mlcoach batch --report`), checked mechanically from each log: the
questions per phase, a topic asked twice, a question asked after its topic was explained, never-do wording, an
approving reply after a wrong claim, the planted traits the judge caught and missed, the time per phase, and
whether the judge's band agrees with the candidate's level. Pure: results in, rows out."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlcoach import conduct
from mlcoach.personas import Persona
from mlcoach.records import InterviewerEvent
from mlcoach.state import State

# The bands that agree with a script's or a profile's level.
AGREES = {"strong": {"strong hire", "hire"}, "average": {"hire", "lean no"}, "weak": {"lean no", "no hire"},
          "adversarial": {"no hire"}}


@dataclass(frozen=True)
class Row:
    file: str
    scenario: str
    level: str
    overall: int | None
    band: str
    questions: dict[str, int]  # phase -> questions asked
    repeated_topic: int
    asked_explained: int
    never_do: int
    approved_unsound: int
    pushed: int
    pushable: int
    caught: tuple[str, ...]
    missed: tuple[str, ...]
    seconds: dict[str, tuple[float, float]]  # phase -> (used, planned)
    agrees: bool | None  # None: no level, or one this report does not know
    error: str = ""

    def to_dict(self) -> dict:
        out = dict(vars(self))
        out["seconds"] = {p: {"used": round(u, 1), "planned": round(p_, 1)} for p, (u, p_) in self.seconds.items()}
        out["caught"], out["missed"] = list(self.caught), list(self.missed)
        return out


@dataclass
class Totals:
    interviews: int = 0
    repeated_topic: int = 0
    asked_explained: int = 0
    never_do: int = 0
    approved_unsound: int = 0
    pushed: int = 0
    pushable: int = 0
    caught: int = 0
    missed: int = 0
    agree: int = 0
    judged: int = 0
    failed: int = 0
    questions: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = dict(vars(self))
        out["level_agreement"] = round(self.agree / self.judged, 2) if self.judged else None
        return out


def row(result, persona: Persona, traits: tuple[str, ...] = (), level: str = "") -> Row:
    """One interview's row, from its batch result (batch.Result)."""
    if result.session is None or result.summary is None:
        return Row(result.file, result.scenario, level, None, "", {}, 0, 0, 0, 0, 0, 0, (), tuple(traits), {}, None,
                   result.error)
    events = result.session.records
    found = conduct.check(events, persona)
    score = result.summary.score
    raised = {fid for fid, _ in score.red_flags} | {c.id for c in score.corrections} if score else set()
    asked: dict[str, int] = {}
    for ev in events:
        if isinstance(ev, InterviewerEvent) and ev.asks:
            asked[ev.phase] = asked.get(ev.phase, 0) + 1
    band = score.band if score else ""
    return Row(result.file, result.scenario, level, score.overall if score else None, band, asked,
               found.count("repeated_topic"), asked_explained(events, persona),
               sum(1 for ev in events if isinstance(ev, InterviewerEvent) and persona.violations(ev.text)),
               found.count("approved_unsound"), found.pushed, found.pushable,
               tuple(t for t in traits if t in raised), tuple(t for t in traits if t not in raised),
               {p.id: (p.actual_seconds, p.planned_seconds) for p in result.summary.phases},
               (band in AGREES[level]) if level in AGREES and band else None)


def asked_explained(events, persona: Persona) -> int:
    """Questions asked when every concept they ask about had already been explained (or declined) in context; a
    "why X?" when a reason for X had already been given. A deliberate step deeper into the candidate's own work
    ("deeper:", "followup:") is not asking again."""
    state, count = State(persona), 0
    for ev in events:
        if isinstance(ev, InterviewerEvent) and ev.asks and ev.kind != "closing" and \
                not ev.move.startswith(("deeper:", "followup:")):
            covers = set(state.covers_of(ev.move))
            if ev.move.startswith("why:"):  # "why X?" asks for a reason: asked again only once one was given
                if any(h.concept in covers and h.reasoned for a in state.answers for h in a.analysis.hits):
                    count += 1
            elif covers and covers <= state.covered():
                count += 1
        state.apply(ev)
    return count


def totals(rows: list[Row]) -> Totals:
    out = Totals(interviews=len(rows))
    for r in rows:
        if r.error:
            out.failed += 1
            continue
        out.repeated_topic += r.repeated_topic
        out.asked_explained += r.asked_explained
        out.never_do += r.never_do
        out.approved_unsound += r.approved_unsound
        out.pushed += r.pushed
        out.pushable += r.pushable
        out.caught += len(r.caught)
        out.missed += len(r.missed)
        if r.agrees is not None:
            out.judged += 1
            out.agree += int(r.agrees)
        for phase, n in r.questions.items():
            out.questions[phase] = out.questions.get(phase, 0) + n
    return out
