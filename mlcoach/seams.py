"""The seams: what the session takes from outside, declared in one place. Every implementation has the whole
interface (trivial methods where it has nothing to do), so the core never probes an object for what it can do.

- Clock: RealClock and SimClock (clock.py)
- Interviewer: ScriptedInterviewer (interviewers/__init__.py) and LLMInterviewer (interviewers/llm.py)
- Judge: OfflineJudge (judge.py) and LLMJudge (llm_judge.py)
- FrontEnd: PlainIO and TerminalIO (ui/terminal.py), VoiceIO around either (ui/voice.py)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mlcoach.interviewers import Context
    from mlcoach.planner import Move
    from mlcoach.records import Score
    from mlcoach.state import State


class Clock(Protocol):
    """Session seconds: real time in a terminal, simulated in batch."""

    @property
    def paused(self) -> bool: ...

    def now(self) -> float: ...

    def utc(self) -> datetime: ...

    def advance(self, seconds: float) -> None:
        """Move a simulated clock on; a real clock moves by itself and ignores this."""

    def pause(self) -> None: ...

    def resume(self) -> None: ...


class Interviewer(Protocol):
    """Words the planner's moves."""

    name: str
    combines_leads: bool  # words an acknowledgement or transition together with the question that follows

    def say(self, move: Move, ctx: Context) -> Iterator[str]:
        """The words of one move as text chunks (a stream). Never raises for a model's faults."""
        ...

    def drain_notes(self) -> list[dict]:
        """Notes (retries, fallbacks, warnings) since the last call, for the log."""
        ...

    def drain_meta(self) -> dict:
        """Extra keys for the interviewer event just said (a model's usage)."""
        ...


class Judge(Protocol):
    name: str

    def score(self, state: State) -> Score: ...

    def drain_notes(self) -> list[dict]: ...


class FrontEnd(Protocol):
    """Where a live session meets the candidate."""

    interactive: bool  # a person at a terminal (a name may be asked); False for pipes
    status: Callable[[], tuple[str, str]]  # the toolbar's text and level, set once the session exists
    on_note: Callable[[str, str], None] | None  # where the front end's own problems are logged

    def show(self, outputs: Iterable[Any]) -> None: ...

    def read(self) -> Any:
        """An answer: text, a spoken answer with its metrics, or None at the end of input."""

    def read_raw(self) -> str: ...

    def ask(self, prompt: str, default: str = "") -> str: ...

    def info(self, text: str) -> None: ...

    def line(self, prompt: str) -> str | None: ...

    def edit(self, text: str) -> str: ...

    def render(self, renderable: Any) -> None: ...
