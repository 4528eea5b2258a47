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
            if session.coaching:
                _coached(session, io)
        return Outcome(session.state.status, "finished")
    except KeyboardInterrupt:
        if not session.done:
            list(session.finish("incomplete", "interrupted", quick=True))
        return Outcome("incomplete", "interrupted")


def _coached(session: Session, io) -> None:
    """Coach mode: the note is on screen; Enter goes on to the next question, /retry answers this one again."""
    line = io.line("(Enter: next question · /retry: answer it again) ")
    io.show(session.retry() if line is not None and line.strip().lower() == "/retry" else session.go_on())


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
        io.info("/retry comes right after a coach's note: mlcoach interview --coach")
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
