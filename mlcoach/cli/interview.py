"""`mlcoach interview` and `mlcoach resume`: a live session in the terminal (or line by line from a pipe)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mlcoach.cli.options import (
    ApiBaseOpt,
    DurationOpt,
    JudgeOpt,
    MaxCostOpt,
    ModelOpt,
    OfflineOpt,
    PauseOpt,
    PersonaOpt,
    PushOpt,
    ScenarioOpt,
    SeedOpt,
    SessionsDir,
    SttModelOpt,
    SttOpt,
    TimeoutOpt,
    TtsOpt,
    VoiceOpt,
    hint,
    load_persona,
    shown,
)
from mlcoach.errors import ExitCode, MlcoachError
from mlcoach.visible import one_line


def register(app: typer.Typer) -> None:
    app.command()(interview)
    app.command()(resume)


def interview(
    name: Annotated[str | None, typer.Option("--name", "-n", help="Your name (the interviewer uses it; the first one "
                                             "typed is saved)." + shown("the config's name, else asked",
                                                                        "MLCOACH_NAME"), show_default=False)] = None,
    persona: PersonaOpt = None,
    scenario: ScenarioOpt = None,
    duration: DurationOpt = None,
    seed: SeedOpt = None,
    offline: OfflineOpt = False,
    model: ModelOpt = None,
    api_base: ApiBaseOpt = None,
    judge: JudgeOpt = None,
    max_cost: MaxCostOpt = None,
    timeout: TimeoutOpt = None,
    focus: Annotated[str | None, typer.Option("--focus", help="weakest (the weakest criteria of your own complete "
                                              "live sessions, as `review trend` counts them) or rubric criterion "
                                              "ids, comma-separated: their questions come first."
                                              + shown("none: a balanced interview"),
                                              show_default=False)] = None,
    voice: VoiceOpt = False,
    stt: SttOpt = "whisper-local",
    stt_model: SttModelOpt = None,
    tts: TtsOpt = None,
    pause_seconds: PauseOpt = 2.0,
    push_to_talk: PushOpt = False,
    sessions_dir: SessionsDir = None,
    coach: Annotated[bool, typer.Option("--coach", help="Practice: after each answer, a short note (what it "
                                        "covered, the one thing it missed) and /retry to answer again.")] = False,
) -> None:
    """Start a mock interview. Type answers; /help lists the commands (/next, /hint, /end, ...).

    Offline (the scripted interviewer and judge) unless a model is configured.
    Example: mlcoach interview --name Priya --scenario spam --offline
    """
    from mlcoach import config, wiring
    from mlcoach import focus as focusing
    from mlcoach.clock import RealClock
    from mlcoach.engine import Session

    settings = config.resolve(name=name, persona=persona, duration=duration, model=model, api_base=api_base,
                              judge=judge, max_cost=max_cost, timeout=timeout,
                              sessions_dir=str(sessions_dir) if sessions_dir else None)
    p = load_persona(settings.persona, config.origin(settings, "persona"))
    if scenario:
        p.scenario(scenario)
    offline = _checked(settings, offline)
    team = wiring.build(settings, offline)
    interviewer, session_judge = team.interviewer, team.judge
    focusing.check(focus, p)  # a wrong criterion id is said before anything is asked
    io = _voice(_io(p.name), voice, stt, stt_model, tts, pause_seconds, push_to_talk, team.client)
    candidate = _candidate(name, settings, io)
    # --focus weakest reads this candidate's own history (every candidate's when there is no name).
    chosen, note = focusing.choose(focus, p, settings.sessions_dir, candidate or None)
    if note:
        io.info(note)
    session = Session.create(p, candidate=candidate, sessions_dir=settings.sessions_dir, clock=RealClock(),
                             interviewer=interviewer, scenario=scenario, seed=seed, judge=session_judge,
                             duration=settings.duration, persona_ref=settings.persona, focus=chosen, coach=coach)
    _run(session, io, settings)


def _candidate(name: str | None, settings, io) -> str:
    """--name, else the name asked for (only in a terminal: piped in, the first line is an answer), else the
    configured one, else none ("" in the log: never an invented name). The first name typed is saved to the config
    for the next session (and for `review trend`)."""
    if name and name.strip():
        return name.strip()
    if not io.interactive:
        return settings.name
    typed = io.ask("Your name", settings.name).strip()
    if typed and not settings.name:
        from mlcoach import config

        try:
            path = config.write_key("name", typed)
            io.info(f"(Saved to {path}; change it with: mlcoach config set name NAME)")
        except MlcoachError as exc:  # a read-only home: the session goes on, the name just is not kept
            io.info(f"(Your name was not saved: {exc})")
    return typed


def _checked(settings, offline: bool) -> bool:
    """A configured model that cannot work is said once, before the first question, and the offline interviewer
    takes over (True: go offline)."""
    from mlcoach import wiring

    if offline or not wiring.uses_model(settings, offline):
        return offline
    problem = wiring.preflight(settings)
    if problem:
        print(f"mlcoach: warning: {one_line(problem)}; going on with the offline interviewer and judge", file=sys.stderr)
        return True
    from mlcoach.llm import import_in_background

    import_in_background()  # litellm takes seconds: loaded while the name is asked and the greeting is on screen
    return False


def resume(
    session_id: Annotated[str | None, typer.Argument(help="A session id or unique prefix \\[default: the latest "
                                                     "incomplete session].", show_default=False)] = None,
    offline: OfflineOpt = False,
    model: ModelOpt = None,
    api_base: ApiBaseOpt = None,
    judge: JudgeOpt = None,
    max_cost: MaxCostOpt = None,
    timeout: TimeoutOpt = None,
    voice: VoiceOpt = False,
    stt: SttOpt = "whisper-local",
    stt_model: SttModelOpt = None,
    tts: TtsOpt = None,
    pause_seconds: PauseOpt = 2.0,
    push_to_talk: PushOpt = False,
    sessions_dir: SessionsDir = None,
) -> None:
    """Resume an incomplete session where it stopped, in the same session files.

    Example: mlcoach resume 20261129T091500Z
    """
    from mlcoach import config, history, personas, sessions, wiring
    from mlcoach.clock import RealClock
    from mlcoach.engine import Session
    from mlcoach.errors import NotFound

    settings = config.resolve(model=model, api_base=api_base, judge=judge, max_cost=max_cost, timeout=timeout,
                              sessions_dir=str(sessions_dir) if sessions_dir else None)
    if session_id:
        path = sessions.find(settings.sessions_dir, session_id)
    else:
        path = history.latest_incomplete(settings.sessions_dir)
        if path is None:
            raise NotFound(f"{settings.sessions_dir}: no incomplete session to resume")
    meta = sessions.read_events(path).records[0]
    p = personas.load(meta.persona_ref or "ml-engineer")
    if meta.mode == "drill":  # drills are offline: the persona's questions, the drill's judge
        from mlcoach.drilling import DrillSession

        io = _voice(_io(p.name), voice, stt, stt_model, tts, pause_seconds, push_to_talk, None)
        _run(DrillSession.reopen(p, path, clock_factory=lambda t: RealClock(offset=t)), io, settings)
        return
    offline = _checked(settings, offline)
    team = wiring.build(settings, offline)
    interviewer, session_judge = team.interviewer, team.judge
    io = _voice(_io(p.name), voice, stt, stt_model, tts, pause_seconds, push_to_talk, team.client)
    session = Session.resume(p, path, clock_factory=lambda t: RealClock(offset=t), interviewer=interviewer,
                             judge=session_judge)
    wiring.carry_spend(team.client, session.records)
    _run(session, io, settings)


def _voice(io, voice: bool, stt: str, stt_model: str | None, tts: str | None, pause_seconds: float,
           push_to_talk: bool, client):
    """The voice front end around the text one, when asked for; every missing part is one line and exit 2."""
    if not voice and not tts:
        return io
    from mlcoach.ui.voice import VoiceIO
    from mlcoach.voice.tts import Speaker

    speaker = Speaker(tts or "offline")
    if not voice:  # questions spoken, answers typed
        return VoiceIO(io, speaker, None, None)
    from mlcoach.voice.listen import Listener, microphone
    from mlcoach.voice.stt import Transcriber

    microphone()  # PyAudio and a device, checked before the session starts
    transcriber = Transcriber(stt, stt_model or "", client=client)
    io.info("Loading speech recognition...")
    transcriber.load()  # once per session, reused for every answer
    return VoiceIO(io, speaker, Listener(microphone, pause_seconds, push_to_talk), transcriber)


def _io(interviewer_name: str):
    from mlcoach.ui.terminal import PlainIO, TerminalIO

    if sys.stdin.isatty() and sys.stdout.isatty():
        return TerminalIO(interviewer_name)
    return PlainIO(interviewer_name)


def _run(session, io, settings) -> None:
    import threading

    from mlcoach.live import run, toolbar
    from mlcoach.ui.report import report

    io.status = lambda: toolbar(session)
    io.on_note = session.note
    # Compile the persona's regexes while the candidate reads the first question, not after their first answer.
    def warm() -> None:
        threading.Thread(target=_warm, args=(session.persona,), daemon=True).start()

    try:
        outcome = run(session, io, on_started=warm)
    finally:
        session.close()
    sessions_dir = session.log.path.parent
    if outcome.status == "complete":
        io.info("")
        summary = session.summary()
        if session.state.meta.mode == "drill":
            io.info("\n".join(one_line(line) for line in session.report().lines()))
        else:
            io.render(report(summary))
        if summary.score and session.state.meta.mode != "drill":  # the verdict again where the eye lands
            io.info(f"Overall {summary.score.overall}/100 · {summary.score.band} ({summary.score.judge} judge)")
        if first := _next_practice(settings, session.state.meta.candidate):
            io.info(f"Next to practise (mlcoach plan): {first}")
        io.info(f"Saved: {sessions_dir / (session.id + '.jsonl')} and {session.id}.toml")
        io.info(f"See it again with: {hint(f'review {session.id}', settings)}")
        return
    io.info("\nSession saved as incomplete. Resume it with:")
    io.info(f"  {hint(f'resume {session.id}', settings)}")
    if outcome.how == "interrupted":
        raise typer.Exit(int(ExitCode.INTERRUPTED))


def _next_practice(settings, candidate: str) -> str:
    """The plan's first line, updated with this session ("" when there is no plan for the name)."""
    from datetime import date

    from mlcoach.cli.plan import current

    if not candidate.strip():
        return ""
    try:
        items, _, _ = current(settings, candidate)
    except MlcoachError:
        return ""
    return items[0].line(date.today()) if items else ""


def _warm(persona) -> None:
    try:
        persona.compile_all()
    except Exception:  # noqa: BLE001 - a bad pattern is reported, in one line, where it is first used
        pass
