"""Drills (issue 18, its third part): `mlcoach drill TOPIC` asks questions on one topic from every phase and
scenario, with a coach's note after each answer and /retry, and ends with a report on the topic; `mlcoach drill`
alone takes the topic from the practice plan; the plan and `review trend` count drills, apart from interviews."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from mlcoach import drill, personas
from mlcoach.cli import app
from mlcoach.errors import BadInput
from tests.test_coach import GUESS, NOTE_QUOTE

runner = CliRunner()
PERSONA = personas.load("ml-engineer")

# One strong and one weak candidate per topic: answers that fit any question of the topic.
ANSWERS = {
    "imbalance": (
        ["Only about 2 percent of the mail was spam in our data, so I used class weights in a logistic regression "
         "because otherwise it just predicts the majority class and looks 98 percent accurate.",
         "I'd pick the threshold from the precision recall curve, based on what a false positive costs: on my last "
         "project we moved it to 0.8 and cut false positives by 30 percent.",
         "We tracked precision and recall per class, because with that imbalance accuracy told us nothing; recall "
         "on the rare class went from 0.55 to 0.74 after reweighting.",
         "I look at the confusion matrix every release, because it shows which mistakes we make: we found most "
         "errors were newsletters flagged as spam, so we added a sender feature.",
         "Losing a real email is worse, so we tuned for precision on the spam class and accepted lower recall, "
         "because a missed invoice costs far more than one extra spam."],
        ["Imbalance is not really a problem, accuracy is fine.", "I don't know.", "Precision, recall, F1, AUC.",
         "I'd use a neural network.", "Not sure, I haven't done that."]),
    "drift": (
        ["We monitored the input distributions and the weekly precision on a labeled sample, because a silent drop "
         "costs money; an alert fired when recall fell from 0.82 to 0.61 after a holiday campaign.",
         "Drift came from new products: the feature distributions shifted, so we compared them with a population "
         "stability index every day and retrained when it passed 0.2.",
         "We retrained monthly on a rolling window of 90 days because older behaviour hurt accuracy, and we only "
         "promoted the new model if it beat the old one on the last two weeks.",
         "We versioned every training set with DVC so we could reproduce any model and roll back in minutes when a "
         "bad batch of labels got in.",
         "What goes wrong first is the data: an upstream schema change once sent nulls for a week, so we added "
         "checks on the inputs that block the pipeline."],
        ["Someone else handled monitoring on my team.", "Drift, monitoring, retraining, MLOps.", "I don't know.",
         "I would just retrain it sometimes.", "Nothing really goes wrong once it's deployed."]),
    "failures": (
        ["Our churn model scored 0.9 AUC offline but flopped live; I debugged it by comparing feature values "
         "between training and serving and found a leak from a cancellation field, so we dropped it.",
         "I spot overfitting from the gap between training and validation loss; on one project the gap was 15 "
         "points, so I added regularization and early stopping, which closed it to 3.",
         "The lesson I took was to build a simple baseline first, because it would have shown us the leak in a day "
         "instead of a month.",
         "Looking back I'd check the data quality before modeling, because duplicated customers inflated our "
         "validation score by about 5 points.",
         "When a model underperforms I look at the errors by segment first, because that tells me whether it's the "
         "data or the model."],
        ["My models usually work.", "I don't know.", "Overfitting is when the model is too good.",
         "I'd use more layers.", "Nothing, it went fine."]),
}


def _drill(tmp_path, topic: str, answers: list[str], *extra: str, minutes: int = 10):
    lines = []
    for a in answers:
        lines += [a, ""]
    out = runner.invoke(app, ["drill", topic, "--name", "Ana", "--seed", "3", "--minutes", str(minutes),
                              "--sessions-dir", str(tmp_path), *extra], input="\n".join(lines) + "\n")
    log = sorted(tmp_path.glob("*.jsonl"))[-1]
    return out, [json.loads(x) for x in log.read_text().splitlines()]


# ---------------------------------------------------------------------------------------------- topics and questions


def test_a_topic_is_a_drill_an_alias_a_criterion_or_a_concept_and_anything_else_is_one_clear_line():
    assert drill.resolve("Imbalance", PERSONA).id == "imbalance"
    assert drill.resolve("monitoring", PERSONA).id == "drift"  # an alias
    assert drill.resolve("failures_learnings", PERSONA).id == "failures"  # an alias naming the criterion
    criterion = drill.resolve("real_projects", PERSONA)
    assert criterion.criteria == ("real_projects",) and "results" in criterion.concepts
    concept = drill.resolve("latency", PERSONA)
    assert concept.concepts == ("latency",) and concept.criteria == ("production",)
    with pytest.raises(BadInput, match="cold_start.*scored by no rubric criterion"):
        drill.resolve("cold-start", PERSONA)
    with pytest.raises(BadInput, match=r"unknown topic 'quantum'.*imbalance, evaluation") as err:
        drill.resolve("quantum", PERSONA)
    assert "\n" not in str(err.value)
    out = runner.invoke(app, ["drill", "quantum", "--name", "Ana"])
    assert out.exit_code == 2 and "Traceback" not in out.output and "unknown topic" in out.output


@pytest.mark.parametrize("topic", [t.id for t in drill.topics(PERSONA)])
def test_every_topic_draws_questions_on_it_from_more_than_one_phase_or_scenario(topic):
    t = drill.resolve(topic, PERSONA)
    asks = drill.questions(PERSONA, t, seed=1)
    first = asks[:drill.count(10, len(asks))]
    assert len(first) >= 4
    assert all(set(a.covers) & set(t.concepts) for a in asks)  # every question is on the topic
    assert len({a.source for a in first}) >= 2  # from more than one phase or scenario
    assert len({a.id for a in asks}) == len(asks)  # never the same question twice
    covered = {c for a in first for c in a.covers}
    assert t.concepts[0] in covered  # the topic's main concept is asked about
    for a in first:  # a scenario's question is framed in that scenario; the persona's words, filled in
        text = drill.wording(PERSONA, a)
        assert PERSONA.questions_by_id[a.id].text in text
        if a.scenario:
            assert text.startswith("Let's say")


def test_the_same_seed_gives_the_same_drill_and_another_seed_another_order():
    t = drill.resolve("deployment", PERSONA)
    assert drill.questions(PERSONA, t, 5) == drill.questions(PERSONA, t, 5)
    orders = {tuple(a.id for a in drill.questions(PERSONA, t, s)) for s in range(6)}
    assert len(orders) > 1


def test_a_persona_drill_with_an_unknown_concept_or_criterion_is_refused_naming_the_key(tmp_path):
    import tomllib

    data = tomllib.loads(PERSONA.path.read_text(encoding="utf-8"))
    data["drills"]["drift"]["concepts"] = ["drift", "teleportation"]
    with pytest.raises(BadInput, match=r"drills\.drift\.concepts.*unknown concept id 'teleportation'"):
        personas.parse(data, tmp_path / "p.toml")
    data["drills"]["drift"]["concepts"] = ["drift"]
    data["drills"]["drift"]["criteria"] = ["vibes"]
    with pytest.raises(BadInput, match=r"drills\.drift\.criteria\[0\].*unknown criterion id 'vibes'"):
        personas.parse(data, tmp_path / "p.toml")


# ---------------------------------------------------------------------------------------------- end to end, piped


@pytest.mark.parametrize("topic", sorted(ANSWERS))
def test_a_drill_on_each_of_three_topics_end_to_end(tmp_path, topic):
    strong, weak = ANSWERS[topic]
    out, evs = _drill(tmp_path / "strong", topic, strong)
    assert out.exit_code == 0, out.output
    t = drill.resolve(topic, PERSONA)
    meta = evs[0]
    assert meta["mode"] == "drill" and meta["topic"] == topic and meta["coach"] is True
    asked = [e for e in evs if e["type"] == "interviewer" and e["kind"] == "question"]
    assert len(asked) == 5 and all(set(drill.resolve(topic, PERSONA).concepts) &
                                   set(PERSONA.questions_by_id[e["move"]].covers) for e in asked)
    answers = [e["text"] for e in evs if e["type"] == "candidate"]
    notes = [e["text"] for e in evs if e["type"] == "note" and e["note"] == "coach"]
    assert len(notes) == len(answers) == 5
    for note, answer in zip(notes, answers, strict=True):  # every quote word for word, nothing about the person
        for quote in NOTE_QUOTE.findall(note):
            assert quote.removesuffix("…") in answer
        assert not GUESS.search(note), note
    score = next(e for e in evs if e["type"] == "score")
    assert set(score["criteria"]) == set(t.criteria)  # a drill scores its own criteria only
    assert all(c["score"] >= 3 for c in score["criteria"].values()), score["criteria"]
    shown = out.stdout
    assert f"Drill report: {t.label}" in shown and "explained" in shown
    for quote in re.findall(r"turn \d+: “([^”]+)”", shown):  # the report quotes the answers verbatim too
        assert any(quote.removesuffix("…") in a for a in answers)
    assert not GUESS.search(shown.split("Drill report")[1])

    out, evs = _drill(tmp_path / "weak", topic, weak)
    assert out.exit_code == 0, out.output
    score = next(e for e in evs if e["type"] == "score")
    assert all(c["score"] <= 1 for c in score["criteria"].values()), score["criteria"]
    report = out.stdout.split("Drill report")[1]
    assert "missed" in report and "Next: " in report


def test_retry_in_a_drill_keeps_both_attempts_and_scores_the_better(tmp_path):
    strong, _ = ANSWERS["drift"]
    lines = ["I'd monitor it.", "/retry", strong[0], ""] + [x for a in strong[1:] for x in (a, "")]
    out = runner.invoke(app, ["drill", "drift", "--name", "Ana", "--seed", "3", "--sessions-dir", str(tmp_path)],
                        input="\n".join(lines) + "\n")
    assert out.exit_code == 0, out.output
    evs = [json.loads(x) for x in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    texts = [e["text"] for e in evs if e["type"] == "candidate"]
    assert texts[:2] == ["I'd monitor it.", strong[0]]
    assert "The second attempt is kept for the score" in out.stdout
    assert "1 tried again" in out.stdout


def test_skip_hint_and_end_work_in_a_drill_and_ctrl_d_leaves_it_resumable(tmp_path):
    out = runner.invoke(app, ["drill", "drift", "--name", "Ana", "--seed", "3", "--sessions-dir", str(tmp_path)],
                        input="/hint\n/next\nWe retrained monthly because the data drifted.\n")
    assert out.exit_code == 0
    evs = [json.loads(x) for x in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    assert any(e["type"] == "note" and e["note"] == "skipped" for e in evs)
    assert any(e["type"] == "interviewer" and e["move"] == "hint" for e in evs)
    assert evs[-1]["type"] == "end" and evs[-1]["status"] == "incomplete"
    sid = evs[0]["session_id"]
    resumed = runner.invoke(app, ["resume", sid, "--sessions-dir", str(tmp_path)],
                            input="\n" + "\n\n".join(ANSWERS["drift"][0]) + "\n\n/end\n")
    assert resumed.exit_code == 0, resumed.output
    assert "Welcome back" in resumed.stdout and "Drill report" in resumed.stdout
    evs = [json.loads(x) for x in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    asked = [e["move"] for e in evs if e["type"] == "interviewer" and e["kind"] == "question"]
    assert len(asked) == len(set(asked))  # no question asked twice across the resume
    assert evs[-1]["status"] == "complete"


def test_a_short_drill_ends_when_its_minutes_are_spent(tmp_path):
    from mlcoach.clock import SimClock
    from mlcoach.drilling import DrillSession

    session = DrillSession.begin(PERSONA, drill.resolve("drift", PERSONA), candidate="Ana", sessions_dir=tmp_path,
                                 clock=SimClock(), minutes=6, seed=3)
    list(session.start())
    assert session.limit == 3
    for _ in range(3):
        if session.done:
            break
        list(session.submit(ANSWERS["drift"][0][0], seconds=200))  # over three minutes an answer
        list(session.go_on())
    session.close()
    asked = [e for e in session.events if e["type"] == "interviewer" and e["kind"] == "question"]
    assert session.done and len(asked) == drill.MIN_QUESTIONS  # time was up after two answers
    assert any(e["type"] == "note" and e["note"] == "drill_done" and "time" in e["text"] for e in session.events)


# ---------------------------------------------------------------------------------------------- the plan and the trend


def test_the_plan_counts_drills_picks_the_drill_and_the_trend_shows_drills_apart(tmp_path):
    strong, weak = ANSWERS["drift"]
    _drill(tmp_path, "drift", weak)
    plan = json.loads(runner.invoke(app, ["plan", "--candidate", "Ana", "--json", "--sessions-dir",
                                          str(tmp_path)]).stdout)
    production = next(i for i in plan["items"] if i["criterion"] == "production")
    assert production["command"] == "mlcoach drill deployment"  # weak: the drill that asks most of its concepts
    assert "drill drift" in production["evidence"] and production["scores"] == [1]
    unjudged = [i for i in plan["items"] if not i["scores"]]  # the rest of the rubric: not practised yet, due now
    assert len(unjudged) == len(PERSONA.criteria) - 1 and plan["items"][0] in unjudged
    first = plan["items"][0]
    out = runner.invoke(app, ["drill", "--name", "Ana", "--seed", "3", "--sessions-dir", str(tmp_path)],
                        input="\n\n".join(strong) + "\n\n")
    chosen = drill.for_criterion(first["criterion"], PERSONA)
    assert out.exit_code == 0 and f"From your practice plan: {first['label']}" in out.stdout
    assert f"a drill on {chosen.label.lower()}" in out.stdout
    trend = runner.invoke(app, ["review", "trend", "--candidate", "Ana", "--sessions-dir", str(tmp_path)])
    assert trend.exit_code == 0, trend.output
    assert "No scored interviews" in trend.stdout and "Drills (2), apart from the interviews" in trend.stdout
    data = json.loads(runner.invoke(app, ["review", "trend", "--candidate", "Ana", "--json", "--sessions-dir",
                                          str(tmp_path)]).stdout)
    assert [d["topic"] for d in data["drills"]] == ["drift", chosen.id] and data["sessions"] == []


def test_drill_with_no_history_says_where_the_topic_came_from(tmp_path):
    out = runner.invoke(app, ["drill", "--name", "Ana", "--sessions-dir", str(tmp_path)], input="/end\n")
    assert out.exit_code == 0
    assert "No practice plan yet" in out.stdout and "mlcoach drill --list" in out.stdout


def test_drill_list(tmp_path):
    out = runner.invoke(app, ["drill", "--list"])
    assert out.exit_code == 0 and out.stdout.startswith("imbalance")
    data = json.loads(runner.invoke(app, ["drill", "--list", "--json"]).stdout)
    assert {d["topic"] for d in data} >= {"imbalance", "evaluation", "deployment", "drift", "failures"}


def test_review_lists_shows_and_rescores_a_drill_as_a_drill(tmp_path):
    strong, _ = ANSWERS["imbalance"]
    _drill(tmp_path, "imbalance", strong)
    listing = runner.invoke(app, ["review", "list", "--sessions-dir", str(tmp_path)])
    assert listing.exit_code == 0 and "drill: imbalance" in listing.stdout and "drill" in listing.stdout.split()
    assert "hire" not in listing.stdout  # a drill's score is no hiring verdict
    shown = runner.invoke(app, ["review", "show", "--latest", "--sessions-dir", str(tmp_path)])
    assert shown.exit_code == 0 and "Drill report: Imbalanced classes" in shown.stdout
    assert "coach: Covered: " in shown.stdout  # the notes are part of what a candidate reviews
    assert "Overall" not in shown.stdout and "Time per phase" not in shown.stdout
    again = runner.invoke(app, ["review", "rescore", "--latest", "--offline", "--sessions-dir", str(tmp_path)])
    assert again.exit_code == 0, again.output
    evs = [json.loads(x) for x in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    first, rescored = [e for e in evs if e["type"] == "score"]
    assert set(rescored["criteria"]) == set(first["criteria"]) == {"data_quality", "evaluation_metrics"}
    assert rescored["overall"] == first["overall"] and rescored["band"] == "drill"


# ---------------------------------------------------------------------------------------------- what a trial found


def test_words_typed_at_the_note_prompt_are_never_dropped(tmp_path):
    """Piped answers without the blank line the note waits for: the second line is a second try at the question,
    the third (no second try left) is kept in the log, unscored; nothing is lost."""
    out = runner.invoke(app, ["drill", "drift", "--name", "Ana", "--seed", "3", "--sessions-dir", str(tmp_path)],
                        input="first answer about monitoring\nsecond answer, we monitored recall weekly\n"
                              "third words\n\n/end\n")
    assert out.exit_code == 0, out.output
    evs = [json.loads(x) for x in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    assert [e["text"] for e in evs if e["type"] == "candidate"] == ["first answer about monitoring",
                                                                  "second answer, we monitored recall weekly"]
    assert [e["text"] for e in evs if e["type"] == "note" and e["note"] == "aside"] == ["third words"]
    assert "Taken as a second try" in out.stdout and "Kept in the log, not scored" in out.stdout


def test_commands_work_at_the_note_prompt(tmp_path):
    out = runner.invoke(app, ["drill", "drift", "--name", "Ana", "--seed", "3", "--sessions-dir", str(tmp_path)],
                        input="We monitored recall weekly.\n/hint\n/time\n/end\n")
    assert out.exit_code == 0, out.output
    evs = [json.loads(x) for x in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    assert any(e["type"] == "interviewer" and e["move"] == "hint" for e in evs)
    assert evs[-1]["type"] == "end" and evs[-1]["reason"] == "ended by the candidate"
    assert "question 1 of 5" in out.stdout and "Drill report" in out.stdout
    asked = [e for e in evs if e["type"] == "interviewer" and e["kind"] == "question"]
    assert len(asked) == 1  # /hint and /time did not move on


def test_retry_at_the_answer_prompt_and_a_second_retry_say_what_to_do(tmp_path):
    out = runner.invoke(app, ["drill", "drift", "--name", "Ana", "--seed", "3", "--sessions-dir", str(tmp_path)],
                        input="/retry\nWe monitored recall.\n/retry\nWe monitored recall weekly.\n/retry\n\n/end\n")
    assert "/retry comes right after the note on your answer" in out.stdout
    assert "One second try per question" in out.stdout
    assert "mlcoach interview --coach" not in out.stdout


def test_take_two_keeps_a_two_part_question_whole_and_drops_the_frame(tmp_path):
    from mlcoach.clock import SimClock
    from mlcoach.drilling import DrillSession

    t = drill.resolve("imbalance", PERSONA)
    seed = next(s for s in range(50) if drill.questions(PERSONA, t, s)[0].id == "imbalance")
    session = DrillSession.begin(PERSONA, t, candidate="Ana", sessions_dir=tmp_path, clock=SimClock(), seed=seed)
    list(session.start())
    list(session.submit("I don't know."))
    said = [o.text for o in session.retry() if type(o).__name__ == "Said"]
    session.close()
    assert said == ["Take two: What if you have imbalanced classes? How would you handle that?"]


def test_a_drill_killed_after_retry_asks_the_second_try_again_on_resume(tmp_path):
    from mlcoach.clock import SimClock
    from mlcoach.drilling import DrillSession

    session = DrillSession.begin(PERSONA, drill.resolve("drift", PERSONA), candidate="Ana", sessions_dir=tmp_path,
                                 clock=SimClock(), seed=3)
    list(session.start())
    list(session.submit("I don't know."))
    list(session.retry())
    session.close()  # as a kill -9 leaves it: no end line
    out = runner.invoke(app, ["resume", session.id, "--sessions-dir", str(tmp_path)],
                        input=ANSWERS["drift"][0][0] + "\n\n/end\n")
    assert out.exit_code == 0, out.output
    assert "== Drill: Monitoring, drift and retraining ==" in out.stdout
    assert "Welcome back, Ana. Let's pick up where we left off." in out.stdout and "Take two: " in out.stdout
    assert "The second attempt is kept for the score" in out.stdout
    evs = [json.loads(x) for x in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    assert all(e.get("why") != "the candidate asked to repeat" for e in evs)


def test_a_hand_edited_topic_is_one_line_naming_the_file_and_key(tmp_path):
    out, evs = _drill(tmp_path, "drift", ["We monitored recall weekly."])
    log = next(tmp_path.glob("*.jsonl"))
    lines = log.read_text().splitlines()
    meta = json.loads(lines[0])
    meta["topic"] = "nope"
    log.write_text("\n".join([json.dumps(meta)] + [x for x in lines[1:] if json.loads(x)["type"] != "end"]) + "\n")
    resumed = runner.invoke(app, ["resume", meta["session_id"], "--sessions-dir", str(tmp_path)], input="\n")
    assert resumed.exit_code == 2 and "Traceback" not in resumed.output
    assert f"{log}: meta.topic: 'nope' is no drill topic" in resumed.output
    shown = runner.invoke(app, ["review", "show", meta["session_id"], "--sessions-dir", str(tmp_path)])
    assert shown.exit_code == 0 and "no drill report" in shown.output and "meta.topic" in shown.output


def test_list_takes_no_topic_and_a_persona_without_drills_says_so(tmp_path):
    out = runner.invoke(app, ["drill", "--list", "latency"])
    assert out.exit_code == 2 and "--list takes no topic" in out.output
    text = PERSONA.path.read_text(encoding="utf-8")
    start = text.index("[drills.imbalance]")
    end = text.index("# -----", start)
    bare = tmp_path / "bare.toml"
    bare.write_text(text[:start] + text[end:], encoding="utf-8")
    listed = runner.invoke(app, ["drill", "--list", "--persona", str(bare)])
    assert listed.exit_code == 0 and "has no [drills] topics" in listed.stdout
    by_criterion = runner.invoke(app, ["drill", "production", "--persona", str(bare), "--name", "Ana",
                                       "--sessions-dir", str(tmp_path / "s")], input="/end\n")
    assert by_criterion.exit_code == 0 and "A short drill: Thinks about production deployment" in by_criterion.stdout


def test_a_drill_ended_after_one_strong_answer_is_not_a_four(tmp_path):
    strong, _ = ANSWERS["drift"]
    out = runner.invoke(app, ["drill", "drift", "--name", "Ana", "--seed", "3", "--sessions-dir", str(tmp_path)],
                        input=strong[0] + "\n/end\n")
    assert out.exit_code == 0
    evs = [json.loads(x) for x in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    score = next(e for e in evs if e["type"] == "score")
    assert score["criteria"]["production"]["score"] <= 2  # out of what the drill planned to ask, not of one answer


def test_a_four_takes_every_concept_asked_about_explained(tmp_path):
    """A strong debugging story, and nothing on what was learned: the failure story does not stand in for the
    lessons the drill asked about."""
    from mlcoach.clock import SimClock
    from mlcoach.drilling import DrillSession

    session = DrillSession.begin(PERSONA, drill.resolve("failures", PERSONA), candidate="Ana", sessions_dir=tmp_path,
                                 clock=SimClock(), seed=11)
    list(session.start())
    story = ("Our churn model hit 0.99 AUC offline but 0.70 live. I compared feature values between training and "
             "serving and found a leak from a future timestamp column, so I removed it because it isn't available "
             "at prediction time.")
    for answer in [story, "I watch the gap between training and validation loss; on a credit model it was 15 "
                          "points, so I added L2 regularization and early stopping, which closed it to 3.",
                   "I don't know, my projects usually went fine.", "I don't know.", "I don't know."]:
        if session.done:
            break
        list(session.submit(answer))
        list(session.go_on())
    session.close()
    score = session.state.score
    failures = next(c for c in score.criteria if c.id == "failures_learnings")
    assert failures.score == 3 and "failure_learning" in failures.missing


def test_a_drill_exports_with_its_report(tmp_path):
    strong, _ = ANSWERS["drift"]
    _drill(tmp_path, "drift", strong)
    md = runner.invoke(app, ["review", "export", "--latest", "--format", "md", "--sessions-dir", str(tmp_path)])
    assert md.exit_code == 0 and "## Drill report" in md.stdout and "Score for Thinks about production" in md.stdout
    assert "*coach: Covered: " in md.stdout
    page = runner.invoke(app, ["review", "export", "--latest", "--format", "html", "--sessions-dir", str(tmp_path)])
    assert page.exit_code == 0 and "<h2>Drill report</h2>" in page.stdout and "strong hire" not in page.stdout


def test_a_drill_stopped_at_the_note_resumes_at_the_note_and_retry_still_works(tmp_path):
    out = runner.invoke(app, ["drill", "drift", "--name", "Ana", "--seed", "3", "--sessions-dir", str(tmp_path)],
                        input="I'd monitor it.\n")  # the input ends at the note's prompt
    assert out.exit_code == 0
    sid = json.loads(next(tmp_path.glob("*.jsonl")).read_text().splitlines()[0])["session_id"]
    strong, _ = ANSWERS["drift"]
    resumed = runner.invoke(app, ["resume", sid, "--sessions-dir", str(tmp_path)],
                            input=f"/retry\n{strong[0]}\n\n/end\n")
    assert resumed.exit_code == 0, resumed.output
    assert "Welcome back, Ana." in resumed.stdout and "(Enter: next question" in resumed.stdout
    assert "Take two: " in resumed.stdout and "The second attempt is kept for the score" in resumed.stdout
