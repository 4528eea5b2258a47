"""One writer per session log: an exclusive, non-blocking lock on the open log that goes with the process, however
it ends. POSIX: flock on the whole file. Windows: msvcrt.locking on one byte far past the end of any log.

Windows byte-range locks are mandatory: a lock on the log's own bytes would stop every other handle from reading
them, this process's own included (a resume takes the lock, then reads the log), and `mlcoach review` in another
terminal. A byte no log reaches is locked instead: it excludes a second writer the same way and blocks no reader.
Each platform's module is imported only when a lock is taken there, so importing mlcoach never needs fcntl on
Windows, nor msvcrt elsewhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mlcoach.errors import InUse

# Below 2 GiB, for C runtimes whose lock offsets are 32-bit; a session log is a few megabytes at most.
WINDOWS_BYTE = 0x7FFF_FFF0


def take(fd: int, path: Path) -> None:
    """Lock the open log `fd` for this process, or raise InUse when another process holds it."""
    try:
        if sys.platform == "win32":
            _windows(fd)
        else:
            _posix(fd)
    except OSError:
        raise InUse(f"{path}: the session is open in another mlcoach process; finish or quit it there first") \
            from None


def release(fd: int) -> None:
    """Give the lock back before the descriptor is closed. POSIX: closing does it. Windows releases a closed
    handle's locks only eventually, so the byte is unlocked first."""
    if sys.platform != "win32":
        return
    import msvcrt

    try:
        os.lseek(fd, WINDOWS_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    except OSError:
        pass  # never held, or already gone: closing the handle releases it anyway


def _posix(fd: int) -> None:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _windows(fd: int) -> None:
    import msvcrt

    os.lseek(fd, WINDOWS_BYTE, os.SEEK_SET)  # msvcrt.locking locks from the current position; appends still go
    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # to the end. LK_NBLCK: one try, OSError when another process holds it
