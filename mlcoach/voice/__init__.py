"""Voice sessions: speech-to-text, text-to-speech, audio players, the microphone, delivery metrics.

Everything here imports its optional packages (SpeechRecognition, faster-whisper, gTTS, PyAudio, ...) lazily and
turns a missing one into MissingPart: one line naming what to install, exit code 2."""

from __future__ import annotations

from mlcoach.errors import BadInput

VOICE_EXTRA = "pip install 'mlcoach[voice]'"


class MissingPart(BadInput):
    """An optional part of voice support is not installed; the message says what to install."""


def need(module: str, what: str, install: str = VOICE_EXTRA):
    """Import an optional module or raise MissingPart naming the install command."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingPart(f"{what} needs the Python package {module.split('.')[0]}: {install}") from None
