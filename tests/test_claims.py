"""Reading what the candidate means: claims with polarity and mode, and a judge built on them."""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

import pytest
import tomli_w

from mlcoach import claims, script
from mlcoach.analysis import analyze
from mlcoach.batch import run_script
from mlcoach.clock import SimClock
from mlcoach.engine import Session
from mlcoach.interviewers import ScriptedInterviewer
from mlcoach.judge import FLAG_CRITERION
from tests.helpers import ROOT, candidate_ids

BLIND_DEV = ROOT / "tests" / "blind" / "dev"


def _polarities(text: str) -> list[tuple[str, str, str]]:
    return [(text[c.start:c.end].strip(" ,;"), c.polarity, c.mode) for c in claims.clauses(text)]


@pytest.mark.parametrize("text,polarity,mode", [
    ("To be honest, I've never deployed a model myself.", claims.NEGATED, claims.DID),
    ("We don't really monitor it.", claims.NEGATED, claims.DID),
    ("Batch or real-time was decided by the platform team.", claims.DISCLAIMED, claims.DID),
    ("Not my area, someone else did the deployment.", claims.DISCLAIMED, claims.DID),
    ("Monitoring was never set up.", claims.NEGATED, claims.DID),
    ("Baselines are outdated.", claims.DISMISSED, claims.KNOWS),
    ("I think it's batch.", claims.HEDGED, claims.WOULD),
    ("We never touch the test set until the very end.", claims.AFFIRMED, claims.DID),
    ("We never ship without a shadow test.", claims.AFFIRMED, claims.DID),
    ("Shipped it behind an API.", claims.AFFIRMED, claims.DID),
    ("The model is retrained weekly by a cron job.", claims.AFFIRMED, claims.DID),
    ("Overfitting is when the model memorizes the training data.", claims.AFFIRMED, claims.KNOWS),
    ("In my Coursera course I built a sentiment classifier.", claims.AFFIRMED, claims.COURSE),
    ("I'd split by time so the test set is newer.", claims.AFFIRMED, claims.WOULD),
])
def test_a_clause_has_a_polarity_and_a_mode(text, polarity, mode):
    main = max(_polarities(text), key=lambda part: len(part[0]))  # "To be honest, I've never deployed..."
    assert (main[1], main[2]) == (polarity, mode), main


def test_negation_scope_ends_at_the_clause():
    parts = _polarities("We deployed it with Docker and never monitored it.")
    assert [p[1] for p in parts] == [claims.AFFIRMED, claims.NEGATED]
    parts = _polarities("I would not use accuracy because spam is rare.")
    assert parts[0][1] == claims.NEGATED and parts[1][1] == claims.AFFIRMED
    assert _polarities("Not only did we cut latency, we also improved recall.")[0][1] == claims.AFFIRMED
    assert _polarities("Use the sale price, not the asking price.")[0][1] == claims.AFFIRMED


def test_a_question_to_the_interviewer_is_asked_and_read_back_text_is_quoted():
    asked = "How would you deploy this model to production?"
    assert claims.clauses("What does your feature store look like?", asked)[0].mode == claims.ASKS
    assert claims.clauses("How would you deploy this model to production", asked)[0].mode == claims.QUOTES


def test_disclaimers_earn_nothing_and_mark_the_gap(persona):
    said = analyze("I have never put a model into production and I have never monitored one. The platform team "
                   "handled the deployment.", persona, asked="How would you deploy this model?")
    production = {h.concept: h for h in said.hits if h.concept in ("deployment", "monitoring")}
    assert production and all(h.gap and not h.explained for h in production.values())
    assert said.disclaims and not said.experience


def test_a_reason_given_with_it_is_about_what_was_asked(persona):
    said = analyze("It's fast, works on sparse text, and the weights are easy to inspect.", persona,
                   asked="Why logistic regression specifically?")
    assert "logistic_regression" in said.explained


@pytest.mark.parametrize("text,mid,scenario", [
    ("I'd use k-means, which is a supervised algorithm.", "kmeans_supervised", "spam"),
    ("We got an AUC of like 1.3 on the holdout.", "impossible_metric", "spam"),
    ("I normalized the whole dataset, then split it 80/20.", "preprocessing_leak", "spam"),
    ("We keep the one with the best test accuracy.", "test_set_tuning", "spam"),
    ("Our R-squared was 1.2 on the final model.", "impossible_metric", "house-prices"),
    ("I'd measure accuracy on the test set.", "classification_metric_for_regression", "house-prices"),
])
def test_misconceptions_in_other_words_are_corrected_not_credited(persona, text, mid, scenario):
    said = analyze(text, persona, scenario=scenario)
    assert mid in dict(said.errors) and not said.explained


def test_accuracy_is_no_misconception_outside_regression(persona):
    assert not analyze("I'd measure accuracy on the test set.", persona, scenario="spam").errors
    assert not analyze("The share of homes within 10 percent, which is an accuracy a seller understands.",
                       persona, scenario="house-prices").errors


# ---------------------------------------------------------------------------------------------- the judge


@pytest.fixture(scope="module")
def dev_scores():
    labels = tomllib.loads((BLIND_DEV / "labels.toml").read_text())
    out = {}
    with tempfile.TemporaryDirectory() as d:
        for cid in labels:
            result = run_script(script.load(BLIND_DEV / f"{cid}.toml"), sessions_dir=Path(d), seed=7)
            out[cid] = result
    return out


@pytest.mark.parametrize("did,did_not,criterion,flag", [
    ("dev-average-recsys-shipped", "dev-average-recsys-never-shipped", "production", "ignores_production"),
    ("dev-average-sentiment-evaluated", "dev-average-sentiment-unevaluated", "evaluation_metrics", "no_evaluation"),
    ("dev-average-house-cleaned", "dev-average-house-uncleaned", "data_quality", "ignores_data_quality"),
])
def test_polarity_pairs_the_one_who_did_it_scores_and_the_one_who_did_not_is_flagged(dev_scores, did, did_not,
                                                                                      criterion, flag):
    yes, no = dev_scores[did].summary.score, dev_scores[did_not].summary.score
    assert yes.scores[criterion] >= 3 and no.scores[criterion] <= 1
    assert flag in dict(no.red_flags) and flag not in dict(yes.red_flags)
    quotes = [e.quote for e in dict(no.red_flags)[flag]]
    texts = [a.text for a in dev_scores[did_not].session.state.answers]
    assert all(any(q in t for t in texts) for q in quotes)


def test_fairness_waved_away_earns_no_fairness_credit(persona):
    """Two scripts that differ only in their fairness answer: one audited exposure across seller sizes, the other
    says fairness does not apply to recommendations."""
    audit = script.load(BLIND_DEV / "dev-strong-recsys-fairness-audit.toml").answers["deep_dive"]
    waved = script.load(BLIND_DEV / "dev-strong-recsys-fairness-dismissed.toml").answers["deep_dive"]
    changed = [(a.text, b.text) for a, b in zip(audit, waved, strict=True) if a.text != b.text]
    assert len(changed) == 1
    asked = "How do you handle bias and fairness in ML models?"
    did, did_not = ({h.concept: h for h in analyze(text, persona, asked=asked).hits} for text in changed[0])
    assert did["fairness_bias"].explained and not did["fairness_bias"].gap
    assert did_not["fairness_bias"].gap and not did_not["fairness_bias"].explained


def test_an_unreached_phase_is_not_judged_and_not_practised(tmp_path, persona):
    session = Session.create(persona, candidate="Ana", sessions_dir=tmp_path, clock=SimClock(),
                             interviewer=ScriptedInterviewer(), scenario="spam", seed=1, mode="batch")
    list(session.start())
    list(session.submit("I build fraud models at a bank; we shipped a gradient boosting model that cut chargebacks "
                        "by 20 percent."))
    list(session.finish("complete"))
    score = session.summary().score
    production = next(c for c in score.criteria if c.id == "production")
    assert not production.judged and "production" not in score.scores
    assert "production" not in {p.criterion for p in score.practice}
    assert "Not reached, so not judged" in score.summary


def test_sentences_in_another_language_are_not_read_nor_quoted(dev_scores):
    result = dev_scores["dev-average-spam-spanglish"]
    score = result.summary.score
    unread = [s for a in result.session.state.answers for s in a.text.split(". ") if claims.foreign(s)]
    assert unread
    quoted = [e.quote for c in score.criteria for e in c.evidence] + \
        [e.quote for _, ev in score.red_flags for e in ev]
    assert quoted and not any(claims.foreign(q) for q in quoted)
    assert "not in English and not read" in score.summary


@pytest.mark.parametrize("cid", candidate_ids())
def test_evidence_is_about_its_criterion_and_flags_never_quote_the_opposite(candidate_runs, persona, cid):
    result, _ = candidate_runs[cid]
    score = result.summary.score
    concepts = {c.id: set(c.concepts) for c in persona.criteria}
    signals = {"experience", "result", "failure", "tradeoff", "answer", "definition", "disclaimer"}
    for c in score.criteria:
        for ev in c.evidence:
            assert ev.concept in concepts[c.id] | signals, (c.id, ev)
    answers = {a.turn: a for a in result.session.state.answers}
    for fid, evidence in score.red_flags:
        about = concepts.get(FLAG_CRITERION.get(fid, ""), set())
        for ev in evidence:
            hits = [h for h in answers[ev.turn].analysis.hits if h.quote == ev.quote and not h.gap]
            if fid in ("no_algorithm_rationale", "no_tradeoffs"):  # the opposite is a reason for the choice
                opposite = [h for h in hits if h.reasoned and h.concept in about]
            else:  # the opposite is an account of the very thing the flag says is missing
                opposite = [h for h in hits if h.concept in about and h.grounded and h.explained]
            assert not opposite, (fid, ev.quote)


def test_a_regression_scenario_never_asks_for_classification_metrics(candidate_runs):
    for cid, (result, _) in candidate_runs.items():
        if result.scenario != "house-prices":
            continue
        evaluation = next(c for c in result.summary.score.criteria if c.id == "evaluation_metrics")
        assert not {"accuracy", "precision_recall", "roc_auc", "confusion_matrix"} & set(evaluation.missing), cid


def test_a_topic_the_candidate_has_not_done_is_not_asked_again(tmp_path, persona):
    from mlcoach.planner import core_moves

    session = Session.create(persona, candidate="Bo", sessions_dir=tmp_path, clock=SimClock(),
                             interviewer=ScriptedInterviewer(), scenario="spam", seed=1, mode="batch")
    list(session.start())
    list(session.submit("I'm a data analyst. I have never monitored a model and I've never done any retraining."))
    assert {"monitoring", "retraining"} <= session.state.declined
    for phase in ("experience", "design", "production"):
        while session.state.phase != phase:
            list(session.next_phase())
        for move in core_moves(session.state):
            assert not (move.covers and set(move.covers) <= {"monitoring", "retraining"}), move.id


def test_an_algorithm_named_regression_is_no_failure_story(persona):
    assert not analyze("Logistic regression got an AUC of about 0.78 on the churn data.", persona).failure
    assert analyze("After the release we saw a regression in recall, and I traced it to a broken feature.",
                   persona).failure


@pytest.mark.parametrize("text", [
    "The model was way off for waterfront homes, like 30% under. I looked at the biggest errors and they were all "
    "near the lake, so I added distance to water and those errors dropped to 12%.",
    "Our first ranker looked great offline and then was flat in the A/B test. I dug in and it turned out one feature "
    "was leaking the label day.",
    "The first model I trained recommended bestsellers for everything; I kept seeing the same 20 titles, so I added "
    "a popularity penalty.",
])
def test_a_failure_story_told_without_the_word_failed_is_one(persona, text):
    said = analyze(text, persona, asked="How do you decide which algorithm to use?")
    assert said.failure and said.experience


def test_a_problem_in_a_plan_is_no_failure_story(persona):
    said = analyze("If the model was way off for some segment I'd look at the biggest errors first.", persona)
    assert not said.failure


def test_an_account_in_terse_notes_is_an_account(persona):
    said = analyze("- v2 great in validation, bad live in one city. - Cause: random split; same property in train "
                   "and test. - Fix: group split by property ID. - Lesson: split first.", persona)
    assert said.experience and said.failure
    plan = analyze("- Problem: define the target. - Data: sales history. - Model: gradient boosting.", persona)
    assert not plan.experience


def test_a_concrete_step_of_a_plan_counts_and_a_vague_one_does_not(persona):
    concrete = analyze("I'd remove bot sessions and test orders and dedupe repeated clicks.", persona)
    assert "data_quality" in concrete.explained
    vague = analyze("I'd check the data quality.", persona)
    assert "data_quality" not in vague.explained


@pytest.mark.parametrize("text", [
    "Random forest, because it has the best accuracy in my experience.",
    "SASRec, because they're state of the art.",
    "I went straight to a sequential transformer because that's what the big companies use now.",
])
def test_fame_is_no_reason_for_an_algorithm(persona, text):
    assert not any(h.reasoned for h in analyze(text, persona).hits)


@pytest.mark.parametrize("text,polarity", [
    ("Starting simple just wastes time.", claims.DISMISSED),
    ("I don't really see the point of comparing against older methods.", claims.DISMISSED),
    ("The labels come from moderators who don't always agree.", claims.AFFIRMED),
    ("I'd tune the regularization and not use too many latent factors.", claims.AFFIRMED),
])
def test_dismissals_and_negations_that_are_not_gaps(text, polarity):
    assert claims.clauses(text)[0].polarity == polarity


def test_a_passive_account_with_substance_is_the_candidates_own(persona):
    said = analyze("A rules baseline was already in place; a logistic regression was trained first on 40,000 "
                   "reviewed sign-ups, then gradient boosting.", persona)
    assert any(h.grounded for h in said.hits if h.concept == "logistic_regression")
    assert not any(h.grounded for h in analyze("It was trained.", persona).hits)


def _flags_for(tmp_path, design: list[str], scenario: str = "spam") -> set[str]:
    body = {"name": "Ana", "scenario": scenario, "answers": {"design": design}}
    path = tmp_path / "c.toml"
    path.write_text(tomli_w.dumps(body))
    result = run_script(script.load(path), sessions_dir=tmp_path / "s", seed=7)
    return {fid for fid, _ in result.summary.score.red_flags}


def test_a_hurried_or_famous_complex_model_is_a_jump_and_a_pretrained_detector_is_not(tmp_path):
    hurried = ["I'd figure out what the business wants and where labels come from, then just use BERT.",
               "Emails with user spam reports as labels."]
    assert "jumps_to_complex" in _flags_for(tmp_path, hurried)
    detector = ["First I'd ask what the detections are for and what a miss costs. Then I'd fine-tune a pretrained "
                "YOLO on a few thousand labeled shelf images to see where we are.",
                "Shelf photos from the store cameras, with boxes drawn by a labeling vendor, checked on a sample."]
    assert "jumps_to_complex" not in _flags_for(tmp_path, detector, "object-detection")
