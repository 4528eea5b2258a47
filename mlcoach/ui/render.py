"""Rich rendering of tables, personas and progress. Plain enough to read when piped or with NO_COLOR."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from rich import box
from rich.console import Console, RenderableType
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


class Unpadded(io.TextIOBase):
    """A stream that drops the spaces Rich pads lines with: `mlcoach review ID > file` holds the text, not
    columns of blanks."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        if lines:
            self.stream.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._pending.strip(" ") == "":
            self._pending = ""
        self.stream.write(self._pending)
        self._pending = ""
        self.stream.flush()

    def isatty(self) -> bool:
        return False


def console(stderr: bool = False) -> Console:
    """Rich for a terminal; piped or redirected, the same text without padding, 100 columns unless COLUMNS says."""
    stream = sys.stderr if stderr else sys.stdout
    colour = {"no_color": bool(os.environ.get("NO_COLOR")), "highlight": False, "soft_wrap": False}
    if stream.isatty():
        return Console(stderr=stderr, **colour)
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else 100
    return Console(file=Unpadded(stream), width=max(width, 40), **colour)


def fit(make: Callable[[int], RenderableType], levels: int, width: int, whole: Iterable[str]) -> RenderableType:
    """The fullest of `levels` layouts (make(0) has every column, each next one fewer) in which every string of
    `whole` (the session ids) shows uncut at `width`; the last layout when none does."""
    whole = [one_line(w) for w in whole]
    for level in range(levels):
        table = make(level)
        shown = Console(file=io.StringIO(), width=width, no_color=True, highlight=False, soft_wrap=False)
        shown.print(table)
        text = shown.file.getvalue()
        if all(w in text for w in whole):
            return table
    return table


def plain_table(headers: list[str], rows: list[list[str]]) -> Text:
    """Columns aligned with two spaces, nothing cut, no trailing blanks: a table for a pipe or a file."""
    rows = [[one_line(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in [headers, *rows]]
    return Text("\n".join(lines))


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


def batch_table(results, sessions_dir, out: Console | None = None) -> None:
    """One row per script. Session ids and red flags are never cut: piped, plain columns; in a terminal the
    fullest layout that keeps the ids whole (the flags wrap)."""
    rows = []
    for r in results:
        score = r.summary.score if r.summary else None
        rows.append([os.path.basename(r.file), r.candidate, r.scenario, r.status,
                     str(score.overall) if score else "", score.band if score else "",
                     ", ".join(fid for fid, _ in score.red_flags) if score and score.red_flags else "-",
                     r.session_id])
    out = out or console()
    headers = ["file", "candidate", "scenario", "status", "overall", "band", "red flags", "session"]
    if not out.is_terminal:
        out.print(plain_table(headers, rows), soft_wrap=True)
    else:
        def layout(level: int) -> RenderableType:
            if level == 5:  # too narrow for columns: the id first on its own line, never cut
                return Text("\n".join(one_line(f"{row[7]}  {row[4] or '-':>3}  {row[3]}  {row[0]}")
                                       + ("\n    " + one_line(f"red flags: {row[6]}") if row[6] != "-" else "")
                                       for row in rows))
            hidden = [set(), {"band"}, {"band", "scenario"}, {"band", "scenario", "candidate"},
                      {"band", "scenario", "candidate", "file"}][level]
            keep = [i for i, h in enumerate(headers) if h not in hidden]
            table = Table(*[headers[i] for i in keep], box=box.SIMPLE_HEAD)
            for i in keep:
                column = table.columns[keep.index(i)]
                column.no_wrap = headers[i] != "red flags"  # flags wrap between words, never inside one
                column.overflow = "fold" if headers[i] == "red flags" else "ellipsis"
                column.min_width = 22 if headers[i] == "red flags" else None
                column.max_width = 24 if headers[i] in ("file", "candidate", "scenario") else None
            for row in rows:
                table.add_row(*cells(*[row[i] for i in keep]))
            return table

        out.print(fit(layout, 6, out.width, [r.session_id for r in results if r.session_id]))
    out.print(Text(f"sessions in {one_line(sessions_dir)}", style="dim"), soft_wrap=True)


def quality_table(rows, totals) -> None:
    """`batch --report`: one row per interview, then the totals (quality.py)."""
    out = console()
    headers = ["file", "level", "band", "questions", "asked twice", "asked after explained", "never-do",
               "approved wrong", "pushed back", "traits caught", "traits missed", "agrees"]
    lines = []
    for r in rows:
        asked = " ".join(f"{p[:3]}{n}" for p, n in r.questions.items())
        lines.append([os.path.basename(r.file), r.level or "-", r.band or r.error or "-", asked,
                      str(r.repeated_topic), str(r.asked_explained), str(r.never_do), str(r.approved_unsound),
                      f"{r.pushed}/{r.pushable}", ", ".join(r.caught) or "-", ", ".join(r.missed) or "-",
                      "-" if r.agrees is None else "yes" if r.agrees else "no"])
    t = totals.to_dict()
    lines.append(["total", "", "", str(sum(totals.questions.values())), str(t["repeated_topic"]),
                  str(t["asked_explained"]), str(t["never_do"]), str(t["approved_unsound"]),
                  f"{t['pushed']}/{t['pushable']}", str(t["caught"]), str(t["missed"]),
                  "-" if t["level_agreement"] is None else f"{t['agree']}/{t['judged']}"])
    out.print(Text("\nInterview quality", style="bold"))
    if not out.is_terminal:
        out.print(plain_table(headers, lines), soft_wrap=True)
        return
    table = Table(*headers, box=box.SIMPLE_HEAD)
    for line in lines:
        table.add_row(*cells(*line))
    out.print(table)


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
