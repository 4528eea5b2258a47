"""A session as a Markdown file or a self-contained HTML page (inline CSS, readable when printed): the transcript,
then the feedback. Pure: events and summary in, text out."""

from __future__ import annotations

import html

from mlcoach.transcript import clock, lines

BAND_COLOUR = {"strong hire": "#1b7f3b", "hire": "#3c8d40", "lean no": "#b07d00", "no hire": "#b3261e"}


def _title(summary: dict) -> str:
    return f"Mock interview: {summary.get('candidate') or 'candidate'}, {summary.get('scenario') or ''}".rstrip(", ")


def _where(ev: dict) -> str:
    return f"turn {ev.get('turn', '?')}, {str(ev.get('phase', '')).replace('_', ' ')}"


# ---------------------------------------------------------------------------------------------- Markdown


def markdown(events: list[dict], summary: dict, interviewer_name: str = "Interviewer") -> str:
    out = [f"# {_title(summary)}", ""]
    out += [f"- Session: `{summary.get('session_id', '')}`", f"- Started: {summary.get('started', '')}",
            f"- Persona: {summary.get('persona', '')}; interviewer: {summary.get('interviewer', '')}; "
            f"judge: {summary.get('judge', '')}", f"- Status: {summary.get('status', '')}", ""]
    out += ["## Transcript", ""]
    for line in lines(events, interviewer_name):
        if line.kind == "phase":
            out += [f"### {line.text} ({clock(line.t)})" + (f" · {line.detail}" if line.detail else ""), ""]
        elif line.kind in ("interviewer", "candidate"):
            text = line.text.replace("\n", "  \n")
            out += [f"**{line.who}** ({clock(line.t)}): {text}", ""]
        elif line.kind == "note":
            out += [f"*{line.text}*", ""]
    out += _md_feedback(summary)
    return "\n".join(out).rstrip() + "\n"


def _md_feedback(summary: dict) -> list[str]:
    score = summary.get("score")
    out = ["## Feedback", ""]
    if not score:
        return out + ["No score yet: the session ended before the judge ran.", ""]
    labels = score.get("labels", {})
    concept_labels = score.get("concept_labels", {})
    out += [f"**Overall {score.get('overall', 0)}/100 · {score.get('band', '')}** ({score.get('judge', '')} judge)",
            "", str(score.get("summary", "")), "", "### Rubric", "", "| criterion | score | evidence |",
            "|---|---:|---|"]
    for cid, c in score.get("criteria", {}).items():
        quotes = "<br>".join(f"“{_md_cell(e['quote'])}” ({_where(e)}{', named only' if e.get('named') else ''})"
                             for e in c.get("evidence", [])[:2])
        if not quotes and c.get("missing"):
            quotes = "not explained: " + ", ".join(concept_labels.get(m, m) for m in c["missing"][:4])
        out.append(f"| {_md_cell(labels.get(cid, cid))} | {'■' * c.get('score', 0)}{'□' * (4 - c.get('score', 0))} "
                   f"{c.get('score', 0)}/4 | {quotes} |")
    out += ["", "### Red flags", ""]
    flags = score.get("red_flags", {})
    if not flags:
        out += ["None raised.", ""]
    for fid, evidence in flags.items():
        out.append(f"- **{labels.get(fid, fid)}**: " + "; ".join(f"“{e['quote']}” ({_where(e)})" for e in evidence[:2]))
        if score.get("advice", {}).get(fid):
            out.append(f"  - Instead: {score['advice'][fid]}")
    if score.get("corrections"):
        out += ["", "### Claims to correct", ""]
        for item in score["corrections"]:
            out.append(f"- **{item.get('label', '')}**: “{item.get('quote', '')}” ({_where(item)})")
            out.append(f"  - In fact: {item.get('correction', '')}")
    if summary.get("delivery"):
        out += ["", "### Delivery (spoken answers)", ""] + [f"- {line}" for line in summary["delivery"]]
    out += ["", "### Time per phase", "", "| phase | planned | used | questions |", "|---|---|---|---:|"]
    for record in summary.get("phases", {}).values():
        out.append(f"| {record.get('title', '')} | {clock(record.get('planned_seconds', 0))} | "
                   f"{clock(record.get('actual_seconds', 0))} | {record.get('questions', 0)} |")
    if score.get("practice"):
        out += ["", "### Practise next", ""]
        for i, item in enumerate(score["practice"], 1):
            concepts = f" (concepts: {', '.join(item['concepts'])})" if item.get("concepts") else ""
            out.append(f"{i}. **{item.get('label', '')}**: {item.get('text', '')}{concepts}")
    weakest = score.get("weakest") or {}
    if weakest:
        out += ["", f"### The answer with the least in it ({_where(weakest)})", "",
                f"> **Asked:** {weakest.get('question', '')}", ">", f"> **Said:** {weakest.get('quote', '')}", "",
                "A strong answer's structure:", ""]
        out += [f"{i}. {step}" for i, step in enumerate(weakest.get("steps", []), 1)]
    return out + [""]


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


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
    return html.escape(str(text), quote=True)


def html_page(events: list[dict], summary: dict, interviewer_name: str = "Interviewer") -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_e(_title(summary))}</title><style>{CSS}</style></head><body>",
             f"<h1>{_e(_title(summary))}</h1>",
             f'<p class="meta">Session {_e(summary.get("session_id", ""))} · started {_e(summary.get("started", ""))}'
             f' · persona {_e(summary.get("persona", ""))} · interviewer {_e(summary.get("interviewer", ""))} · '
             f'judge {_e(summary.get("judge", ""))} · {_e(summary.get("status", ""))}</p>',
             "<h2>Transcript</h2>"]
    for line in lines(events, interviewer_name):
        if line.kind == "phase":
            branch = f" · {_e(line.detail)}" if line.detail else ""
            parts.append(f'<h3>{_e(line.text)}{branch} <span class="t">{clock(line.t)}</span></h3>')
        elif line.kind in ("interviewer", "candidate"):
            text = "<br>".join(_e(x) for x in line.text.splitlines())
            parts.append(f'<div class="turn {line.kind}"><span class="who">{_e(line.who)}</span>'
                         f'<span class="t">{clock(line.t)}</span><br>{text}</div>')
        elif line.kind == "note":
            parts.append(f'<p class="note">{_e(line.text)}</p>')
    parts += _html_feedback(summary)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_feedback(summary: dict) -> list[str]:
    score = summary.get("score")
    out = ["<h2>Feedback</h2>"]
    if not score:
        return out + ["<p>No score yet: the session ended before the judge ran.</p>"]
    labels, concept_labels = score.get("labels", {}), score.get("concept_labels", {})
    band = str(score.get("band", ""))
    out.append(f'<p class="overall">Overall {int(score.get("overall", 0))}/100 <span class="band" '
               f'style="background:{BAND_COLOUR.get(band, "#555")}">{_e(band)}</span> '
               f'<span class="where">({_e(score.get("judge", ""))} judge)</span></p>')
    out.append(f"<p>{_e(score.get('summary', ''))}</p><h3>Rubric</h3><table><tr><th>criterion</th><th>score</th>"
               "<th>evidence</th></tr>")
    for cid, c in score.get("criteria", {}).items():
        value = int(c.get("score", 0))
        colour = "#1b7f3b" if value >= 3 else "#b07d00" if value == 2 else "#b3261e"
        quotes = "<br>".join(f'<span class="quote">{_e(e["quote"])}</span> <span class="where">({_e(_where(e))})'
                             f"</span>" for e in c.get("evidence", [])[:2])
        if c.get("missing") and value <= 2:
            quotes += ('<br>' if quotes else "") + '<span class="missing">Not explained in any answer: ' + \
                _e(", ".join(concept_labels.get(m, m) for m in c["missing"][:4])) + "</span>"
        out.append(f"<tr><td>{_e(labels.get(cid, cid))}</td><td><span class=\"bar\"><span style=\"width:"
                   f"{value * 25}%;background:{colour}\"></span></span> {value}/4</td><td>{quotes}</td></tr>")
    out.append("</table><h3>Red flags</h3>")
    flags = score.get("red_flags", {})
    if not flags:
        out.append("<p>None raised.</p>")
    for fid, evidence in flags.items():
        quotes = "; ".join(f'<span class="quote">{_e(e["quote"])}</span> <span class="where">({_e(_where(e))})'
                           "</span>" for e in evidence[:2])
        advice = score.get("advice", {}).get(fid, "")
        out.append(f'<p><span class="flag">⚑ {_e(labels.get(fid, fid))}</span><br>{quotes}'
                   + (f"<br><em>Instead:</em> {_e(advice)}" if advice else "") + "</p>")
    if score.get("corrections"):
        out.append("<h3>Claims to correct</h3>")
        for item in score["corrections"]:
            out.append(f'<p><span class="flag">✗ {_e(item.get("label", ""))}</span><br>'
                       f'<span class="quote">{_e(item.get("quote", ""))}</span> <span class="where">('
                       f'{_e(_where(item))})</span><br><em>In fact:</em> {_e(item.get("correction", ""))}</p>')
    if summary.get("delivery"):
        out.append("<h3>Delivery (spoken answers)</h3><ul>" + "".join(f"<li>{_e(x)}</li>" for x in
                                                                     summary["delivery"]) + "</ul>")
    out.append("<h3>Time per phase</h3><table><tr><th>phase</th><th>planned</th><th>used</th><th>questions</th>"
               "</tr>")
    for record in summary.get("phases", {}).values():
        out.append(f"<tr><td>{_e(record.get('title', ''))}</td><td>{clock(record.get('planned_seconds', 0))}</td>"
                   f"<td>{clock(record.get('actual_seconds', 0))}</td><td>{record.get('questions', 0)}</td></tr>")
    out.append("</table>")
    if score.get("practice"):
        out.append("<h3>Practise next</h3><ol>")
        for item in score["practice"]:
            concepts = f'<br><span class="missing">Concepts: {_e(", ".join(item["concepts"]))}</span>' \
                if item.get("concepts") else ""
            out.append(f"<li><strong>{_e(item.get('label', ''))}</strong>: {_e(item.get('text', ''))}{concepts}</li>")
        out.append("</ol>")
    weakest = score.get("weakest") or {}
    if weakest:
        out.append(f"<h3>The answer with the least in it ({_e(_where(weakest))})</h3>"
                   f"<p><em>Asked:</em> {_e(weakest.get('question', ''))}<br><em>Said:</em> "
                   f'<span class="quote">{_e(weakest.get("quote", ""))}</span></p><p>A strong answer\'s '
                   "structure:</p><ol>" + "".join(f"<li>{_e(s)}</li>" for s in weakest.get("steps", [])) + "</ol>")
    return out
