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
from rich.text import Text

from mlcoach.transcript import clock as mmss

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


def _quote(ev: dict) -> Padding:
    where = f"turn {ev.get('turn', '?')}, {str(ev.get('phase', '')).replace('_', ' ')}"
    named = Text(" named only, not explained", style="dim italic") if ev.get("named") else Text("")
    return indent(Text("“") + Text(clip(str(ev.get("quote", "")))) + Text("” ") + Text(f"({where})", style="dim")
                  + named)


def phase_table(summary: dict) -> Table:
    table = Table("phase", "planned", "used", "questions", title="Time per phase", box=box.SIMPLE_HEAD,
                  title_justify="left")
    total_plan = total_used = 0.0
    for record in summary.get("phases", {}).values():
        planned, used = float(record.get("planned_seconds", 0)), float(record.get("actual_seconds", 0))
        total_plan += planned
        total_used += used
        over = used > planned * 1.2 and used - planned > 30
        table.add_row(Text(str(record.get("title", ""))), mmss(planned), Text(mmss(used), style="yellow" if over else ""),
                      str(record.get("questions", 0)))
    table.add_row("Total", mmss(total_plan), mmss(total_used), str(summary.get("questions", "")), style="bold")
    return table


def report(summary: dict) -> Group:
    """The whole feedback report for one session."""
    score = summary.get("score")
    parts: list = [Rule("Feedback", style="bold magenta")]
    if not score:
        parts.append(Text("This session has no score yet (it ended before the judge ran)."))
        parts.append(phase_table(summary))
        return Group(*parts)
    labels = score.get("labels", {})
    band = str(score.get("band", ""))
    head = Text("Overall ") + Text(f"{int(score.get('overall', 0))}/100", style="bold") + Text(" · ") + \
        Text(band, style=BAND_STYLE.get(band, "")) + Text(f"   ({score.get('judge', 'offline')} judge)", style="dim")
    parts += [head]
    if score.get("summary"):
        parts.append(Text(str(score["summary"])))
    parts.append(_criteria(score, labels, score.get("concept_labels", {})))
    flags = score.get("red_flags", {})
    if flags:
        parts.append(_flags(flags, labels, score.get("advice", {})))
    else:
        parts.append(Text("\nNo red flags were raised.", style="green"))
    if score.get("corrections"):
        parts.append(_corrections(score["corrections"]))
    if summary.get("delivery"):
        parts.append(Text("\nDelivery (spoken answers)", style="bold"))
        parts += [indent(Text(line), 2) for line in summary["delivery"]]
    parts.append(Text(""))
    parts.append(phase_table(summary))
    if score.get("practice"):
        parts.append(_practice(score["practice"]))
    if score.get("weakest"):
        parts.append(_weakest(score["weakest"]))
    return Group(*parts)


def _criteria(score: dict, labels: dict, concept_labels: dict) -> Group:
    rows: list = [Text("\nRubric", style="bold")]
    for cid, c in score.get("criteria", {}).items():
        line = Text("  ") + bar(int(c.get("score", 0))) + Text(f" {int(c.get('score', 0))}/4  ") + \
            Text(labels.get(cid, cid))
        rows.append(line)
        evidence = c.get("evidence", [])
        for ev in evidence[:2]:
            rows.append(_quote(ev))
        if not evidence:
            rows.append(indent(Text("No answer gave evidence for this.", style="dim")))
        missing = c.get("missing", [])
        if missing and int(c.get("score", 0)) <= 2:
            names = ", ".join(concept_labels.get(m, m.replace("_", " ")) for m in missing[:4])
            rows.append(indent(Text("Not explained in any answer: " + names, style="dim")))
    return Group(*rows)


def _flags(flags: dict, labels: dict, advice: dict) -> Group:
    rows: list = [Text("\nRed flags", style="bold")]
    for fid, evidence in flags.items():
        rows.append(Text("  ⚑ ", style="red") + Text(labels.get(fid, fid), style="bold"))
        for ev in evidence[:2]:
            rows.append(_quote(ev))
        if advice.get(fid):
            rows.append(indent(Text("Instead: ", style="cyan") + Text(advice[fid])))
    return Group(*rows)


def _corrections(items: list) -> Group:
    rows: list = [Text("\nClaims to correct", style="bold")]
    for item in items:
        rows.append(Text("  ✗ ", style="red") + Text(str(item.get("label") or "A claim to check"), style="bold"))
        rows.append(_quote(item))
        rows.append(indent(Text("In fact: ", style="cyan") + Text(str(item.get("correction", "")))))
    return Group(*rows)


def _practice(items: list) -> Group:
    rows: list = [Text("Practise next", style="bold")]
    for i, item in enumerate(items, 1):
        rows.append(Text(f"  {i}. ") + Text(str(item.get("label", item.get("criterion", ""))), style="bold"))
        rows.append(indent(Text(str(item.get("text", ""))), 5))
        if item.get("concepts"):
            rows.append(indent(Text("Concepts: " + ", ".join(item["concepts"]), style="dim"), 5))
    return Group(*rows)


def _weakest(w: dict) -> Group:
    rows: list = [Text(f"\nThe answer with the least in it (turn {w.get('turn')}, "
                       f"{str(w.get('phase', '')).replace('_', ' ')})", style="bold")]
    if w.get("question"):
        rows.append(indent(Text("Asked: ", style="dim") + Text(clip(str(w["question"]), 200)), 2))
    rows.append(indent(Text("Said:  ", style="dim") + Text("“" + clip(str(w.get("quote", "")), 200) + "”"), 2))
    rows.append(Text("  A strong answer's structure:"))
    for i, step in enumerate(w.get("steps", []), 1):
        rows.append(Text(f"    {i}. {step}"))
    return Group(*rows)
