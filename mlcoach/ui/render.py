"""Rich rendering of tables, personas and progress. Plain enough to read when piped or with NO_COLOR."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich import box
from rich.console import Console
from rich.markup import escape as _escape
from rich.table import Table
from rich.text import Text as _RichText

from mlcoach.visible import one_line, visible


class Text(_RichText):
    """Rich text that shows control characters as marks: every value from a user, a log or a persona is built
    as this, never as markup (see visible.py)."""

    def __init__(self, text: str = "", *args, **kwargs) -> None:
        super().__init__(visible(text), *args, **kwargs)


def escape(text: object) -> str:
    """A value put inside a markup string: its brackets shown, its control characters made visible, one line."""
    return _escape(one_line(text))


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=False)


def cells(*values) -> list:
    """Table cells that show text as it is: a name like "Bob [/x]" is not Rich markup."""
    return [Text(one_line(v)) if isinstance(v, str) else v for v in values]


def personas_table(rows: list[tuple[str, str, str, str]]) -> None:
    table = Table("id", "interviewer", "scenarios", "file", box=box.SIMPLE_HEAD)
    for row in rows:
        table.add_row(*cells(*row))
    console().print(table)


def persona(p) -> None:
    out = console()
    out.print(f"[bold]{escape(p.id)}[/bold]: {escape(p.name)}, {escape(p.role)} ({p.years}+ years)")
    out.print(Text(f"Expertise: {', '.join(p.expertise)}"))
    out.print(Text(f"Style: {p.style}\n"))
    table = Table("phase", "title", "minutes", "questions", box=box.SIMPLE_HEAD)
    for ph in p.phases:
        lo, hi = ph.minutes
        count = len(ph.questions) or {"design": "scenario", "deep_dive": "branches", "closing": "invite"}.get(ph.id, 0)
        table.add_row(*cells(ph.id, ph.title, f"{lo:g}-{hi:g}", str(count)))
    out.print(table)
    table = Table("scenario", "title", "type", "opening prompt", box=box.SIMPLE_HEAD)
    for s in p.scenarios:
        table.add_row(*cells(s.id, s.title, s.problem_type, s.prompt.replace("{product}", s.product)))
    out.print(table)
    for title, items, sep in (("Never", p.never, "; "), ("Always", p.always, "; "),
                              ("Rubric", [c.id for c in p.criteria], ", "),
                              ("Red flags", [f.id for f in p.red_flags], ", ")):
        out.print(Text(title, style="bold") + Text(": " + sep.join(items)))
    out.print(f"[dim]{len(p.concepts)} concepts · file {escape(str(p.path))}[/dim]")


def batch_table(results, sessions_dir) -> None:
    table = Table("file", "candidate", "scenario", "status", "overall", "band", "red flags", "session",
                  box=box.SIMPLE_HEAD)
    for r in results:
        score = r.summary.score if r.summary else None
        table.add_row(*cells(os.path.basename(r.file), r.candidate, r.scenario, r.status,
                             str(score.overall) if score else "", score.band if score else "",
                             ", ".join(fid for fid, _ in score.red_flags) if score and score.red_flags else "-",
                             r.session_id))
    out = console()
    out.print(table)
    out.print(f"[dim]sessions in {escape(str(sessions_dir))}[/dim]")


def sessions_table(rows: list[dict]) -> None:
    if not rows:
        console().print("No sessions yet. Start one with: mlcoach interview")
        return
    table = Table(*[k for k in rows[0]], box=box.SIMPLE_HEAD)
    for row in rows:
        table.add_row(*cells(*[str(v) for v in row.values()]))
    console().print(table)


@contextmanager
def progress(total: int, enabled: bool = True) -> Iterator:
    """A progress bar on stderr (only for a terminal and long batches); yields a step() function."""
    if not enabled or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import Progress

    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task("interviews", total=total)
        yield lambda: bar.advance(task)
