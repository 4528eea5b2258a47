"""The voice front end: wraps the text one (terminal or plain lines). The interviewer's turns are spoken; an empty
line records an answer, which is shown before it is sent (Enter sends, e edits, r records again); typing an answer
works at every prompt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mlcoach.engine import Notice, Said
from mlcoach.errors import MlcoachError
from mlcoach.seams import FrontEnd


@dataclass(frozen=True)
class VoiceAnswer:
    text: str
    extra: dict  # the delivery metrics for the candidate event


class VoiceIO:
    """A `FrontEnd` (seams.py) around a text one: speaks what the interviewer says, listens for answers; everything
    else is the text front end's."""

    def __init__(self, base: FrontEnd, speaker, listener, transcriber) -> None:
        self.base = base
        self.speaker = speaker
        self.listener = listener
        self.transcriber = transcriber
        self.on_note: Callable[[str, str], None] | None = None  # the session's note(): speech problems are logged

    @property
    def interactive(self) -> bool:
        return self.base.interactive

    @property
    def status(self) -> Callable[[], tuple[str, str]]:
        return self.base.status

    @status.setter
    def status(self, value: Callable[[], tuple[str, str]]) -> None:
        self.base.status = value  # the text front end draws the toolbar

    def read_raw(self) -> str:
        return self.base.read_raw()

    def ask(self, prompt: str, default: str = "") -> str:
        return self.base.ask(prompt, default)

    def info(self, text: str) -> None:
        self.base.info(text)

    def line(self, prompt: str) -> str | None:
        return self.base.line(prompt)

    def edit(self, text: str) -> str:
        return self.base.edit(text)

    def render(self, renderable) -> None:
        self.base.render(renderable)

    def show(self, outputs) -> None:
        for out in outputs:
            self.base.show([out])
            if isinstance(out, Said):
                self.speaker.say(out.text)
                for note in self.speaker.drain_notes():
                    if self.on_note is not None:
                        self.on_note(note["note"], note["text"])
                    if note.get("warn"):
                        self.base.show([Notice(note["text"])])

    def read(self):
        if self.listener is None:  # questions spoken, answers typed
            return self.base.read()
        while True:
            typed = self.base.line("🎤 Enter to speak, or type › ")
            if typed is None or typed.strip():
                return typed.strip() if typed else None
            while (answer := self._listen()) is _AGAIN:
                pass
            if answer is not _NOTHING:
                return answer

    def _listen(self):
        """One recording, transcribed and shown: the answer to send, typed text, None (end of input), _AGAIN to
        record again at once, or _NOTHING to go back to the prompt."""
        mode = "press Enter to stop" if self.listener.push_to_talk else \
            f"a {self.listener.pause_seconds:g} s pause ends it"
        self.base.info(f"Listening ({mode})...")
        try:
            heard = self.transcriber.audio(self.listener.record(wait_for_enter=lambda: self.base.line("")))
        except (MlcoachError, OSError) as exc:  # a lost microphone or a failing engine: the session goes on
            if self.on_note is not None:
                self.on_note("voice_failed", str(exc))
            self.base.show([Notice(f"voice input failed ({exc}); type your answer instead")])
            return _NOTHING
        if not heard.text:
            self.base.info("Nothing was heard. Try again, or type your answer.")
            return _NOTHING
        metrics = heard.metrics()
        self.base.info(f"Heard: {heard.text}")
        self.base.info(f"({metrics['wpm']:.0f} words/min, {metrics['fillers']:.1f} fillers per 100 words)")
        choice = self.base.line("Enter sends · e edits · r records again · or type instead › ")
        if choice is None:
            return None
        choice = choice.strip()
        if choice == "":
            return VoiceAnswer(heard.text, {**metrics, "stt": heard.engine})
        if choice.lower() == "e":
            edited = self.base.edit(heard.text)
            return VoiceAnswer(edited, {**metrics, "stt": heard.engine, "edited": edited != heard.text})
        if choice.lower() == "r":
            return _AGAIN
        return choice


_AGAIN, _NOTHING = object(), object()
