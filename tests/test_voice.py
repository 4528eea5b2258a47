"""Voice: the real recogniser on speech generated with espeak-ng, delivery metrics, speech out, the microphone path
through a fake source, the voice front end, batch audio answers and missing parts."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from mlcoach.records import CandidateEvent
from mlcoach.voice.metrics import Segment, count_fillers, long_pauses, measure, observations

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None and not __import__("os").environ.get("CI"),
                                  reason="espeak-ng is not installed (make test installs it)")

PASSAGES = [
    "I built a churn model for a telecom company. We used call records and billing data, and the first version "
    "was a logistic regression baseline. Later we moved to gradient boosting because it handled the interactions "
    "better, and recall went up by twelve points.",
    "For the spam filter I would start with the labels users give us when they report spam. Then I would check "
    "how noisy those labels are, train a simple model, and watch precision closely, because blocking a real email "
    "costs much more than letting one spam message through.",
    "In production the model runs behind an API with a latency budget of fifty milliseconds. We monitor the score "
    "distribution every day, and when the data drifts we retrain on the last three months and compare the new "
    "model with the old one in a shadow test before we switch.",
]
NUMBERS = {"twelve": "12", "fifty": "50", "three": "3"}


def normalise(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[a-z0-9']+", text.lower().replace("it's", "it is")):
        out.append(NUMBERS.get(w, w))
    return out


def wer(reference: str, hypothesis: str) -> float:
    r, h = normalise(reference), normalise(hypothesis)
    d = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, d[0] = d[:], i
        for j, hw in enumerate(h, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (rw != hw))
    return d[len(h)] / len(r)


def speak(text: str, path: Path, speed: int = 150) -> Path:
    assert ESPEAK, "espeak-ng is needed: make test installs it with apt-get"
    subprocess.run([ESPEAK, "-s", str(speed), "-w", str(path), text], check=True, capture_output=True)
    return path


def active_seconds(path: Path) -> float:
    """From the first to the last sample above the noise floor: the speech's own length."""
    import numpy as np

    with wave.open(str(path)) as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        rate = w.getframerate()
    loud = np.flatnonzero(np.abs(data) > 500)
    return (loud[-1] - loud[0]) / rate


def concat(parts: list[Path], silences: list[float], out: Path) -> Path:
    """WAV files joined with stretches of silence between them."""
    frames, params = [], None
    for i, part in enumerate(parts):
        with wave.open(str(part)) as w:
            params = w.getparams()
            frames.append(w.readframes(w.getnframes()))
        if i < len(silences):
            frames.append(b"\x00\x00" * int(params.framerate * silences[i]))
    with wave.open(str(out), "wb") as w:
        w.setparams(params)
        for f in frames:
            w.writeframes(f)
    return out


@pytest.fixture(scope="module")
def transcriber():
    from mlcoach.voice.stt import Transcriber

    t = Transcriber()
    t.load()
    return t


@pytest.fixture(scope="module")
def audio(tmp_path_factory):
    d = tmp_path_factory.mktemp("speech")
    return {i: speak(text, d / f"p{i}.wav") for i, text in enumerate(PASSAGES)}


# ---------------------------------------------------------------------------------------------- recognition


@needs_espeak
@pytest.mark.parametrize("i", range(len(PASSAGES)))
def test_the_default_offline_engine_transcribes_clear_speech(transcriber, audio, i):
    heard = transcriber.file(audio[i])
    assert heard.engine == "whisper-local"
    assert wer(PASSAGES[i], heard.text) <= 0.25, heard.text
    assert heard.segments and heard.duration_seconds == pytest.approx(active_seconds(audio[i]), abs=1.5)


@needs_espeak
@pytest.mark.parametrize("speed", [110, 200])
def test_the_speaking_rate_is_measured_right(transcriber, tmp_path, speed):
    path = speak(PASSAGES[0], tmp_path / f"s{speed}.wav", speed)
    heard = transcriber.file(path)
    truth = len(normalise(PASSAGES[0])) / (active_seconds(path) / 60)
    assert heard.delivery().wpm == pytest.approx(truth, rel=0.12)


@needs_espeak
def test_the_model_is_loaded_once_and_reused(transcriber, audio):
    model = transcriber._whisper
    transcriber.file(audio[0])
    assert transcriber._whisper is model


def test_an_unknown_engine_or_model_is_one_line(tmp_path):
    from mlcoach.errors import BadInput
    from mlcoach.voice.stt import Transcriber

    with pytest.raises(BadInput, match="unknown engine"):
        Transcriber("whisper-huge")
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    with pytest.raises(BadInput, match="no model.bin"):
        Transcriber(model=str(empty)).load()


# ---------------------------------------------------------------------------------------------- metrics


def test_delivery_metrics():
    text = "Um so I think we would, uh, basically use a baseline, you know, like a simple model that I like."
    assert count_fillers(text) == 4  # um, uh, basically, you know; neither "like a" nor "I like"
    segments = [Segment(0, 2, "a"), Segment(4.5, 6, "b"), Segment(6.5, 9, "c")]
    assert long_pauses(segments) == 1
    d = measure("one two three four five six seven eight nine ten", 10.0, [Segment(1, 7, "x")])
    assert d.wpm == pytest.approx(100) and d.pauses == 0 and d.fields()["wpm"] == 100.0
    lines = observations([CandidateEvent("a " * 60, input="voice", wpm=190, fillers=5.0, pauses=2),
                          CandidateEvent("typed")])
    assert "above the usual 100-165" in lines[0] and "5.0 filler words" in lines[1] and "2 pauses" in lines[2]
    assert observations([CandidateEvent("typed")]) == []


# ---------------------------------------------------------------------------------------------- the microphone path


@needs_espeak
@pytest.mark.parametrize(("pause", "both"), [(2.0, False), (4.5, True)])
def test_the_silence_window_decides_where_an_answer_ends(transcriber, audio, tmp_path, pause, both):
    """A fake microphone (a WAV file as the audio source) through the Listener the microphone uses: a 3 s
    thinking pause ends the answer with a 2 s window, not with a 4.5 s one."""
    import speech_recognition as sr

    from mlcoach.voice.listen import Listener

    first = speak("Labels are the first thing I would check in the data.", tmp_path / "a.wav")
    second = speak("Then the time based split of training and test data.", tmp_path / "b.wav")
    clip = concat([first, second], [3.0], tmp_path / "answer.wav")
    quiet = tmp_path / "quiet.wav"
    with wave.open(str(clip)) as w:
        params = w.getparams()
    with wave.open(str(quiet), "wb") as w:  # ambient noise for the calibration, then the answer
        w.setparams(params)
        w.writeframes(b"\x00\x00" * params.framerate)
    joined = concat([quiet, clip], [], tmp_path / "mic.wav")
    listener = Listener(source_factory=lambda: sr.AudioFile(str(joined)), pause_seconds=pause,
                        calibrate_seconds=0.5)
    heard = transcriber.audio(listener.record())
    assert "label" in heard.text.lower()
    assert ("training" in heard.text.lower()) is both


@needs_espeak
def test_push_to_talk_records_until_enter(audio):
    import speech_recognition as sr

    from mlcoach.voice.listen import Listener

    pressed = []
    listener = Listener(source_factory=lambda: sr.AudioFile(str(audio[1])), push_to_talk=True, calibrate_seconds=0.2)
    recorded = listener.record(wait_for_enter=lambda: pressed.append(True) or __import__("time").sleep(0.3))
    assert pressed == [True]
    seconds = len(recorded.frame_data) / (recorded.sample_rate * recorded.sample_width)
    assert seconds > 10  # everything up to the (fake) key press


def test_no_pyaudio_is_one_line_naming_the_install():
    from mlcoach.voice import MissingPart
    from mlcoach.voice.listen import microphone

    if __import__("importlib").util.find_spec("pyaudio") is not None:
        pytest.skip("PyAudio is installed here")
    with pytest.raises(MissingPart, match="pip install pyaudio") as raised:
        microphone()
    assert "\n" not in str(raised.value).strip()


# ---------------------------------------------------------------------------------------------- speech out


def test_offline_speech_writes_a_wav(tmp_path):
    from mlcoach.voice.tts import synthesize

    out = synthesize("Tell me about a model you shipped.", tmp_path / "q.wav", "offline")
    with wave.open(str(out)) as w:
        assert w.getnframes() / w.getframerate() > 1.0


def test_gtts_without_a_network_fails_cleanly(tmp_path):
    from mlcoach.voice.tts import SpeechFailed, synthesize

    with pytest.raises(SpeechFailed, match="gTTS failed"):
        synthesize("hello", tmp_path / "x.mp3", "gtts", timeout=3)
    out = subprocess.run([sys.executable, "-m", "mlcoach", "voice", "say", "hello", "-o", str(tmp_path / "x.mp3"),
                          "--engine", "gtts"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "gTTS failed" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_gtts_failure_mid_session_switches_to_offline_speech():
    from mlcoach.voice.tts import Speaker

    played = []
    speaker = Speaker("gtts", play=lambda p: played.append(p.suffix) or True)
    speaker.say("First question?")
    speaker.say("Second question?")
    assert played == [".wav", ".wav"] and speaker.engine == "offline"
    notes = speaker.drain_notes()
    assert [n["note"] for n in notes] == ["tts_fallback"] and notes[0]["warn"]


@needs_espeak
def test_speech_problems_are_logged(tmp_path, persona, audio, transcriber):
    from mlcoach.clock import SimClock
    from mlcoach.engine import Session
    from mlcoach.interviewers import ScriptedInterviewer
    from mlcoach.live import run
    from mlcoach.ui.terminal import PlainIO
    from mlcoach.ui.voice import VoiceIO
    from mlcoach.voice.tts import Speaker

    front = VoiceIO(PlainIO("Alex", stdin=io.StringIO("/end\n"), stdout=io.StringIO()),
                    Speaker("gtts", play=lambda p: True), FakeListener(audio[0]), transcriber)
    session = Session.create(persona, candidate="Ana", sessions_dir=tmp_path, clock=SimClock(),
                             interviewer=ScriptedInterviewer(), scenario="spam", seed=1)
    front.on_note = session.note
    run(session, front)
    assert [e["note"] for e in session.events if e["type"] == "note"][:1] == ["tts_fallback"]


def test_no_player_is_said_once_then_text_only():
    from mlcoach.voice.tts import Speaker

    speaker = Speaker("offline", play=lambda p: False)
    speaker.say("One?")
    speaker.say("Two?")
    assert [n["note"] for n in speaker.drain_notes()] == ["no_player"] and speaker.engine == "none"


# ---------------------------------------------------------------------------------------------- front end, batch


class FakeListener:
    push_to_talk = False
    pause_seconds = 2.0

    def __init__(self, clip: Path) -> None:
        self.clip = clip
        self.calls = 0

    def record(self, wait_for_enter=None):
        import speech_recognition as sr

        self.calls += 1
        with sr.AudioFile(str(self.clip)) as source:
            return sr.Recognizer().record(source)


@needs_espeak
def test_a_spoken_interview_end_to_end(transcriber, audio, tmp_path, persona):
    """Speak (Enter), accept; speak, re-record, edit; type one; /end. Every question is spoken."""
    from mlcoach.clock import SimClock
    from mlcoach.engine import Session
    from mlcoach.interviewers import ScriptedInterviewer
    from mlcoach.live import run
    from mlcoach.ui.terminal import PlainIO
    from mlcoach.ui.voice import VoiceIO
    from mlcoach.voice.tts import Speaker

    spoken = []
    speaker = Speaker("offline", play=lambda p: spoken.append(p) or True)
    keys = io.StringIO("\n\n" "\nr\ne\nI built a churn model at a telecom and cut churn by five percent.\n"
                       "I also shipped a spam filter.\n/end\n")
    out = io.StringIO()
    front = VoiceIO(PlainIO("Alex", stdin=keys, stdout=out), speaker, FakeListener(audio[0]), transcriber)
    session = Session.create(persona, candidate="Ana", sessions_dir=tmp_path, clock=SimClock(),
                             interviewer=ScriptedInterviewer(), scenario="spam", seed=1)
    front.on_note = session.note
    outcome = run(session, front)
    assert outcome.status == "complete"
    answers = [e for e in session.events if e["type"] == "candidate"]
    assert [a["input"] for a in answers] == ["voice", "voice", "text"]
    assert {"wpm", "fillers", "pauses"} <= set(answers[0]) and answers[0]["wpm"] > 80
    assert "telecom" in answers[0]["text"] and answers[1]["text"].startswith("I built a churn model at a telecom and")
    assert answers[1]["edited"] is True
    assert len(spoken) == len([e for e in session.events if e["type"] == "interviewer"])
    shown = out.getvalue()
    assert "Heard: " in shown and "Enter sends · e edits · r records again" in shown
    from mlcoach.summary import summarize

    assert summarize(session.records).delivery[0].startswith("2 spoken answers")


@needs_espeak
def test_batch_scripts_take_audio_answers(audio, tmp_path):
    for i, p in audio.items():
        shutil.copy(p, tmp_path / f"a{i}.wav")
    script = tmp_path / "v.toml"
    script.write_text('name = "Vic"\nscenario = "spam"\n[answers]\nopening = [{ audio = "a0.wav" }, "typed"]\n'
                      'design = [{ audio = "a1.wav" }]\nproduction = [{ audio = "a2.wav" }]\n')
    out = subprocess.run([sys.executable, "-m", "mlcoach", "batch", str(script), "--json", "--sessions-dir",
                          str(tmp_path / "s")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    sid = json.loads(out.stdout)[0]["session_id"]
    evs = [json.loads(x) for x in (tmp_path / "s" / f"{sid}.jsonl").read_text().splitlines()]
    voiced = [e for e in evs if e["type"] == "candidate" and e["input"] == "voice"]
    assert len(voiced) == 3 and all(e["wpm"] > 80 for e in voiced)
    assert wer(PASSAGES[1], voiced[1]["text"]) <= 0.25
    report = subprocess.run([sys.executable, "-m", "mlcoach", "review", sid, "--sessions-dir", str(tmp_path / "s")],
                            capture_output=True, text=True, timeout=60)
    assert "Delivery (spoken answers)" in report.stdout and "words per minute" in report.stdout


@needs_espeak
def test_voice_transcribe_command(audio):
    out = subprocess.run([sys.executable, "-m", "mlcoach", "voice", "transcribe", str(audio[2]), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"text", "words", "duration_seconds", "wpm", "fillers", "pauses"} <= set(data)
    assert wer(PASSAGES[2], data["text"]) <= 0.25 and data["words"] > 40


def test_missing_whisper_is_one_line_and_exit_2(tmp_path):
    code = ("import sys; sys.modules['faster_whisper'] = None\n"
            "from mlcoach.cli import main\nsys.argv = ['mlcoach', 'voice', 'transcribe', sys.argv[1]]\nmain()\n")
    wav = tmp_path / "x.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * 16000)
    out = subprocess.run([sys.executable, "-c", code, str(wav)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "pip install 'mlcoach[voice]'" in out.stderr
    assert out.stderr.count("\n") == 1


def test_voice_check_lists_what_is_there_and_what_is_missing():
    out = subprocess.run([sys.executable, "-m", "mlcoach", "voice", "check"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0
    for part in ("whisper-local", "sphinx", "offline", "gtts", "Players:", "Microphone:"):
        assert part in out.stdout


@needs_espeak
def test_sphinx_is_there_but_weak(audio):
    from mlcoach.voice.stt import Transcriber

    heard = Transcriber("sphinx").file(audio[0])
    assert heard.engine == "sphinx" and len(heard.text.split()) >= 10  # it hears speech, not the words well


def test_a_failing_microphone_mid_session_falls_back_to_typing(tmp_path, persona):
    from mlcoach.clock import SimClock
    from mlcoach.engine import Session
    from mlcoach.interviewers import ScriptedInterviewer
    from mlcoach.live import run
    from mlcoach.ui.terminal import PlainIO
    from mlcoach.ui.voice import VoiceIO
    from mlcoach.voice.tts import Speaker

    class Unplugged(FakeListener):
        def record(self, wait_for_enter=None):
            raise OSError("device unavailable")

    out = io.StringIO()
    front = VoiceIO(PlainIO("Alex", stdin=io.StringIO("\nI typed this answer about churn instead.\n/end\n"), stdout=out),
                    Speaker("none"), Unplugged(Path("unused.wav")), type("NoEngine", (), {"audio": None})())
    session = Session.create(persona, candidate="Ana", sessions_dir=tmp_path, clock=SimClock(),
                             interviewer=ScriptedInterviewer(), scenario="spam", seed=1)
    front.on_note = session.note
    assert run(session, front).status == "complete"
    assert "voice input failed (device unavailable); type your answer instead" in out.getvalue()
    assert [e["input"] for e in session.events if e["type"] == "candidate"] == ["text"]
    assert any(e.get("note") == "voice_failed" for e in session.events)


@needs_espeak
def test_a_spoken_drill_end_to_end(transcriber, audio, tmp_path, persona):
    """A drill by voice: the question spoken, the answer transcribed and read, the coach's note, /end; the report."""
    from mlcoach import drill
    from mlcoach.clock import SimClock
    from mlcoach.drilling import DrillSession
    from mlcoach.live import run
    from mlcoach.ui.terminal import PlainIO
    from mlcoach.ui.voice import VoiceIO
    from mlcoach.voice.tts import Speaker

    spoken = []
    speaker = Speaker("offline", play=lambda p: spoken.append(p) or True)
    out = io.StringIO()
    front = VoiceIO(PlainIO("Alex", stdin=io.StringIO("\n\n\n/end\n"), stdout=out), speaker,
                    FakeListener(audio[0]), transcriber)
    session = DrillSession.begin(persona, drill.resolve("failures", persona), candidate="Ana",
                                 sessions_dir=tmp_path, clock=SimClock(), seed=3)
    front.on_note = session.note
    outcome = run(session, front)
    assert outcome.status == "complete"
    answers = [e for e in session.events if e["type"] == "candidate"]
    assert answers and answers[0]["input"] == "voice" and "telecom" in answers[0]["text"]
    assert any(e["type"] == "note" and e["note"] == "coach" for e in session.events)
    assert len(spoken) == len([e for e in session.events if e["type"] == "interviewer"])
