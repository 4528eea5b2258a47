from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from mlcoach import personas
from mlcoach.cli import app
from mlcoach.personas import CRITERIA, RED_FLAGS

runner = CliRunner()


def test_builtin_persona_carries_the_seed(persona):
    assert persona.role == "Senior ML Engineer" and persona.years == 8
    assert [(p.id, p.title, p.minutes) for p in persona.phases] == [
        ("opening", "Opening", (2, 3)), ("experience", "Experience & Problem-Solving", (8, 12)),
        ("design", "ML Problem Design", (20, 25)), ("production", "Production & MLOps", (8, 12)),
        ("deep_dive", "Deep Dive", (5, 10)), ("closing", "Closing", (2, 3))]
    assert [s.id for s in persona.scenarios] == ["recommendation", "spam", "house-prices", "sentiment",
                                                 "object-detection"]
    for s in persona.scenarios:
        assert [q.topic for q in s.guide] == ["data", "features", "algorithm", "evaluation"]
        assert s.probes
    assert [c.id for c in persona.criteria] == list(CRITERIA)
    assert [f.id for f in persona.red_flags] == list(RED_FLAGS)
    assert set(persona.branches) == {"strong", "fundamentals"}
    assert len(persona.starters) == 4 and all(persona.violations(bad) for bad, _ in persona.starters)
    assert "Ask for mathematical derivations verbally" in persona.never


@pytest.mark.parametrize("question", [
    "Derive the gradient descent formula", "Implement a neural network", "Calculate precision and recall",
    "Write feature engineering code", "Can you write down the formula for the loss?",
])
def test_never_do_checks_catch_forbidden_questions(persona, question):
    assert persona.violations(question)


@pytest.mark.parametrize("question", [
    "How would you approach building a neural network for image classification?",
    "For a fraud detection system, would you optimize for precision or recall? Why?",
])
def test_never_do_checks_let_good_questions_through(persona, question):
    assert not persona.violations(question)


def _broken(tmp_path, old: str, new: str):
    src = (personas.builtin_dir() / "ml-engineer.toml").read_text()
    assert old in src
    path = tmp_path / "bad.toml"
    path.write_text(src.replace(old, new, 1))
    return path


@pytest.mark.parametrize("old,new,key", [
    ('title = "Opening"', 'title = 3', "phases[0].title"),
    ('minutes = [2, 3]', 'minutes = [3]', "phases[0].minutes"),
    ('id = "opening"', 'id = "intro"', "phases"),
    ('[rubric.criteria.data_quality]', '[rubric.criteria.data_qualityx]', "rubric.criteria.data_quality"),
])
def test_validate_names_the_file_and_key(tmp_path, old, new, key):
    path = _broken(tmp_path, old, new)
    result = runner.invoke(app, ["personas", "validate", str(path)])
    assert result.exit_code == 2
    line = result.output.strip()
    assert "\n" not in line and str(path) in line and key in line
    assert "Traceback" not in result.output


def test_validate_rejects_a_question_that_breaks_a_never_do_rule(tmp_path):
    path = _broken(tmp_path, 'text = "What was the most challenging ML project you\'ve tackled?"',
                   'text = "Derive the formula for logistic regression."')
    result = runner.invoke(app, ["personas", "validate", str(path)])
    assert result.exit_code == 2 and "never-do" in result.output and "opening.challenge" in result.output


def test_validate_rejects_bad_toml_and_a_bad_regex(tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text("format = 1\nid = [")
    result = runner.invoke(app, ["personas", "validate", str(bad)])
    assert result.exit_code == 2 and "not valid TOML" in result.output
    path = _broken(tmp_path, "patterns = [", "patterns = ['(unclosed', ")
    result = runner.invoke(app, ["personas", "validate", str(path)])
    assert result.exit_code == 2 and "bad regular expression" in result.output


def test_validate_accepts_the_builtin_persona():
    result = runner.invoke(app, ["personas", "validate", str(personas.builtin_dir() / "ml-engineer.toml")])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_user_personas_live_under_mlcoach_home(_isolated_home):
    user_dir = _isolated_home / "personas"
    user_dir.mkdir()
    src = (personas.builtin_dir() / "ml-engineer.toml").read_text()
    (user_dir / "data-scientist.toml").write_text(src.replace('id = "ml-engineer"', 'id = "data-scientist"', 1)
                                                  .replace('name = "Alex"', 'name = "Robin"', 1))
    assert personas.load("data-scientist").name == "Robin"
    result = runner.invoke(app, ["personas", "list"])
    assert "data-scientist" in result.output and "ml-engineer" in result.output
    result = runner.invoke(app, ["personas", "show", "data-scientist"])
    assert result.exit_code == 0 and "Robin" in result.output


def test_unknown_persona_is_a_one_line_error(tmp_path):
    script = tmp_path / "c.toml"
    script.write_text('name = "A"\n[answers]\nopening = ["hi"]\n')
    result = runner.invoke(app, ["batch", str(script), "--persona", "nobody", "--sessions-dir", str(tmp_path / "s")])
    assert result.exit_code == 3 and "unknown id 'nobody'" in result.output


def test_persona_by_path(tmp_path):
    path = tmp_path / "copy.toml"
    shutil.copy(personas.builtin_dir() / "ml-engineer.toml", path)
    assert personas.load(str(path)).path == path.resolve()


@pytest.mark.parametrize(("source", "prefixes"), [
    (r"\bneural (net|network)s?\b", {" neural "}),
    (r"\b(data )?cleaning\b", {" data ", " cleaning"}),
    (r"\bk-?fold", {" k"}),
    (r"\bA/B test", {" a b test"}),
    (r"foo|bar", None),
    (r"\b\d+ ?ms\b", None),
    (r"(?<!mini )\bbatch(es|ed)? (jobs?|mode)", {" batch"}),
    (r"\b(logs?|logging)\b", {" log", " logging"}),
])
def test_literal_prefixes(source, prefixes):
    from mlcoach.matching import literal_prefixes

    got = literal_prefixes(source)
    assert (set(got) if got is not None else None) == prefixes


def test_the_concept_finder_agrees_with_the_regexes(persona):
    import tomllib

    from tests.helpers import CANDIDATES

    texts = []
    for path in CANDIDATES.glob("*.toml"):
        for items in tomllib.loads(path.read_text()).get("answers", {}).values():
            texts += [a if isinstance(a, str) else a.get("text", "") for a in items]
    texts += [t.upper() for t in texts] + [t.replace(" ", "-") for t in texts] + ["İstanbul A/B tests, K-fold CV"]
    for text in texts:
        expected = {c.id for c in persona.concepts.values() if c.patterns.compile().search(text)}
        assert persona.finder.present(text) == expected, text[:80]


@pytest.mark.parametrize("question,expected", [
    ("How do you get labels for new problems?", "label"),
    ("Is the platform scalable for a small team like mine?", "team"),
    ("Do you run A/B tests before launch?", "A/B"),
])
def test_the_closing_answer_fits_the_candidates_question(persona, question, expected):
    answer = next(text for patterns, text in persona.closing_answers if patterns.search(question))
    assert expected.lower() in answer.lower(), answer
