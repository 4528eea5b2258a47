"""Text to speech. Engines: gtts (online, always with a timeout; MP3), offline (espeak-ng, else pyttsx3; WAV),
none. A gTTS failure in a session switches to offline speech for the rest of it, with a note."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from mlcoach.errors import BadInput, MlcoachError
from mlcoach.voice import MissingPart, hints, need, player

ENGINES = ("gtts", "offline", "none")
GTTS_TIMEOUT = 8.0
ESPEAK = ("espeak-ng", "espeak")


class SpeechFailed(MlcoachError):
    pass


def espeak() -> str | None:
    for name in ESPEAK:
        path = shutil.which(name)
        if path:
            return path
    return None


def synthesize(text: str, path: Path, engine: str, timeout: float = GTTS_TIMEOUT) -> Path:
    """Write `text` as speech to `path` (MP3 for gtts, WAV for offline)."""
    if engine == "gtts":
        gtts = need("gtts", "gTTS speech")
        try:
            gtts.gTTS(text=text, lang="en", timeout=timeout).save(str(path))
        except Exception as exc:  # noqa: BLE001 - no network, a refusal, a timeout: all one failure to the caller
            raise SpeechFailed(f"gTTS failed ({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''})"
                               ) from None
        return path
    if engine == "offline":
        program = espeak()
        if program:
            try:
                # The text goes in on stdin, never as an argument: "-f/etc/passwd" is read aloud as written.
                done = subprocess.run([program, "-s", "165", "-w", os.path.abspath(path), "--stdin"],
                                      input=text.encode("utf-8"), capture_output=True, timeout=60)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise SpeechFailed(f"espeak-ng failed ({type(exc).__name__})") from None
            if done.returncode != 0 or not path.exists():
                raise SpeechFailed(f"espeak-ng failed: {done.stderr.decode(errors='replace').strip()[:120]}")
            return path
        return _pyttsx3(text, path)
    raise BadInput(f"--tts: unknown engine {engine!r} (one of: {', '.join(ENGINES)})")


def _pyttsx3(text: str, path: Path) -> Path:
    """Offline speech without espeak-ng: pyttsx3 with the platform's own voices (SAPI5 on Windows, NSSpeech on
    macOS, libespeak on Linux). A driver that cannot start is one line, never a traceback."""
    try:
        import pyttsx3
    except ImportError:
        raise MissingPart(f"offline speech needs espeak-ng ({hints.install('espeak-ng')}) or pyttsx3 "
                          "(pip install pyttsx3)") from None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its espeak driver prints "Audio saved to ..."
            engine = pyttsx3.init()
            engine.save_to_file(text, str(path))
            engine.runAndWait()
    except Exception as exc:  # noqa: BLE001 - pyttsx3 raises whatever its driver raises
        said = str(exc).splitlines()[0][:120] if str(exc) else ""
        raise SpeechFailed(f"pyttsx3 failed ({type(exc).__name__}{': ' + said if said else ''})") from None
    if not path.is_file() or path.stat().st_size == 0:
        raise SpeechFailed("pyttsx3 failed (it wrote no audio)")
    return path


def suffix(engine: str) -> str:
    return ".mp3" if engine == "gtts" else ".wav"


@dataclass
class Speaker:
    """Speaks the interviewer's turns in a session. Never raises: problems become notes (and one warning)."""

    engine: str = "offline"
    play: object = player.play
    notes: list[dict] = field(default_factory=list)
    warned_no_player: bool = False
    first_audio_seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise BadInput(f"--tts: unknown engine {self.engine!r} (one of: {', '.join(ENGINES)})")

    def say(self, text: str) -> None:
        if self.engine == "none" or not text.strip():
            return
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / f"turn{suffix(self.engine)}"
            started = time.perf_counter()
            try:
                synthesize(text, path, self.engine)
            except SpeechFailed as exc:
                if self.engine != "gtts":
                    self._note("tts_failed", str(exc), warn=True)
                    self.engine = "none"
                    return
                self._note("tts_fallback", f"{exc}; speaking offline from now on", warn=True)
                self.engine = "offline"
                path = path.with_suffix(".wav")
                try:
                    synthesize(text, path, "offline")
                except (SpeechFailed, MissingPart) as again:
                    self._note("tts_failed", f"offline speech failed too ({again}); text only", warn=True)
                    self.engine = "none"
                    return
            except MissingPart as exc:
                self._note("tts_failed", f"{exc}; text only", warn=True)
                self.engine = "none"
                return
            self.first_audio_seconds = self.first_audio_seconds or time.perf_counter() - started
            if not self.play(path) and not self.warned_no_player:
                self.warned_no_player = True
                self._note("no_player", f"no audio player found ({hints.install('player')}); going on with "
                           "text only", warn=True)
                self.engine = "none"

    def drain_notes(self) -> list[dict]:
        notes, self.notes = self.notes, []
        return notes

    def _note(self, note: str, text: str, warn: bool = False) -> None:
        entry = {"note": note, "text": text}
        if warn:
            entry["warn"] = True
        self.notes.append(entry)
