"""A session's conversation, from its events: what review, replay and export show. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    kind: str  # phase | interviewer | candidate | note | end
    t: float  # seconds on the session clock
    text: str
    who: str = ""  # the speaker's name for interviewer and candidate lines
    detail: str = ""  # a phase's branch, an answer's input (voice), a note's id


def lines(events: list[dict], interviewer_name: str = "Interviewer") -> list[Line]:
    meta = events[0] if events else {}
    candidate = meta.get("candidate") or "Candidate"
    out: list[Line] = []
    for ev in events:
        kind, t = ev.get("type"), float(ev.get("t", 0) or 0)
        if kind == "phase":
            out.append(Line("phase", t, ev.get("title", ev.get("phase", "")), detail=ev.get("branch", "")))
        elif kind == "interviewer":
            out.append(Line("interviewer", t, ev.get("text", ""), interviewer_name, ev.get("source", "")))
        elif kind == "candidate":
            detail = "voice" if ev.get("input") == "voice" else ""
            out.append(Line("candidate", t, ev.get("text", ""), candidate, detail))
        elif kind == "note" and ev.get("note") in ("resumed", "next", "paused", "fallback", "llm_unavailable"):
            out.append(Line("note", t, ev.get("text", ""), detail=ev.get("note", "")))
        elif kind == "end":
            out.append(Line("end", t, ev.get("status", ""), detail=ev.get("reason", "")))
    return out


def clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
