"""A session as a Markdown file or a self-contained HTML page (inline CSS, readable when printed): the transcript,
then the feedback. Pure: events and summary in, text out."""

from __future__ import annotations

import html

from mlcoach.records import Event, Score
from mlcoach.summary import Summary
from mlcoach.transcript import clock, lines
from mlcoach.visible import one_line, visible

BAND_COLOUR = {"strong hire": "#1b7f3b", "hire": "#3c8d40", "lean no": "#b07d00", "no hire": "#b3261e"}


def _title(summary: Summary) -> str:
    return f"Mock interview: {summary.candidate or 'candidate'}, {summary.scenario}".rstrip(", ")


# ---------------------------------------------------------------------------------------------- Markdown
# Every value from the session goes through _m (text) or _m1 (on one line): control characters made visible and
# < > & escaped, so an answer holding "<script>" stays text in any Markdown viewer.


def _m(text) -> str:
    return html.escape(visible(text), quote=False)


def _m1(text) -> str:
    return html.escape(one_line(text), quote=False)


def markdown(events: list[Event], summary: Summary, drill: list[str] | None = None) -> str:
    """The session as Markdown; `drill`: a drill's report lines, shown instead of an interview's feedback."""
    out = [f"# {_m1(_title(summary))}", ""]
    out += [f"- Session: `{_m1(summary.session_id)}`", f"- Started: {_m1(summary.started)}",
            f"- Persona: {_m1(summary.persona)}; interviewer: {_m1(summary.interviewer)}; judge: {_m1(summary.judge)}",
            f"- Status: {_m1(summary.status)}", ""]
    out += ["## Transcript", ""]
    for line in lines(events, summary.interviewer_name):
        if line.kind == "phase":
            out += [f"### {_m1(line.text)} ({clock(line.t)})" + (f" · {_m1(line.detail)}" if line.detail else ""), ""]
        elif line.kind in ("interviewer", "candidate"):
            text = _m(line.text).replace("\n", "  \n")
            out += [f"**{_m1(line.who)}** ({clock(line.t)}): {text}", ""]
        elif line.kind == "note":
            out += [f"*{_m1(line.text)}*", ""]
    out += ["## Drill report", ""] + [f"- {_m1(x.strip())}" for x in drill] if drill else _md_feedback(summary)
    return "\n".join(out).rstrip() + "\n"


def _md_feedback(summary: Summary) -> list[str]:
    score = summary.score
    out = ["## Feedback", ""]
    if not score:
        return out + ["No score yet: the session ended before the judge ran.", ""]
    out += [f"**Overall {score.overall}/100 · {_m1(score.band)}** ({_m1(score.judge)} judge)", "", _m(score.summary), ""]
    out += [f"*{_m1(score.reading)}*", ""] if score.reading else []
    out += _md_rubric(score) + _md_flags(score)
    if summary.delivery:
        out += ["", "### Delivery (spoken answers)", ""] + [f"- {_m1(line)}" for line in summary.delivery]
    out += ["", "### Time per phase", "", "| phase | planned | used | questions |", "|---|---|---|---:|"]
    for record in summary.phases:
        out.append(f"| {_md_cell(record.title)} | {clock(record.planned_seconds)} | {clock(record.actual_seconds)} | "
                   f"{record.questions} |")
    if score.practice:
        out += ["", "### Practise next", ""]
        for i, item in enumerate(score.practice, 1):
            concepts = f" (concepts: {_m1(', '.join(item.concepts))})" if item.concepts else ""
            out.append(f"{i}. **{_m1(item.label)}**: {_m1(item.text)}{concepts}")
    if w := score.weakest:
        out += ["", f"### The answer with the least in it ({_m1(w.where)})", "", f"> **Asked:** {_m1(w.question)}",
                ">", f"> **Said:** {_m1(w.quote)}", "", "A strong answer's structure:", ""]
        out += [f"{i}. {_m1(step)}" for i, step in enumerate(w.steps, 1)]
    return out + [""]


def _md_rubric(score: Score) -> list[str]:
    out = ["### Rubric", "", "| criterion | score | evidence |", "|---|---:|---|"]
    for c in score.criteria:
        cell = [f"“{_md_cell(e.quote)}” ({_md_cell(e.where)}{', named only' if e.named else ''})"
                for e in c.evidence[:2]]
        if c.gaps:
            cell.append("not explained in any answer: " + _md_cell(", ".join(score.concept_label(m) for m in c.gaps)))
        out.append(f"| {_md_cell(score.label(c.id))} | {'■' * c.score}{'□' * (4 - c.score)} {c.score}/4 | "
                   f"{'<br>'.join(cell)} |")
    return out


def _md_flags(score: Score) -> list[str]:
    out = ["", "### Red flags", ""]
    if not score.red_flags:
        out += ["None raised.", ""]
    for fid, evidence in score.red_flags:
        out.append(f"- **{_m1(score.label(fid))}**: " + "; ".join(f"“{_m1(e.quote)}” ({_m1(e.where)})"
                                                               for e in evidence[:2]))
        if score.advice.get(fid):
            out.append(f"  - Instead: {_m1(score.advice[fid])}")
    if score.corrections:
        out += ["", "### Claims to correct", ""]
        for item in score.corrections:
            out.append(f"- **{_m1(item.label)}**: “{_m1(item.quote)}” ({_m1(item.where)})")
            out.append(f"  - In fact: {_m1(item.correction)}")
    return out


def _md_cell(text: str) -> str:
    return " ".join(_m1(text).split()).replace("|", "\\|")


# ---------------------------------------------------------------------------------------------- HTML

CSS = """
body { font: 16px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1d1d1f;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { border-bottom: 2px solid #ddd; padding-bottom: .2rem;
margin-top: 2rem; } h3 { margin: 1.4rem 0 .4rem; color: #5b2a86; }
.meta { color: #555; font-size: .9rem; } .turn { margin: .5rem 0; padding: .4rem .7rem; border-radius: 6px; }
.interviewer { background: #f1f5fb; } .candidate { background: #f7f7f7; border-left: 3px solid #888; }
.who { font-weight: 600; } .t { color: #777; font-size: .8rem; margin-left: .3rem; }
.note { color: #777; font-style: italic; font-size: .9rem; }
.overall { font-size: 1.3rem; font-weight: 700; } .band { padding: .1rem .5rem; border-radius: 4px; color: #fff; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; } td, th { border-bottom: 1px solid #e3e3e3;
padding: .35rem .4rem; text-align: left; vertical-align: top; } th { background: #fafafa; }
.bar { display: inline-block; width: 5rem; height: .6rem; background: #e6e6e6; border-radius: 3px;
       vertical-align: middle; } .bar span { display: block; height: 100%; border-radius: 3px; }
.quote { color: #333; } .quote::before { content: "“"; } .quote::after { content: "”"; }
.where { color: #777; font-size: .8rem; } .flag { color: #b3261e; font-weight: 600; }
.missing { color: #777; font-size: .85rem; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } .turn { break-inside: avoid; }
  .interviewer, .candidate, th { background: none !important; } h2 { break-after: avoid; }
  .bar { border: 1px solid #999; } .bar span { background: #555 !important; print-color-adjust: exact; } }
"""


def _e(text) -> str:
    return html.escape(visible(text), quote=True)


def html_page(events: list[Event], summary: Summary, drill: list[str] | None = None) -> str:
    """The session as one HTML page; `drill` as for `markdown`."""
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_e(_title(summary))}</title><style>{CSS}</style></head><body>",
             f"<h1>{_e(_title(summary))}</h1>",
             f'<p class="meta">Session {_e(summary.session_id)} · started {_e(summary.started)}'
             f' · persona {_e(summary.persona)} · interviewer {_e(summary.interviewer)} · '
             f'judge {_e(summary.judge)} · {_e(summary.status)}</p>',
             "<h2>Transcript</h2>"]
    for line in lines(events, summary.interviewer_name):
        if line.kind == "phase":
            branch = f" · {_e(line.detail)}" if line.detail else ""
            parts.append(f'<h3>{_e(line.text)}{branch} <span class="t">{clock(line.t)}</span></h3>')
        elif line.kind in ("interviewer", "candidate"):
            text = "<br>".join(_e(x) for x in line.text.splitlines())
            parts.append(f'<div class="turn {line.kind}"><span class="who">{_e(line.who)}</span>'
                         f'<span class="t">{clock(line.t)}</span><br>{text}</div>')
        elif line.kind == "note":
            parts.append(f'<p class="note">{_e(line.text)}</p>')
    if drill:
        parts += ["<h2>Drill report</h2>", "<ul>"] + [f"<li>{_e(x.strip())}</li>" for x in drill] + ["</ul>"]
    else:
        parts += _html_feedback(summary)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _quote(quote: str, where: str) -> str:
    return f'<span class="quote">{_e(quote)}</span> <span class="where">({_e(where)})</span>'


def _html_feedback(summary: Summary) -> list[str]:
    score = summary.score
    out = ["<h2>Feedback</h2>"]
    if not score:
        return out + ["<p>No score yet: the session ended before the judge ran.</p>"]
    out.append(f'<p class="overall">Overall {score.overall}/100 <span class="band" '
               f'style="background:{BAND_COLOUR.get(score.band, "#555")}">{_e(score.band)}</span> '
               f'<span class="where">({_e(score.judge)} judge)</span></p>')
    out.append(f"<p>{_e(score.summary)}</p>")
    if score.reading:
        out.append(f'<p class="note">{_e(score.reading)}</p>')
    out += _html_rubric(score) + _html_flags(score)
    if summary.delivery:
        out.append("<h3>Delivery (spoken answers)</h3><ul>" + "".join(f"<li>{_e(x)}</li>" for x in
                                                                     summary.delivery) + "</ul>")
    out.append("<h3>Time per phase</h3><table><tr><th>phase</th><th>planned</th><th>used</th><th>questions</th>"
               "</tr>")
    for record in summary.phases:
        out.append(f"<tr><td>{_e(record.title)}</td><td>{clock(record.planned_seconds)}</td>"
                   f"<td>{clock(record.actual_seconds)}</td><td>{record.questions}</td></tr>")
    out.append("</table>")
    if score.practice:
        out.append("<h3>Practise next</h3><ol>")
        for item in score.practice:
            concepts = f'<br><span class="missing">Concepts: {_e(", ".join(item.concepts))}</span>' \
                if item.concepts else ""
            out.append(f"<li><strong>{_e(item.label)}</strong>: {_e(item.text)}{concepts}</li>")
        out.append("</ol>")
    if w := score.weakest:
        out.append(f"<h3>The answer with the least in it ({_e(w.where)})</h3>"
                   f"<p><em>Asked:</em> {_e(w.question)}<br><em>Said:</em> "
                   f'<span class="quote">{_e(w.quote)}</span></p><p>A strong answer\'s '
                   "structure:</p><ol>" + "".join(f"<li>{_e(s)}</li>" for s in w.steps) + "</ol>")
    return out


def _html_rubric(score: Score) -> list[str]:
    out = ["<h3>Rubric</h3><table><tr><th>criterion</th><th>score</th><th>evidence</th></tr>"]
    for c in score.criteria:
        colour = "#1b7f3b" if c.score >= 3 else "#b07d00" if c.score == 2 else "#b3261e"
        quotes = "<br>".join(_quote(e.quote, e.where) for e in c.evidence[:2])
        if c.gaps:
            quotes += ('<br>' if quotes else "") + '<span class="missing">Not explained in any answer: ' + \
                _e(", ".join(score.concept_label(m) for m in c.gaps)) + "</span>"
        out.append(f"<tr><td>{_e(score.label(c.id))}</td><td><span class=\"bar\"><span style=\"width:"
                   f"{c.score * 25}%;background:{colour}\"></span></span> {c.score}/4</td><td>{quotes}</td></tr>")
    return out + ["</table>"]


def _html_flags(score: Score) -> list[str]:
    out = ["<h3>Red flags</h3>"]
    if not score.red_flags:
        out.append("<p>None raised.</p>")
    for fid, evidence in score.red_flags:
        quotes = "; ".join(_quote(e.quote, e.where) for e in evidence[:2])
        advice = score.advice.get(fid, "")
        out.append(f'<p><span class="flag">⚑ {_e(score.label(fid))}</span><br>{quotes}'
                   + (f"<br><em>Instead:</em> {_e(advice)}" if advice else "") + "</p>")
    if score.corrections:
        out.append("<h3>Claims to correct</h3>")
        for item in score.corrections:
            out.append(f'<p><span class="flag">✗ {_e(item.label)}</span><br>{_quote(item.quote, item.where)}'
                       f"<br><em>In fact:</em> {_e(item.correction)}</p>")
    return out
