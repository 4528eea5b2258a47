"""Keyed script answers (issue 17): an answer that names what it answers is given right after a question on it,
whatever its place in the script; plain answers keep their order; the log says which answer answered what."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mlcoach import personas, script
from mlcoach.batch import NOTHING, run_script
from mlcoach.cli import app
from tests.helpers import CANDIDATES

runner = CliRunner()
PERSONA = personas.load("ml-engineer")
ASKS = ("greeting", "question", "probe", "closing")


def _keyed_script(tmp_path, scenario) -> tuple:
    """The scenario's guide questions answered in reverse order, each keyed to its question; one plain answer."""
    guide = [q.id for q in scenario.guide]
    items = [{"about": qid, "text": f"On {qid}: I'd start from what the product needs here, write it down, and check "
                                   f"it with the team before building anything."} for qid in reversed(guide)]
    body = "".join(f"  {{ about = {json.dumps(i['about'])}, text = {json.dumps(i['text'])} }},\n" for i in items)
    path = tmp_path / f"{scenario.id}.toml"
    path.write_text(f'name = "Kim"\nscenario = "{scenario.id}"\n\n[answers]\n'
                    'opening = ["I build ranking models at a marketplace, mostly gradient boosting."]\n'
                    f"design = [\n{body}]\n")
    return path, guide


def _answered(log) -> list[tuple[dict, dict]]:
    """(the question, the candidate event that answered it), in order."""
    asked, out = None, []
    for ev in (json.loads(x) for x in log.read_text().splitlines()):
        if ev["type"] == "interviewer" and ev["kind"] in ASKS:
            asked = ev
        elif ev["type"] == "candidate":
            out.append((asked, ev))
    return out


@pytest.mark.parametrize("scenario", PERSONA.scenarios, ids=lambda s: s.id)
def test_keyed_answers_in_scrambled_order_answer_their_own_questions(tmp_path, scenario):
    path, guide = _keyed_script(tmp_path, scenario)
    result = run_script(script.load(path), sessions_dir=tmp_path / "s", seed=5)
    pairs = _answered(tmp_path / "s" / f"{result.session_id}.jsonl")
    keyed = [(q, a) for q, a in pairs if a.get("script", "").startswith("answers.design")]
    assert {a["text"].split(":")[0].removeprefix("On ") for _, a in keyed} == set(guide)  # each given once
    for question, answer in keyed:
        about = answer["text"].split(":")[0].removeprefix("On ")
        state_keys = {question["move"]} | set(result.session.state.covers_of(question["move"]))
        assert about in state_keys, (question["move"], about)
    assert all(a["text"] == NOTHING or a.get("script") for _, a in pairs)  # every answer is traced to the script
    assert pairs[0][1]["script"] == "answers.opening[0]"


def test_plain_answers_keep_their_order_and_are_traced(tmp_path):
    s = script.load(CANDIDATES / "strong-spam.toml")
    result = run_script(s, sessions_dir=tmp_path, seed=7)
    pairs = _answered(tmp_path / f"{result.session_id}.jsonl")
    given = [a["script"] for _, a in pairs if a.get("script")]
    for phase, items in s.answers.items():
        mine = [g for g in given if g.startswith(f"answers.{phase}[")]
        assert mine == [f"answers.{phase}[{i}]" for i in range(len(mine))]  # in the script's order
        texts = [a["text"] for _, a in pairs if a.get("script", "").startswith(f"answers.{phase}[")]
        assert texts == [x.text for x in items[:len(texts)]]
    assert not any(a["text"] == NOTHING for _, a in pairs)


def test_an_unknown_topic_is_one_line_before_anything_runs(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "A"\nscenario = "spam"\n[answers]\ndesign = [{ about = "astrology", text = "x" }]\n')
    out = runner.invoke(app, ["batch", str(bad), "--offline", "--sessions-dir", str(tmp_path / "s")])
    assert out.exit_code == 2 and "answers.design[0].about: unknown topic 'astrology'" in out.stderr
    assert not (tmp_path / "s").exists()


def test_topics_list_one_id_per_line_then_its_description():
    out = runner.invoke(app, ["personas", "show", "ml-engineer", "--topics"])
    assert out.exit_code == 0
    lines = dict(line.split(None, 1) for line in out.stdout.splitlines())
    assert lines["spam.data"] == "What kind of data would you need to catch spam?"
    assert lines["class_imbalance"] == "class imbalance" and "imbalance" in lines
    shown = json.loads(runner.invoke(app, ["personas", "show", "ml-engineer", "--topics", "--json"]).stdout)
    assert shown == PERSONA.topics()


# ---------------------------------------------------------------------------------------------- batch --report


def test_the_report_checks_each_interview_and_counts_planted_traits(tmp_path):
    weak = tmp_path / "weak.toml"
    weak.write_text((CANDIDATES / "weak-vague.toml").read_text().replace(
        "[answers]", 'traits = ["no_evaluation", "no_real_experience", "jumps_to_complex"]\n\n[answers]', 1))
    out = runner.invoke(app, ["batch", str(weak), str(CANDIDATES / "strong-spam.toml"), "--offline", "--report",
                              "--json", "--sessions-dir", str(tmp_path / "s")])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    rows = {r["file"].rsplit("/", 1)[-1]: r for r in data["report"]["interviews"]}
    raised = {f for r in data["results"] if r["file"].endswith("weak.toml") for f in r["red_flags"]}
    planted = ["no_evaluation", "no_real_experience", "jumps_to_complex"]
    assert rows["weak.toml"]["caught"] == [t for t in planted if t in raised]
    assert rows["weak.toml"]["missed"] == [t for t in planted if t not in raised]
    assert rows["weak.toml"]["agrees"] is True and rows["strong-spam.toml"]["agrees"] is True
    assert set(rows["strong-spam.toml"]["questions"]) == {"opening", "experience", "design", "production",
                                                         "deep_dive", "closing"}
    assert data["report"]["totals"]["interviews"] == 2 and data["report"]["totals"]["level_agreement"] == 1.0
    table = runner.invoke(app, ["batch", str(weak), "--offline", "--report", "--sessions-dir", str(tmp_path / "t")])
    assert "Interview quality" in table.stdout and "traits missed" in table.stdout


def test_a_question_asked_after_its_topic_was_explained_is_counted(persona):
    from mlcoach.quality import asked_explained
    from mlcoach.sessions import records_of

    explained = ("Spam is only about two percent of the mail, so the classes are imbalanced: I'd keep the test set "
                 "at the real ratio, weight the spam class in the loss, and judge the model on precision and recall "
                 "at the chosen threshold, because accuracy would look great by predicting nothing as spam.")
    events = [{"type": "meta", "session_id": "x", "scenario": "spam", "persona": "ml-engineer"},
              {"type": "phase", "phase": "design", "title": "Design"},
              {"type": "interviewer", "phase": "design", "kind": "question", "move": "scenario:spam", "text": "?"},
              {"type": "candidate", "phase": "design", "text": explained},
              {"type": "interviewer", "phase": "design", "kind": "probe", "move": "imbalance", "text": "?"}]
    assert asked_explained(records_of(events), persona) == 1
    assert asked_explained(records_of(events[:3] + [{**events[3], "text": "I'd use logistic regression."},
                                                    events[4]]), persona) == 0


def test_an_unknown_planted_trait_is_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "A"\nscenario = "spam"\ntraits = ["rude"]\n[answers]\nopening = ["hi"]\n')
    out = runner.invoke(app, ["batch", str(bad), "--offline", "--report", "--sessions-dir", str(tmp_path / "s")])
    assert out.exit_code == 2 and "traits[0]: 'rude' is no red flag or misconception" in out.stderr


# ---------------------------------------------------------------------------------------------- batch --simulate


ANSWER = ("Honestly I'd just use a big neural network, a transformer, and look at the accuracy; I haven't deployed "
          "a model myself yet.")


def test_simulated_candidates_answer_through_a_model_and_the_report_lists_their_traits(tmp_path):
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI(default={"text": ANSWER}) as server:
        out = runner.invoke(app, ["batch", "--simulate", "weak", "-n", "2", "--offline", "--candidate-model",
                                  "openai/candidate", "--api-base", server.url, "--report", "--json",
                                  "--sessions-dir", str(tmp_path / "s")])
        requests = list(server.requests)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert len(data["results"]) == 2 and len({r["session_id"] for r in data["results"]}) == 2
    asked = [r["body"] for r in requests if r["path"].endswith("/chat/completions")]
    assert asked and all(b["model"] == "candidate" for b in asked)
    system = asked[0]["messages"][0]["content"]
    assert "online ML course" in system and "Reach for a deep neural network" in system  # the profile reached it
    assert asked[-1]["messages"][-1]["role"] == "user"  # the interviewer's question is the last message
    for r in data["results"]:
        evs = [json.loads(x) for x in (tmp_path / "s" / f"{r['session_id']}.jsonl").read_text().splitlines()]
        answers = [e for e in evs if e["type"] == "candidate"]
        assert answers and all(e["input"] == "simulated" and e["text"] == ANSWER for e in answers)
        assert evs[0]["level"] == "weak"
    planted = ["jumps_to_complex", "no_real_experience", "accuracy_on_imbalance"]
    for row in data["report"]["interviews"]:
        assert sorted(row["caught"] + row["missed"]) == sorted(planted)
        assert row["level"] == "weak"


def test_simulate_needs_a_model_and_a_known_profile(tmp_path):
    none = runner.invoke(app, ["batch", "--simulate", "weak", "--offline", "--sessions-dir", str(tmp_path)])
    assert none.exit_code == 2 and "a model plays the candidate" in none.stderr
    unknown = runner.invoke(app, ["batch", "--simulate", "genius", "--candidate-model", "openai/x", "--offline",
                                  "--sessions-dir", str(tmp_path)])
    assert unknown.exit_code == 3 and "unknown profile 'genius'" in unknown.stderr and "strong" in unknown.stderr
    bad = tmp_path / "p.toml"
    bad.write_text('level = "weak"\nbackground = "x"\ntraits = ["rude"]\n')
    out = runner.invoke(app, ["batch", "--simulate", str(bad), "--candidate-model", "openai/x", "--api-base",
                              "http://127.0.0.1:9/v1", "--offline", "--sessions-dir", str(tmp_path)])
    assert out.exit_code == 2 and "'rude' is no red flag or misconception" in out.stderr


def test_simulate_tables_in_a_batch_file_run_beside_scripts(tmp_path):
    from tests.fake_openai import FakeOpenAI

    plan = tmp_path / "plan.toml"
    plan.write_text('[[simulate]]\nprofile = "average"\ncount = 2\nscenario = "spam"\n\n'
                    '[[simulate]]\nprofile = "strong"\n')
    with FakeOpenAI(default={"text": ANSWER}) as server:
        out = runner.invoke(app, ["batch", str(plan), str(CANDIDATES / "strong-spam.toml"), "--offline",
                                  "--candidate-model", "openai/candidate", "--api-base", server.url, "--json",
                                  "--sessions-dir", str(tmp_path / "s")])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert [r["candidate"] for r in rows] == ["Jonas", "Jonas", "Priya", "Priya"]
    assert rows[0]["scenario"] == rows[1]["scenario"] == "spam"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[simulate]]\nprofile = "average"\ncount = 0\n')
    refused = runner.invoke(app, ["batch", str(bad), "--offline", "--sessions-dir", str(tmp_path / "t")])
    assert refused.exit_code == 2 and "simulate[0]" in refused.stderr
