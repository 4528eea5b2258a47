"""The session: conducts the phases over an injected clock, asks the planner, lets an interviewer word each move,
and appends every event to the log before anything else happens. Knows nothing of terminals."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from mlcoach import __version__, closing, coach, planner
from mlcoach.clock import INTERVIEWER_WPM, THINK_SECONDS, speaking_seconds, stamped
from mlcoach.errors import BadInput, NotFound
from mlcoach.interviewers import Context
from mlcoach.judge import OfflineJudge
from mlcoach.limits import MAX_ANSWERS, MAX_READ_WORDS, MAX_SESSION_WORDS, read_part
from mlcoach.outputs import Chunk, Ended, Notice, Output, PhaseStart, Said
from mlcoach.personas import PHASE_IDS, Persona
from mlcoach.planner import Move
from mlcoach.records import CandidateEvent, EndEvent, Event, InterviewerEvent, NoteEvent, conversation, event
from mlcoach.seams import Clock, Interviewer, Judge
from mlcoach.sessions import FORMAT, SessionLog, checked, clean_text, ensure_dir, read_events, write_summary
from mlcoach.state import State, replay
from mlcoach.summary import Summary, summarize
from mlcoach.timeline import plan_seconds

FILL_SHARE = 0.6  # while less than this share of a phase's budget is spent, a plan that ran out draws on extras


class Session:
    def __init__(self, persona: Persona, clock: Clock, log: SessionLog, interviewer: Interviewer, summary_path: Path,
                 judge: Judge | None = None) -> None:
        self.persona = persona
        self.judge: Judge = judge or OfflineJudge()
        self.coaching = False  # coach mode: a note was shown and the next question waits (go_on, retry)
        self.clock = clock
        self.log = log
        self.interviewer = interviewer
        self.summary_path = summary_path
        self.state = State(persona)
        self._events: list[dict] = []  # the log's lines, as written
        self._records: list[Event] = []  # the same, as typed records

    # ------------------------------------------------------------------ creating and resuming
    @classmethod
    def create(cls, persona: Persona, *, candidate: str, sessions_dir: Path, clock: Clock, interviewer: Interviewer,
               scenario: str | None = None, seed: int | None = None, duration: float = 45,
               persona_ref: str = "", level: str = "", mode: str = "live", judge: Judge | None = None,
               focus: tuple[str, ...] = (), coach: bool = False, topic: str = "") -> Session:
        if scenario:
            persona.scenario(scenario)  # validates the id
        seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
        scenario = scenario or random.Random(seed).choice(persona.scenarios).id
        ensure_dir(sessions_dir)
        judge = judge or OfflineJudge()
        meta = {
            "type": "meta", "format": FORMAT, "app": f"mlcoach {__version__}",
            "persona": persona.id, "persona_ref": persona_ref or persona.id, "candidate": clean_text(candidate).strip(),
            "scenario": scenario, "interviewer": interviewer.name, "interviewer_name": persona.name,
            "judge": judge.name, "seed": seed,
            "duration_minutes": duration,
            "plan": plan_seconds(persona, duration), "mode": mode,
        }
        if level:
            meta["level"] = level
        if focus:
            meta["focus"] = list(focus)
        if coach:
            meta["coach"] = True
        if topic:
            meta["topic"] = topic
        meta = stamped(meta, clock)
        log, meta = SessionLog.create_new(sessions_dir, lambda sid: {"type": "meta", "session_id": sid, **meta},
                                          clock.utc())
        session = cls(persona, clock, log, interviewer, sessions_dir / f"{meta['session_id']}.toml", judge)
        session._record(meta)
        session._write_summary()
        return session

    @classmethod
    def resume(cls, persona: Persona, path: Path, *, clock_factory, interviewer: Interviewer,
               judge: Judge | None = None) -> Session:
        if not path.exists():
            raise NotFound(f"{path}: no such session log")
        checked(path)  # a link out of the folder, or no regular file, is refused before the lock is tried
        log = SessionLog(path)  # the lock first, then the read: a live session that ends meanwhile is seen ended
        try:
            loaded = read_events(path)
            ends = [e for e in loaded.records if isinstance(e, EndEvent)]
            if ends and ends[-1].status == "complete":  # once complete, always complete (a later resume or not)
                raise BadInput(f"{path}: the session is complete; see it with: "
                               f"mlcoach review {loaded.records[0].session_id}")
            state = replay(loaded.records, persona)
            if problem := state.unknown_phase():  # hand-edited: going on from there is not possible
                raise BadInput(f"{path}: {problem} is not in persona {persona.id}: not resumable (review it)")
        except BaseException:
            log.close()
            raise
        session = cls(persona, clock_factory(state.t), log, interviewer, path.with_suffix(".toml"), judge)
        session.state, session._events, session._records = state, list(loaded.events), list(loaded.records)
        session._emit({"type": "note", "note": "resumed", "text": f"resumed with the {interviewer.name} interviewer",
                       "interviewer": interviewer.name, "judge": session.judge.name})
        return session

    @property
    def _combines(self) -> bool:
        return self.interviewer.combines_leads

    @property
    def id(self) -> str:
        return self.state.meta.session_id

    @property
    def done(self) -> bool:
        return bool(self.state.status)

    @property
    def events(self) -> list[dict]:
        """The log's lines as written."""
        return list(self._events)

    @property
    def records(self) -> list[Event]:
        return list(self._records)

    # ------------------------------------------------------------------ the clock
    def phase_elapsed(self) -> float:
        return self.clock.now() - self.state.phase_started

    def phase_plan(self, phase: str | None = None) -> tuple[float, float]:
        lo, budget = self.state.meta.plan[phase or self.state.phase]
        return float(lo), float(budget)

    def phase_left(self) -> float:
        return self.phase_plan()[1] - self.phase_elapsed()

    def status(self) -> tuple[str, str] | None:
        """The toolbar's text and level, for a session that words it itself (a drill); None: live.toolbar does."""
        return None

    def total_planned(self) -> float:
        return sum(b for _, b in self.state.meta.plan.values())

    # ------------------------------------------------------------------ the conversation
    def start(self) -> Iterator[Output]:
        """The first phase and the greeting; or, after a resume, where we left off."""
        if self.state.phases:
            return self._welcome_back()
        return self._enter(PHASE_IDS[0])

    def submit(self, text: str, input: str = "text", seconds: float | None = None, **extra) -> Iterator[Output]:
        """Record the answer now (durably), then return the interviewer's reply as a stream."""
        if self.done:
            return iter(())
        text = clean_text(text).strip()
        if seconds is not None:
            self.clock.advance(float(seconds))
        else:
            self.clock.advance(speaking_seconds(text) + THINK_SECONDS)
        last_q_t = self.state.last_question.t if self.state.last_question else self.state.t
        line = {"type": "candidate", "phase": self.state.phase, "text": text, "input": input,
                "answer_seconds": round(max(0.0, self.clock.now() - last_q_t), 1), **extra}
        self._emit(line)  # the candidate's words are on disk (fsync) before anything else happens
        if len(read_part(text)) < len(text):
            self.note("answer_cut", f"answer read up to its first {MAX_READ_WORDS:,} words; the log keeps it whole")
        if self.state.full:  # the last answer read: the interview ends here
            self.note("answers_cut", f"the interview ends after {MAX_ANSWERS:,} answers or {MAX_SESSION_WORDS:,} "
                                     "words; later ones are kept, not read")
            return self._synced(self.finish("complete", "answer limit reached"))
        if self.state.meta.coach:  # a note on the answer; the next question waits for go_on() or retry()
            self.note("coach", text := coach.note(self.state))
            self.coaching = True
            return self._synced(iter([Notice(text)]))
        return self._synced(self._respond())

    def go_on(self) -> Iterator[Output]:
        """Coach mode: the next question, once the candidate has read the note."""
        self.coaching = False
        return iter(()) if self.done else self._synced(self._respond())

    def _synced(self, outputs: Iterator[Output]) -> Iterator[Output]:
        """The interviewer's events are flushed one by one and made durable once, at the end of the turn."""
        try:
            yield from outputs
        finally:
            self.log.sync()

    def next_phase(self) -> Iterator[Output]:
        """The candidate asked to move on (/next)."""
        if self.done:
            return iter(())
        self.coaching = False
        self._emit({"type": "note", "note": "next", "text": f"candidate moved on from {self.state.phase}"})
        return self._synced(self._advance())

    def repeat(self, why: str = "the candidate asked to repeat") -> Iterator[Output]:
        q = self.state.last_question
        if not q or self.done:
            return iter(())
        if self.state.retrying:  # a second try was asked for: that is the question waiting
            return self._say(self._retry_move(), stream=False)
        return self._say(Move("nudge", "repeat", q.text, "general", (), why), stream=False)

    def retry(self) -> Iterator[Output]:
        """Coach mode: a second try at the question just answered (the better answer is scored), once."""
        if self.done or not self.coaching or not coach.can_retry(self.state):
            return self.go_on()
        self.coaching = False
        self.note("retry", f"a second attempt at turn {self.state.last_answer.turn}")
        return self._say(self._retry_move(), stream=False)

    def _retry_move(self) -> Move:
        last = self.state.last_answer
        q = self.persona.questions_by_id.get(last.question)
        asked = planner.fill(q.text, self.state) if q else ""
        return Move("nudge", "retry", coach.again(last.asked, asked), "general", (), "a second try")

    def hint(self) -> Iterator[Output]:
        if self.done:
            return iter(())
        since = self.state.last_question.t if self.state.last_question else 0.0
        given = sum(1 for e in self._records if isinstance(e, InterviewerEvent) and e.move == "hint" and e.t >= since)
        return self._say(planner.hint(self.state, given))

    def note(self, note: str, text: str = "") -> None:
        self._emit({"type": "note", "note": note, "text": text or note})

    def finish(self, status: str = "complete", reason: str = "", quick: bool = False) -> Iterator[Output]:
        """End now (/end, Ctrl-C, the last phase done), a summary on disk; `quick` (Ctrl-C): the offline judge."""
        if self.done:
            return iter(())
        self._score(OfflineJudge() if quick and self.judge.name != "offline" else None)
        self._emit({"type": "end", "status": status, "reason": reason or status})
        self._write_summary()
        return iter([Ended(status)])

    def close(self) -> None:
        self.log.close()

    def _score(self, judge: Judge | None = None) -> None:
        """The judge's verdict as a `score` event; a failing (or Ctrl-C'd) model judge: noted, the offline one scores."""
        judge = judge or self.judge
        if judge is not self.judge:
            self.note("judge_skipped", f"interrupted: the offline judge scored, not {self.judge.name} (rescore later)")
        try:
            verdict = judge.score(self.state)
        except KeyboardInterrupt:
            self.note("judge_interrupted", f"{judge.name} judge interrupted: the offline judge scored (rescore later)")
            verdict = OfflineJudge().score(self.state)
        except Exception as exc:  # noqa: BLE001 - any judge failure becomes a note; the log must still end cleanly
            self.note("judge_failed", f"{judge.name} judge failed: {type(exc).__name__}")
            try:
                verdict = OfflineJudge().score(self.state)
            except Exception:  # noqa: BLE001 - not even the offline judge: the session ends unscored
                return
        finally:
            for note in judge.drain_notes():
                self._emit({"type": "note", **note})
        self._emit(verdict.to_event())

    # ------------------------------------------------------------------ internals
    def _respond(self) -> Iterator[Output]:
        state = self.state
        last = state.last_answer
        if state.phase == "closing" and state.last_question and state.last_question.move == "closing.invite":
            yield from self._closing_reply(last.text if last else "")
            return
        lo, budget = self.phase_plan()
        elapsed = self.phase_elapsed()
        ack, back = planner.reply(state)
        if back is not None:  # a wrong or waved claim is questioned even as the phase runs out: one short question
            if ack is not None and not self._combines:
                yield from self._say(ack)
            yield from self._say(replace(back, lead=ack.text, lead_id=ack.id) if ack and self._combines else back)
            return
        if elapsed >= budget:
            self.note("budget", f"{state.phase} budget spent ({elapsed:.0f}s of {budget:.0f}s)")
            yield from self._advance()
            return
        move = planner.redirect(state) or planner.rephrase(state)
        if move is None:
            moves = self._plan(elapsed < FILL_SHARE * budget)
            if not moves:
                yield from self._advance()
                return
            move = moves[0]
            if ack is not None:
                if self._combines:
                    move = replace(move, lead=ack.text, lead_id=ack.id)
                else:
                    yield from self._say(ack)
        yield from self._say(move)

    def _plan(self, fill_minimum: bool) -> list[Move]:
        state = self.state
        moves: list[Move] = []
        if self._combines:  # a model can ask about the candidate's own specifics: the plan says what and why
            follow = planner.followup(state)
            if follow is not None:
                moves.append(follow)
        if state.phase in ("experience", "design"):
            why = planner.why_algorithm(state)
            if why:
                moves.append(why)
        moves += planner.core_moves(state)
        if state.phase == "design" and not moves:
            trade = planner.when_not(state)
            if trade:
                moves.append(trade)
        if not moves and fill_minimum:  # the plan ran out early: dig into what was said, or ask more, before moving on
            follow = planner.deeper(state)
            moves += [follow] if follow is not None else planner.extra_moves(state)[:1]
        return moves

    def _advance(self) -> Iterator[Output]:
        idx = PHASE_IDS.index(self.state.phase)
        if idx + 1 >= len(PHASE_IDS):
            yield from self.finish("complete", "interview finished")
            return
        yield from self._enter(PHASE_IDS[idx + 1])

    def _enter(self, phase_id: str) -> Iterator[Output]:
        phase = self.persona.phase(phase_id)
        branch = planner.choose_branch(self.state) if phase_id == "deep_dive" else ""
        line = {"type": "phase", "phase": phase_id, "title": phase.title}
        if branch:
            line["branch"] = branch
        self._emit(line)
        self._write_summary()
        yield PhaseStart(phase_id, phase.title, branch)
        if phase_id == "closing":
            yield from self._say(Move("closing", "closing.invite", closing.closing_invite(self.state),
                                      "general", (), "closing"))
            return
        lead = planner.transition(self.state, phase_id) if phase_id != PHASE_IDS[0] else None
        moves = self._plan(True)
        if lead and moves and self._combines:
            yield from self._say(replace(moves[0], lead=lead.text, lead_id=lead.id))
            return
        if lead:
            yield from self._say(lead)
        if moves:
            yield from self._say(moves[0])
        else:
            yield from self._advance()

    def _closing_reply(self, question: str) -> Iterator[Output]:
        analysis = self.state.last_answer.analysis if self.state.last_answer else None
        asked = question if analysis is not None and analysis.substantive else ""
        parts = closing.closing_replies(self.state, asked, self.state.deferred)  # promises kept
        parts.append(planner.fill(self.persona.closing_thanks, self.state))
        yield from self._say(Move("closing", "closing.thanks", " ".join(parts), "general", (), "closing"))
        yield from self.finish("complete", "interview finished")

    def _say(self, move: Move, stream: bool = True) -> Iterator[Output]:
        ctx = self._context(move)
        pieces: list[str] = []
        source = self.interviewer.name
        chunks = self.interviewer.say(move, ctx) if stream else iter([move.text])
        notes: list[dict] = []
        for chunk in chunks:
            yield from self._log_notes(notes)  # a warning shows before the words it explains
            pieces.append(chunk)
            yield Chunk(move.kind, chunk)
        yield from self._log_notes(notes)
        if any(n.get("note") in ("fallback", "greeting") for n in notes):  # the persona's own words, not the model's
            source = "scripted"
        meta = self.interviewer.drain_meta()
        text = "".join(pieces).strip() or (f"{move.lead} {move.text}" if move.lead else move.text)
        self.clock.advance(speaking_seconds(text, INTERVIEWER_WPM))
        line = {"type": "interviewer", "phase": self.state.phase, "kind": move.kind, "move": move.id,
                "text": text, "source": source, "why": move.why, **meta}
        if move.lead_id:
            line["lead"] = move.lead_id
        self._emit(line)
        yield Said(move.kind, text, move.id)

    def _log_notes(self, into: list[dict]) -> Iterator[Notice]:
        """Log the interviewer's pending notes (collected in `into`); a Notice for each warning."""
        for note in self.interviewer.drain_notes():
            self._emit({"type": "note", **note})
            into.append(note)
            if note.get("warn"):
                yield Notice(note.get("text", ""))

    def _welcome_back(self) -> Iterator[Output]:
        rec = self.state.phases[-1]
        yield PhaseStart(rec.id, rec.title, rec.branch)
        name = planner.spoken_name(self.state.meta.candidate)
        if self.state.awaiting and self.state.last_question:
            yield from self._say(Move("transition", "welcome_back",
                                      f"Welcome back, {name}. Let's pick up where we left off.", "general"))
            yield from self.repeat("resumed: the question waiting")
        else:
            noted = self._note_waiting()
            yield from self._say(Move("transition", "welcome_back", f"Welcome back, {name}.", "general"))
            if noted:  # stopped at a coach's note: the note again, and Enter or /retry
                self.coaching = True
                yield Notice(self.state.coached[-1])
                return
            yield from self._respond()

    def _note_waiting(self) -> bool:
        """The last thing said was a coach's note on an answer, and no question came after it (the end and score of
        the interruption, and other notes, aside)."""
        for ev in reversed(self._records):
            if isinstance(ev, NoteEvent) and ev.note == "coach":
                return True
            if isinstance(ev, InterviewerEvent | CandidateEvent):
                return False
        return False

    def _context(self, move: Move) -> Context:
        state = self.state
        said = conversation(self._records) if self._combines else []
        labels = tuple(self.persona.concepts[c].label for c in sorted(state.explained))
        later: tuple[str, ...] = ()
        if self._combines and state.phase and move.kind in ("question", "probe"):
            later = tuple(m.text for m in self._plan(False) if m.id != move.id)[:2]
        focus = tuple(c.label for c in self.persona.criteria if c.id in state.meta.focus)
        stance = planner.stance(state) if self._combines else ""
        background = tuple(a.text for a in state.answers if a.phase == PHASE_IDS[0])
        return Context(self.persona, state.scenario, self.persona.phase(state.phase or PHASE_IDS[0]),
                       max(0.0, self.phase_left()) if state.phase else 0.0, state.meta.candidate,
                       labels, tuple(said), later, focus, stance, background)

    def _emit(self, line: dict) -> None:
        line = stamped(line, self.clock)
        self.log.append(line, sync=line["type"] in ("candidate", "end", "meta", "score"))
        self._record(line)

    def _record(self, line: dict) -> None:
        record = event(line)
        self._events.append(line)
        self._records.append(record)
        self.state.apply(record)

    def _write_summary(self) -> None:
        write_summary(self.summary_path, self.summary().to_dict())

    def summary(self) -> Summary:
        return summarize(self._records)

