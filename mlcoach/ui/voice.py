"""The voice front end: wraps the text one (terminal or plain lines). The interviewer's turns are spoken; an empty
line records an answer, which is shown before it is sent (Enter sends, e edits, r records again); typing an answer
works at every prompt."""

from __future__ import annotations

from dataclasses import dataclass

from mlcoach.engine import Notice, Said
from mlcoach.errors import MlcoachError


@dataclass(frozen=True)
class VoiceAnswer:
    text: str
    extra: dict  # the delivery metrics for the candidate event


class VoiceIO:
    def __init__(self, base, speaker, listener, transcriber) -> None:
        self.base = base
        self.speaker = speaker
        self.listener = listener
        self.transcriber = transcriber
        self.on_note = None  # the session's note(): speech problems go into the log too

    def __getattr__(self, name):  # info, render, ask, status, read_raw ... as the text front end does them
        return getattr(self.base, name)

    def __setattr__(self, name, value):
        if name == "status":
            setattr(self.base, name, value)
        else:
            super().__setattr__(name, value)

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
        mode = "press Enter to stop" if self.listener.push_to_talk else \
            f"a {self.listener.pause_seconds:g} s pause ends it"
        again = False
        while True:
            if not again:
                typed = self.base.line("🎤 Enter to speak, or type › ")
                if typed is None:
                    return None
                if typed.strip():
                    return typed.strip()
            again = False
            self.base.info(f"Listening ({mode})...")
            try:
                heard = self.transcriber.audio(self.listener.record(wait_for_enter=lambda: self.base.line("")))
            except (MlcoachError, OSError) as exc:  # a lost microphone or a failing engine: the session goes on
                if self.on_note is not None:
                    self.on_note("voice_failed", str(exc))
                self.base.show([Notice(f"voice input failed ({exc}); type your answer instead")])
                continue
            if not heard.text:
                self.base.info("Nothing was heard. Try again, or type your answer.")
                continue
            metrics = heard.metrics()
            self.base.info(f"Heard: {heard.text}")
            self.base.info(f"({metrics['wpm']:.0f} words/min, {metrics['fillers']:.1f} fillers per 100 words)")
            while True:
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
                    again = True
                    break
                return choice
