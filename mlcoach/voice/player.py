"""Playing audio with whatever is present: ffplay, mpg123, aplay, paplay, or the sounddevice package."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

# (program, arguments, formats it plays)
PLAYERS = (
    ("ffplay", ["-nodisp", "-autoexit", "-loglevel", "quiet"], ("wav", "mp3")),
    ("mpg123", ["-q"], ("mp3",)),
    ("aplay", ["-q"], ("wav",)),
    ("paplay", [], ("wav",)),
)


def available() -> list[str]:
    found = [name for name, _, _ in PLAYERS if shutil.which(name)]
    try:
        import sounddevice  # noqa: F401
        import soundfile  # noqa: F401

        found.append("sounddevice")
    except (ImportError, OSError):
        pass
    return found


def command(path: Path) -> list[str] | None:
    kind = path.suffix.lstrip(".").lower()
    for name, args, formats in PLAYERS:
        if kind in formats and shutil.which(name):
            return [shutil.which(name), *args, os.path.abspath(path)]  # a name starting "-" is never an option
    return None


def play(path: Path, timeout: float = 120.0) -> bool:
    """Play a file to the end. False when nothing here can play it."""
    cmd = command(path)
    if cmd is not None:
        try:
            subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=timeout, check=False)
            return True
        except (OSError, subprocess.TimeoutExpired):
            return False
    try:
        import sounddevice
        import soundfile

        data, rate = soundfile.read(str(path))
        sounddevice.play(data, rate)
        sounddevice.wait()
        return True
    except Exception:  # noqa: BLE001 - no audio device, an unreadable format: the caller goes on with text
        return False
