"""Rich views for review: the session list, one transcript, the replay, the trend table (its plot: ui/plot.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table

from mlcoach.records import Event
from mlcoach.summary import Summary
from mlcoach.transcript import Line, clock, lines
from mlcoach.ui import render
from mlcoach.ui.render import Text
from mlcoach.ui.report import BAND_STYLE
from mlcoach.visible import one_line

if TYPE_CHECKING:
    from mlcoach.history import Row
    from mlcoach.trend import Trend

MAX_GAP = 30.0  # seconds: a longer silence (a break, a resume) replays as this long, before scaling


def header(summary: Summary) -> Text:
    """The line above a session's transcript: its id, then who, what and how it ended, as plain text."""
    what = f"drill: {summary.topic}" if summary.topic else summary.scenario
    rest = [summary.candidate or "unnamed", what, summary.interviewer, summary.status]
    return Text(summary.session_id, style="bold") + Text("".join(f" · {x}" for x in rest if x))


def sessions_table(rows: list[Row], total: int, width: int = 100, plain: bool = False) -> RenderableType:
    """The session list. Session ids are what the other commands take: they are never cut. In a terminal the
    fullest layout that keeps them whole (optional columns dropped first, then one line per session); piped or
    redirected, plain aligned columns with nothing cut."""
    if not rows:
        return Text("No sessions match." if total else "No sessions yet. Start one with: mlcoach interview")
    if plain:
        headers = ["date", "candidate", "persona", "scenario", "interviewer", "status", "overall", "band", "session"]
        return render.plain_table(headers, [[r.started[:16].replace("T", " "), r.candidate or "-", r.persona,
                                             _what(r), r.interviewer or "scripted", r.status,
                                             "-" if r.overall is None else str(r.overall), r.band or "-",
                                             r.session_id] for r in rows])
    if width < 66:
        return _one_per_line(rows, width)
    layouts = [_table(rows, total, width, hidden) for hidden in DROPPED]
    return render.fit(lambda level: layouts[level] if level < len(layouts) else _one_per_line(rows, width),
                      len(layouts) + 1, width, [r.session_id for r in rows])


def _what(r: Row) -> str:
    """A session's scenario, or a drill's topic ("drill: drift")."""
    return f"drill: {r.topic}" if r.topic else r.scenario


# Columns a narrow terminal drops, in this order, before a session id would be cut.
DROPPED = ((), ("band",), ("band", "scenario"), ("band", "scenario", "date"))


def _one_per_line(rows: list[Row], width: int) -> Text:
    lines = []
    for r in rows:
        overall = "-" if r.overall is None else str(r.overall)
        line = Text(one_line(f"{r.session_id}  {overall:>3}  {r.status}  {r.candidate or '-'}  {_what(r)}"))
        line.truncate(max(width, len(r.session_id)), overflow="ellipsis")
        lines.append(line)
    return Text("\n").join(lines)


def _table(rows: list[Row], total: int, width: int, hidden: tuple[str, ...]) -> Table:
    personas = {r.persona for r in rows}
    interviewers = {r.interviewer or "scripted" for r in rows}
    same = [f"{name}: {next(iter(values))}" for name, values in (("persona", personas), ("interviewer", interviewers))
            if len(values) == 1]
    years = {r.started[:4] for r in rows}
    cut = 5 if len(years) == 1 else 0  # one year: "11-29 07:14" is enough
    counted = [f"{len(rows)} of {total} sessions"] if total > len(rows) else []
    table = Table(box=None, padding=(0, 2 if width >= 100 else 1, 0, 0), header_style="bold underline",
                  caption_justify="left", caption=Text(one_line(" · ".join(counted + same))) if counted + same else None)
    shown = {"date", "candidate", "scenario", "band"} - set(hidden)
    shown |= {"persona"} if len(personas) > 1 else set()  # one persona for all (the usual case) needs no column
    shown |= {"interviewer"} if len(interviewers) > 1 else set()
    columns = [("date", {"no_wrap": True, "min_width": 16 - cut}),
               ("candidate", {"overflow": "ellipsis", "no_wrap": True, "max_width": 16}),
               ("persona", {"overflow": "ellipsis", "no_wrap": True, "max_width": 16}),
               ("scenario", {"overflow": "ellipsis", "no_wrap": True, "max_width": 16}),
               ("interviewer", {"overflow": "ellipsis", "no_wrap": True, "max_width": 20}),
               ("status", {"no_wrap": True, "min_width": 10}),
               ("score", {"justify": "right", "no_wrap": True, "min_width": 5}),
               ("band", {"no_wrap": True, "min_width": 7}),
               ("session", {"no_wrap": True, "min_width": max([len(r.session_id) for r in rows] + [7])})]
    kept = [(name, kw) for name, kw in columns if name in shown or name in ("status", "score", "session")]
    for name, kw in kept:
        table.add_column(name, **kw)
    for r in rows:
        band = r.band or "-"
        cells = {"date": r.started[cut:16].replace("T", " "), "candidate": r.candidate or "-", "persona": r.persona,
                 "scenario": _what(r), "interviewer": r.interviewer or "scripted",
                 "status": Text(r.status, style="yellow" if r.status == "incomplete" else ""),
                 "score": "-" if r.overall is None else str(r.overall),
                 "band": Text(band, style=BAND_STYLE.get(band, "")), "session": r.session_id}
        table.add_row(*[Text(one_line(c)) if isinstance(c, str) else c for c in (cells[n] for n, _ in kept)])
    return table


def _line(line: Line) -> Padding | Rule | Text:
    if line.kind == "phase":
        branch = f" · {line.detail}" if line.detail else ""
        return Rule(Text(one_line(f"{line.text}{branch} · {clock(line.t)}")), style="magenta")
    if line.kind == "interviewer":
        return Padding(Text(f"[{clock(line.t)}] ", style="dim") + Text(f"{line.who}: ", style="bold cyan") +
                       Text(line.text), (0, 0, 0, 0))
    if line.kind == "candidate":
        tag = " (voice)" if line.detail == "voice" else ""
        return Padding(Text(f"[{clock(line.t)}] ", style="dim") + Text(f"{line.who}{tag}: ", style="bold green") +
                       Text(line.text), (0, 0, 0, 0))
    if line.kind == "end":
        return Text(f"[{clock(line.t)}] session {line.text} ({line.detail})", style="dim")
    return Text(f"[{clock(line.t)}] {line.text}", style="dim italic")


def transcript(events: list[Event], interviewer_name: str) -> Group:
    return Group(*[_line(x) for x in lines(events, interviewer_name)])


def replay(events: list[Event], interviewer_name: str, console: Console, speed: float,
           sleep: Callable[[float], None] = time.sleep) -> None:
    """Play the session back with its own pacing, `speed` times faster. Ctrl-C (KeyboardInterrupt) stops it."""
    previous = None
    for line in lines(events, interviewer_name):
        if previous is not None:
            gap = min(MAX_GAP, max(0.0, line.t - previous))
            if gap > 0:
                sleep(gap / speed)
        previous = line.t
        console.print(_line(line))


def counted_line(t: Trend) -> Text:
    """One dim line: whose sessions of which kinds were counted, and what was left out (with the flag that would
    count it)."""
    from mlcoach.trend import left_out_text

    said = f"Counted: {t.counting.describe()}"
    if t.counting.unnamed:
        said += " (no name is configured: --candidate NAME, or mlcoach config set name NAME)"
    left_out = left_out_text(t.left_out)
    return Text(one_line(said + (f". Not counted: {left_out}." if left_out else ".")), style="dim")


def trend_view(t: Trend, labels: dict[str, str]) -> Group:
    from mlcoach.trend import spark

    table = Table("criterion", "sessions", "mean", "latest", "change", box=box.SIMPLE_HEAD,
                  title=Text(one_line(f"Scores across {len(t.sessions)} sessions ({t.dates[0]} to {t.dates[-1]})")),
                  title_justify="left")
    for cid, values in t.criteria.items():
        mean = t.mean(cid)
        change = t.change(cid)
        latest = next((v for v in reversed(values) if v is not None), None)
        arrow = "" if change is None else f"{change:+.1f}"
        style = "" if change is None else "green" if change > 0.2 else "red" if change < -0.2 else ""
        table.add_row(Text(one_line(labels.get(cid, cid))), spark(values, 4), "-" if mean is None else f"{mean:.1f}",
                      "-" if latest is None else f"{latest}/4", Text(arrow, style=style))
    overall_change = ""
    if len(t.overall) >= 4:
        overall_change = f"{sum(t.overall[-3:]) / 3 - sum(t.overall[:3]) / 3:+.0f}"
    table.add_row("Overall (0-100)", spark(t.overall, 100), f"{sum(t.overall) / len(t.overall):.0f}",
                  str(t.overall[-1]), overall_change, style="bold")
    weakest = ", ".join(labels.get(c, c) for c in t.weakest[:3])
    return Group(table, counted_line(t),
                 Text("Weakest lately (last sessions' mean): " + weakest if weakest else ""),
                 Text("Practise them with: mlcoach interview --focus weakest", style="dim"))


def drills_view(rows, labels: dict[str, str]) -> Table:
    """Drills, apart from the interviews: each with its topic and the scores of the criteria it practised."""
    table = Table("date", "drill", "attempts", "scores", box=box.SIMPLE_HEAD, title_justify="left",
                  title=Text(one_line(f"Drills ({len(rows)}), apart from the interviews")))
    for r in rows:
        scores = ", ".join(f"{labels.get(c, c)} {v}/4" for c, v in r.scores.items())
        table.add_row(r.started[:10], Text(one_line(r.topic or "?")), str(r.answers), Text(one_line(scores)))
    return table
