"""The live loop with the plain front end on in-memory streams and a clock the test controls."""

from __future__ import annotations

import io

from mlcoach.engine import Session
from mlcoach.interviewers import ScriptedInterviewer
from mlcoach.live import run, toolbar
from mlcoach.ui.terminal import PlainIO


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.paused = False

    def now(self) -> float:
        return self.t

    def utc(self):
        from datetime import UTC, datetime, timedelta

        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=self.t)

    def advance(self, seconds: float) -> None:  # a real clock ignores this, like RealClock
        pass

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False


def _session(persona, sessions_dir, clock, duration=45):
    return Session.create(persona, candidate="Ada", sessions_dir=sessions_dir, clock=clock,
                          interviewer=ScriptedInterviewer(), scenario="spam", seed=2, duration=duration)


def test_pause_stops_the_clock_until_enter(persona, sessions_dir):
    clock = FakeClock()
    s = _session(persona, sessions_dir, clock)

    read_while_paused: list[tuple[str, bool]] = []

    class Typing(io.StringIO):
        def readline(self, *a):
            line = super().readline(*a)
            read_while_paused.append((line, clock.paused))
            if not clock.paused:
                clock.t += 10  # time passes while the candidate types, except on a paused clock
            return line

    out = io.StringIO()
    stdin = Typing("/pause\n\n/time\n/hint\n/repeat\n/end\n")
    outcome = run(s, PlainIO("Alex", stdin, out))
    assert outcome.status == "complete"
    # The session paused the clock itself before waiting for Enter, and resumed it after.
    assert read_while_paused[:3] == [("/pause\n", False), ("\n", True), ("/time\n", False)]
    text = out.getvalue()
    assert "Paused" in text and "Back on the clock" in text and "Opening ·" in text
    notes = [e["note"] for e in s.events if e["type"] == "note"]
    assert "paused" in notes and "resumed_clock" in notes
    assert s.summary().hints == 1
    repeats = [e for e in s.events if e.get("move") == "repeat"]
    assert repeats and repeats[0]["text"].startswith("Hi Ada!")


def test_toolbar_levels(persona, sessions_dir):
    clock = FakeClock()
    s = _session(persona, sessions_dir, clock)
    list(s.start())
    text, level = toolbar(s)
    assert level == "ok" and text.startswith("Opening · 02:03 left") and "/ 45:00" in text
    clock.t = 100
    assert toolbar(s)[1] == "soon" and "ending soon" in toolbar(s)[0]
    clock.t = 200
    assert toolbar(s)[1] == "over" and "time's up" in toolbar(s)[0]


def test_the_phase_moves_on_once_its_budget_is_spent(persona, sessions_dir):
    clock = FakeClock()
    s = _session(persona, sessions_dir, clock, duration=1)
    list(s.start())
    clock.t = 5
    list(s.submit("I have worked on fraud models for three years."))
    assert s.state.phase == "experience"
    assert any(e.get("note") == "budget" for e in s.events)
