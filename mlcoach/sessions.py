"""Session files: the JSONL event log (the source of truth) and the TOML summary derived from it."""

from __future__ import annotations

import codecs
import json
import os
import secrets
import sys
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import tomli_w

from mlcoach import lock
from mlcoach.errors import BadInput, MlcoachError, NotFound
from mlcoach.limits import json_loads, toml_loads
from mlcoach.records import Event, event

FORMAT = 1
ID_TRIES = 64
WARNINGS_SHOWN = 3  # damaged lines named one by one per file; the rest are counted


class IdTaken(MlcoachError):
    """A session log with this id exists already."""


class WriteFailed(MlcoachError, OSError):
    """A file could not be written (a full disk, a folder in its place): one line naming it and why."""
EVENT_TYPES = ("meta", "phase", "interviewer", "candidate", "note", "end", "score")


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("mlcoach-latin1", _latin1_fallback)


def clean_text(text: str) -> str:
    """Text that can be written as UTF-8. A terminal in a non-UTF-8 locale hands Python undecodable bytes as lone
    surrogates; they are read back as Latin-1/cp1252 (what such a terminal most likely sent: "Jérôme"), so no
    answer is ever refused or lost for its encoding."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", errors="surrogateescape") if _only_escapes(text) else \
            text.encode("utf-8", errors="replace")
        return raw.decode("utf-8", errors="mlcoach-latin1")


def _only_escapes(text: str) -> bool:
    return all(not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in text)


def new_id(now: datetime, random_bytes: int = 1) -> str:
    """UTC start time, then 4 hex digits: the first two count 1/256 s within the second (so ids sort by start even
    within one second), the last two are random (more of them when the short ones are taken)."""
    fraction = min(255, now.microsecond * 256 // 1_000_000)
    return now.strftime("%Y%m%dT%H%M%SZ") + f"-{fraction:02x}" + secrets.token_hex(random_bytes)


def ensure_dir(path: Path) -> Path:
    """The sessions folder, made if missing. The folders made here are private (0700); a folder that exists
    (a shared one, a sticky /tmp-like one) keeps its mode: it is not ours to change."""
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    try:
        for folder in reversed(missing):
            try:
                folder.mkdir(mode=0o700)
            except FileExistsError:  # made meanwhile by another process: not ours
                continue
            os.chmod(folder, 0o700)  # the umask may have taken more than it should leave
        if not path.is_dir():
            raise NotADirectoryError(20, "Not a directory")
    except OSError as exc:
        raise MlcoachError(f"{path}: cannot create the sessions directory ({exc.strerror})") from None
    return path


def checked(path: Path) -> None:
    """A session file is read only when it is a regular file inside its folder: a FIFO would block, a device or
    a link out of the folder would show (or be appended to) a file that is not a session's."""
    import stat

    st = os.lstat(path)  # FileNotFoundError is the caller's "no such session"
    if stat.S_ISLNK(st.st_mode):
        try:
            target = path.resolve(strict=True)
            st = os.stat(path)
        except (RuntimeError, OSError):  # a loop, or a link to nothing
            raise MlcoachError(f"{path}: a link that loops or leads nowhere; not read") from None
        if not target.is_relative_to(path.parent.resolve()):
            raise MlcoachError(f"{path}: a link to {target}, outside the sessions folder; not read")
    if not stat.S_ISREG(st.st_mode):
        raise MlcoachError(f"{path}: not a regular file")


def open_flags(platform: str = sys.platform) -> int:
    """How a log is opened for appending: read too (to see whether it ends in half a line), never through a link
    (POSIX), in binary mode and not inherited by child processes (Windows, which has no O_NOFOLLOW)."""
    if platform == "win32":
        return os.O_RDWR | os.O_APPEND | os.O_BINARY | os.O_NOINHERIT
    return os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW


class SessionLog:
    """Appends one JSON event per line and makes it durable (written whole, then fsync) before returning. A line
    that cannot be written whole (a full disk) is taken back, so the log never ends in half an event."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:  # never through a link: a log linked to a file elsewhere is not appended to
            if sys.platform == "win32" and os.path.islink(path):  # Windows has no O_NOFOLLOW
                raise OSError(0, "a link")
            fd = os.open(path, open_flags())
        except OSError as exc:
            why = "a link, not a session log" if os.path.islink(path) else exc.strerror
            raise MlcoachError(f"{path}: cannot open the session log ({why})") from None
        try:  # one writer at a time: the lock goes with the process, however it ends
            lock.take(fd, path)
        except BaseException:
            os.close(fd)
            raise
        self._fd: int | None = fd
        self._needs_newline = self._ends_without_newline()

    @classmethod
    def create_new(cls, directory: Path, first: Callable[[str], dict], started: datetime) -> tuple[SessionLog, dict]:
        """A log under a new id (and its first event, which names the id). Sessions started at the same moment
        (a concurrent batch) never share an id: a taken one is drawn again."""
        for attempt in range(ID_TRIES):
            sid = new_id(started, 1 if attempt < 8 else 4)  # 256 sessions in one 1/256 s: longer ids
            event = first(sid)
            try:
                return cls.create(directory / f"{sid}.jsonl", event), event
            except IdTaken:
                continue
        raise MlcoachError(f"{directory}: no free session id after {ID_TRIES} tries")

    @classmethod
    def create(cls, path: Path, first: dict) -> SessionLog:
        """A new log that holds its first event from the moment it exists: the line goes to a temporary file,
        is made durable, then linked into place. A crash can never leave an empty log, and an existing log with
        the same name is never overwritten."""
        line = clean_text(json.dumps(first, ensure_ascii=False, separators=(",", ":"))) + "\n"
        try:
            _via_temporary(path, line.encode("utf-8"), os.link)  # link, unlike rename, never replaces a file
        except FileExistsError:
            raise IdTaken(f"{path}: a session log with this id already exists") from None
        except OSError as exc:
            raise MlcoachError(f"{path}: cannot create the session log ({exc.strerror})") from None
        return cls(path)

    def _ends_without_newline(self) -> bool:
        try:  # the read moves the position, never where an append goes (O_APPEND writes at the end)
            size = os.fstat(self._fd).st_size
            return size > 0 and os.lseek(self._fd, size - 1, os.SEEK_SET) >= 0 and os.read(self._fd, 1) != b"\n"
        except OSError:
            return False

    def sync(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)

    def append(self, event: dict, sync: bool = True) -> None:
        """Write the whole line (a killed process loses nothing); fsync too unless the caller syncs at turn end."""
        if self._fd is None:
            raise MlcoachError(f"{self.path}: the session log is closed")
        line = clean_text(json.dumps(event, ensure_ascii=False, separators=(",", ":")))
        if self._needs_newline:  # a line cut off by a crash stays alone on its line
            line = "\n" + line
        data = (line + "\n").encode("utf-8")
        size = os.fstat(self._fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            if sync:
                os.fsync(self._fd)
        except OSError as exc:
            try:
                os.ftruncate(self._fd, size)  # no half line: the events before it stay whole
            except OSError:
                pass
            raise MlcoachError(f"{self.path}: cannot write the session log ({exc.strerror})") from None
        self._needs_newline = False

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            lock.release(fd)
            os.close(fd)


@dataclass(frozen=True)
class Loaded:
    events: list[dict]  # the lines as written
    warnings: list[str]
    records: list[Event]  # the same events as typed records: what readers use


def records_of(events: list[dict]) -> list[Event]:
    return [event(e) for e in events]


def read_events(path: Path) -> Loaded:
    """Every event that parses; a damaged line is skipped with a warning. A wrong format is an error."""
    try:
        checked(path)
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
            ev = json_loads(line)
            if not isinstance(ev, dict) or ev.get("type") not in EVENT_TYPES:
                raise ValueError
        except ValueError:
            warnings.append(f"{path}: line {number}: not a session event (skipped)")
            continue
        key, problem = event_problem(ev)
        while problem and ev["type"] == "meta" and not events and key not in ("", "session_id", "type"):
            warnings.append(f"{path}: line {number}: {problem} (ignored)")  # readable without the damaged detail
            del ev[key]
            key, problem = event_problem(ev)
        if problem:
            if ev["type"] == "meta" and not events:
                raise BadInput(f"{path}: line {number}: {problem}")
            warnings.append(f"{path}: line {number}: {problem} (skipped)")
            continue
        events.append(ev)
    if not events or events[0].get("type") != "meta":
        raise BadInput(f"{path}: line 1: expected the meta record of a session log")
    fmt = events[0].get("format")
    if fmt != FORMAT:
        raise BadInput(f"{path}: format: version {fmt!r} is not supported (this mlcoach reads format {FORMAT})")
    return Loaded(events, _few(warnings, path), records_of(events))


def _few(warnings: list[str], path: Path) -> list[str]:
    """A file of 20,000 damaged lines is a few lines of warning, not 20,000."""
    if len(warnings) <= WARNINGS_SHOWN:
        return warnings
    return warnings[:WARNINGS_SHOWN] + [f"{path}: {len(warnings) - WARNINGS_SHOWN:,} more damaged lines (skipped)"]


# The keys each event must carry, and the types of the keys it may carry: a hand-edited or damaged line is skipped
# with a warning naming it, never allowed to crash a review, an export, a rescore or a resume later.
_NUMBER = (int, float)
_REQUIRED = {"meta": ("session_id",), "phase": ("phase",), "interviewer": ("text",), "candidate": ("text",)}
_TYPES = {
    "t": _NUMBER, "at": str, "session_id": str, "candidate": str, "scenario": str, "persona": str,
    "persona_ref": str, "interviewer": str, "judge": str, "mode": str, "level": str, "seed": int,
    "duration_minutes": _NUMBER, "plan": dict, "focus": list, "phase": str, "title": str, "branch": str, "why": str,
    "text": str, "kind": str, "move": str, "input": str, "answer_seconds": _NUMBER, "note": str, "status": str,
    "how": str, "usage": dict, "overall": _NUMBER, "band": str, "criteria": dict, "red_flags": dict,
    "practice": list, "weakest": dict, "summary": str, "labels": dict, "advice": dict, "concept_labels": dict,
    "corrections": list, "formula": int, "interviewer_name": str, "reading": str,
}


def event_problem(ev: dict) -> tuple[str, str]:
    """(the top-level key at fault, what is wrong) with one event's shape, or ("", "") when it can be used."""
    kind = ev["type"]
    for key in _REQUIRED.get(kind, ()):
        if ev.get(key) is None:
            return key, f"{kind}: missing {key!r}"
    for key, value in ev.items():
        if problem := _value_problem(kind, key, value):
            return key, problem
    if kind == "meta" and "plan" in ev:
        for pid, pair in ev["plan"].items():
            if not (isinstance(pair, list) and len(pair) == 2 and all(finite(x) for x in pair)):
                return "plan", f"meta: 'plan.{pid}': expected [low, high] seconds"
    if kind == "note" and "usage" in ev and not all(finite(v) or v is None for v in ev["usage"].values()):
        return "usage", "note: 'usage': expected numbers"
    if kind == "score":
        return _score_problem(ev)
    return "", ""


def _value_problem(kind: str, key: str, value) -> str:
    want = _TYPES.get(key)
    if want is None or value is None or kind == "meta" and key == "candidate" and value == "":
        return ""
    if want is _NUMBER:
        shown = repr(value) if len(repr(value)) <= 24 else repr(value)[:20] + "..."
        return "" if finite(value) else f"{kind}: {key!r}: expected a finite number, got {shown}"
    if isinstance(value, bool) or not isinstance(value, want):
        return f"{kind}: {key!r}: expected {_type_name(want)}, got {type(value).__name__}"
    return ""


MAX_NUMBER = 2 ** 53  # no number in a session is near this; a hand-edited 10**400 is not a number we read


def finite(x) -> bool:
    """A number a session can hold: not a bool, not NaN or infinite, and not past MAX_NUMBER (Python's ints are
    unbounded; a 400-digit one overflows every float it meets)."""
    return isinstance(x, _NUMBER) and not isinstance(x, bool) and x == x and abs(x) <= MAX_NUMBER


def _type_name(want) -> str:
    return "a number" if want is _NUMBER else {str: "a string", int: "an integer", dict: "a table",
                                                 list: "a list"}.get(want, str(want))


def _evidence_problem(items) -> str:
    if not isinstance(items, list) or not all(isinstance(item, dict) and isinstance(item.get("quote", ""), str)
                                              and finite(item.get("turn", 0)) for item in items):
        return "expected a list of evidence tables with a turn and a quote"
    return ""


def _score_problem(ev: dict) -> tuple[str, str]:
    for cid, c in (ev.get("criteria") or {}).items():
        if not isinstance(c, dict) or not finite(c.get("score", 0)):
            return "criteria", f"score: 'criteria.{cid}': expected a table with a numeric score"
        if problem := _evidence_problem(c.get("evidence", [])):
            return "criteria", f"score: 'criteria.{cid}.evidence': {problem}"
    for fid, evidence in (ev.get("red_flags") or {}).items():
        if problem := _evidence_problem(evidence):
            return "red_flags", f"score: 'red_flags.{fid}': {problem}"
    for key in ("practice", "corrections"):
        if not all(isinstance(x, dict) for x in ev.get(key) or []):
            return key, f"score: {key!r}: expected a list of tables"
    return "", ""


def write_summary(path: Path, summary: dict) -> None:
    atomic_write(path, tomli_w.dumps(_no_none(summary)).encode("utf-8"))


def atomic_write(path: Path, data: bytes) -> None:
    """A whole file at once, readable only by its owner: a temporary file in the same directory, then a rename."""
    _via_temporary(path, data, os.replace)


def _via_temporary(path: Path, data: bytes, place) -> None:
    """Write `data` durably (fsync) to a temporary file beside `path`, readable only by its owner, then put it in
    place with `place(tmp, path)`. The temporary file never outlives the call."""
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        if place is os.replace and path.is_dir():
            raise IsADirectoryError(21, "is a directory, not a file")
        place(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        try:
            os.unlink(tmp)  # after a rename there is nothing left to remove; after a link, the extra name goes
        except OSError:
            pass


def read_summary(path: Path) -> dict:
    try:
        checked(path)
        data = toml_loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"{path}: no such summary") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise MlcoachError(f"{path}: cannot read ({exc.strerror})") from None
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
