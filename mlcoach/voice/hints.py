"""What to run to install a part of voice support that pip cannot bring (espeak-ng, PortAudio, an audio player), for
the platform mlcoach runs on: apt-get, dnf or pacman on Linux (whichever is there), Homebrew on macOS, winget or
the project's download page on Windows."""

from __future__ import annotations

import shutil
import sys

NEEDS = ("espeak-ng", "portaudio", "player")

# need -> package manager -> what it installs
LINUX = {
    "espeak-ng": {"apt-get": "espeak-ng", "dnf": "espeak-ng", "pacman": "espeak-ng"},
    "portaudio": {"apt-get": "portaudio19-dev", "dnf": "portaudio-devel", "pacman": "portaudio"},
    "player": {"apt-get": "ffmpeg", "dnf": "mpg123 alsa-utils", "pacman": "ffmpeg"},
}
MANAGERS = {"apt-get": "apt-get install", "dnf": "dnf install", "pacman": "pacman -S"}
MACOS = {
    "espeak-ng": "brew install espeak-ng",
    "portaudio": "brew install portaudio",
    "player": "brew install ffmpeg",  # afplay comes with macOS; ffplay is for a Mac without it
}
WINDOWS = {
    "espeak-ng": "its installer from https://github.com/espeak-ng/espeak-ng/releases, with its folder on PATH",
    "portaudio": "nothing: PyAudio's Windows wheels include PortAudio",
    "player": "winget install Gyan.FFmpeg (or choco install ffmpeg) for ffplay; WAV plays through Windows itself",
}


def install(need: str, platform: str | None = None) -> str:
    """The command (or, where there is none, the step) that installs `need` here."""
    if need not in NEEDS:
        raise ValueError(f"no install hint for {need!r}")
    platform = platform or sys.platform
    if platform == "win32":
        return WINDOWS[need]
    if platform == "darwin":
        return MACOS[need]
    manager = next((m for m in MANAGERS if shutil.which(m)), "apt-get")  # Debian's names where none is found
    return f"{MANAGERS[manager]} {LINUX[need][manager]}"


def pyaudio(platform: str | None = None) -> str:
    """What gives the microphone PyAudio: PortAudio where it must be installed first, then the package."""
    if (platform or sys.platform) == "win32":
        return "pip install pyaudio"
    return f"{install('portaudio', platform)} && pip install pyaudio"
