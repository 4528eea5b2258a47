"""Session state: the timeline fold (timeline.py) plus the reading of every answer. Replaying the events rebuilds it
exactly; `replay` is the one way a log becomes a state (resume, rescore, the judge, the bench)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mlcoach import claims
from mlcoach import phrases as ph
from mlcoach.analysis import Analysis, Hit, analyze
from mlcoach.limits import MAX_ANSWERS, MAX_SESSION_WORDS
from mlcoach.personas import Persona, Scenario
from mlcoach.records import CandidateEvent, Event, InterviewerEvent, MetaEvent, NoteEvent
from mlcoach.timeline import Timeline

ANSWERED_LATE = ("design", "production", "deep_dive", "closing")  # phases after the scenario was posed
REPEAT_WINDOW = 60  # a repeated answer is looked for among this many before it (more than a whole interview)
POINTER_WORDS = 15  # "I think I covered that": a pointer to an earlier answer; longer, it is an answer


def is_pointer(text: str, words: int) -> bool:
    """ "I think I covered that", "as I said": a short pointer to an earlier answer, not an answer of its own."""
    return words <= POINTER_WORDS and bool(ph.POINTER.search(text))


def context(phase: str) -> str:
    """Where a topic counts as asked: the candidate's past work (opening, experience) or the scenario."""
    return "past" if phase in ("opening", "experience") else "scenario"


@dataclass
class Answer:
    phase: str
    text: str
    analysis: Analysis
    t: float
    question: str  # the move id it answered
    asked: str = ""  # the wording of that question
    turn: int = 0  # 1-based number of this answer in the session


class State(Timeline):
    """The timeline, and what the answers said as the persona reads them."""

    def __init__(self, persona: Persona) -> None:
        super().__init__()
        self.persona = persona
        self.scenario: Scenario | None = None
        self.answers: list[Answer] = []
        self.coverage: dict[str, Hit] = {}  # best hit per concept across the session
        self.scenario_explained: set[str] = set()  # explained since the scenario was posed
        self.scenario_spoken: set[str] = set()  # named in the candidate's own plan or work since then
        self.declined: set[str] = set()  # concepts the candidate said they have not worked on or waved away
        self.topics: dict[str, set[str]] = {"past": set(), "scenario": set()}  # the topic of each question asked
        self.deferred: list[str] = []  # the candidate's questions to the interviewer, kept for the closing
        self.pointed: set[str] = set()  # what questions covered that the candidate said they had answered already
        self.unread_answers = 0  # answers past MAX_ANSWERS or MAX_SESSION_WORDS
        self.words_read = 0
        self.retried = 0  # coach mode: the turn of the last answer tried again (/retry)
        self.retries = 0  # how many second attempts
        self.coached: list[str] = []  # the coach's notes so far (a hint is not given twice)
        self.retry_kept = ""  # which attempt the score keeps, said in the coach's note
        self._retrying = False

    def apply(self, ev: Event) -> None:
        phase = self.phase
        last = self.last_question
        super().apply(ev)
        if isinstance(ev, MetaEvent) and ev.scenario:
            self.scenario = self.persona.scenario(ev.scenario)
        elif isinstance(ev, InterviewerEvent):
            if ev.move.startswith("redirect:") and self.answers:
                self.deferred.append(self.answers[-1].text.strip())
            if ev.asks and (topic := self.topic_of(ev.move)):
                self.topics[context(ev.phase or phase)].add(topic)
        elif isinstance(ev, NoteEvent) and ev.note == "coach":
            self.coached.append(ev.text)
        elif isinstance(ev, NoteEvent) and ev.note == "scenario":  # a drill frames its next question in a scenario
            self.scenario = next((s for s in self.persona.scenarios if s.id == ev.text), None)
        elif isinstance(ev, NoteEvent) and ev.note == "retry" and self.answers:
            self._retrying = True  # the next answer is a second attempt at the same question
        elif isinstance(ev, CandidateEvent):
            self._candidate(ev, phase, last)

    def _candidate(self, ev: CandidateEvent, phase: str, last) -> None:
        if self._retrying:
            self._retry(ev)
        elif self.full:
            self.unread_answers += 1  # kept in the log, not read: a crafted or endless log replays in bounded time
        else:
            # Claims wrong only for the scenario ("accuracy" of a house price) are wrong once it is posed: before,
            # the candidate speaks of their own projects (a Titanic classifier's accuracy is fine).
            analysis = self._read(ev.text, ev.phase or phase, last.text if last else "", self.answers,
                                  last.move if last else "")
            self.answers.append(Answer(ev.phase or phase, ev.text, analysis, ev.t, last.move if last else "",
                                       last.text if last else "", len(self.answers) + 1))
            self.declined |= {h.concept for h in analysis.hits if h.gap and h.mode != claims.ASKS}
            covers = set(self.covers_of(last.move)) if last is not None else set()
            if covers and covers <= set(self.coverage) and is_pointer(ev.text, analysis.words):
                self.pointed |= covers  # "I covered that": and an earlier answer did speak to it
            self._credit(analysis, phase)

    def _retry(self, ev: CandidateEvent) -> None:
        """A second attempt at the last question: the score keeps whichever attempt gives more (strength); both
        stay in the log. What the second attempt explained counts for what is covered either way."""
        self._retrying = False
        self.retries += 1
        first = self.answers[-1]
        analysis = self._read(ev.text, first.phase, first.asked, self.answers[:-1], first.question)
        self.retried = first.turn
        self.retry_kept = "The first attempt is kept for the score: the second did not explain more."
        new, old = strength(analysis), strength(first.analysis)
        if new > old:
            self.answers[-1] = Answer(first.phase, ev.text, analysis, ev.t, first.question, first.asked, first.turn)
            more = "explained more" if new[0] > old[0] else "named more" if new[1] > old[1] else "said more"
            self.retry_kept = f"The second attempt is kept for the score: it {more}."
        self._credit(analysis, self.phase)

    def _read(self, text: str, phase: str, asked: str, before: list[Answer], move: str = "") -> Analysis:
        """One answer read against the recent ones (a repeat) and the question; claims wrong only for the scenario
        ("accuracy" of a house price) are wrong once it is posed: before, the candidate speaks of their own
        projects (a Titanic classifier's accuracy is fine)."""
        posed = self.scenario.id if self.scenario and phase in ANSWERED_LATE else ""
        recent = [a.text for a in before[-REPEAT_WINDOW:]]  # bounded: a long log replays in linear time
        return self._accounted(analyze(text, self.persona, recent, asked, posed), move)

    def _accounted(self, analysis: Analysis, move: str) -> Analysis:
        """"How did you debug it?" answered with what the candidate did, and why, is about debugging whatever its
        words: the question's `account` concepts (personas/README.md) the answer did not name are credited to its
        account of work, when it has one and gives a reason or tells of a failure."""
        if analysis.quality != "ok" or not analysis.experience or analysis.disclaims or not (
                analysis.reasons or analysis.failure or analysis.numbers):
            return analysis
        named = {h.concept for h in analysis.hits}
        quote = analysis.quote_for("experience")
        concepts = self.persona.concepts
        added = tuple(Hit(c, True, quote, reasoned=analysis.reasons, grounded=True, specific=True)
                      for c in self.covers_of(move) if c in concepts and concepts[c].account and c not in named)
        return replace(analysis, hits=analysis.hits + added) if added and quote else analysis

    def _credit(self, analysis: Analysis, phase: str) -> None:
        """What an answer explained counts for what is covered (the best hit per concept)."""
        self.words_read += analysis.words
        if phase in ANSWERED_LATE:
            self.scenario_explained |= analysis.explained
            if analysis.quality == "ok":
                self.scenario_spoken |= {h.concept for h in analysis.hits if not h.gap and not h.void
                                         and h.mode in (claims.WOULD, claims.DID)}
        for hit in analysis.hits:
            old = self.coverage.get(hit.concept)
            if old is None or (hit.explained and not old.explained):
                self.coverage[hit.concept] = hit

    # ------------------------------------------------------------------ views

    def covers_of(self, move: str) -> tuple[str, ...]:
        """The concepts a move asks about: its question's, its technique line's, or the algorithm of a "why"."""
        p = self.persona
        if (q := p.questions_by_id.get(move)) is not None:
            return q.covers
        kind, _, rest = move.partition(":")
        if kind == "why":
            return (rest,)
        if kind in ("deeper", "followup"):
            return (rest,)
        lines = {"discovery": p.discovery, "pushback": p.pushback}.get(kind, ())
        return next((ln.when for ln in lines if ln.id == rest), ())

    def topic_of(self, move: str) -> str:
        """A question's topic: the first concept it asks about (its covers in order, the main one first)."""
        covers = self.covers_of(move)
        return covers[0] if covers else ""

    def asked_topic(self, move: str, phase: str = "") -> bool:
        """A question on this topic was asked already in this context (the past or the scenario)."""
        topic = self.topic_of(move)
        return bool(topic) and topic in self.topics[context(phase or self.phase)]

    @property
    def explained(self) -> set[str]:
        return {c for c, h in self.coverage.items() if h.explained}

    def covered(self) -> set[str]:
        """What counts as covered for skipping questions: once the scenario is posed, only what was explained
        about it (a past project's deployment does not answer how *this* model would be deployed); and what the
        candidate said they have not done ("I've never monitored a model" is not asked about monitoring again)."""
        if self.phase in ("design", "production"):
            return self.scenario_explained | self.declined | self.pointed
        return self.explained | self.declined | self.pointed

    @property
    def mentioned(self) -> set[str]:
        return set(self.coverage)

    @property
    def full(self) -> bool:
        """The session has read all it reads (limits.py): later answers are kept in the log, not read."""
        return len(self.answers) >= MAX_ANSWERS or self.words_read >= MAX_SESSION_WORDS

    def unknown_phase(self) -> str:
        """A phase or a branch of the log that its persona does not have ("" when there is none)."""
        known = {ph.id for ph in self.persona.phases}
        for rec in self.phases:
            if rec.id not in known:
                return f"phase {rec.id!r}"
            if rec.branch and rec.branch not in self.persona.branches:
                return f"branch {rec.branch!r}"
        return ""

    @property
    def retrying(self) -> bool:
        """A second try was asked for and not answered yet."""
        return self._retrying

    @property
    def last_answer(self) -> Answer | None:
        return self.answers[-1] if self.answers else None


def strength(analysis: Analysis) -> tuple[int, int, int]:
    """How much an answer gives: concepts explained, then concepts named, then words (a retry is kept when more)."""
    return (sum(1 for h in analysis.hits if h.explained and not h.gap),
            sum(1 for h in analysis.hits if not h.gap), analysis.words)


def replay(events: list[Event], persona: Persona) -> State:
    """A log's events folded into a fresh state."""
    state = State(persona)
    for ev in events:
        state.apply(ev)
    return state
