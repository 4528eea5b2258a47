"""`mlcoach voice check`: what is installed for voice sessions and what is missing, one line each."""

from __future__ import annotations

import importlib.util

from mlcoach.voice import VOICE_EXTRA


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def report() -> list[str]:
    from mlcoach.voice import player
    from mlcoach.voice.listen import MIC_INSTALL
    from mlcoach.voice.stt import bundled_model
    from mlcoach.voice.tts import espeak

    ok, no = "ok     ", "missing"
    lines = ["Speech to text:"]
    model = bundled_model()
    fw = _has("faster_whisper")
    lines.append(f"  {ok if fw and model else no} whisper-local (faster-whisper"
                 + (f", model {model})" if model else ", no bundled model)")
                 + ("" if fw and model else f": {VOICE_EXTRA}"))
    lines.append(f"  {ok if _has('pocketsphinx') else no} sphinx (pocketsphinx)"
                 + ("" if _has("pocketsphinx") else ": pip install pocketsphinx"))
    lines.append(f"  {ok if _has('speech_recognition') else no} google (online, through SpeechRecognition)"
                 + ("" if _has("speech_recognition") else f": {VOICE_EXTRA}"))
    lines.append("  ok      openai (the Whisper API through LiteLLM; needs a model and key configured)")
    lines.append("Text to speech:")
    program = espeak()
    lines.append(f"  {ok if program or _has('pyttsx3') else no} offline ("
                 + (program if program else "pyttsx3" if _has("pyttsx3") else "apt-get install espeak-ng") + ")")
    lines.append(f"  {ok if _has('gtts') else no} gtts (online)" + ("" if _has("gtts") else f": {VOICE_EXTRA}"))
    lines.append("Players:")
    found = player.available()
    lines.append(f"  {ok if found else no} " + (", ".join(found) if found else
                                               "none (apt-get install ffmpeg, mpg123 or alsa-utils)"))
    lines.append("Microphone:")
    if not _has("pyaudio"):
        lines.append(f"  {no} PyAudio: {MIC_INSTALL}")
    else:
        try:
            import speech_recognition as sr

            names = sr.Microphone.list_microphone_names()
            lines.append(f"  {ok if names else no} " + (", ".join(names[:5]) if names else "no input devices"))
        except Exception as exc:  # noqa: BLE001 - an audio system that will not answer is a finding, not a crash
            lines.append(f"  {no} no input devices ({type(exc).__name__})")
    return lines
