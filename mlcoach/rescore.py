"""Rescoring: run the current judge over a session's log again. The earlier score stays in the log; the new one is
appended after it (marked `rescored`) and becomes the session's score."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from mlcoach import personas
from mlcoach.sessions import SessionLog, read_events, write_summary
from mlcoach.state import State
from mlcoach.summary import summarize


def rescore(path: Path, judge) -> tuple[int | None, int, list[str], str]:
    """(previous overall or None, new overall, warnings (the judge's notes among them), the judge that scored)."""
    loaded = read_events(path)
    events = loaded.events
    meta = events[0]
    persona = personas.load(meta.get("persona_ref") or meta.get("persona") or "ml-engineer")
    state = State(persona)
    for ev in events:
        state.apply(ev)
    previous = next((e.get("overall") for e in reversed(events) if e["type"] == "score"), None)
    event = judge.score(state)
    notes = getattr(judge, "drain_notes", lambda: [])()
    t = max(float(e.get("t", 0) or 0) for e in events)
    at = datetime.now(UTC).isoformat(timespec="seconds")
    log = SessionLog(path)
    try:
        for note in notes:
            log.append({"type": "note", **note, "t": t, "at": at})
        new = {**event, "rescored": True, "previous_overall": previous, "t": t, "at": at}
        new = {k: v for k, v in new.items() if v is not None}
        log.append(new, sync=True)
    finally:
        log.close()
    events = read_events(path).events
    write_summary(path.with_suffix(".toml"), summarize(events))
    said = [str(n.get("text", "")) for n in notes if n.get("text")]
    return previous, int(event["overall"]), loaded.warnings[:1] + said, str(event.get("judge", "offline"))
