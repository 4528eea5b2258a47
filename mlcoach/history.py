"""Reading past sessions for review, fast at thousands of sessions.

A listing reads each session's summary head (the scalars and the [scores] table before the first other table),
never the transcript, and keeps the rows in a small index (`.index.json` in the sessions directory) keyed by the
files' size and modification time: an unchanged session is not read again; a changed, new or deleted one is picked
up on the next listing. A damaged file is skipped (or read from its log) with one warning line; the index is only
a cache and is rebuilt if it is damaged or of another version.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlcoach.errors import MlcoachError, NotFound
from mlcoach.limits import json_loads
from mlcoach.records import Event
from mlcoach.sessions import FORMAT, atomic_write, checked, find, finite, read_events, read_summary
from mlcoach.summary import Summary, summarize

ROW_KEYS = ("session_id", "started", "ended", "candidate", "persona", "scenario", "interviewer", "judge", "mode",
            "status", "overall", "band", "answers", "duration_seconds", "topic")
INDEX = ".index.json"
INDEX_FORMAT = 3  # 3: rows carry a drill's topic


NUMBER_KEYS = ("overall", "answers", "duration_seconds")


@dataclass(frozen=True)
class Row:
    """One session in a listing: the head of its summary (read without parsing the whole file)."""

    session_id: str
    started: str = ""
    ended: str = ""
    candidate: str = ""
    persona: str = ""
    scenario: str = ""
    interviewer: str = ""
    judge: str = ""
    mode: str = ""
    status: str = ""
    overall: int | None = None  # None: not scored
    band: str = ""
    answers: int = 0
    duration_seconds: float = 0.0
    scores: Mapping[str, int] = field(default_factory=dict)  # criterion id -> 0..4
    topic: str = ""  # a drill's topic ("" for an interview)

    @property
    def scored(self) -> bool:
        return self.overall is not None and bool(self.scores)

    def to_dict(self) -> dict:
        return {k: (dict(v) if k == "scores" else v) for k, v in vars(self).items()}

    @classmethod
    def from_dict(cls, d: dict) -> Row:
        """A row that passed `row_problem`."""
        values = {k: d[k] for k in ROW_KEYS if d.get(k) is not None}
        if values.get("overall") is not None:
            values["overall"] = int(round(values["overall"]))
        return cls(**values, scores=dict(d.get("scores") or {}))


def _row(summary: dict) -> dict:
    row = {k: summary.get(k) for k in ROW_KEYS}
    row["overall"] = summary.get("overall")
    scores = summary.get("scores") or {}
    row["scores"] = dict(scores) if isinstance(scores, dict) else scores
    return row


def row_problem(row: dict) -> str:
    """The first key of a listing row with the wrong type ("" if none): a hand-edited summary is read from its log
    instead, never allowed to break the listing or the trend."""
    if not isinstance(row.get("session_id"), str):
        return "session_id: expected a string"
    for key in ROW_KEYS:
        value = row.get(key)
        if value is None:
            continue
        if key in NUMBER_KEYS:
            if not finite(value):
                return f"{key}: expected a finite number"
            if key == "overall" and not 0 <= value <= 100:
                return "overall: expected 0 to 100"
        elif not isinstance(value, str):
            return f"{key}: expected a string"
    scores = row.get("scores")
    if not isinstance(scores, dict) or not all(isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
                                                and 0 <= v <= 4 for k, v in scores.items()):
        return "scores: expected a table of whole numbers"
    return ""


def _quick(text: str) -> dict | None:
    """The summary's head, parsed line by line (much faster than the whole TOML); None if anything is unusual."""
    out: dict = {}
    table: dict | None = out
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            if line.strip() == "[scores]":
                if "scores" in out:
                    return None  # a key and a table of one name: the TOML parser will say what is wrong
                table = out.setdefault("scores", {})
                continue
            break  # the phases, usage and score detail are not needed for a row
        key, sep, value = line.partition(" = ")
        if not sep or not key.replace("_", "").isalnum():
            return None
        value = value.strip()
        try:
            if value.startswith('"'):
                parsed = json.loads(value)  # tomli_w writes basic strings JSON can read
            elif value in ("true", "false"):
                parsed = value == "true"
            elif value.lstrip("-").replace(".", "", 1).isdigit():
                parsed = float(value) if "." in value else int(value)
            else:
                return None  # arrays, dates, inline tables: leave it to the TOML parser
        except ValueError:
            return None
        table[key] = parsed
    return out if "session_id" in out else None


def read_row(log: Path) -> tuple[Row | None, list[str]]:
    """One session's row: from its summary head, else its whole summary, else its log."""
    warnings: list[str] = []
    toml = log.with_suffix(".toml")
    summary = None
    if toml.exists():
        try:
            checked(toml)
            text = toml.read_text(encoding="utf-8")
            summary = _quick(text)
            if summary is None:
                summary = read_summary(toml)
            elif summary.get("format") != FORMAT:
                summary = read_summary(toml)  # the one-line error for an unknown version
        except (MlcoachError, UnicodeDecodeError, OSError) as exc:
            warnings.append(f"{exc}; reading its log instead" if isinstance(exc, MlcoachError) else
                            f"{toml}: cannot read ({exc})")
            summary = None
        if summary is not None and (problem := row_problem(_row(summary))):
            warnings.append(f"{toml}: {problem}; reading its log instead")
            summary = None
    if summary is None:
        try:
            loaded = read_events(log)
        except MlcoachError as exc:
            warnings.append(str(exc))
            return None, warnings
        warnings += loaded.warnings[:1]  # one line per damaged file is enough in a listing
        try:
            summary = summarize(loaded.records).to_dict()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a shape read_events could not foresee
            warnings.append(f"{log}: damaged session ({type(exc).__name__}: {exc}); skipped")
            return None, warnings
        if problem := row_problem(_row(summary)):
            warnings.append(f"{log}: {problem}; skipped")
            return None, warnings
    return Row.from_dict(_row(summary)), warnings


def list_sessions(directory: Path) -> tuple[list[Row], list[str]]:
    """Every readable session, newest first, and one warning per damaged file."""
    if not directory.is_dir():
        return [], []
    index_path = directory / INDEX
    cache = _load_index(index_path)
    fresh: dict[str, dict] = {}
    rows, warnings = [], []
    stats: dict[str, dict[str, os.stat_result]] = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            stem, _, suffix = entry.name.rpartition(".")
            if suffix in ("jsonl", "toml") and _looks_like_id(stem):
                try:
                    stats.setdefault(stem, {})[suffix] = entry.stat()
                except OSError:
                    continue
    for sid in sorted((s for s in stats if "jsonl" in stats[s]), reverse=True):
        sig = [[st.st_mtime_ns, st.st_size] for st in (stats[sid].get("jsonl"), stats[sid].get("toml")) if st]
        cached = cache.get(sid)
        if cached and cached.get("sig") == sig:
            fresh[sid] = cached
            rows.append(Row.from_dict(cached["row"]))
            continue
        row, problems = read_row(directory / f"{sid}.jsonl")
        warnings += problems
        if row is None:
            continue
        if not problems:  # a damaged session is read again next time, and warned about again
            fresh[sid] = {"sig": sig, "row": row.to_dict()}
        rows.append(row)
    if fresh != cache:
        _save_index(index_path, fresh)
    return rows, warnings


def _looks_like_id(stem: str) -> bool:
    return len(stem) >= 16 and stem[8:9] == "T" and stem[15:16] == "Z" and stem[:8].isdigit()


def _load_index(path: Path) -> dict:
    try:
        checked(path)  # a FIFO named like the index would block the listing: it is rebuilt instead
        data = json_loads(path.read_text(encoding="utf-8"))
        if data.get("format") == INDEX_FORMAT and isinstance(data.get("sessions"), dict):
            return {sid: entry for sid, entry in data["sessions"].items()  # a damaged entry is just read again
                    if isinstance(entry, dict) and isinstance(entry.get("sig"), list)
                    and isinstance(entry.get("row"), dict) and not row_problem(entry["row"])}
    except (OSError, ValueError, AttributeError, MlcoachError):
        pass
    return {}


def _save_index(path: Path, sessions: dict) -> None:
    """Best effort: a read-only directory just means no cache."""
    try:
        atomic_write(path, json.dumps({"format": INDEX_FORMAT, "sessions": sessions},
                                      separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass


def latest_incomplete(directory: Path) -> Path | None:
    rows, _ = list_sessions(directory)
    for row in rows:
        if row.status == "incomplete":
            return log_path(directory, row)
    return None


def latest(directory: Path) -> Path | None:
    rows, _ = list_sessions(directory)
    return log_path(directory, rows[0]) if rows else None


# ---------------------------------------------------------------------------------------------- choosing sessions

STATUSES = ("complete", "incomplete")


@dataclass(frozen=True)
class Filters:
    """Which sessions a listing, a trend or a rescore covers (None: any)."""

    status: str | None = None  # complete or incomplete
    scenario: str | None = None
    query: str | None = None  # text said in the session, case-insensitive


@dataclass(frozen=True)
class Listing:
    rows: list[Row]  # the sessions that pass the filters, newest first
    total: int  # every readable session, before the filters
    warnings: list[str]  # one per damaged file


def log_path(directory: Path, row: Row) -> Path:
    return directory / f"{row.session_id}.jsonl"


def search(directory: Path, filters: Filters | None = None) -> Listing:
    """Every readable session that passes the filters, newest first."""
    rows, warnings = list_sessions(directory)
    return Listing(matching(rows, directory, filters or Filters()), len(rows), warnings)


def matching(rows: list[Row], directory: Path, filters: Filters) -> list[Row]:
    if filters.status:
        rows = [r for r in rows if r.status == filters.status]
    if filters.scenario:
        rows = [r for r in rows if r.scenario == filters.scenario]
    if filters.query:
        rows = [r for r in rows if mentions(log_path(directory, r), filters.query)]
    return rows


def mentions(path: Path, query: str) -> bool:
    """The text appears in something said in the session (a fast scan of the raw log first)."""
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    needle = query.casefold()
    if needle not in raw.casefold():
        return False
    for line in raw.splitlines():
        if needle in line.casefold():
            try:
                ev = json_loads(line)
            except ValueError:
                continue
            if ev.get("type") in ("interviewer", "candidate") and needle in str(ev.get("text", "")).casefold():
                return True
    return False


def pick(directory: Path, session_id: str | None = None) -> Path:
    """The session with this id (or unique prefix of one), else the newest; NotFound if there is none."""
    if session_id:
        return find(directory, session_id)
    path = latest(directory)
    if path is None:
        raise NotFound(f"{directory}: no sessions yet")
    return path


# ---------------------------------------------------------------------------------------------- one session


def summary_of(path: Path, events: list[Event]) -> Summary:
    """A session's summary from its log (the log is the truth; the TOML is derived from it)."""
    return summarize(events)
