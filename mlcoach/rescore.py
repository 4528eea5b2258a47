"""Rescoring: run the current judge over a session's log again. The earlier score stays in the log; the new one is
appended after it (marked `rescored`) and becomes the session's score."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from mlcoach import personas
from mlcoach.errors import BadInput, MlcoachError
from mlcoach.seams import Judge
from mlcoach.sessions import SessionLog, read_events, write_summary
from mlcoach.state import replay
from mlcoach.summary import summarize


def rescore(path: Path, judge: Judge) -> tuple[int | None, int, list[str], str]:
    """(previous overall or None, new overall, warnings (the judge's notes among them), the judge that scored)."""
    loaded = read_events(path)
    state = replay(loaded.records, personas.load(loaded.records[0].persona_ref or "ml-engineer"))
    previous = state.score.overall if state.score else None
    if state.meta.topic:  # a drill is judged on its topic, offline, whatever judge rescores the rest
        from mlcoach import drill

        judge = drill.TopicJudge(drill.of_log(state.meta, state.persona, path))
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


@dataclass(frozen=True)
class Rescored:
    """One session's rescore: its old and new overall and the judge that scored, or why it could not be done."""

    path: Path
    before: int | None = None
    after: int | None = None
    scored_by: str = ""
    warnings: tuple[str, ...] = ()
    error: str = ""  # set when this session was skipped (only when several were asked for)


def rescore_each(paths: list[Path], new_judge: Callable[[], Judge]) -> Iterator[Rescored]:
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
