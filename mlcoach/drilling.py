"""A drill session: the session of engine.py (the same log, coach notes, /retry, /hint, resume) asking the drill's
questions (drill.py) in order instead of the interview's phase script. The scripted interviewer words them and the
drill's own judge scores them. Knows nothing of terminals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from mlcoach import drill, planner
from mlcoach.drill import Ask, Topic, TopicJudge
from mlcoach.engine import Session
from mlcoach.interviewers import ScriptedInterviewer
from mlcoach.outputs import Output, PhaseStart
from mlcoach.personas import Persona
from mlcoach.planner import Move
from mlcoach.records import InterviewerEvent
from mlcoach.seams import Clock
from mlcoach.transcript import clock as mmss

MODE = "drill"


class DrillSession(Session):
    topic: Topic
    asks: list[Ask]

    @classmethod
    def begin(cls, persona: Persona, topic: Topic, *, candidate: str, sessions_dir: Path, clock: Clock,
              minutes: float = drill.MINUTES, seed: int | None = None, persona_ref: str = "") -> DrillSession:
        import random

        seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
        asks = drill.questions(persona, topic, seed)
        first = next((a.scenario for a in asks if a.scenario), persona.scenarios[0].id)
        session = cls.create(persona, candidate=candidate, sessions_dir=sessions_dir, clock=clock,
                             interviewer=ScriptedInterviewer(), scenario=first, seed=seed, duration=minutes,
                             persona_ref=persona_ref, mode=MODE, judge=TopicJudge(topic), coach=True, topic=topic.id)
        return session._drilling(topic)

    @classmethod
    def reopen(cls, persona: Persona, path: Path, *, clock_factory) -> DrillSession:
        """Resume a drill from its log (the questions come again from its topic and seed)."""
        from mlcoach.sessions import read_events

        topic = drill.of_log(read_events(path).records[0], persona, path)
        session = cls.resume(persona, path, clock_factory=clock_factory, interviewer=ScriptedInterviewer(),
                             judge=TopicJudge(topic))
        return session._drilling(topic)

    def _drilling(self, topic: Topic) -> DrillSession:
        self.topic = topic
        self.asks = drill.questions(self.persona, topic, self.state.meta.seed)
        self.limit = drill.count(self.state.meta.duration_minutes, len(self.asks))
        return self

    # ------------------------------------------------------------------ progress
    def asked(self) -> tuple[str, ...]:
        """The drill's questions asked so far, by id."""
        ids = {a.id for a in self.asks}
        return tuple(e.move for e in self._records if isinstance(e, InterviewerEvent) and e.move in ids)

    def status(self) -> tuple[str, str] | None:
        n, planned = len(self.asked()), self.state.meta.duration_minutes * 60
        left = planned - self.clock.now()
        paused = " · paused" if self.clock.paused else ""
        head = f"Drill: {self.topic.label} · question {max(n, 1)} of {self.limit}"
        if left <= 0:
            return f"{head} · time's up, finish this answer{paused}", "over"
        return f"{head} · {mmss(left)} left{paused}", "ok"

    def report(self) -> drill.Report:
        return drill.report(self.state, self.topic, self.asked())

    # ------------------------------------------------------------------ the conversation
    def start(self) -> Iterator[Output]:
        if self.state.phases:
            return self._welcome_back()
        return self._synced(self._opening())

    def _opening(self) -> Iterator[Output]:
        yield PhaseStart(MODE, f"Drill: {self.topic.label}")
        name = planner.spoken_name(self.state.meta.candidate)
        yield from self._say(Move("transition", "drill.start", f"Hi {name}. A short drill: {self.topic.label}, "
                                  f"{self.limit} questions from different situations. After each answer you'll get "
                                  "a note, and you can try it again.", "general"), stream=False)
        yield from self._ask(self.asks[0])

    def _welcome_back(self) -> Iterator[Output]:
        for out in super()._welcome_back():
            yield PhaseStart(MODE, f"Drill: {self.topic.label}") if isinstance(out, PhaseStart) else out

    def next_phase(self) -> Iterator[Output]:
        """/next in a drill: skip this question."""
        if self.done:
            return iter(())
        self.coaching = False
        self.note("skipped", "candidate skipped a drill question")
        return self._synced(self._respond())

    def _respond(self) -> Iterator[Output]:
        asked = len(self.asked())
        out_of_time = self.clock.now() >= self.state.meta.duration_minutes * 60
        if asked >= self.limit or (out_of_time and len(self.state.answers) >= drill.MIN_QUESTIONS):
            self.note("drill_done", "time is up" if asked < self.limit else "every question asked")
            yield from self.finish("complete", "drill finished")
            return
        yield from self._ask(self.asks[asked])

    def _ask(self, ask: Ask) -> Iterator[Output]:
        if ask.phase != self.state.phase:  # the phase the question comes from: how its answer is read and judged
            self._emit({"type": "phase", "phase": ask.phase, "title": self.persona.phase(ask.phase).title})
        if ask.scenario and (self.state.scenario is None or self.state.scenario.id != ask.scenario):
            self.note("scenario", ask.scenario)
        text = planner.fill(drill.wording(self.persona, ask), self.state)
        yield from self._say(Move("question", ask.id, text, "general", ask.covers, f"drill: {self.topic.id}"),
                             stream=False)


def report_of(events: list, path: Path) -> drill.Report:
    """A finished drill's report, from its log (`mlcoach review` of a drill)."""
    from mlcoach import personas
    from mlcoach.state import replay

    persona = personas.load(events[0].persona_ref or events[0].persona)
    topic = drill.of_log(events[0], persona, path)
    asked = tuple(e.move for e in events if isinstance(e, InterviewerEvent) and e.kind == "question"
                  and e.move in persona.questions_by_id)
    return drill.report(replay(events, persona), topic, asked)
