"""Whole scripted interviews over the labelled candidates: the seed's behaviour, end to end."""

from __future__ import annotations

import sys

import pytest

from mlcoach import personas
from mlcoach.analysis import analyze
from mlcoach.personas import PHASE_IDS
from tests.helpers import LABELS, candidate_ids, events, questions, run

CANDIDATES = candidate_ids()


@pytest.fixture(scope="module")
def runs(candidate_runs):
    return candidate_runs


def test_there_are_a_dozen_varied_candidates():
    levels = {LABELS[c]["level"] for c in CANDIDATES}
    assert len(CANDIDATES) >= 12
    assert levels == {"strong", "average", "weak", "adversarial"}


@pytest.mark.parametrize("cid", CANDIDATES)
def test_follows_the_phase_order_and_completes(runs, cid):
    result, evs = runs[cid]
    assert result.status == "complete"
    assert [e["phase"] for e in evs if e["type"] == "phase"] == list(PHASE_IDS)
    assert evs[-1]["type"] in ("end", "note")


@pytest.mark.parametrize("cid", CANDIDATES)
def test_greets_and_thanks_by_name(runs, cid):
    result, evs = runs[cid]
    said = [e for e in evs if e["type"] == "interviewer"]
    assert said[0]["kind"] == "greeting" and result.candidate in said[0]["text"]
    assert "experience with machine learning" in said[0]["text"]
    assert said[-1]["kind"] == "closing" and f"Thanks for the conversation, {result.candidate}" in said[-1]["text"]
    invite = [e for e in said if e["move"] == "closing.invite"]
    assert invite and "ML infrastructure" in invite[0]["text"]


@pytest.mark.parametrize("cid", CANDIDATES)
def test_poses_the_chosen_scenario(runs, cid, persona):
    result, evs = runs[cid]
    scenario = persona.scenario(result.scenario)
    design = [e for e in evs if e["type"] == "interviewer" and e["phase"] == "design" and e["kind"] != "transition"]
    assert design[0]["move"] == f"scenario:{scenario.id}"
    assert design[0]["text"] == scenario.prompt.replace("{product}", scenario.product)
    assert "How would you" in design[0]["text"]


@pytest.mark.parametrize("cid", CANDIDATES)
def test_never_uses_never_do_wording_nor_repeats_a_question(runs, cid, persona):
    _, evs = runs[cid]
    texts = [e["text"] for e in questions(evs)]
    for text in texts:
        assert persona.violations(text) == [], text
    assert len(texts) == len(set(texts))
    nudges = [e["text"] for e in evs if e["type"] == "interviewer" and e["kind"] == "nudge"]
    assert not set(nudges) & set(texts)


@pytest.mark.parametrize("cid", CANDIDATES)
def test_picks_the_deep_dive_branch_that_fits(runs, cid, persona):
    _, evs = runs[cid]
    phase = next(e for e in evs if e["type"] == "phase" and e["phase"] == "deep_dive")
    assert LABELS[cid]["deep_dive"] in ("any", phase["branch"])
    branch_ids = {q.id for q in persona.branches[phase["branch"]]}
    asked = [e["move"] for e in evs if e["type"] == "interviewer" and e["phase"] == "deep_dive"
             and e["kind"] == "question"]
    assert asked and set(asked) <= branch_ids


@pytest.mark.parametrize("cid", CANDIDATES)
def test_never_asks_about_what_was_just_covered(runs, cid, persona):
    """A question with `covers` is only asked while some of its concepts are not yet explained."""
    _, evs = runs[cid]
    index = persona.questions_by_id
    previous: list[str] = []
    explained: set[str] = set()
    checked = 0
    for e in evs:
        if e["type"] == "candidate":
            explained |= analyze(e["text"], persona, previous).explained
            previous.append(e["text"])
        elif e["type"] == "interviewer" and e["move"] in index and e["phase"] in ("experience", "deep_dive"):
            checked += 1
            covers = set(index[e["move"]].covers)
            if e["why"].startswith("deeper on covered ground"):
                assert e["text"].startswith("You touched on this earlier")
                continue
            assert not covers or not covers <= explained, (e["move"], covers)
    assert checked, "no experience or deep-dive question of the plan was found in the log"


@pytest.mark.parametrize("cid", CANDIDATES)
def test_design_probes_aim_at_gaps_in_priority_order(runs, cid, persona):
    """Each scenario probe asked targets something not yet explained, and every higher-priority probe that was
    skipped had been covered by then: explained, or said to be something the candidate has not done."""
    result, evs = runs[cid]
    scenario = persona.scenario(result.scenario)
    order = [p.id for p in scenario.probes]
    if not any(e["type"] == "interviewer" and e["move"] in order for e in evs):
        pytest.skip("no scenario probe was asked in this interview")
    previous: list[str] = []
    explained: set[str] = set()
    asked = ""
    for e in evs:
        if e["type"] == "candidate":
            reading = analyze(e["text"], persona, previous, asked, result.scenario)
            explained |= {h.concept for h in reading.hits if h.gap and h.mode != "asks"}
            if e["phase"] in ("design", "production"):
                explained |= reading.explained
            previous.append(e["text"])
        elif e["type"] == "interviewer" and e["kind"] in ("greeting", "question", "probe", "closing"):
            asked = e["text"]
        elif e["type"] == "interviewer" and e["move"] in order:
            probe = scenario.probes[order.index(e["move"])]
            assert not probe.covers or not set(probe.covers) <= explained
            for earlier in scenario.probes[: order.index(e["move"])]:
                asked_before = any(x.get("move") == earlier.id for x in evs[: evs.index(e)])
                assert asked_before or (earlier.covers and set(earlier.covers) <= explained), earlier.id


SENSIBLE_DESIGN_ANSWERS = {
    "spam": [
        "I'd start from what users report as spam and what a missed scam costs the business, because that sets the goal.",
        "We would use the user reports as labels and check a sample by hand, because reports are noisy.",
        "Features from the sender reputation, the links in the body and TF-IDF on the text, since spam reuses phrases.",
        "A logistic regression baseline first, because it is fast to train and easy to explain to the support team.",
        "Precision and recall at the threshold we agree with the product team, since blocking real mail is costly.",
        "Spammers adapt, so we would retrain weekly and watch the share of reported messages for sudden changes.",
        "I would compare it with gradient boosting later, but only if the baseline leaves a clear gap on recall.",
        "We would keep a holdout month of mail for the final check so the estimate reflects next month's traffic.",
    ],
    "house-prices": [
        "I'd start from what the estimate is for: sellers pricing a listing, so a large miss costs the business trust.",
        "We would use past sale prices as labels and check a sample against the land registry, because listings lie.",
        "Features from the size, the rooms, the area and the year built, since those drive what buyers pay.",
        "A linear regression baseline first, because it is fast to train and easy to explain to the sellers.",
        "Mean absolute error in pounds, since the sellers think in money, and the share of homes within ten percent.",
        "Prices move with the market, so we would retrain monthly and watch the error on last month's sales.",
        "I would compare it with gradient boosting later, but only if the baseline leaves a clear gap on error.",
        "We would keep the most recent months as a holdout so the estimate reflects the market as it is now.",
    ],
}


@pytest.mark.parametrize(("scenario", "probe", "concept"), [("spam", "imbalance", "class_imbalance"),
                                                            ("house-prices", "missing_data", "missing_data")])
def test_probes_a_pitfall_the_candidate_left_out(tmp_path, persona, scenario, probe, concept):
    """A candidate who talks sensibly but never raises the scenario's pitfall is asked about it: class imbalance in
    the spam scenario, missing data in the house-prices one. (No scenario probes both: spam has no missing-data
    probe, house prices no imbalance probe.)"""
    import tomli_w

    from mlcoach.batch import run_script
    from mlcoach.script import load

    answers = SENSIBLE_DESIGN_ANSWERS[scenario]
    assert not [a for a in answers if concept in analyze(a, persona).mentioned]  # really left out
    script = tmp_path / "c.toml"
    script.write_text(tomli_w.dumps({"name": "Noor", "scenario": scenario, "answers": {"design": answers}}))
    result = run_script(load(script), sessions_dir=tmp_path / "s", seed=1)
    asked = [e["move"] for e in events(tmp_path / "s" / f"{result.session_id}.jsonl") if e["type"] == "interviewer"]
    assert probe in asked, asked


def test_asks_why_when_an_algorithm_is_named_without_a_reason(sessions_dir, persona):
    from mlcoach.clock import SimClock
    from mlcoach.engine import Said, Session
    from mlcoach.interviewers import ScriptedInterviewer

    s = Session.create(persona, candidate="Ana", sessions_dir=sessions_dir, clock=SimClock(),
                       interviewer=ScriptedInterviewer(), scenario="spam", seed=3)
    list(s.start())
    list(s.submit("I have worked on churn models at a telecom company for three years, mostly tabular data."))
    list(s.submit("A churn model for a telecom, we had messy billing data and the labels came late."))
    out = [o for o in s.submit("On that project I used XGBoost for the churn model.") if isinstance(o, Said)]
    assert any(o.text == "Why gradient boosting specifically?" for o in out), [o.text for o in out]


def test_a_poor_answer_gets_one_gentle_rephrase_then_moves_on(sessions_dir, persona):
    from mlcoach.clock import SimClock
    from mlcoach.engine import Said, Session
    from mlcoach.interviewers import ScriptedInterviewer

    s = Session.create(persona, candidate="Ana", sessions_dir=sessions_dir, clock=SimClock(),
                       interviewer=ScriptedInterviewer(), scenario="spam", seed=3)
    first = [o for o in s.start() if isinstance(o, Said)][-1]
    reply = [o for o in s.submit("dunno") if isinstance(o, Said)]
    assert reply[-1].kind == "nudge" and reply[-1].move == "rephrase:opening.experience"
    assert reply[-1].text != first.text
    again = [o for o in s.submit("asdf qwer zxcv") if isinstance(o, Said)]
    assert again[-1].move == "opening.challenge"


@pytest.mark.parametrize("seed", [1, 2])
def test_the_same_seed_gives_the_same_interview(tmp_path, seed):
    a = run("average-spam", tmp_path / "a", seed=seed)
    b = run("average-spam", tmp_path / "b", seed=seed)
    strip = lambda evs: [(e["type"], e.get("move"), e.get("text")) for e in evs[1:]]  # noqa: E731
    assert strip(events(tmp_path / "a" / f"{a.session_id}.jsonl")) == strip(
        events(tmp_path / "b" / f"{b.session_id}.jsonl"))


def test_the_builtin_persona_is_found_without_a_source_checkout(tmp_path, monkeypatch):
    """An installed wheel carries the personas inside the package (mlcoach/_personas)."""
    packaged = tmp_path / "mlcoach" / "_personas"
    packaged.mkdir(parents=True)
    (packaged / "ml-engineer.toml").write_bytes((personas.builtin_dir() / "ml-engineer.toml").read_bytes())
    owner = sys.modules[personas.builtin_dir.__module__]  # the module that finds them, mlcoach/personas/load.py
    monkeypatch.setattr(owner, "__file__", str(tmp_path / "mlcoach" / "personas" / "load.py"))
    assert personas.builtin_dir() == packaged.resolve()


def test_a_dense_first_design_answer_is_not_asked_back_piece_by_piece(sessions_dir, persona):
    """A first design answer that lays out the data, the features, a baseline and the evaluation: the interviewer
    goes on to what it left out, not "What kind of data would you need?" or "What features would you consider?"."""
    from mlcoach.clock import SimClock
    from mlcoach.engine import Said, Session
    from mlcoach.interviewers import ScriptedInterviewer

    s = Session.create(persona, candidate="Ana", sessions_dir=sessions_dir, clock=SimClock(),
                       interviewer=ScriptedInterviewer(), scenario="house-prices", seed=3)
    list(s.start())
    list(s.next_phase())
    list(s.next_phase())
    dense = ("First I'd pin down the goal: the site wants estimates within 10 percent so sellers trust them. I'd use "
             "past sales with the listing details, location and date, and the sale price as the label. Features "
             "would be size, rooms, age, location via zip-level median prices, and the market trend. I'd start with "
             "a median-price-per-zip baseline, then gradient boosting, because it handles mixed features well with "
             "little tuning. I'd evaluate with MAE on a time-based holdout, because prices drift.")
    asked = [o.move for o in s.submit(dense) if isinstance(o, Said)]
    asked += [o.move for o in s.submit("I'd also check for duplicate listings before training.") if isinstance(o, Said)]
    s.close()
    guide = {"house-prices.data", "house-prices.features", "house-prices.algorithm", "house-prices.evaluation"}
    assert not guide & set(asked), asked


def test_a_follow_up_says_the_concept_in_the_candidates_own_words(persona):
    from mlcoach.analysis import analyze
    from mlcoach.replies import said_as
    from mlcoach.state import State

    state = State(persona)
    said = {}
    for text in ("We tracked MAPE on every release because finance planned stock with it.",
                 "We served it from a shared feature store so training and serving matched."):
        for hit in analyze(text, persona).hits:
            said[hit.concept] = said_as(state, hit)
    assert said["regression_metrics"] == "MAPE"  # not "RMSE and MAE", the label
    assert said["feature_store"] == persona.concepts["feature_store"].label  # a phrase's fragment is not said back


def test_a_sound_answer_to_another_question_is_not_approved(sessions_dir, persona):
    """"What is the difference between supervised and unsupervised learning?" answered with a sound point about
    retraining: no approval ("Drift catches everyone eventually.") as if it answered the question."""
    from mlcoach import planner
    from mlcoach.clock import SimClock
    from mlcoach.engine import Session
    from mlcoach.interviewers import ScriptedInterviewer

    s = Session.create(persona, candidate="Ana", sessions_dir=sessions_dir, clock=SimClock(),
                       interviewer=ScriptedInterviewer(), scenario="spam", seed=3)
    list(s.start())
    for _ in range(4):  # to the deep dive
        list(s.next_phase())
    assert s.state.phase == "deep_dive"
    q = persona.questions_by_id["fund.supervised"]
    s._record({"type": "interviewer", "phase": s.state.phase, "kind": "question", "move": q.id, "text": q.text,
               "t": 1.0})
    s._record({"type": "candidate", "phase": s.state.phase, "text": "I'd retrain when the metrics drop, because "
               "the data drifts and a stale model loses money.", "t": 2.0})
    ack, _ = planner.reply(s.state)
    s.close()
    approving = {ln.id for ln in persona.rapport if ln.approves}
    assert ack is not None and ack.id.removeprefix("ack:") not in approving, ack


def test_a_follow_up_never_says_the_candidate_mentioned_what_they_only_evidenced(persona):
    """"I sliced errors by plan type" is evidence of checking groups, but the candidate never said "fairness": no
    "You mentioned bias and fairness." """
    from mlcoach.analysis import analyze
    from mlcoach.replies import named_by_them
    from mlcoach.state import State

    state = State(persona)
    hits = {h.concept: h for h in analyze(
        "Our churn model dropped in recall after a pricing change; I sliced errors by plan type and added a "
        "plan-age feature, which brought recall back from 0.55 to 0.7.", persona).hits}
    assert not named_by_them(state, hits["fairness_bias"])
    assert named_by_them(state, hits["precision_recall"])  # "recall" is their word
