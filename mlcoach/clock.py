"""Clocks: a real one for live sessions, a simulated one for batch, both measured in session seconds."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class RealClock:
    """Seconds since the session started, minus paused time. `offset` continues a resumed session."""

    def __init__(self, offset: float = 0.0, monotonic=time.monotonic, wall=None) -> None:
        self._monotonic = monotonic
        self._wall = wall or (lambda: datetime.now(UTC))
        self._start = monotonic() - offset
        self._paused_at: float | None = None

    def now(self) -> float:
        ref = self._paused_at if self._paused_at is not None else self._monotonic()
        return ref - self._start

    def utc(self) -> datetime:
        return self._wall()

    def pause(self) -> None:
        if self._paused_at is None:
            self._paused_at = self._monotonic()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._start += self._monotonic() - self._paused_at
            self._paused_at = None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def advance(self, seconds: float) -> None:  # real time advances by itself
        pass


class SimClock:
    """A clock that only moves when told to: batch interviews run in milliseconds."""

    def __init__(self, offset: float = 0.0, started: datetime | None = None) -> None:
        self._t = offset
        self._started = started or datetime.now(UTC)
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    def now(self) -> float:
        return self._t

    def utc(self) -> datetime:
        return self._started + timedelta(seconds=self._t)

    def advance(self, seconds: float) -> None:
        self._t += max(0.0, seconds)

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False


WORDS_PER_MINUTE = 130
THINK_SECONDS = 4.0
INTERVIEWER_WPM = 160


def speaking_seconds(text: str, wpm: float = WORDS_PER_MINUTE) -> float:
    return len(text.split()) * 60.0 / wpm


def stamped(line: dict, clock) -> dict:
    """The event with its session time and wall-clock time."""
    return {**line, "t": round(clock.now(), 2), "at": clock.utc().isoformat(timespec="seconds")}
