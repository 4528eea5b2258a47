"""The interviewer listens: replies that fit the answer, pushback on wrong claims, no topic asked twice, promises
kept, hints about the question asked, no assessment shown, pacing that uses the time."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from mlcoach import conduct, planner, script
from mlcoach.batch import run_script
from mlcoach.clock import SimClock
from mlcoach.engine import PhaseStart, Session
from mlcoach.interviewers import ScriptedInterviewer
from mlcoach.live import toolbar
from mlcoach.records import InterviewerEvent, event
from mlcoach.ui.terminal import PlainIO
from tests.helpers import ROOT

# Candidates of every level; the blind sets were written by people who never saw the planner (or the reading).
SETS = ["tests/candidates", "tests/blind/dev", "tests/blind/dev2", "tests/blind/holdout"]


@pytest.fixture(scope="module")
def conducts() -> dict[str, conduct.Conduct]:
    out = {}
    with tempfile.TemporaryDirectory() as d:
        for folder in SETS:
            for f in sorted((ROOT / folder).glob("*.toml")):
                if f.stem == "labels":
                    continue
                result = run_script(script.load(f), sessions_dir=Path(d), seed=7)
                out[f"{folder}/{f.stem}"] = conduct.check(result.session.records, result.session.persona)
    return out


@pytest.mark.parametrize("kind", ["approved_unsound", "repeated_topic", "repeated_ack", "unanswered_deferred"])
def test_no_session_of_any_candidate_breaks_a_rule(conducts, kind):
    broken = {cid: [f.detail for f in c.findings if f.kind == kind] for cid, c in conducts.items()}
    broken = {cid: found for cid, found in broken.items() if found}
    assert not broken, broken


def test_most_wrong_or_waved_claims_get_a_question_back(conducts):
    pushable = sum(c.pushable for c in conducts.values())
    pushed = sum(c.pushed for c in conducts.values())
    assert pushable >= 40  # the sets plant enough wrong claims for the figure to mean something
    assert pushed / pushable >= 0.8, (pushed, pushable)


def _log(*lines: dict) -> list:
    return [event({"t": float(i), **line}) for i, line in enumerate(lines)]


def test_the_checks_catch_an_interviewer_that_does_not_listen(persona):
    """The old interviewer's habits, written as a log: each one is found."""
    evs = _log(
        {"type": "meta", "format": 1, "candidate": "Ana", "scenario": "spam", "persona": "ml-engineer"},
        {"type": "phase", "phase": "design", "title": "Design"},
        {"type": "interviewer", "phase": "design", "kind": "question", "move": "scenario:spam", "text": "How?"},
        {"type": "candidate", "phase": "design", "text": "I'd cluster the emails with k-means, which is a "
                                                         "supervised algorithm, so it learns spam from the labels."},
        {"type": "interviewer", "phase": "design", "kind": "ack", "move": "ack:fair_point", "text": "Fair point."},
        {"type": "interviewer", "phase": "design", "kind": "probe", "move": "imbalance",
         "text": "What if you have imbalanced classes? How would you handle that?"},
        {"type": "candidate", "phase": "design", "text": "What does your feature store look like here?"},
        {"type": "interviewer", "phase": "design", "kind": "nudge", "move": "redirect:imbalance",
         "text": "Good question, and I'll gladly answer it at the end."},
        {"type": "candidate", "phase": "design", "text": "I would use class weights in the loss and also downsample "
                                                         "the majority class, then tune the threshold on validation."},
        {"type": "interviewer", "phase": "design", "kind": "ack", "move": "ack:fair_point", "text": "Fair point."},
        {"type": "interviewer", "phase": "design", "kind": "probe", "move": "discovery:imbalanced",
         "text": "What if the data is imbalanced?"},
        {"type": "candidate", "phase": "closing", "text": "No questions."},
        {"type": "interviewer", "phase": "closing", "kind": "closing", "move": "closing.thanks", "text": "Thanks!"},
        {"type": "end", "status": "complete"},
    )
    found = {f.kind for f in conduct.check(evs, persona).findings}
    assert found == {"approved_unsound", "no_pushback", "repeated_topic", "repeated_ack", "unanswered_deferred"}


def _session(tmp_path, persona, scenario="spam") -> Session:
    session = Session.create(persona, candidate="Bo", sessions_dir=tmp_path, clock=SimClock(),
                             interviewer=ScriptedInterviewer(), scenario=scenario, seed=1, mode="batch")
    list(session.start())
    return session


def _to_phase(session: Session, phase: str) -> None:
    while session.state.phase != phase:
        list(session.next_phase())


def _said(outputs) -> list:
    return [e for e in outputs if type(e).__name__ == "Said"]


def test_a_wrong_claim_gets_a_neutral_word_and_a_question_back_never_approval(tmp_path, persona):
    session = _session(tmp_path, persona)
    _to_phase(session, "design")
    said = _said(session.submit("I'd cluster the emails with k-means, which is a supervised algorithm, so it "
                                "learns what spam looks like from the labels we have."))
    approving = {f"ack:{ln.id}" for ln in persona.rapport if ln.approves}
    assert not any(s.move in approving for s in said)
    assert said[-1].move == "pushback:kmeans_supervised"
    assert "labels" in said[-1].text and "supervised" not in said[-1].text  # a question, not the correction


def test_a_concept_waved_away_is_questioned_once(tmp_path, persona):
    session = _session(tmp_path, persona)
    _to_phase(session, "design")
    first = _said(session.submit("I'd go straight to a big transformer. Baselines are outdated, nobody needs them "
                                 "for text anymore."))
    assert first[-1].move.startswith("pushback:")
    again = _said(session.submit("Honestly baselines are a waste of time, I'd still skip them and use BERT."))
    assert not any(s.move == first[-1].move for s in again)  # probed once, not lectured


def test_a_pointer_to_an_earlier_answer_is_neither_deferred_nor_rephrased(tmp_path, persona):
    session = _session(tmp_path, persona)
    _to_phase(session, "design")
    list(session.submit("I'd start from the mail provider's goal and the cost of a false positive, then label "
                        "user spam reports, handle the imbalance with class weights and downsampling, and tune the "
                        "threshold for precision at a fixed recall."))
    asked = session.state.last_question.move
    said = _said(session.submit("I think I covered that already."))
    assert not any(s.move.startswith(("redirect:", "rephrase:")) for s in said)
    assert said[-1].move != asked


def test_a_pointer_to_nothing_said_gets_the_question_again_kindly(tmp_path, persona):
    session = _session(tmp_path, persona)
    _to_phase(session, "production")
    asked = session.state.last_question
    said = _said(session.submit("I think I covered that already."))
    assert said[-1].move == f"pointer:{asked.move}"
    assert said[-1].text.startswith("I may have missed it, so let me ask it another way.")
    assert not session.state.pointed


def test_a_deferred_question_is_answered_at_the_closing(tmp_path, persona):
    session = _session(tmp_path, persona)
    _to_phase(session, "design")
    said = _said(session.submit("What does your feature store look like here?"))
    assert said[-1].move.startswith("redirect:")
    _to_phase(session, "closing")
    closing = _said(session.submit("How do you monitor models once they're live?"))
    text = " ".join(s.text for s in closing)
    assert text.startswith("About what you asked earlier: We run a shared feature store")
    assert "dashboards" in text and text.count("feature store") == 1  # both answered, each once


def test_an_answer_said_with_a_rising_tone_is_an_answer_not_a_question(tmp_path, persona):
    session = _session(tmp_path, persona)
    _to_phase(session, "production")
    said = _said(session.submit("I haven't really done much monitoring. I guess you'd track the accuracy over time "
                                "on a dashboard?"))
    assert not any(s.move.startswith("redirect:") for s in said)
    assert session.state.deferred == []


@pytest.mark.parametrize("cid,praised", [("strong-house", True), ("weak-dismissive-house", False)])
def test_great_discussion_only_after_a_session_that_earned_it(tmp_path, cid, praised):
    result = run_script(script.load(ROOT / "tests" / "candidates" / f"{cid}.toml"), sessions_dir=tmp_path, seed=7)
    invite = next(e.text for e in result.session.records
                  if isinstance(e, InterviewerEvent) and e.move == "closing.invite")
    assert invite.startswith("Great discussion!") == praised, invite


def test_a_hint_is_about_the_question_asked_and_narrows(tmp_path, persona):
    session = _session(tmp_path, persona)
    _to_phase(session, "design")
    list(session._say(planner.Move("probe", "overfitting", "How would you keep the model from overfitting?",
                                   "algorithm", ("overfitting",))))
    first = _said(session.hint())[-1].text
    second = _said(session.hint())[-1].text
    assert "baseline" not in first.lower() and ("training" in first or "validation" in first)
    assert second != first and "validation" in second


def test_the_deep_dive_header_never_shows_the_branch(capsys):
    io = PlainIO("Alex")
    io.show([PhaseStart("deep_dive", "Deep Dive", "strong")])
    shown = capsys.readouterr().out
    assert "Deep Dive" in shown and "strong" not in shown and "fundamentals" not in shown


def test_ending_soon_only_at_the_end_of_a_long_enough_phase(tmp_path, persona):
    short = Session.create(persona, candidate="Bo", sessions_dir=tmp_path / "a", clock=SimClock(),
                           interviewer=ScriptedInterviewer(), scenario="spam", seed=1, mode="batch", duration=10)
    list(short.start())
    assert toolbar(short)[1] == "ok"  # a 10-minute interview's opening: no "ending soon" from its first second
    long = Session.create(persona, candidate="Bo", sessions_dir=tmp_path / "b", clock=SimClock(),
                          interviewer=ScriptedInterviewer(), scenario="spam", seed=1, mode="batch", duration=45)
    list(long.start())
    _to_phase(long, "design")
    _, budget = long.phase_plan()
    assert toolbar(long)[1] == "ok"
    long.clock.advance(budget * 0.85)
    text, level = toolbar(long)
    assert level == "soon" and "ending soon" in text


@pytest.mark.parametrize("text,deferred", [
    ("Before I pick one, can I ask: do you deploy on edge devices in-store or in the cloud? That changes my answer.",
     True),
    ("Sure, do you mean professionally or also side projects? Professionally, two years at a games company.", False),
    ("A transformer, definitely. Attention is all you need, right?", False),
    ("I guess you'd track the accuracy over time on a dashboard?", False),
])
def test_which_questions_are_kept_for_the_closing(tmp_path, persona, text, deferred):
    session = _session(tmp_path, persona)
    _to_phase(session, "design")
    list(session.submit(text))
    assert bool(session.state.deferred) == deferred
