"""Bounded work on any input, and files only where they belong (issue 15, first part)."""

from __future__ import annotations

import json
import os
import time

import pytest
from typer.testing import CliRunner

from mlcoach.analysis import analyze
from mlcoach.cli import app
from mlcoach.clock import SimClock
from mlcoach.engine import Session
from mlcoach.interviewers import ScriptedInterviewer
from mlcoach.limits import MAX_READ_WORDS

runner = CliRunner()


@pytest.mark.parametrize("text", [
    ("we trained the gradient boosting model with precision and recall " * 20000)[:1_000_000],  # no full stop
    ",".join(["feature"] * 150_000),  # a pasted comma list, no spaces
])
def test_a_megabyte_answer_is_read_in_bounded_time(persona, text):
    t0 = time.perf_counter()
    analyze(text, persona)
    assert time.perf_counter() - t0 < 5


def test_a_cut_answer_is_kept_whole_in_the_log_and_the_cut_is_noted(tmp_path, persona):
    session = Session.create(persona, candidate="Bo", sessions_dir=tmp_path, clock=SimClock(),
                             interviewer=ScriptedInterviewer(), scenario="spam", seed=1, mode="batch")
    list(session.start())
    long = "We shipped a ranking model. " * (MAX_READ_WORDS // 2)
    list(session.submit(long))
    lines = [json.loads(x) for x in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    assert any(e["type"] == "candidate" and e["text"] == long.strip() for e in lines)
    assert any(e.get("note") == "answer_cut" for e in lines)


def test_retries_are_bounded(tmp_path):
    out = runner.invoke(app, ["config", "set", "retries", "1000000"])
    assert out.exit_code == 2 and "retries: at most 10" in out.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("command", [["personas", "validate"], ["batch", "--offline"]])
def test_a_fifo_given_as_a_file_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    out = runner.invoke(app, [*command, str(fifo), "--sessions-dir", str(tmp_path / "s")]
                        if command[0] == "batch" else [*command, str(fifo)])
    assert out.exit_code == 2 and "not a regular file" in out.stderr
    assert time.perf_counter() - t0 < 5


def test_a_persona_regex_that_can_backtrack_exponentially_is_refused(tmp_path):
    from mlcoach.personas import builtin_dir

    text = (builtin_dir() / "ml-engineer.toml").read_text()
    bad = text.replace("[concepts.missing_data]\nlabel = \"missing data\"\ngroup = \"data\"\npatterns = [\n",
                       "[concepts.missing_data]\nlabel = \"missing data\"\ngroup = \"data\"\npatterns = [\n"
                       "  '(a+)+$',\n", 1)
    assert bad != text
    path = tmp_path / "mine.toml"
    path.write_text(bad.replace('id = "ml-engineer"', 'id = "mine"', 1))
    t0 = time.perf_counter()
    out = runner.invoke(app, ["personas", "validate", str(path)])
    assert out.exit_code == 2 and "concepts.missing_data" in out.stderr and "exponential" in out.stderr
    assert time.perf_counter() - t0 < 5
    assert runner.invoke(app, ["personas", "validate", str(builtin_dir() / "ml-engineer.toml")]).exit_code == 0


def test_an_8000_answer_log_resumes_and_rescores_in_bounded_time(tmp_path, persona):
    """The answers past MAX_ANSWERS stay in the log, unread; the interview ends at the next answer."""
    import random

    from mlcoach.limits import MAX_ANSWERS

    session = Session.create(persona, candidate="Bo", sessions_dir=tmp_path, clock=SimClock(),
                             interviewer=ScriptedInterviewer(), scenario="spam", seed=1, mode="batch")
    list(session.start())
    session.close()
    log = next(tmp_path.glob("*.jsonl"))
    rng = random.Random(2)
    vocab = "data model feature we trained the gradient boosting with precision recall monitoring drift because".split()
    with log.open("a") as f:
        for i in range(8000):
            f.write(json.dumps({"type": "interviewer", "phase": "opening", "kind": "question", "move": "q",
                                "text": "Why?", "t": float(i)}) + "\n")
            f.write(json.dumps({"type": "candidate", "phase": "opening", "t": i + 0.5,
                                "text": " ".join(rng.choice(vocab) for _ in range(25))}) + "\n")
    t0 = time.perf_counter()
    out = runner.invoke(app, ["resume", log.stem, "--sessions-dir", str(tmp_path)], input="One more answer.\n")
    assert time.perf_counter() - t0 < 5, "resume"
    assert out.exit_code == 0, out.output
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert lines[-1]["type"] == "end" and lines[-1]["reason"] == "answer limit reached"
    assert any(e.get("note") == "answers_cut" and f"{MAX_ANSWERS:,}" in e["text"] for e in lines)
    assert sum(e["type"] == "candidate" for e in lines) == 8001  # every answer kept
    t0 = time.perf_counter()
    again = runner.invoke(app, ["review", "rescore", log.stem, "--offline", "--sessions-dir", str(tmp_path)])
    assert again.exit_code == 0 and time.perf_counter() - t0 < 5, again.output
