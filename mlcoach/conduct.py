"""How the interviewer behaved in a session, checked mechanically from its log: approval after an answer that was not
sound, wrong claims left without a question back, a topic asked twice, an acknowledgement said twice, a question the
candidate asked mid-interview never answered at the closing. The figures behind `make conduct` and its tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlcoach import replies
from mlcoach.closing import closing_answers
from mlcoach.personas import Persona
from mlcoach.records import CandidateEvent, Event, InterviewerEvent
from mlcoach.state import State, context, replay


@dataclass(frozen=True)
class Finding:
    kind: str  # approved_unsound | repeated_topic | repeated_ack | unanswered_deferred | no_pushback
    turn: int  # the answer it follows (0: none)
    detail: str


@dataclass
class Conduct:
    answers: int = 0
    pushable: int = 0  # answers with a wrong claim, a concept waved away or a rushed model, first time said
    pushed: int = 0  # of those, followed by a question back
    deferred: int = 0
    findings: list[Finding] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)


def _after(events: list[Event]) -> list[tuple[CandidateEvent | None, list[InterviewerEvent]]]:
    """Each answer with what the interviewer said next, up to and including the next question."""
    out: list[tuple[CandidateEvent | None, list[InterviewerEvent]]] = [(None, [])]
    for ev in events:
        if isinstance(ev, CandidateEvent):
            out.append((ev, []))
        elif isinstance(ev, InterviewerEvent):
            out[-1][1].append(ev)
    return out


def check(events: list[Event], persona: Persona) -> Conduct:
    state: State = replay(events, persona)
    out = Conduct(answers=len(state.answers))
    seen = _Seen(frozenset(ln.id for ln in persona.rapport if ln.approves))
    for i, (answer_ev, said) in enumerate(_after(events)):
        answer = state.answers[i - 1] if answer_ev is not None and i - 1 < len(state.answers) else None
        s = replies.stance_in(state, answer) if answer is not None else None
        turn = answer.turn if answer is not None else 0
        for ev in said:
            _acks(ev, s, turn, persona, seen, out)
            _topic(ev, turn, state, seen, out)
        if answer is not None and s is not None:
            _pushback(answer, s, said, persona, seen, out)
    out.deferred = len(state.deferred)
    closing = " ".join(ev.text for ev in events if isinstance(ev, InterviewerEvent) and ev.move == "closing.thanks")
    if state.complete:
        for asked in state.deferred:  # answered: the persona's reply to it is in the closing
            if not any(reply in closing for reply in closing_answers(state, asked)):
                out.findings.append(Finding("unanswered_deferred", 0, asked))
    return out


@dataclass
class _Seen:
    approves: frozenset[str] = frozenset()  # the persona's approving acknowledgements
    acks: set[str] = field(default_factory=set)
    pushbacks: set[str] = field(default_factory=set)
    topics: dict[str, set[str]] = field(default_factory=lambda: {"past": set(), "scenario": set()})


def _acks(ev: InterviewerEvent, s: replies.Stance | None, turn: int, persona: Persona, seen: _Seen,
          out: Conduct) -> None:
    for move in (ev.move if ev.kind == "ack" else "", ev.lead):
        if not move.startswith("ack:"):
            continue
        line = move.removeprefix("ack:")
        if line in seen.acks:
            out.findings.append(Finding("repeated_ack", turn, ev.text))
        seen.acks.add(line)
        if s is not None and line in seen.approves and s.kind in replies.NO_APPROVAL:
            out.findings.append(Finding("approved_unsound", turn, f"{s.kind}: {ev.text}"))


def _topic(ev: InterviewerEvent, turn: int, state: State, seen: _Seen, out: Conduct) -> None:
    """A question on a topic already asked in its context; a pushback is the one follow-up allowed."""
    if not ev.asks or ev.move.startswith(("rephrase:", "redirect:", "pushback:")) or ev.move == "repeat":
        return
    topic = state.topic_of(ev.move)
    where = seen.topics[context(ev.phase)]
    if topic and topic in where:
        out.findings.append(Finding("repeated_topic", turn, f"{topic}: {ev.text}"))
    if topic:
        where.add(topic)


def _pushback(answer, s: replies.Stance, said: list[InterviewerEvent], persona: Persona, seen: _Seen,
              out: Conduct) -> None:
    """A wrong, waved or rushed claim, said for the first time, while the phase went on: was it questioned?"""
    line = replies.pushback_line(s, persona) if s.kind in replies.PUSHED else None
    asked = next((ev for ev in said if ev.asks), None)
    if line is None or line[0] in seen.pushbacks or asked is None or asked.phase != answer.phase:
        return
    seen.pushbacks.add(line[0])
    out.pushable += 1
    if asked.move.startswith(("pushback:", "tradeoff:", "why:")):
        out.pushed += 1
    else:
        out.findings.append(Finding("no_pushback", answer.turn, f"{s.kind}: {s.quote[:80]}"))
