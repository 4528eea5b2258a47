"""Playing audio with what the platform has: a player command first (afplay on macOS; ffplay, mpg123, paplay,
pw-play or aplay on Linux; ffplay on Windows), else from Python (WAV only): winsound on Windows (the standard
library), the sounddevice package elsewhere (PortAudio), fed by the standard library's wave reader."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

# (program, arguments, formats it plays)
FFPLAY = ("ffplay", ("-nodisp", "-autoexit", "-loglevel", "quiet"), ("wav", "mp3"))
MPG123 = ("mpg123", ("-q",), ("mp3",))
# Per platform, in order of preference. Linux: ffplay plays both formats; paplay and pw-play go through the
# desktop's sound server (PulseAudio or PipeWire), so before aplay, which opens the ALSA device itself.
PLAYERS = {
    "darwin": (("afplay", (), ("wav", "mp3", "aiff")), FFPLAY, MPG123),
    "win32": (FFPLAY,),
    "linux": (FFPLAY, MPG123, ("paplay", (), ("wav",)), ("pw-play", (), ("wav",)), ("aplay", ("-q",), ("wav",))),
}
# WAV sample width in bytes -> the sample type PortAudio is given (8-bit WAV is unsigned)
SAMPLE_TYPES = {1: "uint8", 2: "int16", 3: "int24", 4: "int32"}


def players(platform: str | None = None) -> tuple:
    """The player commands tried on a platform (another Unix gets Linux's)."""
    return PLAYERS.get(platform or sys.platform, PLAYERS["linux"])


def in_python(platform: str | None = None) -> str:
    """What plays WAV from Python here ("winsound", "sounddevice"), or "" when nothing can."""
    if (platform or sys.platform) == "win32":
        return "winsound"
    try:
        import sounddevice  # noqa: F401 - OSError when the PortAudio library is missing
    except (ImportError, OSError):
        return ""
    return "sounddevice"


def available(platform: str | None = None) -> list[str]:
    found = [name for name, _, _ in players(platform) if shutil.which(name)]
    return found + [name for name in [in_python(platform)] if name]


def command(path: Path, platform: str | None = None) -> list[str] | None:
    kind = path.suffix.lstrip(".").lower()
    for name, args, formats in players(platform):
        program = shutil.which(name)
        if kind in formats and program:
            return [program, *args, os.path.abspath(path)]  # a name starting "-" is never an option
    return None


def play(path: Path, timeout: float = 120.0) -> bool:
    """Play a file to the end. False when nothing here can play it."""
    cmd = command(path)
    if cmd is None:
        return from_python(path)
    try:
        subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=timeout, check=False)
        return True
    except (OSError, subprocess.TimeoutExpired):
        return False


def from_python(path: Path) -> bool:
    """Play a WAV file without a player command. False for another format, or when no audio can be played."""
    if path.suffix.lower() != ".wav":
        return False
    try:
        if sys.platform == "win32":
            import winsound

            winsound.PlaySound(os.path.abspath(path), winsound.SND_FILENAME)  # waits for the end
            return True
        return _through_portaudio(path)
    except Exception:  # noqa: BLE001 - no audio device, no PortAudio, an unreadable file: the caller goes on in text
        return False


def _through_portaudio(path: Path) -> bool:
    import sounddevice

    with wave.open(str(path)) as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        frames = w.readframes(w.getnframes())
    with sounddevice.RawOutputStream(samplerate=rate, channels=channels, dtype=SAMPLE_TYPES[width]) as stream:
        stream.write(frames)  # leaving the block waits until the last buffer has played
    return True
