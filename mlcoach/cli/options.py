"""Options shared by the commands that run or read sessions (one definition, many commands).

Defaults that come from the settings (flag, then environment, then the config file) are shown in the help as
text, with their environment variable: `\\[` keeps Typer's Rich help from reading "[default: 45]" as markup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer


def hint(command: str, settings) -> str:
    """A command to run next, as it can be pasted: the program as it was started (`mlcoach` when that is the one on
    PATH) and the --sessions-dir this run was given."""
    import os
    import shlex
    import shutil
    import sys

    program = sys.argv[0] if sys.argv and sys.argv[0] else "mlcoach"
    on_path = shutil.which("mlcoach")
    if program.endswith("__main__.py"):  # python -m mlcoach
        program = f"{shlex.quote(sys.executable)} -m mlcoach"
    elif on_path and os.path.exists(program) and os.path.samefile(on_path, program):
        program = "mlcoach"
    else:
        program = shlex.quote(program)
    where = f" --sessions-dir {shlex.quote(str(settings.sessions_dir))}" \
        if settings.sources.get("sessions_dir") == "flag" else ""
    return f"{program} {command}{where}"


def print_json(data, ensure_ascii: bool = False) -> None:
    """JSON on stdout for scripts (`--json` on every listing-like command), nothing a terminal acts on."""
    import json
    import sys

    from mlcoach.visible import json_text

    sys.stdout.write(json_text(json.dumps(data, indent=2, ensure_ascii=ensure_ascii)) + "\n")


def shown(default: str, env: str = "") -> str:
    """ "[default: 45] [env var: MLCOACH_DURATION]" for a help text (escaped for Rich)."""
    return f" \\[default: {default}]" + (f" \\[env var: {env}]" if env else "")


SessionsDir = Annotated[Path | None, typer.Option("--sessions-dir", help="Where session files live." + shown(
                        "$MLCOACH_HOME/sessions, or your data directory", "MLCOACH_SESSIONS_DIR"), show_default=False)]
PersonaOpt = Annotated[str | None, typer.Option("--persona", "-p", help="A persona id or a path to a persona TOML."
                       + shown("ml-engineer", "MLCOACH_PERSONA"), show_default=False)]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Make the scripted interviewer deterministic."
                    + shown("random"), show_default=False)]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Use the scripted interviewer and offline judge, "
                       "whatever model is configured.")]
DurationOpt = Annotated[int | None, typer.Option("--duration", min=1, help="Planned minutes; every phase budget "
                        "scales in proportion." + shown("45", "MLCOACH_DURATION"), show_default=False)]
ScenarioOpt = Annotated[str | None, typer.Option("--scenario", "-s", help="A scenario id of the persona "
                        "(recommendation, spam, house-prices, sentiment, object-detection)." + shown("random"),
                        show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON to stdout instead of a table.")]
ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="A LiteLLM model string (e.g. openai/gpt-4o-mini, "
                     "ollama_chat/llama3.1) or an alias (`mlcoach models`); needs the llm extra."
                     + shown("the config file's; none: offline", "MLCOACH_MODEL"), show_default=False)]
ApiBaseOpt = Annotated[str | None, typer.Option("--api-base", help="The model's endpoint, for self-hosted servers or "
                       "a LiteLLM proxy." + shown("the config file's; none", "MLCOACH_API_BASE"), show_default=False)]
JudgeOpt = Annotated[Literal["auto", "llm", "offline"] | None, typer.Option(
    "--judge", help="Who scores: llm, offline, or auto (llm when a model is set)." + shown("auto", "MLCOACH_JUDGE"),
    show_default=False)]
MaxCostOpt = Annotated[float | None, typer.Option("--max-cost", min=0, help="US dollars; past this the session goes "
                       "on scripted (0: no limit)." + shown("no limit", "MLCOACH_MAX_COST"), show_default=False)]
TimeoutOpt = Annotated[float | None, typer.Option("--timeout", min=0.1, help="Seconds to wait for the model's reply "
                       "(connect timeout: the config's connect_timeout)." + shown("60", "MLCOACH_TIMEOUT"),
                       show_default=False)]
VoiceOpt = Annotated[bool, typer.Option("--voice", help="Speak the questions and answer by microphone (typing stays "
                     "possible). Needs the voice extra and PyAudio.")]
SttOpt = Annotated[Literal["whisper-local", "sphinx", "google", "openai"], typer.Option(
    "--stt", help="Speech to text: whisper-local, sphinx, google (online) or openai (the Whisper API through "
    "LiteLLM).")]
SttModelOpt = Annotated[str | None, typer.Option("--stt-model", help="whisper-local: a CTranslate2 Whisper model "
                        "directory (default: the bundled tiny.en); openai: a transcription model (default: "
                        "whisper-1).", show_default=False)]
TtsOpt = Annotated[Literal["offline", "gtts", "none"] | None, typer.Option(
    "--tts", help="Text to speech: offline (espeak-ng or pyttsx3), gtts (online) or none. Alone, speaks the "
    "questions only." + shown("offline with --voice, else none"), show_default=False)]
PauseOpt = Annotated[float, typer.Option("--pause-seconds", min=0.3, max=30, help="Silence that ends a spoken "
                     "answer.")]
PushOpt = Annotated[bool, typer.Option("--push-to-talk", help="Record until you press Enter instead of stopping at "
                    "a pause.")]


def load_persona(ref: str, where: str, error: type | None = None):
    """A persona by id or path; an unknown one is one line naming where the id came from (`--persona`,
    `MLCOACH_PERSONA`, the config file, a batch script), raised as `error` (default: NotFound, exit 3)."""
    from mlcoach import personas
    from mlcoach.errors import NotFound

    try:
        return personas.load(ref)
    except NotFound as exc:
        raise (error or NotFound)(f"{where}: {str(exc).removeprefix('persona: ')}") from None
