"""`mlcoach voice transcribe | say | check`: the voice parts on their own."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from mlcoach.cli.options import SttModelOpt
from mlcoach.visible import json_text, one_line, visible

app = typer.Typer(help="Transcribe audio, speak text, and check what voice support is installed.",
                  no_args_is_help=True)

SttOpt = Annotated[str, typer.Option("--engine", "-e", help="whisper-local, sphinx, google (online) or openai "
                                     "(the Whisper API through LiteLLM).")]


@app.command("transcribe")
def transcribe(
    file: Annotated[Path, typer.Argument(help="An audio file (WAV; whisper-local also reads MP3, FLAC, ...).",
                                         show_default=False)],
    engine: SttOpt = "whisper-local",
    stt_model: SttModelOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: text, words, duration_seconds, wpm, "
                                          "fillers, pauses.")] = False,
) -> None:
    """Print what was said, and how: words per minute, fillers per 100 words, long pauses.

    Example: mlcoach voice transcribe answer.wav --json
    """
    from mlcoach.voice.stt import Transcriber

    heard = Transcriber(engine, stt_model or "", client=_client_for(engine)).file(file)
    data = heard.as_json()
    if as_json:
        ordered = {k: v for k, v in data.items() if k != "segments"} | {"segments": data["segments"]}
        sys.stdout.write(json_text(json.dumps(ordered, indent=2, ensure_ascii=False)) + "\n")
        return
    print(visible(heard.text) or "(nothing heard)")
    print(f"{data['words']} words in {data['duration_seconds']:.1f} s: {data['wpm']:.0f} words per minute, "
          f"{data['fillers']:.1f} fillers per 100 words, {data['pauses']} pauses over 2 s")


@app.command("say")
def say(
    text: Annotated[str, typer.Argument(help="What to say.", show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="The audio file to write (WAV for offline, MP3 "
                                         "for gtts).", show_default=False)],
    engine: Annotated[str, typer.Option("--engine", "-e", help="offline (espeak-ng or pyttsx3) or gtts "
                                        "(online).")] = "offline",
) -> None:
    """Write speech to a file.

    Example: mlcoach voice say "Tell me about a model you shipped." -o q.wav
    """
    from mlcoach.errors import BadInput, MlcoachError, regular_file
    from mlcoach.voice.tts import SpeechFailed, synthesize

    if engine not in ("offline", "gtts"):
        raise BadInput(f"--engine: expected offline or gtts, got {engine!r}")
    if output.is_dir():
        raise BadInput(f"{output}: is a directory; give a file name such as {output / 'speech.wav'}")
    regular_file(output)  # a FIFO or a device would block or swallow the audio
    try:
        synthesize(text, output, engine)
    except SpeechFailed as exc:
        raise MlcoachError(f"{output}: {exc}") from None
    except OSError as exc:
        raise BadInput(f"{output}: cannot write ({exc.strerror})") from None
    if not output.is_file() or output.stat().st_size == 0:
        raise MlcoachError(f"{output}: the speech engine wrote nothing")
    print(one_line(f"Wrote {output}"))


@app.command("check")
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: a list of {part, status, detail}.")] = False,
) -> None:
    """What voice support is here, part by part: "ok" only for what was exercised (a local model loaded, speech
    written); online engines are "configured" or "needs network", never checked; players found are "installed".

    Example: mlcoach voice check --json
    """
    from mlcoach.voice.check import as_json as to_json
    from mlcoach.voice.check import parts, report

    found = parts()
    if as_json:
        sys.stdout.write(json_text(json.dumps(to_json(found), indent=2, ensure_ascii=False)) + "\n")
        return
    for line in report(found):
        print(visible(line))


def _client_for(engine: str):
    if engine != "openai":
        return None
    from mlcoach import config, wiring

    settings = config.resolve()
    if not settings.model:
        from mlcoach.errors import BadInput

        raise BadInput("--engine openai: needs a model configured for its endpoint and key "
                       "(`mlcoach config set model openai/gpt-4o-mini`)")
    return wiring.build(settings).client
