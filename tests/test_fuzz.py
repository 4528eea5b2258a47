"""Property-based tests (Hypothesis): random text, nesting and bytes into the analysis, the session reader, the
persona loader and the exports. Each case must finish within its deadline, and nothing may escape but the one
kind of error the CLI turns into a line (MlcoachError); no control character may reach what is shown."""

from __future__ import annotations

import io
import json
import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcoach.errors import MlcoachError

# 60 fixed cases a test in `make test`; MLCOACH_FUZZ_EXAMPLES=2000 explores fresh ones (what the last deep run did).
DEEP = int(os.environ.get("MLCOACH_FUZZ_EXAMPLES", "0"))
CASE = settings(deadline=timedelta(seconds=3), max_examples=DEEP or 60, derandomize=not DEEP,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Text as candidates (and attackers) write it: words of the domain, punctuation, escapes, other scripts.
WORDS = ("model", "data", "precision", "recall", "drift", "because", "we", "deployed", "k-means", "is", "not",
         "supervised", "I", "haven't", "[bold]", "[/]", "<candidate_answer>", "SYSTEM:", "\x1b[2J", "\x07", "…",
         "数据", "(a+)+", "\u202e", "\n", ".", ",", "?", "!!!", "0.93", "AUC", "it's")
answers = st.one_of(
    st.text(max_size=3000),
    st.lists(st.sampled_from(WORDS), max_size=800).map(" ".join),
    st.builds(lambda w, n: (w + " ") * n, st.sampled_from(WORDS), st.integers(0, 20000)),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=30)


@pytest.fixture(scope="module")
def persona():
    from mlcoach import personas

    p = personas.load("ml-engineer")
    p.compile_all()
    return p


@CASE
@given(text=answers, asked=st.text(max_size=200))
def test_any_answer_is_read_without_error_and_in_bounded_time(persona, text, asked):
    from mlcoach.analysis import analyze

    result = analyze(text, persona, (), asked, "spam")
    assert result.quality and result.words >= 0


# ---------------------------------------------------------------------------------------------- the session reader

EVENT_TYPES = ("meta", "phase", "interviewer", "candidate", "note", "end", "score")
events = st.fixed_dictionaries({"type": st.sampled_from(EVENT_TYPES)},
                               optional={k: json_values for k in ("text", "phase", "t", "kind", "move", "status",
                                                                  "criteria", "overall", "session_id", "plan",
                                                                  "candidate", "red_flags", "labels")})
lines = st.one_of(
    events.map(json.dumps),
    json_values.map(json.dumps),
    st.integers(1, 50_000).map(lambda n: '{"type": "note", "text": ' + "[" * n + "]" * n + "}"),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.text(max_size=200),
)


@pytest.fixture(scope="module")
def real_log(tmp_path_factory) -> list[str]:
    from tests.helpers import run

    directory = tmp_path_factory.mktemp("fuzz")
    run("average-spam", directory)
    return next(directory.glob("*.jsonl")).read_text().splitlines()


def _shown(renderable) -> str:
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=100, no_color=True).print(renderable)
    return out.getvalue()


def _read_and_show(path: Path) -> None:
    from mlcoach import export, history, sessions
    from mlcoach.ui.report import report
    from mlcoach.ui.review import header, transcript

    try:
        loaded = sessions.read_events(path)
        summary = history.summary_of(path, loaded.records)
        history.read_row(path)
    except MlcoachError:
        return
    shown = [export.markdown(loaded.records, summary), export.html_page(loaded.records, summary),
             _shown(header(summary)), _shown(transcript(loaded.records, "Alex")), _shown(report(summary))]
    for text in shown:
        assert not CONTROL.search(text), repr(CONTROL.search(text))


@CASE
@given(extra=st.lists(lines, max_size=6), cut=st.integers(0, 40), where=st.integers(0, 60))
def test_any_damaged_log_is_read_and_shown_or_refused_in_one_line(tmp_path_factory, real_log, extra, cut, where):
    kept = real_log[: max(1, len(real_log) - cut)]
    at = min(where, len(kept))
    path = tmp_path_factory.mktemp("log") / "20261130T000000Z-0000.jsonl"
    path.write_text("\n".join(kept[:at] + extra + kept[at:]) + "\n", encoding="utf-8", errors="surrogateescape")
    _read_and_show(path)


@CASE
@given(score=st.dictionaries(st.sampled_from(["overall", "band", "criteria", "red_flags", "labels", "summary",
                                              "practice", "weakest", "corrections", "advice", "concept_labels",
                                              "judge", "previous_overall", "usage"]), json_values, max_size=8))
def test_any_hand_edited_score_is_shown_without_error(tmp_path_factory, real_log, score):
    path = tmp_path_factory.mktemp("score") / "20261130T000000Z-0000.jsonl"
    path.write_text("\n".join(real_log + [json.dumps({"type": "score", **score})]) + "\n")
    _read_and_show(path)


# ---------------------------------------------------------------------------------------------- the persona loader


@pytest.fixture(scope="module")
def builtin() -> dict:
    from mlcoach.personas import builtin_dir

    return tomllib.loads((builtin_dir() / "ml-engineer.toml").read_text())


def _paths(data, prefix=()):
    """Every key path in a TOML document (into tables and arrays of tables)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data[:3]):
            if isinstance(value, dict):
                yield from _paths(value, (*prefix, i))


toml_values = st.recursive(
    st.booleans() | st.integers(-(2 ** 63), 2 ** 63 - 1) | st.floats(allow_nan=False) |
    st.text(max_size=60) | st.sampled_from(["(a+)+$", "[", "\\", "(?P<x>", "[bold]", "\x1b[2J", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3),
    max_leaves=12)


@CASE
@given(data=st.data())
def test_any_damaged_persona_loads_or_is_refused_in_one_line(tmp_path_factory, builtin, data):
    import copy

    from mlcoach.personas import load_path

    doc = copy.deepcopy(builtin)
    paths = list(_paths(doc))
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths))
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()):
                parent[path[-1]] = data.draw(toml_values)
            elif isinstance(parent, dict):
                parent.pop(path[-1], None)
        except (KeyError, IndexError, TypeError):
            continue
    doc["id"] = "fuzzed"
    file = tmp_path_factory.mktemp("persona") / "fuzzed.toml"
    file.write_text(tomli_w.dumps(doc))
    try:
        persona = load_path(file, strict=True)
    except MlcoachError as exc:
        assert "\n" not in str(exc).strip()
        return
    from mlcoach.analysis import analyze

    analyze("We deployed a logistic regression and watched precision for drift, because spam changes.", persona)


@CASE
@given(raw=st.one_of(st.binary(max_size=400), st.integers(1, 20000).map(lambda n: b"a = " + b"[" * n + b"]" * n)))
def test_any_bytes_as_a_persona_file_are_refused_in_one_line(tmp_path_factory, raw):
    from mlcoach.personas import load_path

    file = tmp_path_factory.mktemp("bytes") / "p.toml"
    file.write_bytes(raw)
    with pytest.raises(MlcoachError):
        load_path(file, strict=True)
