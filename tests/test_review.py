"""`mlcoach review`: listing, filters, damaged files, the index, one session, replay, export, trend, rescore, focus."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from mlcoach import history
from mlcoach.cli import app
from tests.helpers import events, run

runner = CliRunner()
PICKS = ("strong-spam", "average-house", "weak-vague", "oneword", "average-spam")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Five finished live sessions (oldest first; the trend counts live ones) in a directory the tests copy before
    changing anything."""
    d = tmp_path_factory.mktemp("made")
    ids = [run(cid, d, mode="live").session_id for cid in PICKS]
    return d, ids


@pytest.fixture
def sessions(made, tmp_path):
    d, ids = made
    copy = tmp_path / "sessions"
    shutil.copytree(d, copy)
    (copy / history.INDEX).unlink(missing_ok=True)
    return copy, ids


def review(*args, d):
    return runner.invoke(app, ["review", *args, "--sessions-dir", str(d)])


def listed(d, *args) -> list[dict]:
    out = review("--json", *args, d=d)
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def test_lists_newest_first_with_scores(sessions):
    d, ids = sessions
    rows = listed(d)
    assert [r["session_id"] for r in rows] == ids[::-1]
    assert set(rows[0]) >= {"session_id", "started", "candidate", "persona", "scenario", "status", "overall", "band"}
    by_id = {r["session_id"]: r for r in rows}
    assert by_id[ids[0]]["band"] == "strong hire" and by_id[ids[3]]["overall"] < 15
    table = review(d=d)
    assert table.exit_code == 0 and "strong hire" in table.output and ids[0] in table.output


def test_limit_status_scenario_and_search(sessions):
    d, ids = sessions
    assert len(listed(d, "-n", "2")) == 2 and len(listed(d, "-n", "0")) == 5
    assert {r["scenario"] for r in listed(d, "--scenario", "spam")} == {"spam"}
    assert listed(d, "--status", "incomplete") == []
    found = listed(d, "-q", "PRECISION AND RECALL, because")
    assert [r["session_id"] for r in found] == [ids[4]]  # average-spam said it; case-insensitive
    assert listed(d, "-q", "no such words anywhere") == []
    bad = review("--status", "done", d=d)
    assert bad.exit_code == 2 and "--status" in bad.output


def test_damaged_files_are_skipped_with_one_warning_each(sessions):
    d, ids = sessions
    (d / f"{ids[0]}.toml").write_text("this is = = not toml")  # the log still has everything
    log = d / f"{ids[1]}.jsonl"
    log.write_text(log.read_text() + '{"type": "candidate", "text": "cut off')  # a truncated last line
    (d / f"{ids[1]}.toml").unlink()
    (d / "20261129T000000Z-0000.jsonl").write_text("")  # an empty file
    (d / "20261129T000001Z-0001.jsonl").write_text('{"type":"meta","format":99,"session_id":"x"}\n')
    out = runner.invoke(app, ["review", "--json", "--sessions-dir", str(d)])
    assert out.exit_code == 0
    rows = json.loads(out.stdout)
    assert [r["session_id"] for r in rows] == ids[::-1]  # every readable session, the damaged ones read from logs
    warnings = [line for line in out.stderr.splitlines() if line.startswith("mlcoach: warning:")]
    assert len(warnings) == 4, out.stderr
    assert any("not valid TOML" in w for w in warnings) and any("format" in w and "99" in w for w in warnings)
    assert any("line" in w for w in warnings) and "Traceback" not in out.output


def test_an_incomplete_session_shows_what_it_has(sessions, persona):
    from mlcoach.clock import SimClock
    from mlcoach.engine import Session
    from mlcoach.interviewers import ScriptedInterviewer

    d, _ = sessions
    s = Session.create(persona, candidate="Half", sessions_dir=d, clock=SimClock(), interviewer=ScriptedInterviewer(),
                       scenario="spam", seed=3)
    list(s.start())
    list(s.submit("I built a fraud model at a bank because losses were growing, and we cut them by a third."))
    s.close()  # killed: no end, no score
    row = listed(d, "--status", "incomplete")[0]
    assert row["candidate"] == "Half" and row["overall"] is None and row["status"] == "incomplete"
    shown = review(row["session_id"], d=d)
    flat = " ".join(shown.output.split())
    assert shown.exit_code == 0 and "cut them by a third" in flat and "no score yet" in flat


def test_the_index_is_reused_and_rebuilt_when_files_change(sessions, monkeypatch):
    d, ids = sessions
    listed(d)
    assert (d / history.INDEX).exists()
    reads = []
    real = history.read_row
    monkeypatch.setattr(history, "read_row", lambda p: reads.append(p.stem) or real(p))
    listed(d)
    assert reads == []  # nothing changed: every row from the index
    toml = d / f"{ids[2]}.toml"
    toml.write_text(toml.read_text().replace('candidate = "Camila"', 'candidate = "Camila R."'))
    (d / f"{ids[3]}.jsonl").unlink()
    (d / f"{ids[3]}.toml").unlink()
    rows = listed(d)
    assert reads == [ids[2]] and len(rows) == 4
    assert next(r for r in rows if r["session_id"] == ids[2])["candidate"] == "Camila R."
    (d / history.INDEX).write_text("{broken")
    assert len(listed(d)) == 4  # a damaged index is only a cache


def test_one_session_transcript_then_feedback(sessions):
    d, ids = sessions
    out = review(ids[0][:18], d=d)
    assert out.exit_code == 0, out.output
    text = out.output
    assert "Opening · 00:00" in text and "ML Problem Design ·" in text
    assert "Alex: Hi Priya!" in text and "Priya: " in text
    assert text.index("Alex: Hi Priya!") < text.index("Feedback") < text.index("Practise next")
    latest = review("--latest", d=d)
    assert latest.exit_code == 0 and ids[-1] in latest.output
    missing = review("nope", d=d)
    assert missing.exit_code == 3


def test_replay_keeps_the_pacing_scaled_and_capped(sessions):
    from rich.console import Console

    from mlcoach.sessions import read_events
    from mlcoach.transcript import lines
    from mlcoach.ui.review import MAX_GAP, replay

    d, ids = sessions
    evs = read_events(d / f"{ids[0]}.jsonl").records
    waits: list[float] = []
    console = Console(record=True, width=100, file=io.StringIO())
    replay(evs, "Alex", console, speed=4.0, sleep=waits.append)
    ts = [x.t for x in lines(evs)]
    assert any(b - a > MAX_GAP for a, b in zip(ts, ts[1:], strict=False))  # some pause is long enough to be capped
    expected = [min(MAX_GAP, b - a) / 4.0 for a, b in zip(ts, ts[1:], strict=False) if b - a > 0]
    assert waits == pytest.approx(expected)
    assert "Hi Priya" in console.export_text()
    out = review(ids[0], "--replay", "--speed", "100000", d=d)
    assert out.exit_code == 0 and "Hi Priya" in out.output and "Feedback" in out.output


def test_export_markdown_and_self_contained_html(sessions, tmp_path):
    d, ids = sessions
    log = d / f"{ids[1]}.jsonl"
    log.write_text(log.read_text().replace("claim costs", "claim <script>alert(1)</script> costs", 1))
    md = tmp_path / "s.md"
    assert review(ids[1], "--export", "md", "-o", str(md), d=d).exit_code == 0
    text = md.read_text()
    assert text.startswith("# Mock interview: Fatima") and "## Transcript" in text and "## Feedback" in text
    assert "**Overall" in text and "| criterion | score | evidence |" in text
    page = tmp_path / "s.html"
    assert review(ids[1], "--export", "html", "-o", str(page), d=d).exit_code == 0
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "@media print" in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # the candidate's text is escaped
    assert "src=" not in html and "<link" not in html  # nothing to fetch: readable offline and in print
    assert "Transcript" in html and "Practise next" in html and "Overall" in html
    stdout = review(ids[1], "--export", "md", d=d)
    assert stdout.exit_code == 0 and stdout.output.startswith("# Mock interview")
    bad = review(ids[1], "--export", "pdf", d=d)
    assert bad.exit_code == 2


def test_trend_table_json_and_plot(sessions, tmp_path):
    d, ids = sessions
    out = review("--trend", d=d)
    assert out.exit_code == 0 and "Scores across 5 sessions" in out.output and "Weakest lately" in out.output
    assert any(ch in out.output for ch in "▁▂▃▄▅▆▇█")
    data = json.loads(review("--trend", "--json", d=d).stdout)
    assert data["sessions"] == ids and len(data["overall"]) == 5 and len(data["weakest"]) == 9
    assert data["criteria"]["production"][0] == 4  # the strong candidate, first
    png = tmp_path / "trend.png"
    plotted = review("--trend", "--plot", str(png), d=d)
    assert plotted.exit_code == 0, plotted.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    empty = review("--trend", d=tmp_path / "none")
    assert empty.exit_code == 3


def test_rescore_keeps_the_earlier_score_in_the_log(sessions):
    d, ids = sessions
    log = d / f"{ids[0]}.jsonl"
    before = [e for e in events(log) if e["type"] == "score"]
    out = review("--rescore", ids[0], "--offline", d=d)
    assert out.exit_code == 0 and f"{ids[0]}: {before[0]['overall']} -> {before[0]['overall']}" in out.output
    after = [e for e in events(log) if e["type"] == "score"]
    assert len(after) == 2 and after[0] == before[0] and after[1]["rescored"] is True
    assert after[1]["previous_overall"] == before[0]["overall"]
    every = review("--rescore", "--all", "--offline", d=d)
    assert every.exit_code == 0 and len(every.output.strip().splitlines()) == 5
    assert review("--rescore", d=d).exit_code == 2


def test_rescore_with_an_llm_judge(sessions, tmp_path, fake_chat):
    d, ids = sessions
    quote = "Precision and recall, because a false positive means a real email ends up in spam"
    verdict = {"criteria": {"evaluation_metrics": {"score": 4, "evidence": [quote]}}, "red_flags": {},
               "summary": "Metrics were tied to the cost of errors."}
    fake_chat.default = json.dumps(verdict)
    out = runner.invoke(app, ["review", "--rescore", ids[4], "--model", "openai/fake", "--api-base",
                              "http://fake-chat.invalid/v1", "--sessions-dir", str(d)],
                        env={"OPENAI_API_KEY": "sk-test-REVIEWKEY"})
    assert out.exit_code == 0, out.output
    assert [r.stream for r in fake_chat.requests] == [False]  # one judge call, nothing else
    score = [e for e in events(d / f"{ids[4]}.jsonl") if e["type"] == "score"][-1]
    assert score["judge"] == "llm:openai/fake" and score["criteria"]["evaluation_metrics"]["score"] == 4
    assert score["overall"] == round(100 * 4 / 36)
    assert "REVIEWKEY" not in (d / f"{ids[4]}.jsonl").read_text() + (d / f"{ids[4]}.toml").read_text()
    shown = review(ids[4], d=d)
    assert "llm:openai/fake judge" in shown.output
    exported = review(ids[4], "--export", "html", d=d)
    assert exported.exit_code == 0 and "REVIEWKEY" not in exported.output


def test_focus_puts_the_weak_criteria_first(tmp_path, persona):
    from mlcoach.clock import SimClock
    from mlcoach.engine import Session
    from mlcoach.interviewers import ScriptedInterviewer
    from mlcoach.planner import core_moves

    def design_probes(focus):
        s = Session.create(persona, candidate="F", sessions_dir=tmp_path, clock=SimClock(), seed=1,
                           interviewer=ScriptedInterviewer(), scenario="spam", focus=focus)
        list(s.start())
        list(s.next_phase())
        list(s.next_phase())  # now in the design phase, the scenario posed
        return [m for m in core_moves(s.state) if m.kind == "probe"], s

    plain, _ = design_probes(())
    focused, s = design_probes(("production",))
    production = set(next(c for c in persona.criteria if c.id == "production").concepts)
    assert sorted(m.id for m in plain) == sorted(m.id for m in focused)  # nothing dropped
    first = [bool(set(m.covers) & production) for m in focused]
    assert first == sorted(first, reverse=True) and first[0]  # the production probes lead
    assert s.state.meta.focus == ("production",)


def test_focus_weakest_reads_the_history(sessions):
    from mlcoach.focus import choose
    from mlcoach.personas import load

    d, _ = sessions
    chosen, note = choose("weakest", load("ml-engineer"), d)
    assert len(chosen) == 2 and "weakest lately" in note
    none, note = choose("weakest", load("ml-engineer"), d / "empty")
    assert none == () and "nothing to go on" in note


def test_focus_by_criterion_ids(tmp_path, persona):
    from mlcoach.errors import BadInput
    from mlcoach.focus import choose

    assert choose(None, persona, tmp_path) == ((), "")
    chosen, note = choose(" production , data_quality", persona, tmp_path)
    assert chosen == ("production", "data_quality") and note.startswith("Focus: ") and note.endswith(".")
    for spec, problem in ((",", "no criterion given"), ("production,charisma", "unknown criterion 'charisma'")):
        with pytest.raises(BadInput, match=problem):
            choose(spec, persona, tmp_path)


def _edit_log(path, change) -> None:
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    change(lines)
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")


def _set(kind, key, value, n=0):
    def change(lines):
        [e for e in lines if e["type"] == kind][n][key] = value
    return change


@pytest.mark.parametrize("change", [
    _set("phase", "phase", None) , _set("candidate", "text", 12), _set("interviewer", "text", ["a"]),
    _set("candidate", "t", "abc"), _set("meta", "plan", {"opening": [1]}),
    _set("score", "criteria", [1, 2]), _set("score", "overall", "x"),
], ids=["phase-null", "text-int", "text-list", "t-string", "plan-short", "criteria-list", "overall-string"])
def test_a_hand_damaged_log_is_warned_about_never_crashes_anything(sessions, change):
    d, ids = sessions
    sid = ids[0]
    log = d / f"{sid}.jsonl"
    _edit_log(log, change)
    log.with_suffix(".toml").unlink()  # the listing has to read the damaged log itself
    for args in (["--json"], [sid], [sid, "--export", "md"], ["--trend"], ["--rescore", sid, "--offline"]):
        out = review(*args, d=d)
        assert "internal error" not in out.output and out.exit_code in (0, 2), (args, out.output)
    assert len(listed(d)) == len(ids)
    out = review(sid, d=d)
    assert "warning" in out.stderr and f"{sid}.jsonl: line" in out.stderr


@pytest.mark.parametrize("line", ['status = 1', 'band = 5', 'candidate = 12', 'overall = "x"', 'scores = 5'])
def test_a_hand_edited_summary_is_read_from_its_log(sessions, line):
    d, ids = sessions
    toml = d / f"{ids[0]}.toml"
    key = line.split(" = ")[0]
    text = toml.read_text()
    lines = [x for x in text.splitlines() if not x.startswith(f"{key} = ")]
    toml.write_text(line + "\n" + "\n".join(lines) + "\n")
    out = review("--json", d=d)
    assert out.exit_code == 0 and "internal error" not in out.output, out.output
    assert {r["session_id"] for r in json.loads(out.stdout)} == set(ids)
    assert f"{ids[0]}.toml" in out.stderr
    assert review("--trend", d=d).exit_code == 0


def test_a_damaged_index_is_rebuilt(sessions):
    d, ids = sessions
    (d / history.INDEX).write_text(json.dumps({"format": history.INDEX_FORMAT, "sessions": {ids[0]: 5}}))
    assert [r["session_id"] for r in listed(d)] == ids[::-1]
