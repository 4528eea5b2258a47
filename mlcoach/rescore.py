"""Rescoring: run the current judge over a session's log again. The earlier score stays in the log; the new one is
appended after it (marked `rescored`) and becomes the session's score."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from mlcoach import persona as personas
from mlcoach.seams import Judge
from mlcoach.sessions import SessionLog, read_events, write_summary
from mlcoach.state import replay
from mlcoach.summary import summarize


def rescore(path: Path, judge: Judge) -> tuple[int | None, int, list[str], str]:
    """(previous overall or None, new overall, warnings (the judge's notes among them), the judge that scored)."""
    loaded = read_events(path)
    state = replay(loaded.records, personas.load(loaded.records[0].persona_ref or "ml-engineer"))
    previous = state.score.overall if state.score else None
    score = replace(judge.score(state), rescored=True, previous_overall=previous)
    notes = judge.drain_notes()
    t = state.t
    at = datetime.now(UTC).isoformat(timespec="seconds")
    log = SessionLog(path)
    try:
        for note in notes:
            log.append({"type": "note", **note, "t": t, "at": at})
        log.append({**score.to_event(), "t": t, "at": at}, sync=True)
    finally:
        log.close()
    write_summary(path.with_suffix(".toml"), summarize(read_events(path).records).to_dict())
    said = [str(n.get("text", "")) for n in notes if n.get("text")]
    return previous, score.overall, loaded.warnings[:1] + said, score.judge

