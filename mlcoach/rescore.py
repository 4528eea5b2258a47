"""Rescoring: run the current judge over a session's log again. The earlier score stays in the log; the new one is
appended after it (marked `rescored`) and becomes the session's score."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mlcoach import persona as personas
from mlcoach.errors import BadInput, MlcoachError
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


@dataclass(frozen=True)
class Rescored:
    """One session's rescore: its old and new overall and the judge that scored, or why it could not be done."""

    path: Path
    before: int | None = None
    after: int | None = None
    scored_by: str = ""
    warnings: tuple[str, ...] = ()
    error: str = ""  # set when this session was skipped (only when several were asked for)


def rescore_each(paths: list[Path], new_judge: Callable[[], object]) -> Iterator[Rescored]:
    """Rescore the sessions one by one, each with a fresh judge from `new_judge`, as they finish. With one session its
    error is raised (its own message and exit code); with several, a failed one is reported and the rest go on."""
    for path in paths:
        judge = new_judge()
        try:
            try:
                before, after, warnings, scored_by = rescore(path, judge)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise BadInput(f"{path}: damaged session ({type(exc).__name__}: {exc})") from None
        except MlcoachError as exc:
            if len(paths) == 1:
                raise
            yield Rescored(path, error=str(exc))
            continue
        yield Rescored(path, before, after, scored_by, tuple(warnings))
