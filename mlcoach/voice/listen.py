"""The microphone, through SpeechRecognition: calibrated for ambient noise once, then either a silence window
(`pause_seconds` of quiet ends the answer, so a thinking pause does not cut it off) or push-to-talk (Enter stops
the recording). The source is injectable: tests feed a WAV file through the same code."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from mlcoach.voice import MissingPart, hints, need

MAX_ANSWER_SECONDS = 300.0


def microphone():
    """A SpeechRecognition Microphone, or MissingPart naming what to install."""
    sr = need("speech_recognition", "the microphone")
    try:
        import pyaudio  # noqa: F401
    except ImportError:
        raise MissingPart(f"the microphone needs PyAudio: {hints.pyaudio()}") from None
    try:
        return sr.Microphone()
    except (OSError, AttributeError) as exc:
        raise MissingPart(f"no microphone found ({exc}); answer by typing, or check `mlcoach voice check`") from None


@dataclass
class Listener:
    source_factory: Callable = microphone
    pause_seconds: float = 2.0
    push_to_talk: bool = False
    calibrate_seconds: float = 0.5
    _calibrated: bool = field(default=False, repr=False)
    _recognizer: object = field(default=None, repr=False)

    def recognizer(self):
        if self._recognizer is None:
            sr = need("speech_recognition", "voice answers")
            r = sr.Recognizer()
            r.pause_threshold = self.pause_seconds
            r.non_speaking_duration = min(0.5, self.pause_seconds)
            r.dynamic_energy_threshold = True
            self._recognizer = r
        return self._recognizer

    def record(self, wait_for_enter: Callable[[], object] | None = None):
        """One answer as AudioData. In push-to-talk mode `wait_for_enter` blocks until the candidate presses
        Enter; recording runs until then."""
        r = self.recognizer()
        with self.source_factory() as source:
            if not self._calibrated:
                r.adjust_for_ambient_noise(source, duration=self.calibrate_seconds)
                self._calibrated = True
            if self.push_to_talk and wait_for_enter is not None:
                return _until_enter(source, wait_for_enter)
            return r.listen(source, timeout=None, phrase_time_limit=MAX_ANSWER_SECONDS)


def _until_enter(source, wait_for_enter: Callable[[], object]):
    sr = need("speech_recognition", "voice answers")
    frames: list[bytes] = []
    stop = threading.Event()

    def capture() -> None:
        limit = int(MAX_ANSWER_SECONDS * source.SAMPLE_RATE / source.CHUNK)
        while not stop.is_set() and len(frames) < limit:
            chunk = source.stream.read(source.CHUNK)
            if not chunk:
                break
            frames.append(chunk)

    worker = threading.Thread(target=capture, daemon=True)
    worker.start()
    try:
        wait_for_enter()
    finally:
        stop.set()
        worker.join(timeout=2)
    return sr.AudioData(b"".join(frames), source.SAMPLE_RATE, source.SAMPLE_WIDTH)
