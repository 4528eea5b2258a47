"""The feedback report: built from a session summary (its [score] table and phases) alone, so a past session reads
the same in review as at the end of the interview, even if its persona has changed since.

Everything is worded as an observation of what was said ("no answer explained a metric"), never a guess about
the person."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table

from mlcoach.records import Correction, Evidence, Practice, Score, Weakest
from mlcoach.summary import Summary
from mlcoach.transcript import clock as mmss
from mlcoach.ui.render import Text

BAND_STYLE = {"strong hire": "bold green", "hire": "green", "lean no": "yellow", "no hire": "red"}
QUOTE_CHARS = 260


def bar(score: int, width: int = 4) -> Text:
    score = max(0, min(width, int(score)))
    style = "green" if score >= 3 else "yellow" if score == 2 else "red"
    return Text("█" * score, style=style) + Text("░" * (width - score), style="dim")


def clip(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def indent(text: Text, left: int = 4) -> Padding:
    """Wrapped lines keep the indent."""
    return Padding(text, (0, 0, 0, left), expand=False)


def _quote(ev: Evidence | Correction) -> Padding:
    named = Text(" named only, not explained", style="dim italic") if isinstance(ev, Evidence) and ev.named \
        else Text("")
    return indent(Text("“") + Text(clip(ev.quote)) + Text("” ") + Text(f"({ev.where})", style="dim") + named)


def phase_table(summary: Summary) -> Table:
    table = Table("phase", "planned", "used", "questions", title="Time per phase", box=box.SIMPLE_HEAD,
                  title_justify="left")
    total_plan = total_used = 0.0
    for record in summary.phases:
        planned, used = record.planned_seconds, record.actual_seconds
        total_plan += planned
        total_used += used
        over = used > planned * 1.2 and used - planned > 30
        table.add_row(Text(record.title), mmss(planned), Text(mmss(used), style="yellow" if over else ""),
                      str(record.questions))
    table.add_row("Total", mmss(total_plan), mmss(total_used), str(summary.questions), style="bold")
    return table


def report(summary: Summary) -> Group:
    """The whole feedback report for one session."""
    score = summary.score
    parts: list = [Rule("Feedback", style="bold magenta")]
    if not score:
        parts.append(Text("This session has no score yet (it ended before the judge ran)."))
        parts.append(phase_table(summary))
        return Group(*parts)
    head = Text("Overall ") + Text(f"{score.overall}/100", style="bold") + Text(" · ") + \
        Text(score.band, style=BAND_STYLE.get(score.band, "")) + Text(f"   ({score.judge} judge)", style="dim")
    parts += [head]
    if score.summary:
        parts.append(Text(score.summary))
    if score.reading:
        parts.append(Text(score.reading, style="dim"))
    parts.append(_criteria(score))
    if score.red_flags:
        parts.append(_flags(score))
    else:
        parts.append(Text("\nNo red flags were raised.", style="green"))
    if score.corrections:
        parts.append(_corrections(score.corrections))
    if summary.delivery:
        parts.append(Text("\nDelivery (spoken answers)", style="bold"))
        parts += [indent(Text(line), 2) for line in summary.delivery]
    parts.append(Text(""))
    parts.append(phase_table(summary))
    if score.practice:
        parts.append(_practice(score.practice))
    if score.weakest:
        parts.append(_weakest(score.weakest))
    return Group(*parts)


def _criteria(score: Score) -> Group:
    rows: list = [Text("\nRubric", style="bold")]
    for c in score.criteria:
        rows.append(Text("  ") + bar(c.score) + Text(f" {c.score}/4  ") + Text(score.label(c.id)))
        for ev in c.evidence[:2]:
            rows.append(_quote(ev))
        if not c.evidence:
            rows.append(indent(Text("No answer gave evidence for this.", style="dim")))
        if c.gaps:
            names = ", ".join(score.concept_label(m) for m in c.gaps)
            rows.append(indent(Text("Not explained in any answer: " + names, style="dim")))
    return Group(*rows)


def _flags(score: Score) -> Group:
    rows: list = [Text("\nRed flags", style="bold")]
    for fid, evidence in score.red_flags:
        rows.append(Text("  ⚑ ", style="red") + Text(score.label(fid), style="bold"))
        for ev in evidence[:2]:
            rows.append(_quote(ev))
        if score.advice.get(fid):
            rows.append(indent(Text("Instead: ", style="cyan") + Text(score.advice[fid])))
    return Group(*rows)


def _corrections(items: tuple[Correction, ...]) -> Group:
    rows: list = [Text("\nClaims to correct", style="bold")]
    for item in items:
        rows.append(Text("  ✗ ", style="red") + Text(item.label or "A claim to check", style="bold"))
        rows.append(_quote(item))
        rows.append(indent(Text("In fact: ", style="cyan") + Text(item.correction)))
    return Group(*rows)


def _practice(items: tuple[Practice, ...]) -> Group:
    rows: list = [Text("Practise next", style="bold")]
    for i, item in enumerate(items, 1):
        rows.append(Text(f"  {i}. ") + Text(item.label, style="bold"))
        rows.append(indent(Text(item.text), 5))
        if item.concepts:
            rows.append(indent(Text("Concepts: " + ", ".join(item.concepts), style="dim"), 5))
    return Group(*rows)


def _weakest(w: Weakest) -> Group:
    rows: list = [Text(f"\nThe answer with the least in it ({w.where})", style="bold")]
    if w.question:
        rows.append(indent(Text("Asked: ", style="dim") + Text(clip(w.question, 200)), 2))
    rows.append(indent(Text("Said:  ", style="dim") + Text("“" + clip(w.quote, 200) + "”"), 2))
    rows.append(Text("  A strong answer's structure:"))
    for i, step in enumerate(w.steps, 1):
        rows.append(Text(f"    {i}. {step}"))
    return Group(*rows)
