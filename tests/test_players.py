"""Players and install hints per platform (sys.platform and shutil.which simulated), and playing from Python where
no player command exists: real WAV files (espeak-ng, the standard library's wave) go through the real code up to
the one call that would reach a sound card (sounddevice's stream, winsound.PlaySound), which is a recorder here."""

from __future__ import annotations

import os
import shutil
import sys
import types
import wave
from pathlib import Path

import pytest

from mlcoach.voice import hints, player

ESPEAK = shutil.which("espeak-ng")


def only(*programs: str):
    """shutil.which that finds just these programs."""
    return lambda name, *a, **k: f"/usr/bin/{name}" if name in programs else None


@pytest.mark.parametrize(("platform", "found", "wav", "mp3"), [
    ("darwin", ("afplay", "ffplay", "mpg123"), "afplay", "afplay"),
    ("darwin", ("ffplay",), "ffplay", "ffplay"),
    ("darwin", ("mpg123",), None, "mpg123"),
    ("linux", ("ffplay", "mpg123", "paplay", "pw-play", "aplay"), "ffplay", "ffplay"),
    ("linux", ("mpg123", "paplay", "aplay"), "paplay", "mpg123"),
    ("linux", ("pw-play", "aplay"), "pw-play", None),
    ("linux", ("aplay", "afplay"), "aplay", None),  # afplay is not tried off macOS
    ("freebsd14", ("aplay",), "aplay", None),  # another Unix: Linux's list
    ("win32", ("ffplay", "aplay"), "ffplay", "ffplay"),
    ("win32", (), None, None),
])
def test_the_player_command_follows_the_platform(monkeypatch, platform, found, wav, mp3):
    monkeypatch.setattr(shutil, "which", only(*found))
    for path, want in ((Path("q.wav"), wav), (Path("-q.mp3"), mp3)):
        cmd = player.command(path, platform)
        assert (Path(cmd[0]).name if cmd else None) == want
        if cmd:
            assert cmd[-1] == os.path.abspath(path)  # a file named "-q.mp3" is never read as an option


def test_the_players_found_include_what_plays_from_python(monkeypatch):
    monkeypatch.setattr(shutil, "which", only())
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # as without PortAudio
    assert player.available("win32") == ["winsound"]  # the standard library on Windows
    assert player.available("linux") == []
    monkeypatch.setitem(sys.modules, "sounddevice", types.ModuleType("sounddevice"))
    monkeypatch.setattr(shutil, "which", only("afplay"))
    assert player.available("darwin") == ["afplay", "sounddevice"]


class Stream:
    """sounddevice.RawOutputStream, up to the sound card: what it was opened with and the bytes written."""

    opened: list[Stream] = []

    def __init__(self, **kwargs) -> None:
        self.kwargs, self.written, self.closed = kwargs, b"", False
        Stream.opened.append(self)

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc) -> None:
        self.closed = True

    def write(self, data) -> bool:
        self.written += bytes(data)
        return False


@pytest.fixture
def soundcard(monkeypatch):
    fake = types.ModuleType("sounddevice")
    fake.RawOutputStream = Stream
    Stream.opened = []
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    monkeypatch.setattr(shutil, "which", only())  # no player command anywhere
    return Stream.opened


def stdlib_wav(path: Path, width: int = 1, channels: int = 2, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(bytes(range(256)) * (rate * width * channels // 256 // 5))  # 0.2 s
    return path


def frames(path: Path) -> tuple[int, int, bytes]:
    with wave.open(str(path)) as w:
        return w.getframerate(), w.getnchannels(), w.readframes(w.getnframes())


@pytest.mark.skipif(ESPEAK is None and not os.environ.get("CI"), reason="espeak-ng is not installed")
def test_espeak_speech_plays_from_python_when_no_player_command_exists(tmp_path, soundcard):
    from mlcoach.voice.tts import synthesize

    wav = synthesize("Tell me about a model you shipped.", tmp_path / "q.wav", "offline")
    assert player.command(wav) is None and player.play(wav) is True
    (stream,) = soundcard
    rate, channels, data = frames(wav)
    assert stream.kwargs == {"samplerate": rate, "channels": channels, "dtype": "int16"}
    assert stream.written == data and len(data) > rate  # the whole speech, then the stream is closed
    assert stream.closed


@pytest.mark.parametrize(("width", "dtype"), [(1, "uint8"), (2, "int16"), (3, "int24"), (4, "int32")])
def test_every_pcm_wav_width_goes_to_portaudio_as_its_sample_type(tmp_path, soundcard, width, dtype):
    wav = stdlib_wav(tmp_path / "s.wav", width=width)
    assert player.play(wav) is True
    (stream,) = soundcard
    assert stream.kwargs == {"samplerate": 8000, "channels": 2, "dtype": dtype}
    assert stream.written == frames(wav)[2]


def test_mp3_or_a_broken_device_without_a_player_command_is_false_not_a_crash(tmp_path, soundcard, monkeypatch):
    mp3 = tmp_path / "q.mp3"
    mp3.write_bytes(b"ID3")
    assert player.play(mp3) is False and soundcard == []  # MP3 is not decoded from Python
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....WAVEjunk")
    assert player.play(broken) is False

    class NoDevice(Stream):
        def __init__(self, **kwargs) -> None:
            raise RuntimeError("Error querying device -1")  # sounddevice.PortAudioError with no sound card

    sys.modules["sounddevice"].RawOutputStream = NoDevice
    assert player.play(stdlib_wav(tmp_path / "s.wav")) is False
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # not installed, or no PortAudio library
    assert player.play(stdlib_wav(tmp_path / "s.wav")) is False


def test_on_windows_a_wav_plays_through_winsound(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("winsound")
    fake.SND_FILENAME = 0x20000
    fake.PlaySound = lambda sound, flags: calls.append((sound, flags))
    monkeypatch.setitem(sys.modules, "winsound", fake)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(shutil, "which", only())
    wav = stdlib_wav(tmp_path / "q.wav")
    assert player.play(wav) is True
    assert calls == [(os.path.abspath(wav), 0x20000)]  # a file name, played to its end (no SND_ASYNC)
    assert player.play(tmp_path / "q.mp3") is False and len(calls) == 1


# ---------------------------------------------------------------------------------------------- install hints


@pytest.mark.parametrize(("platform", "managers", "espeak", "portaudio", "play"), [
    ("linux", ("apt-get", "dnf"), "apt-get install espeak-ng", "apt-get install portaudio19-dev",
     "apt-get install ffmpeg"),
    ("linux", ("dnf",), "dnf install espeak-ng", "dnf install portaudio-devel", "dnf install mpg123 alsa-utils"),
    ("linux", ("pacman",), "pacman -S espeak-ng", "pacman -S portaudio", "pacman -S ffmpeg"),
    ("linux", (), "apt-get install espeak-ng", "apt-get install portaudio19-dev", "apt-get install ffmpeg"),
    ("darwin", ("apt-get",), "brew install espeak-ng", "brew install portaudio", "brew install ffmpeg"),
])
def test_install_hints_follow_the_platform(monkeypatch, platform, managers, espeak, portaudio, play):
    monkeypatch.setattr(shutil, "which", only(*managers))
    assert (hints.install("espeak-ng", platform), hints.install("portaudio", platform),
            hints.install("player", platform)) == (espeak, portaudio, play)
    assert hints.pyaudio(platform) == f"{portaudio} && pip install pyaudio"


def test_install_hints_on_windows_need_no_linux_tool(monkeypatch):
    monkeypatch.setattr(shutil, "which", only("apt-get"))
    assert hints.pyaudio("win32") == "pip install pyaudio"  # PyAudio's Windows wheels carry PortAudio
    assert "github.com/espeak-ng/espeak-ng/releases" in hints.install("espeak-ng", "win32")
    assert hints.install("player", "win32").startswith("winget install Gyan.FFmpeg")
    for need in hints.NEEDS:
        assert "apt-get" not in hints.install(need, "win32") and "\n" not in hints.install(need, "win32")
    with pytest.raises(ValueError, match="no install hint"):
        hints.install("flux-capacitor")


def test_no_install_command_is_written_into_the_code_outside_the_hints():
    root = Path(__file__).resolve().parent.parent / "mlcoach"
    for path in root.rglob("*.py"):
        if path.name != "hints.py":
            text = path.read_text(encoding="utf-8")
            assert "apt-get" not in text and "brew install" not in text, path


def test_missing_parts_name_the_install_for_the_platform(monkeypatch):
    import speech_recognition  # noqa: F401 - imported as on Linux, before the platform is changed

    from mlcoach.voice import MissingPart, tts
    from mlcoach.voice.listen import microphone

    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(tts, "espeak", lambda: None)
    monkeypatch.setitem(sys.modules, "pyttsx3", None)
    with pytest.raises(MissingPart) as raised:
        tts.synthesize("hello", Path("unused.wav"), "offline")
    assert str(raised.value) == ("offline speech needs espeak-ng (brew install espeak-ng) or pyttsx3 "
                                 "(pip install pyttsx3)")
    monkeypatch.setitem(sys.modules, "pyaudio", None)
    with pytest.raises(MissingPart, match=r"PyAudio: brew install portaudio && pip install pyaudio$"):
        microphone()
    speaker = tts.Speaker("offline", play=lambda p: False)
    monkeypatch.setattr(tts, "synthesize", lambda text, path, engine: path)
    speaker.say("One?")
    (note,) = speaker.drain_notes()
    assert note["note"] == "no_player" and "(brew install ffmpeg)" in note["text"]
