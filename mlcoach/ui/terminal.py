"""The two front ends of a live interview: a prompt_toolkit terminal (toolbar, history, multi-line input) and
plain lines for scripts and pipes. Both print the interviewer's words chunk by chunk as they arrive."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable

from rich.cells import cell_len
from rich.console import Console
from rich.rule import Rule

from mlcoach.engine import Chunk, Ended, Notice, PhaseStart, Said
from mlcoach.ui.render import Text
from mlcoach.ui.render import console as make_console
from mlcoach.visible import one_line, visible


class PlainIO:
    """stdin is not a terminal: one answer per line (blank lines ignored), plain text out. A `FrontEnd` (seams.py)."""

    interactive = False

    def __init__(self, interviewer_name: str, stdin=None, stdout=None) -> None:
        self.name = interviewer_name
        self.stdin = stdin or sys.stdin
        self.out = stdout or sys.stdout
        self._open = False
        self.status: Callable[[], tuple[str, str]] = lambda: ("", "ok")  # set once the session exists
        self.on_note: Callable[[str, str], None] | None = None

    def show(self, outputs: Iterable) -> None:
        for out in outputs:
            if isinstance(out, PhaseStart):
                self._end_line()
                print(f"\n== {one_line(out.title)} ==", file=self.out)
            elif isinstance(out, Chunk):
                if not self._open:
                    print(f"{one_line(self.name)}: ", end="", file=self.out)
                    self._open = True
                print(visible(out.text), end="", file=self.out)
            elif isinstance(out, Said):
                self._end_line()
            elif isinstance(out, Ended):
                self._end_line()
            elif isinstance(out, Notice):
                self._end_line()
                print(f"mlcoach: {visible(out.text)}", file=self.out)
        self.out.flush()

    def _end_line(self) -> None:
        if self._open:
            print(file=self.out)
            self._open = False

    def read(self) -> str | None:
        while True:
            line = self.stdin.readline()
            if not line:
                return None
            if line.strip():
                return line.strip()

    def read_raw(self) -> str:
        return self.stdin.readline()

    def ask(self, prompt: str, default: str = "") -> str:
        print(visible(prompt + (f" [{default}]" if default else "") + ": "), end="", file=self.out, flush=True)
        line = self.stdin.readline()
        return line.strip() or default

    def info(self, text: str) -> None:
        print(visible(text), file=self.out, flush=True)

    def line(self, prompt: str) -> str | None:
        """One line, blank allowed (None at the end of input)."""
        print(visible(prompt), end="", file=self.out, flush=True)
        text = self.stdin.readline()
        return None if not text else text.rstrip("\n")

    def edit(self, text: str) -> str:
        """Let the candidate correct a transcript (here: a replacement line; blank keeps it)."""
        print(f"Edit (blank keeps it): {visible(text)}\n> ", end="", file=self.out, flush=True)
        return self.stdin.readline().strip() or text

    def render(self, renderable) -> None:
        """A Rich table or report, as plain text."""
        Console(file=self.out, no_color=True, width=100, highlight=False).print(renderable)


_TOKENS = re.compile(r"\n|[^\S\n]+|[^\s]+")


class TerminalIO(PlainIO):
    """A terminal: Rich for the interviewer, prompt_toolkit for the answer, a toolbar with the clock."""

    interactive = True
    _column = 0
    _space = ""

    def __init__(self, interviewer_name: str) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.key_binding import KeyBindings

        super().__init__(interviewer_name)
        self.console = make_console()
        keys = KeyBindings()

        @keys.add("enter")
        def _submit(event) -> None:
            event.current_buffer.validate_and_handle()

        @keys.add("escape", "enter")
        def _newline(event) -> None:
            event.current_buffer.insert_text("\n")

        self.prompt = PromptSession(history=InMemoryHistory(), key_bindings=keys, multiline=True,
                                    bottom_toolbar=self._render_toolbar, refresh_interval=0.5,
                                    enable_suspend=True,  # Ctrl-Z suspends as in any shell program; fg resumes
                                    prompt_continuation=lambda width, line, soft: "  ")

    def _render_toolbar(self):
        text, level = self.status()
        style = {"ok": "noreverse bg:#1f3a5f fg:#ffffff", "soon": "noreverse bg:#8a6d00 fg:#ffffff",
                 "over": "noreverse bg:#8b1e1e fg:#ffffff"}
        return [(style.get(level, ""), " " + text + " ")]

    def show(self, outputs: Iterable) -> None:
        self.console.width = self._width()  # rules and reports at the terminal's width, even after a resize
        for out in outputs:
            if isinstance(out, PhaseStart):
                self._end_line()
                title = out.title  # the branch is the interviewer's assessment: never shown mid-interview
                self.console.print(Rule(Text(one_line(title)), style="bold magenta"))
            elif isinstance(out, Chunk):
                if not self._open:
                    self.console.print(Text(f"{one_line(self.name)}: ", style="bold cyan"), end="")
                    self._open = True
                    self._column = cell_len(one_line(self.name)) + 2
                self._write_wrapped(out.text)
            elif isinstance(out, Said | Ended):
                self._end_line()
            elif isinstance(out, Notice):
                self._end_line()
                self.console.print(Text(f"mlcoach: {out.text}", style="yellow"))

    def _end_line(self) -> None:
        if self._open:
            self.console.print()
            self._open = False

    def _width(self) -> int:
        """The terminal's own width, read again for every piece (a resize applies at once; an exported COLUMNS
        from another window must not win)."""
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns
        except (OSError, ValueError):
            return self.console.width

    def _write_wrapped(self, text: str) -> None:
        """Streamed text, wrapped between words (the terminal would cut words in two): the text arrives in pieces,
        so the column is carried from one piece to the next."""
        width = max(20, self._width())
        for token in _TOKENS.findall(visible(text)):
            if token == "\n":
                self.console.print()
                self._column = 0
                continue
            if token.isspace():
                self._space = " " if self._column else ""
                continue
            size = cell_len(token)
            if self._column and self._column + len(self._space) + size > width - 1:
                self.console.print()
                self._column, self._space = 0, ""
            self.console.print(self._space + token, end="", markup=False, highlight=False, soft_wrap=True)
            self._column += len(self._space) + size
            self._space = ""

    def read(self) -> str | None:
        while True:
            try:
                text = self.prompt.prompt([("bold", "You › ")])
            except EOFError:
                return None
            if text.strip():
                return text.strip()

    def read_raw(self) -> str:
        from prompt_toolkit import prompt as ask

        try:
            return ask("(paused) ")
        except EOFError:
            return ""

    def ask(self, prompt: str, default: str = "") -> str:
        from prompt_toolkit import prompt as ask

        try:
            return ask(f"{prompt}: ", default=default).strip() or default
        except EOFError:
            return default

    def info(self, text: str) -> None:
        self.console.print(visible(text), markup=False, highlight=False, soft_wrap=True)  # commands stay copyable

    def line(self, prompt: str) -> str | None:
        try:
            return self.prompt.prompt([("bold", prompt)])
        except EOFError:
            return None

    def edit(self, text: str) -> str:
        from prompt_toolkit import prompt as ask

        try:
            return ask("Edit › ", default=text).strip() or text
        except EOFError:
            return text

    def render(self, renderable) -> None:
        self.console.width = self._width()
        self.console.print(renderable)
