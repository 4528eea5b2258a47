"""The live loop: answers and slash commands from a front end into the session. The front end (terminal or plain
lines) is injected, so the same loop runs in a pty, in a pipe and in tests."""

from __future__ import annotations

from dataclasses import dataclass

from mlcoach.engine import Session
from mlcoach.transcript import clock as mmss

COMMANDS = {
    "/help": "list these commands",
    "/next": "move on to the next phase (in a drill: skip this question)",
    "/repeat": "repeat the last question",
    "/hint": "a nudge in the interviewer's style (counted in the log)",
    "/time": "time left in this phase and overall",
    "/pause": "stop the clock until you press Enter",
    "/end": "finish now, with feedback as usual",
    "/retry": "coach mode and drills: answer the last question again (the better attempt is scored)",
}


SOON_SHARE = 0.2  # "ending soon" in the last fifth of a phase...
SOON_MIN_PHASE = 120.0  # ...of a phase long enough for it to mean something (seconds)


@dataclass(frozen=True)
class Outcome:
    status: str  # complete | incomplete
    how: str  # finished | ended | eof | interrupted


def toolbar(session: Session) -> tuple[str, str]:
    """The toolbar's text and its level: ok, soon (the phase is nearly over) or over."""
    if (own := session.status()) is not None:
        return own
    if not session.state.phase:
        return "", "ok"
    title = session.persona.phase(session.state.phase).title
    _, budget = session.phase_plan()
    left = budget - session.phase_elapsed()
    total = f"total {mmss(session.clock.now())} / {mmss(session.total_planned())}"
    paused = " · paused" if session.clock.paused else ""
    if left <= 0:
        return f"{title} · time's up, finish this answer · {total}{paused}", "over"
    level = "soon" if budget >= SOON_MIN_PHASE and left <= SOON_SHARE * budget else "ok"
    note = " (ending soon)" if level == "soon" else ""
    return f"{title} · {mmss(left)} left{note} · {total}{paused}", level


def run(session: Session, io, on_started=None) -> Outcome:
    """Drive a session to its end. Ctrl-C (KeyboardInterrupt) and end of input leave it incomplete and saved.
    `on_started` runs once the first question is on screen (warm-up work that must not delay it)."""
    try:
        io.show(session.start())
        if on_started is not None:
            on_started()
        if session.coaching and _coached(session, io):  # resumed at a coach's note
            return Outcome("complete", "ended")
        while not session.done:
            text = io.read()
            if text is None:
                io.show(session.finish("incomplete", "input ended"))
                return Outcome("incomplete", "eof")
            if not isinstance(text, str):  # a spoken answer, with its delivery metrics
                io.show(session.submit(text.text, input="voice", **text.extra))
                continue
            if text.startswith("/"):
                if _command(session, io, text):
                    return Outcome("complete", "ended")
                continue
            io.show(session.submit(text, input="text"))
            if session.coaching and _coached(session, io):
                return Outcome("complete", "ended")
        return Outcome(session.state.status, "finished")
    except KeyboardInterrupt:
        if not session.done:
            list(session.finish("incomplete", "interrupted", quick=True))
        return Outcome("incomplete", "interrupted")


NOTE_PROMPT = "(Enter: next question · /retry: answer it again) "


def _coached(session: Session, io) -> bool:
    """Coach mode: the note is on screen. Enter goes on to the next question and /retry asks this one again; the
    other commands work as usual; words typed here are never dropped: a second try at this question when one is
    left, else kept in the log unscored. True when the session ended here."""
    from mlcoach import coach

    while session.coaching and not session.done:
        line = io.line(NOTE_PROMPT)
        if line is None:  # the input ended: the answer loop finishes the session
            return False
        text = line.strip()
        if not text:
            io.show(session.go_on())
        elif text.lower() == "/retry" and coach.can_retry(session.state):
            io.show(session.retry())
        elif text.lower() == "/retry":
            io.info("One second try per question. Enter goes on.")
        elif text.startswith("/"):
            if _command(session, io, text):
                return True
        elif coach.can_retry(session.state):  # typed before the next question: a second try at this one
            io.info("(Taken as a second try at this question; Enter alone goes on.)")
            io.show(session.retry())
            io.show(session.submit(text, input="text"))
        else:
            session.note("aside", text)
            io.info("Kept in the log, not scored: one second try per question. Enter goes on.")
    return session.done


def _command(session: Session, io, text: str) -> bool:
    """Run a slash command; True when it ended the session."""
    name = text.split()[0].lower()
    if name == "/help":
        io.info("\n".join(f"  {cmd:<8} {what}" for cmd, what in COMMANDS.items()) +
                "\n  Enter sends your answer; Esc then Enter (or Alt+Enter) starts a new line.")
    elif name == "/next":
        io.show(session.next_phase())
    elif name == "/repeat":
        io.show(session.repeat())
    elif name == "/hint":
        io.show(session.hint())
    elif name == "/retry":
        io.info("/retry comes right after a coach's note (mlcoach interview --coach, and every drill)."
                if not session.state.meta.coach else "/retry comes right after the note on your answer.")
    elif name == "/time":
        io.info(toolbar(session)[0])
    elif name == "/pause":
        session.clock.pause()
        session.note("paused", "clock paused by the candidate")
        io.info("Paused: the clock is stopped. Press Enter to go on.")
        try:
            io.read_raw()
        finally:
            session.clock.resume()
            session.note("resumed_clock", "clock running again")
        io.info("Back on the clock.")
    elif name == "/end":
        io.show(session.finish("complete", "ended by the candidate"))
        return True
    else:
        io.info(f"Unknown command {name}. Type /help for the list; answers are sent as plain text.")
    return False
