"""Session files: the JSONL event log (the source of truth) and the TOML summary derived from it."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import tomli_w

from mlcoach.errors import BadInput, MlcoachError, NotFound

FORMAT = 1
QUESTION_KINDS = ("greeting", "question", "probe", "closing")  # interviewer events that ask something
EVENT_TYPES = ("meta", "phase", "interviewer", "candidate", "note", "end", "score")


def new_id(now: datetime) -> str:
    """UTC start time, then 4 hex digits: the first two count 1/256 s within the second (so ids sort by start even
    within one second), the last two are random."""
    fraction = min(255, now.microsecond * 256 // 1_000_000)
    return now.strftime("%Y%m%dT%H%M%SZ") + f"-{fraction:02x}" + secrets.token_hex(1)


def ensure_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    except OSError as exc:
        raise MlcoachError(f"{path}: cannot create the sessions directory ({exc.strerror})") from None
    return path


class SessionLog:
    """Appends one JSON event per line and makes it durable (flush + fsync) before returning."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise MlcoachError(f"{path}: cannot open the session log ({exc.strerror})") from None
        self._file = os.fdopen(fd, "a", encoding="utf-8")
        self._needs_newline = self._ends_without_newline()

    @classmethod
    def create(cls, path: Path, first: dict) -> SessionLog:
        """A new log that holds its first event from the moment it exists: the line goes to a temporary file,
        is made durable, then linked into place. A crash can never leave an empty log, and an existing log with
        the same name is never overwritten."""
        line = json.dumps(first, ensure_ascii=False, separators=(",", ":")) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(line.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.link(tmp, path)
        except FileExistsError:
            raise MlcoachError(f"{path}: a session log with this id already exists") from None
        except OSError as exc:
            raise MlcoachError(f"{path}: cannot create the session log ({exc.strerror})") from None
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return cls(path)

    def _ends_without_newline(self) -> bool:
        try:
            with open(self.path, "rb") as f:
                f.seek(0, os.SEEK_END)
                if f.tell() == 0:
                    return False
                f.seek(-1, os.SEEK_END)
                return f.read(1) != b"\n"
        except OSError:
            return False

    def sync(self) -> None:
        if not self._file.closed:
            os.fsync(self._file.fileno())

    def append(self, event: dict, sync: bool = True) -> None:
        """Write and flush (a killed process loses nothing); fsync too unless the caller syncs at turn end."""
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        if self._needs_newline:  # a line cut off by a crash stays alone on its line
            line = "\n" + line
            self._needs_newline = False
        self._file.write(line + "\n")
        self._file.flush()
        if sync:
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


@dataclass(frozen=True)
class Loaded:
    events: list[dict]
    warnings: list[str]


def read_events(path: Path) -> Loaded:
    """Every event that parses; a damaged line is skipped with a warning. A wrong format is an error."""
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise NotFound(f"{path}: no such session log") from None
    except OSError as exc:
        raise MlcoachError(f"{path}: cannot read ({exc.strerror})") from None
    events, warnings = [], []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            ev = json.loads(line)
            if not isinstance(ev, dict) or ev.get("type") not in EVENT_TYPES:
                raise ValueError
        except ValueError:
            warnings.append(f"{path}: line {number}: not a session event (skipped)")
            continue
        events.append(ev)
    if not events or events[0].get("type") != "meta":
        raise BadInput(f"{path}: line 1: expected the meta record of a session log")
    fmt = events[0].get("format")
    if fmt != FORMAT:
        raise BadInput(f"{path}: format: version {fmt!r} is not supported (this mlcoach reads format {FORMAT})")
    return Loaded(events, warnings)


def write_summary(path: Path, summary: dict) -> None:
    atomic_write(path, tomli_w.dumps(_no_none(summary)).encode("utf-8"))


def atomic_write(path: Path, data: bytes) -> None:
    """A whole file at once, readable only by its owner: a temporary file in the same directory, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_summary(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"{path}: no such summary") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from None
    fmt = data.get("format")
    if fmt != FORMAT:
        raise BadInput(f"{path}: format: version {fmt!r} is not supported (this mlcoach reads format {FORMAT})")
    return data


def _no_none(value):
    if isinstance(value, dict):
        return {k: _no_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_no_none(v) for v in value if v is not None]
    return value


def session_files(directory: Path) -> list[Path]:
    """The session logs in a directory, newest first (ids sort by time). Other files are ignored."""
    if not directory.is_dir():
        return []
    logs = [p for p in directory.glob("*.jsonl") if _looks_like_id(p.stem)]
    return sorted(logs, key=lambda p: p.stem, reverse=True)


def _looks_like_id(stem: str) -> bool:
    return len(stem) >= 16 and stem[8] == "T" and stem[15] == "Z" and stem[:8].isdigit()


def find(directory: Path, ref: str) -> Path:
    """A session log by id or unique id prefix."""
    matches = [p for p in session_files(directory) if p.stem == ref] or \
              [p for p in session_files(directory) if p.stem.startswith(ref)]
    if not matches:
        raise NotFound(f"{directory}: no session matches {ref!r}")
    if len(matches) > 1:
        shown = ", ".join(p.stem for p in matches[:5])
        raise BadInput(f"{directory}: {ref!r} matches {len(matches)} sessions ({shown}); give more of the id")
    return matches[0]
