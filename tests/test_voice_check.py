"""`mlcoach voice check` says exactly what is known: "ok" only for what it exercised, online engines never "ok",
the OpenAI engine's key and model as they are set; and pyttsx3, the offline speech where espeak-ng is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
import wave

import pytest

from mlcoach.voice import check

ONLINE = ("stt/google", "stt/openai", "tts/gtts")


def test_online_engines_are_never_ok_without_a_check(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    monkeypatch.setenv("MLCOACH_MODEL", "openai/gpt-4o-mini")
    assert check.google() == check.Part("stt/google", check.NEEDS_NETWORK,
                                        "online, through SpeechRecognition (not checked)")
    assert check.gtts() == check.Part("tts/gtts", check.NEEDS_NETWORK, "gTTS is installed; online (not checked)")
    assert check.openai().status == check.CONFIGURED  # its key and model are set: still not "ok"
    monkeypatch.setattr(check, "_has", lambda module: False)
    assert check.google().status == check.gtts().status == check.MISSING


def test_the_openai_engine_needs_a_key_then_a_model(monkeypatch):
    from mlcoach import keys

    assert check.openai() == check.Part("stt/openai", check.NEEDS_KEY,
                                        "set OPENAI_API_KEY or run `mlcoach keys set openai`")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-other")  # another provider's key is not OpenAI's
    assert check.openai().status == check.NEEDS_KEY
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    found = check.openai()
    assert found.status == check.NEEDS_MODEL and "(OPENAI_API_KEY)" in found.detail
    assert "sk-test-key" not in found.detail
    monkeypatch.setenv("MLCOACH_MODEL", "openai/gpt-4o-mini")
    assert check.openai() == check.Part("stt/openai", check.CONFIGURED, "key from OPENAI_API_KEY, model "
                                        "openai/gpt-4o-mini; the Whisper API is online (not checked)")
    monkeypatch.delenv("OPENAI_API_KEY")
    keys.save("openai", "sk-stored")
    assert check.openai().detail.startswith("key from keys: openai,")


def test_a_damaged_keys_file_is_one_failed_line(monkeypatch):
    from mlcoach import keys

    keys.path().write_text("keys = [1")
    found = check.openai()
    assert found.status == check.FAILED and "cannot read the keys file" in found.detail and "\n" not in found.detail


def test_offline_speech_is_ok_only_when_it_spoke(monkeypatch):
    from mlcoach.voice import tts

    if shutil.which("espeak-ng"):
        assert check.offline_speech() == check.Part("tts/offline", check.OK, f"{tts.espeak()} wrote speech")
    with monkeypatch.context() as m:
        def refuse(*args):
            raise tts.SpeechFailed("espeak-ng failed: no voice")

        m.setattr(tts, "synthesize", refuse)
        assert check.offline_speech() == check.Part("tts/offline", check.FAILED,
                                                    "SpeechFailed: espeak-ng failed: no voice")
    monkeypatch.setattr(tts, "espeak", lambda: None)
    monkeypatch.setitem(sys.modules, "pyttsx3", None)
    monkeypatch.setattr(sys, "platform", "darwin")
    missing = check.offline_speech()
    assert missing.status == check.MISSING and "brew install espeak-ng" in missing.detail


def test_whisper_local_is_ok_only_when_its_model_loaded(monkeypatch):
    from mlcoach.voice import stt

    if stt.bundled_model() is None:
        pytest.skip("no bundled Whisper model here")
    assert check.whisper_local().status == check.OK

    def cannot_load(self):
        raise RuntimeError("Unable to open file 'model.bin'\nmore")

    with monkeypatch.context() as m:
        m.setattr(stt.Transcriber, "load", cannot_load)
        assert check.whisper_local() == check.Part("stt/whisper-local", check.FAILED,
                                                   "RuntimeError: Unable to open file 'model.bin'")
    monkeypatch.setattr(stt, "bundled_model", lambda: None)
    assert check.whisper_local().status == check.MISSING


def test_players_found_are_installed_never_ok(monkeypatch):
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setattr(sys, "platform", "linux")
    assert check.players() == check.Part("player", check.MISSING, "none found: apt-get install ffmpeg")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: "/usr/bin/aplay" if name == "aplay" else None)
    found = check.players()
    assert found.status == check.INSTALLED and found.detail.startswith("aplay (found; nothing was played)")
    assert "none plays MP3" in found.detail
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    found = check.players()
    assert found.status == check.INSTALLED and found.detail.startswith("winsound")
    assert "winget install Gyan.FFmpeg" in found.detail  # WAV through Windows itself; MP3 needs ffplay


def test_the_microphone_is_installed_at_most(monkeypatch):
    monkeypatch.setattr(check, "_has", lambda module: module != "pyaudio")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert check.microphone() == check.Part("microphone", check.MISSING,
                                            "PyAudio is not installed: brew install portaudio && pip install pyaudio")
    monkeypatch.setattr(check, "_has", lambda module: True)
    devices: list = ["USB mic", "Built-in"]
    fake = types.ModuleType("speech_recognition")
    fake.Microphone = type("Microphone", (), {"list_microphone_names": staticmethod(lambda: devices)})
    monkeypatch.setitem(sys.modules, "speech_recognition", fake)
    assert check.microphone() == check.Part("microphone", check.INSTALLED,
                                            "input devices: USB mic, Built-in (nothing was recorded)")
    devices.clear()
    assert check.microphone().status == check.MISSING

    def no_audio_system():
        raise OSError("No Default Input Device Available")

    fake.Microphone.list_microphone_names = staticmethod(no_audio_system)
    assert check.microphone() == check.Part("microphone", check.FAILED, "OSError: No Default Input Device Available")


def test_voice_check_json_lists_every_part_and_imports_no_litellm(tmp_path):
    code = ("import sys\nfrom mlcoach.cli import main\nsys.argv = ['mlcoach', 'voice', 'check', '--json']\n"
            "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
            "print('litellm' in sys.modules, file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().splitlines()[-1] == "False"
    found = json.loads(out.stdout)
    assert [p["part"] for p in found] == ["stt/whisper-local", "stt/sphinx", "stt/google", "stt/openai",
                                          "tts/offline", "tts/gtts", "player", "microphone"]
    assert all(set(p) == {"part", "status", "detail"} and p["detail"] and "\n" not in p["detail"] for p in found)
    statuses = {p["part"]: p["status"] for p in found}
    assert statuses["stt/openai"] == "needs a key"  # the tests' environment has no key
    assert all(statuses[p] != "ok" for p in ONLINE)
    assert statuses["player"] != "ok" and statuses["microphone"] != "ok"


def test_the_text_report_groups_the_parts():
    lines = check.report([check.Part("stt/google", check.NEEDS_NETWORK, "online (not checked)"),
                          check.Part("player", check.MISSING, "none found: apt-get install ffmpeg")])
    assert lines == ["Speech to text:", "  needs network  google: online (not checked)", "Players:",
                     "  missing        player: none found: apt-get install ffmpeg"]


# ---------------------------------------------------------------------------------------------- pyttsx3


def test_pyttsx3_speaks_where_espeak_ng_is_missing(tmp_path, monkeypatch, capfd):
    pytest.importorskip("pyttsx3")
    from mlcoach.voice import tts

    monkeypatch.setattr(tts, "espeak", lambda: None)
    out = tts.synthesize("Tell me about a model you shipped.", tmp_path / "q.wav", "offline")
    with wave.open(str(out)) as w:
        assert w.getnframes() / w.getframerate() > 1.0
    assert "Audio saved" not in capfd.readouterr().out  # its driver's print does not reach the terminal


def _fake_pyttsx3(init):
    fake = types.ModuleType("pyttsx3")
    fake.init = init
    return fake


def test_pyttsx3_without_a_driver_fails_in_one_line(tmp_path, monkeypatch):
    from mlcoach.voice import tts

    def no_driver():
        raise OSError("libespeak.so.1: cannot open shared object file\nsecond line")

    monkeypatch.setattr(tts, "espeak", lambda: None)
    monkeypatch.setitem(sys.modules, "pyttsx3", _fake_pyttsx3(no_driver))
    with pytest.raises(tts.SpeechFailed) as raised:
        tts.synthesize("hello", tmp_path / "q.wav", "offline")
    assert str(raised.value) == "pyttsx3 failed (OSError: libespeak.so.1: cannot open shared object file)"

    class Silent:
        def save_to_file(self, text, path):
            pass

        def runAndWait(self):  # pyttsx3's name
            pass

    monkeypatch.setitem(sys.modules, "pyttsx3", _fake_pyttsx3(Silent))
    with pytest.raises(tts.SpeechFailed, match=r"^pyttsx3 failed \(it wrote no audio\)$"):
        tts.synthesize("hello", tmp_path / "q.wav", "offline")


def test_voice_say_with_a_broken_pyttsx3_is_one_line_and_exit_1(tmp_path):
    code = ("import sys, types\nfake = types.ModuleType('pyttsx3')\n"
            "def init():\n    raise RuntimeError('no driver for this platform')\n"
            "fake.init = init\nsys.modules['pyttsx3'] = fake\nimport mlcoach.voice.tts as tts\n"
            "tts.espeak = lambda: None\nfrom mlcoach.cli import main\n"
            "sys.argv = ['mlcoach', 'voice', 'say', 'hello', '-o', sys.argv[1]]\nmain()\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "q.wav")], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert "pyttsx3 failed (RuntimeError: no driver for this platform)" in out.stderr
