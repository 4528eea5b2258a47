"""`mlcoach drill`: a short run of questions on one topic, coach mode on, ending in a report on that topic
(drill.py, drilling.py). Offline always: the persona's own questions, the offline reading and judge."""

from __future__ import annotations

from typing import Annotated

import typer

from mlcoach.cli.options import (
    JsonOpt,
    PauseOpt,
    PersonaOpt,
    PushOpt,
    SeedOpt,
    SessionsDir,
    SttModelOpt,
    SttOpt,
    TtsOpt,
    VoiceOpt,
    load_persona,
)
from mlcoach.visible import one_line


def register(app: typer.Typer) -> None:
    app.command("drill")(drill_command)


def drill_command(
    topic: Annotated[str | None, typer.Argument(help="A topic (mlcoach drill --list: imbalance, evaluation, "
                                                "deployment, drift, failures, ...), a rubric criterion id or a concept "
                                                "id \\[default: the first criterion of your practice plan].",
                                                show_default=False)] = None,
    minutes: Annotated[int, typer.Option("--minutes", min=2, max=60, help="How long: about one question per two "
                                         "minutes.")] = 10,
    list_topics: Annotated[bool, typer.Option("--list", help="List the topics and what each scores.")] = False,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Your name \\[default: the config's name].",
                                             show_default=False)] = None,
    persona: PersonaOpt = None,
    seed: SeedOpt = None,
    as_json: JsonOpt = False,
    voice: VoiceOpt = False,
    stt: SttOpt = "whisper-local",
    stt_model: SttModelOpt = None,
    tts: TtsOpt = None,
    pause_seconds: PauseOpt = 2.0,
    push_to_talk: PushOpt = False,
    sessions_dir: SessionsDir = None,
) -> None:
    """A short drill on one topic: questions on it from every phase and scenario, a coach's note after each answer
    (Enter: next question, /retry: answer it again), and a report on the topic at the end. Logged like an interview
    (mlcoach review; resume it with mlcoach resume); the practice plan counts it. --voice and --tts work as in an
    interview (offline engines).

    Example: mlcoach drill drift --minutes 10
    """
    from mlcoach import config, drill
    from mlcoach.clock import RealClock
    from mlcoach.drilling import DrillSession

    settings = config.resolve(name=name, persona=persona,
                              sessions_dir=str(sessions_dir) if sessions_dir else None)
    p = load_persona(settings.persona, config.origin(settings, "persona"))
    from mlcoach.errors import BadInput

    if list_topics:
        if topic is not None:
            raise BadInput(f"drill: --list takes no topic (got {topic!r}); run mlcoach drill {topic} to drill it")
        _list(p, as_json)
        return
    if as_json:
        raise BadInput("drill: --json goes with --list")
    if voice and stt == "openai":
        raise BadInput("drill: --stt openai needs a model and drills are offline: use --stt whisper-local or sphinx")
    from mlcoach.cli.interview import _candidate, _io, _run, _voice

    io = _voice(_io(p.name), voice, stt, stt_model, tts, pause_seconds, push_to_talk, None)
    candidate = _candidate(name, settings, io)
    if topic is not None:
        chosen = drill.resolve(topic, p)
    else:
        chosen, why = _from_plan(settings, p, candidate)
        io.info(why)
    session = DrillSession.begin(p, chosen, candidate=candidate, sessions_dir=settings.sessions_dir,
                                 clock=RealClock(), minutes=minutes, seed=seed, persona_ref=settings.persona)
    _run(session, io, settings)


def _from_plan(settings, persona, candidate: str):
    """(the topic, what to tell the candidate): the drill for the first criterion of their plan."""
    from mlcoach import drill
    from mlcoach.cli.plan import current
    from mlcoach.errors import BadInput, MlcoachError

    try:
        items, _, _ = current(settings, candidate or None)
    except MlcoachError:
        items = []
    topics = drill.topics(persona)
    if not items:
        if not topics:
            raise BadInput(f"drill: persona {persona.id} has no [drills]: give a criterion or concept id as TOPIC")
        return topics[0], (f"No practice plan yet (no scored sessions), so: {topics[0].label}. Choose another with "
                           "mlcoach drill TOPIC (mlcoach drill --list).")
    first = items[0]
    chosen = drill.for_criterion(first.criterion, persona)
    scores = f"scores {' '.join(map(str, first.scores))}" if first.scores else "not judged yet"
    return chosen, one_line(f"From your practice plan: {first.label} ({scores}) -> a drill on "
                            f"{chosen.label.lower()}.")


def _list(persona, as_json: bool) -> None:
    from mlcoach import drill
    from mlcoach.cli.options import print_json

    labels = {c.id: c.label for c in persona.criteria}
    topics = drill.topics(persona)
    if as_json:
        print_json([{"topic": t.id, "label": t.label, "concepts": list(t.concepts), "criteria": list(t.criteria)}
                    for t in topics])
        return
    if not topics:
        print(one_line(f"Persona {persona.id} has no [drills] topics."))
    width = max((len(t.id) for t in topics), default=0)
    for t in topics:
        print(one_line(f"{t.id:<{width}}  {t.label} (scores: {'; '.join(labels.get(c, c) for c in t.criteria)})"))
    print("A rubric criterion id or a concept id is a topic too (mlcoach personas show "
          f"{one_line(persona.id)}).")


def show_report(events: list, path) -> bool:
    """A finished drill's report under its transcript (`mlcoach review show`); False, with a warning, when its
    persona or topic is gone (the score as logged is shown instead)."""
    found = report_lines(events, path)
    if found is None:
        return False
    print("\n".join(one_line(line) for line in found))
    return True


def report_lines(events: list, path) -> list[str] | None:
    """A drill's report lines; None, with a warning on stderr, when its persona or topic is gone."""
    import sys

    from mlcoach.drilling import report_of
    from mlcoach.errors import MlcoachError

    try:
        return report_of(events, path).lines()
    except MlcoachError as exc:
        print(f"mlcoach: warning: no drill report: {one_line(str(exc))}", file=sys.stderr)
        return None
