"""A session's conversation, from its events: what review, replay and export show. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from mlcoach.records import (
    CandidateEvent,
    EndEvent,
    Event,
    InterviewerEvent,
    MetaEvent,
    NoteEvent,
    PhaseEvent,
)

SHOWN_NOTES = ("resumed", "next", "paused", "fallback", "llm_unavailable", "coach", "skipped", "aside")
NOTE_LEADS = {"coach": "coach: ", "aside": "typed at the note, not scored: "}


@dataclass(frozen=True)
class Line:
    kind: str  # phase | interviewer | candidate | note | end
    t: float  # seconds on the session clock
    text: str
    who: str = ""  # the speaker's name for interviewer and candidate lines
    detail: str = ""  # a phase's branch, an answer's input (voice), a note's id


def lines(events: list[Event], interviewer_name: str = "Interviewer") -> list[Line]:
    meta = events[0] if events and isinstance(events[0], MetaEvent) else None
    candidate = (meta.candidate if meta else "") or "Candidate"
    out: list[Line] = []
    for ev in events:
        match ev:
            case PhaseEvent():
                out.append(Line("phase", ev.t, ev.title, detail=ev.branch))
            case InterviewerEvent():
                out.append(Line("interviewer", ev.t, ev.text, interviewer_name, ev.source))
            case CandidateEvent():
                out.append(Line("candidate", ev.t, ev.text, candidate, "voice" if ev.input == "voice" else ""))
            case NoteEvent() if ev.note in SHOWN_NOTES:
                out.append(Line("note", ev.t, NOTE_LEADS.get(ev.note, "") + ev.text, detail=ev.note))
            case EndEvent():
                out.append(Line("end", ev.t, ev.status, detail=ev.reason))
    return out


def clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
