"""End to end in a real terminal (tmux) and through a pipe: what the candidate sees and what is saved."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.tmux import Tmux, flat

pytestmark = pytest.mark.pty
MLCOACH = str(Path(sys.executable).parent / "mlcoach")
needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def term(tmp_path, _isolated_home):
    sessions = tmp_path / "sessions"
    made = []

    def start(*args: str) -> Tmux:
        env = {"MLCOACH_HOME": str(_isolated_home), "TERM": "xterm-256color", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        t = Tmux([MLCOACH, *args, "--sessions-dir", str(sessions)], env)
        made.append(t)
        return t

    start.sessions = sessions
    yield start
    for t in made:
        t.kill()


def _logs(d: Path) -> list[Path]:
    return sorted(d.glob("*.jsonl"))


def _events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@needs_tmux
def test_greeting_toolbar_help_next_and_end(term):
    t = term("interview", "--name", "Priya", "--scenario", "spam", "--seed", "1")
    t.wait_for("Hi Priya! I'm Alex")
    t.wait_for("left · total")
    screen = t.wait_for("left · total")
    assert "Opening · 0" in screen and "/ 45:00" in screen
    t.type("/help")
    screen = t.wait_for("/pause")
    assert all(cmd in screen for cmd in ("/next", "/repeat", "/hint", "/time", "/end"))
    t.type("/whatever")
    t.wait_for("Unknown command /whatever")
    t.type("/next")
    t.wait_for("Experience & Problem-Solving")
    t.wait_for("Walk me through")
    t.type("I built a churn model at a telecom because retention offers were wasted on loyal customers.")
    t.type("/end")
    screen = t.wait_for("EXIT=0")
    assert "Overall " in screen and "/100" in screen and "mlcoach review " in screen
    summary = tomllib.loads(next(term.sessions.glob("*.toml")).read_text())
    assert summary["status"] == "complete" and summary["answers"] == 1


@needs_tmux
def test_ctrl_c_leaves_an_incomplete_session_and_says_how_to_resume(term):
    t = term("interview", "--name", "Ana", "--scenario", "sentiment")
    t.wait_for("Hi Ana!")
    t.wait_for("left · total")
    t.type("I have worked on recommendation models for an online shop for about four years.")
    t.wait_for("most challenging")
    t.keys("C-c")
    screen = t.wait_for("EXIT=130")
    assert "mlcoach resume " in screen and "Traceback" not in screen
    summary = tomllib.loads(next(term.sessions.glob("*.toml")).read_text())
    assert summary["status"] == "incomplete" and summary["answers"] == 1


@needs_tmux
def test_ctrl_d_ends_early_with_exit_0(term):
    t = term("interview", "--name", "Ana")
    t.wait_for("Hi Ana!")
    t.wait_for("left · total")
    t.keys("C-d")
    screen = t.wait_for("EXIT=")
    assert "EXIT=0" in screen and "mlcoach resume" in screen


@needs_tmux
def test_kill_9_then_resume_keeps_every_answer_in_one_session(term):
    t = term("interview", "--name", "Kofi", "--scenario", "spam", "--seed", "4")
    t.wait_for("Hi Kofi!")
    t.wait_for("left · total")
    first = "I spent three years building fraud models at a payments company, mostly gradient boosting."
    second = "The hardest was a chargeback model where labels arrived sixty days late, so we used proxies."
    t.type(first)
    t.wait_for("most challenging")
    t.type(second)
    t.wait_for("Walk me through")
    (log,) = _logs(term.sessions)
    pid = int(subprocess.run(["pgrep", "-f", f"^\\S*python\\S* {MLCOACH} interview --name Kofi"],
                             capture_output=True, text=True).stdout.split()[0])
    os.kill(pid, signal.SIGKILL)
    t.wait_for("EXIT=")
    assert [e["text"] for e in _events(log) if e["type"] == "candidate"] == [first, second]
    listed = subprocess.run([MLCOACH, "review", "--json", "--sessions-dir", str(term.sessions)],
                            capture_output=True, text=True, check=True)
    assert json.loads(listed.stdout)[0]["status"] == "incomplete"

    r = term("resume")
    r.wait_for("Welcome back, Kofi")
    r.wait_for("Walk me through")
    r.wait_for("left · total")
    third = "We started with a logistic regression baseline because the risk team needed to read it."
    r.type(third)
    time.sleep(0.5)
    r.type("/end")
    r.wait_for("EXIT=0")
    assert _logs(term.sessions) == [log]
    evs = _events(log)
    assert [e["text"] for e in evs if e["type"] == "candidate"] == [first, second, third]
    assert tomllib.loads(log.with_suffix(".toml").read_text())["status"] == "complete"


@needs_tmux
def test_a_one_minute_interview_moves_on_from_the_opening(term):
    t = term("interview", "--name", "Lea", "--duration", "1", "--scenario", "spam")
    t.wait_for("Hi Lea!")
    # The opening's budget is under three seconds of a one-minute interview: the timer says so by itself.
    t.wait_for("time's up", timeout=20)
    t.type("I have worked on search ranking models for two years at a marketplace.")
    t.wait_for("Experience & Problem-Solving")


def test_piped_answers_run_a_whole_interview(tmp_path):
    answers = "\n".join([
        "I have built churn and fraud models for five years, mostly on tabular data.",
        "",
        "The hardest was fraud, because labels arrived weeks late and the classes were very imbalanced.",
        "/next", "/next", "/next", "/next",
        "How does your team handle monitoring?",
    ]) + "\n"
    proc = subprocess.run([MLCOACH, "interview", "--offline", "--name", "Sam", "--scenario", "spam",
                           "--sessions-dir", str(tmp_path)], input=answers, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "\x1b[" not in out
    assert "Alex: Hi Sam!" in out and "== ML Problem Design ==" in out and "Thanks for the conversation, Sam!" in out
    summary = tomllib.loads(next(tmp_path.glob("*.toml")).read_text())
    assert summary["status"] == "complete" and summary["answers"] == 3


def test_piped_input_that_ends_early_is_saved_incomplete(tmp_path):
    proc = subprocess.run([MLCOACH, "interview", "--name", "Sam", "--sessions-dir", str(tmp_path)],
                          input="I work on vision models.\n", capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "mlcoach resume" in proc.stdout
    sid = next(tmp_path.glob("*.toml")).stem
    listed = subprocess.run([MLCOACH, "review", "--json", "--sessions-dir", str(tmp_path)], capture_output=True,
                            text=True, check=True)
    row = json.loads(listed.stdout)[0]
    assert row["session_id"] == sid and row["status"] == "incomplete" and row["candidate"] == "Sam"
    assert set(row) >= {"session_id", "started", "candidate", "scenario", "status"}


def test_resume_with_nothing_to_resume_is_one_line(tmp_path):
    proc = subprocess.run([MLCOACH, "resume", "--sessions-dir", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 3 and proc.stderr.count("\n") == 1 and "no incomplete session" in proc.stderr


@needs_tmux
def test_multiline_answers_and_history_recall(term):
    t = term("interview", "--name", "Mia", "--scenario", "spam")
    t.wait_for("Hi Mia!")
    t.wait_for("left · total")
    t.type("I build ranking models at a marketplace,", enter=False)
    t.keys("Escape", "Enter")
    t.type("mostly gradient boosting because the features are tabular.")
    t.wait_for("most challenging")
    time.sleep(0.5)  # the next prompt is drawn
    t.keys("Up")
    t.wait_for("You › I build ranking models")
    t.keys("C-u")
    (log,) = _logs(term.sessions)
    answers = [e["text"] for e in _events(log) if e["type"] == "candidate"]
    assert answers == ["I build ranking models at a marketplace,\nmostly gradient boosting because the features "
                       "are tabular."]


@needs_tmux
def test_a_narrow_terminal_stays_readable(tmp_path, _isolated_home):
    env = {"MLCOACH_HOME": str(_isolated_home), "TERM": "xterm-256color", "NO_COLOR": "1"}
    t = Tmux([MLCOACH, "interview", "--name", "Zoe", "--sessions-dir", str(tmp_path)], env, width=40, height=20)
    try:
        t.wait_for("Hi Zoe!")
        t.wait_for("left")
        screen = t.wait_for("experience with machine")  # the greeting streams in: wait for all of it
        assert "experience with machine" in screen.replace("\n", " ").replace("  ", " ") or \
            flat("experience with machine") in flat(screen)
        lines = t.screen(joined=False).splitlines()
        assert all(len(line.rstrip()) <= 40 for line in lines)
        # Lines break between words: every word of the greeting is whole on some line.
        greeting = next(line for line in lines if "Hi Zoe!" in line)
        said = flat(" ".join(lines[lines.index(greeting):]))
        for word in ("working", "experience", "machine", "learning"):
            assert any(re.search(rf"\b{word}\b", line) for line in lines), (word, said)
    finally:
        t.kill()


@needs_tmux
def test_a_model_words_the_interview_in_the_terminal(term):
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI(default={"text": "Great to meet you. What ML problem are you proudest of solving?",
                             "chunk_delay": 0.02}) as server:
        t = term("interview", "--name", "Ana", "--scenario", "spam", "--model", "openai/fake-model", "--api-base",
                 server.url, "--judge", "offline")
        # the persona's greeting at once (litellm still loading in the background), then the model's words
        t.wait_for("Tell me about your experience with machine learning", timeout=15)
        t.wait_for("left · total")
        t.type("I built a churn model at a telecom because retention offers were wasted on loyal customers.")
        t.wait_for("What ML problem are you proudest of solving?", timeout=30)
        t.type("/end")
        screen = t.wait_for("EXIT=0", timeout=30)
        assert "Overall " in screen
    log = _events(_logs(term.sessions)[0])
    assert log[0]["interviewer"] == "openai/fake-model"
    sources = [e["source"] for e in log if e["type"] == "interviewer"]
    assert sources[0] == "scripted" and "openai/fake-model" in sources[1:]


@needs_tmux
def test_an_unreachable_model_warns_once_and_the_interview_goes_on(term):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t = term("interview", "--name", "Ana", "--scenario", "spam", "--model", "openai/fake-model", "--api-base",
             f"http://127.0.0.1:{port}/v1")
    screen = t.wait_for("left · total", timeout=30)
    assert flat(screen).count("is unreachable") == 1 and "going on with the offline interviewer" in flat(screen)
    assert "Traceback" not in screen
    assert "Tell me about your experience with machine learning" in flat(screen)
    t.type("/end")
    screen = t.wait_for("EXIT=0", timeout=30)
    assert "Traceback" not in screen


def _piped(tmp_path, answers: str, *args: str, env: dict | None = None) -> list[dict]:
    """A whole offline interview with its answers piped in; the session's events."""
    proc = subprocess.run([MLCOACH, "interview", "--offline", *args, "--sessions-dir", str(tmp_path)], input=answers,
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    (log,) = tmp_path.glob("*.jsonl")
    return [json.loads(x) for x in log.read_text().splitlines()]


def test_a_second_hint_is_not_the_first_again_and_no_praise_without_answers(tmp_path):
    evs = _piped(tmp_path, "/hint\n/hint\n/next\n/next\n/next\n/next\n/next\n", "--name", "Q", "--scenario", "spam",
                 "--seed", "3")
    hints = [e["text"] for e in evs if e["type"] == "interviewer" and e.get("move") == "hint"]
    assert len(hints) == 2 and hints[0] != hints[1]
    invite = next(e["text"] for e in evs if e["type"] == "interviewer" and e.get("move") == "closing.invite")
    assert "Great discussion" not in invite and invite.startswith("What questions")


def test_without_a_name_piped_answers_are_answers(tmp_path):
    evs = _piped(tmp_path, "I built a recommender using matrix factorization.\n/end\n",
                 env={**os.environ, "MLCOACH_NAME": ""})
    assert [e["text"] for e in evs if e["type"] == "candidate"] == ["I built a recommender using matrix "
                                                                    "factorization."]
    assert "matrix" not in evs[0]["candidate"]


def test_a_question_to_the_interviewer_mid_interview_is_kept_for_the_end(tmp_path):
    answers = "I build ranking models at a marketplace.\nThanks, what does your feature store look like?\n/end\n"
    evs = _piped(tmp_path, answers, "--name", "Q", "--scenario", "spam", "--seed", "3")
    said = [e for e in evs if e["type"] == "interviewer"]
    redirect = next(e for e in said if e.get("move", "").startswith("redirect:"))
    question_before = [e for e in said if e["t"] <= redirect["t"] and e.get("kind") == "question"][-1]
    assert "at the end" in redirect["text"] and "For now: " in redirect["text"]  # then the question, reworded
    assert redirect["move"] == f"redirect:{question_before['move']}"


@needs_tmux
def test_coach_mode_in_a_terminal_note_retry_and_enter(term):
    t = term("interview", "--name", "Ana", "--coach", "--scenario", "spam")
    t.wait_for("Hi Ana!")
    t.wait_for("left · total")
    t.type("I built a spam filter once.")
    t.wait_for("(Enter: next question · /retry: answer it again)")
    t.type("/retry")
    t.wait_for("Take two: Tell me about your experience")
    t.type("At a payments company I trained a gradient boosting model on chargebacks; precision at our review "
           "budget went from 0.61 to 0.78.")
    screen = t.wait_for("The second attempt is kept for the score")
    assert "Covered: gradient boosting" in flat(screen)
    t.keys("Enter")
    t.wait_for("What was the most challenging ML project")
    (log,) = _logs(term.sessions)
    evs = [json.loads(x) for x in log.read_text().splitlines()]
    assert [e["note"] for e in evs if e["type"] == "note"][:3] == ["coach", "retry", "coach"]
    assert [e["text"][:14] for e in evs if e["type"] == "candidate"] == ["I built a spam", "At a payments "]


@needs_tmux
@pytest.mark.parametrize("topic", ["imbalance", "drift", "failures"])
def test_a_drill_in_a_terminal_toolbar_note_retry_and_report(term, topic):
    from tests.test_drill import ANSWERS

    strong, _ = ANSWERS[topic]
    t = term("drill", topic, "--name", "Ana", "--seed", "3")
    t.wait_for("A short drill: ")
    screen = t.wait_for("question 1 of 5")
    assert "Drill: " in screen and "left" in screen
    t.type("I don't know.")
    t.wait_for("(Enter: next question · /retry: answer it again)")
    t.type("/retry")
    t.wait_for("Take two: ")
    t.type(strong[0])
    t.wait_for("The second attempt is kept for the score")
    for n, answer in enumerate(strong[1:], start=2):
        t.keys("Enter")
        t.wait_for(f"question {n} of 5")
        t.type(answer)
        t.wait_for("(Enter: next question")
    t.keys("Enter")
    screen = flat(t.wait_for("EXIT=0"))
    assert "Drill report: " in screen and "1 tried again" in screen and "Score for " in screen
    assert "Traceback" not in screen
    (log,) = _logs(term.sessions)
    evs = _events(log)
    assert evs[0]["mode"] == "drill" and evs[-1]["type"] == "end" and evs[-1]["status"] == "complete"
    assert [e["text"] for e in evs if e["type"] == "candidate"][:2] == ["I don't know.", strong[0]]
