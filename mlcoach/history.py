"""Reading past sessions for review: summaries first, the log where a summary is missing or damaged."""

from __future__ import annotations

from pathlib import Path

from mlcoach.errors import MlcoachError
from mlcoach.sessions import read_events, read_summary, session_files
from mlcoach.summary import summarize

FIELDS = ("session_id", "started", "candidate", "persona", "scenario", "status")


def list_sessions(directory: Path) -> tuple[list[dict], list[str]]:
    rows, warnings = [], []
    for log in session_files(directory):
        summary = None
        toml = log.with_suffix(".toml")
        if toml.exists():
            try:
                summary = read_summary(toml)
            except MlcoachError as exc:
                warnings.append(str(exc))
        if summary is None:
            try:
                loaded = read_events(log)
            except MlcoachError as exc:
                warnings.append(str(exc))
                continue
            summary = summarize(loaded.events)
        rows.append({k: summary.get(k, "") for k in FIELDS})
    return rows, warnings


def latest_incomplete(directory: Path) -> Path | None:
    rows, _ = list_sessions(directory)
    for row in rows:
        if row["status"] == "incomplete":
            return directory / f"{row['session_id']}.jsonl"
    return None
