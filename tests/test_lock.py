"""One writer per session log, on every platform: flock for real here (two opens, two processes), the Windows branch
(msvcrt.locking) through a stand-in msvcrt that keeps byte-range locks as Windows does, and importing mlcoach where
fcntl does not exist."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import types

import pytest

from mlcoach import lock
from mlcoach.errors import ExitCode, InUse
from mlcoach.sessions import SessionLog, open_flags, read_events

BUSY = "the session is open in another mlcoach process; finish or quit it there first"


@pytest.fixture
def log_path(tmp_path):
    path = tmp_path / "20261129T000000Z-0000.jsonl"
    SessionLog.create(path, {"type": "meta", "format": 1, "session_id": path.stem}).close()
    return path


def test_a_second_open_of_a_live_log_is_refused_until_the_first_closes(log_path):
    first = SessionLog(log_path)
    with pytest.raises(InUse) as raised:
        SessionLog(log_path)
    assert str(raised.value) == f"{log_path}: {BUSY}" and raised.value.exit_code == ExitCode.IN_USE
    first.append({"type": "note", "note": "x"})
    first.close()
    again = SessionLog(log_path)  # the lock went with the close
    again.append({"type": "note", "note": "y"})
    again.close()
    assert [e["note"] for e in read_events(log_path).events[1:]] == ["x", "y"]


def test_the_lock_is_held_by_a_process_and_goes_with_it_when_it_is_killed(log_path):
    code = ("import sys\nfrom pathlib import Path\nfrom mlcoach.sessions import SessionLog\n"
            "log = SessionLog(Path(sys.argv[1]))\nprint('held', flush=True)\nsys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(log_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(InUse, match="open in another mlcoach process"):
            SessionLog(log_path)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    SessionLog(log_path).close()  # a killed holder leaves no lock behind


def test_a_line_cut_off_by_a_crash_stays_alone_on_its_line(log_path):
    with open(log_path, "ab") as f:
        f.write(b'{"type":"note","no')  # a crash mid-write
    log = SessionLog(log_path)
    log.append({"type": "note", "note": "after"})
    log.close()
    loaded = read_events(log_path)
    assert [e.get("note") for e in loaded.events[1:]] == ["after"]
    assert len(loaded.warnings) == 1 and "line 2" in loaded.warnings[0]


class FakeMsvcrt(types.ModuleType):
    """msvcrt.locking as Windows does it: `nbytes` from the descriptor's current position, refused (OSError, as
    LK_NBLCK does) while another handle holds any of those bytes; every call recorded."""

    LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.calls: list[tuple[int, int, int]] = []
        self.held: dict[tuple[int, int], int] = {}  # (file, offset) -> the descriptor holding it

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        where = (os.fstat(fd).st_ino, os.lseek(fd, 0, os.SEEK_CUR))
        self.calls.append((mode, where[1], nbytes))
        holder = self.held.get(where)
        if mode == self.LK_NBLCK:
            if holder is not None and holder != fd:
                raise OSError(errno.EACCES, "Permission denied")
            self.held[where] = fd
        elif mode == self.LK_UNLCK:
            if holder != fd:
                raise OSError(errno.EACCES, "Permission denied")
            del self.held[where]


@pytest.fixture
def windows(monkeypatch):
    """sys.platform says Windows, msvcrt is the stand-in, and fcntl cannot be imported at all."""
    fake = FakeMsvcrt()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError from here on
    return fake


def test_on_windows_the_log_is_locked_with_msvcrt_on_a_byte_past_its_end(log_path, windows):
    first = SessionLog(log_path)
    assert windows.calls == [(windows.LK_NBLCK, lock.WINDOWS_BYTE, 1)]
    assert lock.WINDOWS_BYTE > log_path.stat().st_size  # a mandatory lock there blocks no reader of the log
    with pytest.raises(InUse) as raised:
        SessionLog(log_path)
    assert str(raised.value) == f"{log_path}: {BUSY}"
    first.append({"type": "note", "note": "still the writer"})  # appends go to the end, wherever the lock is
    assert read_events(log_path).events[-1]["note"] == "still the writer"
    first.close()
    assert windows.calls[-1] == (windows.LK_UNLCK, lock.WINDOWS_BYTE, 1)  # given back before the handle closes
    SessionLog(log_path).close()
    assert not windows.held


def test_on_windows_a_release_of_a_lock_never_held_is_quiet(tmp_path, windows):
    path = tmp_path / "x"
    path.write_bytes(b"")
    fd = os.open(path, os.O_RDWR)
    try:
        lock.release(fd)  # nothing held: no error
    finally:
        os.close(fd)
    assert windows.calls == [(windows.LK_UNLCK, lock.WINDOWS_BYTE, 1)]


def test_on_windows_a_log_is_opened_binary_without_o_nofollow(monkeypatch):
    monkeypatch.delattr(os, "O_NOFOLLOW", raising=False)  # Windows has none: it must not be asked for
    monkeypatch.setattr(os, "O_BINARY", 0x8000, raising=False)
    monkeypatch.setattr(os, "O_NOINHERIT", 0x80, raising=False)
    flags = open_flags("win32")
    assert flags & os.O_APPEND and flags & os.O_RDWR and flags & 0x8000 and flags & 0x80


def test_posix_logs_are_opened_without_following_links():
    assert open_flags("linux") & os.O_NOFOLLOW


def test_mlcoach_runs_where_fcntl_does_not_exist(tmp_path):
    """Importing every command and running one needs no fcntl (Windows has none); the lock asks for it only when
    it is taken, on a platform that has it."""
    code = ("import sys\nsys.modules['fcntl'] = None\nsys.modules['msvcrt'] = None\n"
            "import mlcoach.cli, mlcoach.engine, mlcoach.sessions, mlcoach.lock, mlcoach.rescore\n"
            "from mlcoach.cli import main\nsys.argv = ['mlcoach', 'review', 'list', '--json', '--sessions-dir', "
            "sys.argv[1]]\nmain()\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
