"""The one error boundary: core code raises these; the CLI turns them into one line and an exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # something failed while running (I/O, a model, an internal error)
    BAD_INPUT = 2  # a bad argument, persona, script, config or session file
    NOT_FOUND = 3  # a session, persona or scenario that does not exist
    IN_USE = 4  # the session is open in another mlcoach process
    INTERRUPTED = 130  # Ctrl-C


class MlcoachError(Exception):
    """A user-facing error: its message is one line that says what is wrong and where."""

    exit_code = ExitCode.ERROR


class BadInput(MlcoachError):
    exit_code = ExitCode.BAD_INPUT


class NotFound(MlcoachError):
    exit_code = ExitCode.NOT_FOUND


class InUse(MlcoachError):
    exit_code = ExitCode.IN_USE


def where(path: object, key: str | None = None) -> str:
    """`file: key` prefix for messages about a file's contents."""
    return f"{path}: {key}" if key else str(path)


def regular_file(path) -> None:
    """A FIFO, a device or a folder given where a file is read would block or mislead: refused at once (exit 2).
    A missing path is left to the caller (its own "not found")."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise BadInput(f"{path}: not a regular file")
