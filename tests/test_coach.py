"""Coach mode (issue 18, its first part): a note after each answer (what it covered, quoted word for word; the one
thing it missed), then Enter for the next question or /retry for a second attempt, of which the better is scored."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from mlcoach.cli import app
from tests.helpers import run

runner = CliRunner()
# Words that judge the person, not the answer: neither the report nor a coach's note may use them.
GUESS = re.compile(r"\b(you are|you're|you seem|you lack|you don't know|you can't|the candidate is|candidate seems|"
                   r"lazy|smart|talented|inexperienced|nervous|confident|junior|not cut out)\b", re.IGNORECASE)
NOTE_QUOTE = re.compile(r"“([^”]+)”")

FIRST = "I built a spam filter once."
BETTER = ("At a payments company I trained a gradient boosting model on two years of chargebacks; precision at our "
          "review budget went from 0.61 to 0.78, and we caught label leakage from a refund field on the way.")


def _coached(tmp_path, lines: list[str]):
    out = runner.invoke(app, ["interview", "--name", "Ana", "--coach", "--scenario", "spam", "--sessions-dir",
                              str(tmp_path)], input="\n".join(lines) + "\n")
    assert out.exit_code == 0, out.output
    log = next(tmp_path.glob("*.jsonl"))
    return out.stdout, [json.loads(x) for x in log.read_text().splitlines()]


def test_a_note_follows_each_answer_and_the_next_question_waits_for_enter(tmp_path):
    shown, evs = _coached(tmp_path, [BETTER, "", "The hardest was a churn model where labels arrived months late, "
                                                 "so we trained on a proxy label and checked it against the real one.",
                                     "", "/end"])
    notes = [e["text"] for e in evs if e["type"] == "note" and e["note"] == "coach"]
    assert len(notes) == 2 and all(f"mlcoach: {n}" in shown for n in notes)
    answers = [e["text"] for e in evs if e["type"] == "candidate"]
    for note, answer in zip(notes, answers, strict=True):
        for quote in NOTE_QUOTE.findall(note):
            assert quote.removesuffix("…") in answer  # word for word
        assert not GUESS.search(note), note
    assert "Covered: gradient boosting" in notes[0]
    order = [e["type"] if e["type"] != "note" else e["note"] for e in evs if e["type"] in ("candidate", "note")
             or (e["type"] == "interviewer" and e["kind"] == "question")]
    assert order.index("coach") < order.index("interviewer", order.index("candidate"))  # the note, then the question


def test_retry_asks_the_same_question_again_logs_both_and_scores_the_better(tmp_path):
    shown, evs = _coached(tmp_path, [FIRST, "/retry", BETTER, "", "/end"])
    candidate = [e for e in evs if e["type"] == "candidate"]
    assert [e["text"] for e in candidate] == [FIRST, BETTER]  # both attempts are in the log
    retry = next(i for i, e in enumerate(evs) if e["type"] == "note" and e["note"] == "retry")
    again = next(e for e in evs[retry:] if e["type"] == "interviewer")
    greeting = next(e for e in evs if e["type"] == "interviewer" and e["kind"] == "greeting")
    assert again["text"].startswith("Take two: Tell me about") and again["text"].split(": ", 1)[1] in greeting["text"]
    notes = [e["text"] for e in evs if e["type"] == "note" and e["note"] == "coach"]
    assert notes[1].startswith("The second attempt is kept for the score")
    score = next(e for e in evs if e["type"] == "score")
    quotes = [q["quote"] for c in score["criteria"].values() for q in c["evidence"]]
    assert quotes and all(q in BETTER for q in quotes) and not any(q in FIRST for q in quotes)


def test_a_weaker_second_attempt_leaves_the_first_one_scored(tmp_path):
    _, evs = _coached(tmp_path, [BETTER, "/retry", FIRST, "", "/end"])
    notes = [e["text"] for e in evs if e["type"] == "note" and e["note"] == "coach"]
    assert notes[1].startswith("The first attempt is kept for the score")
    score = next(e for e in evs if e["type"] == "score")
    quotes = [q["quote"] for c in score["criteria"].values() for q in c["evidence"]]
    assert quotes and all(q in BETTER for q in quotes)


def test_retry_is_once_per_answer_and_only_in_coach_mode(tmp_path):
    _, evs = _coached(tmp_path, [FIRST, "/retry", FIRST + " Really.", "/retry", "/end"])
    assert sum(1 for e in evs if e["type"] == "note" and e["note"] == "retry") == 1
    plain = runner.invoke(app, ["interview", "--name", "Bo", "--scenario", "spam", "--sessions-dir",
                                str(tmp_path / "p")], input=f"{FIRST}\n/retry\n/end\n")
    assert plain.exit_code == 0 and "/retry comes right after a coach's note" in plain.stdout


@pytest.mark.parametrize("cid", ["strong-spam", "weak-vague", "average-house", "weak-wrong-sentiment"])
def test_the_report_makes_no_guesses_about_the_person_either(tmp_path, cid):
    from mlcoach.ui.report import report

    result = run(cid, tmp_path)
    out = Console(file=io.StringIO(), width=120, no_color=True)
    out.print(report(result.summary))
    assert not GUESS.search(out.file.getvalue()), GUESS.search(out.file.getvalue())
