"""The typed records of a session log: read once, used by every reader, written back unchanged."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from mlcoach import export
from mlcoach.records import (
    CandidateEvent,
    EndEvent,
    InterviewerEvent,
    MetaEvent,
    PhaseEvent,
    Score,
    ScoreEvent,
    event,
    usage_total,
)
from mlcoach.sessions import read_events
from mlcoach.summary import summarize
from mlcoach.timeline import fold
from mlcoach.ui.report import report
from tests.helpers import run


@pytest.fixture(scope="module")
def weak(tmp_path_factory):
    d = tmp_path_factory.mktemp("weak")
    result = run("weak-vague", d)
    return read_events(d / f"{result.session_id}.jsonl")


def test_every_line_of_a_real_log_becomes_its_record(weak):
    kinds = {type(r) for r in weak.records}
    assert kinds >= {MetaEvent, PhaseEvent, InterviewerEvent, CandidateEvent, EndEvent, ScoreEvent}
    for line, record in zip(weak.events, weak.records, strict=True):
        assert record.t == line["t"] and record.at == line["at"]
        if isinstance(record, InterviewerEvent | CandidateEvent):
            assert record.text == line["text"] and record.phase == line["phase"]
    meta = weak.records[0]
    assert meta.interviewer_name == "Alex" and meta.persona == "ml-engineer" and meta.plan["design"][1] > 0


def test_a_score_reads_back_exactly_as_it_was_written(weak):
    line = next(e for e in weak.events if e["type"] == "score")
    body = {k: v for k, v in line.items() if k not in ("type", "t", "at")}
    score = Score.from_dict(body)
    assert json.dumps(score.to_dict(), sort_keys=True) == json.dumps(body, sort_keys=True)
    assert score.scores == {cid: c["score"] for cid, c in body["criteria"].items()}


def test_hand_edited_score_values_are_read_without_a_crash():
    score = Score.from_dict({"judge": "offline", "overall": 61.6, "band": "hire", "labels": {"production": 7},
                             "criteria": {"production": {"score": 2.6, "evidence": [{"turn": 3}, "junk"],
                                                         "missing": ["monitoring"]}},
                             "red_flags": {"no_evaluation": "not a list"}, "weakest": {}, "practice": ["x"]})
    assert score.overall == 62 and score.criteria[0].score == 3 and score.criteria[0].evidence[0].quote == ""
    assert score.label("production") == "7" and score.red_flags == (("no_evaluation", ()),)
    assert score.weakest is None and score.practice == ()


def test_the_fold_and_the_summary_agree_on_a_resumed_session():
    lines = [
        {"type": "meta", "session_id": "s", "interviewer": "scripted", "judge": "offline", "t": 0},
        {"type": "phase", "phase": "opening", "title": "Opening", "t": 0},
        {"type": "interviewer", "phase": "opening", "kind": "greeting", "move": "greet", "text": "Hi! I'm Sam.",
         "t": 1},
        {"type": "end", "status": "incomplete", "reason": "interrupted", "t": 20, "at": "x"},
        {"type": "note", "note": "resumed", "text": "resumed", "interviewer": "openai/m", "judge": "llm:m",
         "t": 20},
        {"type": "candidate", "phase": "opening", "text": "Hello", "t": 30},
    ]
    records = [event(x) for x in lines]
    timeline = fold(records)
    summary = summarize(records)
    assert timeline.status == "" and summary.status == "incomplete" and summary.ended == ""
    assert summary.interviewer == "openai/m" and summary.judge == "llm:m"
    assert summary.interviewer_name == "Sam"  # an old log: the name comes from the greeting
    assert summary.phases[0].actual_seconds == 30 and summary.questions == 1 and summary.answers == 1


def test_usage_is_totalled_from_interviewer_notes_and_score_events():
    lines = [
        {"type": "interviewer", "text": "q", "usage": {"calls": 1, "prompt_tokens": 10, "completion_tokens": 2,
                                                       "cost_usd": 0.5}},
        {"type": "note", "note": "retry", "usage": {"calls": 2, "prompt_tokens": 5, "completion_tokens": 0,
                                                     "cost_usd": 0.25}},
        {"type": "score", "judge": "llm:m", "overall": 50, "band": "lean no", "criteria": {},
         "usage": {"calls": 1, "prompt_tokens": 100, "completion_tokens": 50}},
    ]
    total = usage_total([event(x) for x in lines])
    assert (total.calls, total.prompt_tokens, total.completion_tokens) == (4, 115, 52)
    assert total.cost_usd is None and total.to_dict()["cost_usd"] == "unknown"  # the judge's call had no price


def test_every_report_lists_the_same_unexplained_concepts(weak):
    """One rule (score <= 2, at most four concepts) for the terminal report, Markdown and HTML."""
    summary = summarize(weak.records)
    expected = [c.gaps for c in summary.score.criteria if c.gaps]
    assert expected, "the weak candidate should leave gaps to list"
    console = Console(width=200, no_color=True, record=True, file=io.StringIO())
    console.print(report(summary))
    terminal = console.export_text()
    md = export.markdown(weak.records, summary)
    html = export.html_page(weak.records, summary)
    counts = [len(re.findall(r"[Nn]ot explained in any answer", text)) for text in (terminal, md, html)]
    assert counts == [len(expected)] * 3
    for gaps in expected:
        names = ", ".join(summary.score.concept_label(m) for m in gaps)
        assert names in terminal and names in md and names in html
