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
from pathlib import Path

from mlcoach.errors import MlcoachError
from mlcoach.sessions import FORMAT, atomic_write, read_events, read_summary
from mlcoach.summary import summarize

ROW_KEYS = ("session_id", "started", "ended", "candidate", "persona", "scenario", "interviewer", "judge", "mode",
            "status", "overall", "band", "answers", "duration_seconds")
INDEX = ".index.json"
INDEX_FORMAT = 2


def _row(summary: dict) -> dict:
    row = {k: summary.get(k) for k in ROW_KEYS}
    row["overall"] = summary.get("overall")
    row["scores"] = dict(summary.get("scores") or {})
    return row


def _quick(text: str) -> dict | None:
    """The summary's head, parsed line by line (much faster than the whole TOML); None if anything is unusual."""
    out: dict = {}
    table: dict | None = out
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            if line.strip() == "[scores]":
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


def read_row(log: Path) -> tuple[dict | None, list[str]]:
    """One session's row: from its summary head, else its whole summary, else its log."""
    warnings: list[str] = []
    toml = log.with_suffix(".toml")
    summary = None
    if toml.exists():
        try:
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
    if summary is None:
        try:
            loaded = read_events(log)
        except MlcoachError as exc:
            warnings.append(str(exc))
            return None, warnings
        warnings += loaded.warnings[:1]  # one line per damaged file is enough in a listing
        summary = summarize(loaded.events)
    return _row(summary), warnings


def list_sessions(directory: Path) -> tuple[list[dict], list[str]]:
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
            rows.append(cached["row"])
            continue
        row, problems = read_row(directory / f"{sid}.jsonl")
        warnings += problems
        if row is None:
            continue
        if not problems:  # a damaged session is read again next time, and warned about again
            fresh[sid] = {"sig": sig, "row": row}
        rows.append(row)
    if fresh != cache:
        _save_index(index_path, fresh)
    return rows, warnings


def _looks_like_id(stem: str) -> bool:
    return len(stem) >= 16 and stem[8:9] == "T" and stem[15:16] == "Z" and stem[:8].isdigit()


def _load_index(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") == INDEX_FORMAT and isinstance(data.get("sessions"), dict):
            return data["sessions"]
    except (OSError, ValueError, AttributeError):
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
        if row["status"] == "incomplete":
            return directory / f"{row['session_id']}.jsonl"
    return None


def latest(directory: Path) -> Path | None:
    rows, _ = list_sessions(directory)
    return directory / f"{rows[0]['session_id']}.jsonl" if rows else None
