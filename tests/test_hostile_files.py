"""Crafted and hand-edited files, hostile names and answers (issue 15): each gives one warning or one error line
and a named exit code, never "internal error"; the rest of the history still lists; nothing from a file or an
answer is read as Rich markup or reaches the terminal as an escape sequence."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlcoach.cli import app
from tests.helpers import run

runner = CliRunner()
ESC = "\x1b"
HOSTILE = "Eve\x1b]0;PWNED\x07\x1b[2J [bold]x[/bold] [/x] \x9b31m\u202egnp.exe"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _session(directory: Path, candidate: str = "strong-spam") -> Path:
    run(candidate, directory)
    return max(directory.glob("*.jsonl"))


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Two sessions: one to damage, one that must keep listing."""
    directory = tmp_path_factory.mktemp("base")
    run("strong-spam", directory)
    run("average-spam", directory, seed=8)
    return directory


@pytest.fixture
def two(base, tmp_path) -> tuple[Path, Path, Path]:
    directory = tmp_path / "s"
    shutil.copytree(base, directory)
    logs = sorted(directory.glob("*.jsonl"))
    return directory, logs[0], logs[1]


def _cli(*args: str):
    return runner.invoke(app, list(args))


def _no_crash(out) -> None:
    assert "internal error" not in out.output and "Traceback" not in out.output, out.output
    assert out.exception is None or isinstance(out.exception, SystemExit), repr(out.exception)


def _edit_score(log: Path, change) -> None:
    """Hand-edit the score event of a log and the [score] table of its summary the same way."""
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    for ev in lines:
        if ev["type"] == "score":
            change(ev)
    log.write_text("".join(json.dumps(ev) + "\n" for ev in lines))
    import tomli_w
    import tomllib

    summary = log.with_suffix(".toml")
    data = tomllib.loads(summary.read_text())
    change(data["score"])
    summary.write_text(tomli_w.dumps(data))


def _every_view(directory: Path, session: str) -> list:
    outs = [_cli("review", "list", "--sessions-dir", str(directory)),
            _cli("review", "show", session, "--sessions-dir", str(directory)),
            _cli("review", "show", session, "--json", "--sessions-dir", str(directory)),
            _cli("review", "export", session, "--format", "md", "--sessions-dir", str(directory)),
            _cli("review", "export", session, "--format", "html", "--sessions-dir", str(directory)),
            _cli("review", "trend", "--sessions-dir", str(directory))]
    for out in outs:
        _no_crash(out)
    return outs


# ---------------------------------------------------------------------------------------------- nesting


def test_a_deeply_nested_log_line_is_skipped_with_a_warning_and_the_history_still_lists(two):
    directory, damaged, other = two
    with damaged.open("a") as f:
        f.write('{"type": "note", "note": "x", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    out = _cli("review", "list", "--sessions-dir", str(directory))
    _no_crash(out)
    assert out.exit_code == 0 and other.stem in out.stdout and damaged.stem in out.stdout
    shown = _cli("review", "show", damaged.stem, "--sessions-dir", str(directory))
    _no_crash(shown)
    assert shown.exit_code == 0 and "not a session event" in shown.stderr


@pytest.mark.parametrize("deep", ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{b = " * 40 + "1" + "}" * 40])
def test_a_deeply_nested_summary_is_one_warning_and_the_rest_still_lists(two, deep):
    directory, damaged, other = two
    damaged.with_suffix(".toml").write_text(deep + "\n")
    out = _cli("review", "list", "--sessions-dir", str(directory))
    _no_crash(out)
    assert out.exit_code == 0 and other.stem in out.stdout


@pytest.mark.parametrize("kind", ["persona", "script", "config"])
def test_a_deeply_nested_file_is_one_line_and_exit_2(tmp_path, kind):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    if kind == "persona":
        out = _cli("personas", "validate", str(deep))
    elif kind == "script":
        out = _cli("batch", str(deep), "--offline", "--sessions-dir", str(tmp_path / "s"))
    else:
        (tmp_path / "home").mkdir(exist_ok=True)
        (tmp_path / "home" / "config.toml").write_text(deep.read_text())
        out = _cli("config", "show")
    _no_crash(out)
    assert out.exit_code == 2, out.output
    assert "nested deeper than" in out.stderr and out.stderr.count("\n") == 1


# ---------------------------------------------------------------------------------------------- hand-edited scores


@pytest.mark.parametrize("edit", [
    "float_score", "no_quote", "labels_as_numbers", "huge_score", "overall_string", "criteria_list",
    "evidence_strings", "markup_ids",
])
def test_a_hand_edited_score_never_crashes_review_or_the_exports(two, edit):
    directory, damaged, _ = two

    def change(score: dict) -> None:
        criteria = score["criteria"]
        first = next(iter(criteria))
        if edit == "float_score":
            criteria[first]["score"] = 2.7
        elif edit == "no_quote":
            for c in criteria.values():
                for e in c["evidence"]:
                    e.pop("quote", None)
        elif edit == "labels_as_numbers":
            score["labels"] = {k: 7 for k in score["labels"]}
        elif edit == "huge_score":
            criteria[first]["score"] = 10 ** 12
            score["overall"] = 10 ** 12
        elif edit == "overall_string":
            score["overall"] = "high"
        elif edit == "criteria_list":
            score["criteria"] = [1, 2, 3]
        elif edit == "evidence_strings":
            criteria[first]["evidence"] = ["a quote", 3]
        elif edit == "markup_ids":
            criteria["[/bold]" + ESC + "[2J"] = criteria.pop(first)
            score["summary"] = "[red]x[/]" + ESC + "]0;t\x07"

    _edit_score(damaged, change)
    outs = _every_view(directory, damaged.stem)
    assert all(o.exit_code == 0 for o in outs), [o.output for o in outs]
    if edit == "huge_score":
        shown = outs[1].stdout
        assert "1000000000000" not in shown.replace(",", "") or "/100" not in shown  # clamped, not printed raw
        assert "████████" not in shown  # a bar is never wider than its scale


def test_a_summary_that_is_a_directory_is_one_line_in_rescore_and_the_rest_lists(two):
    directory, damaged, other = two
    summary = damaged.with_suffix(".toml")
    summary.unlink()
    summary.mkdir()
    out = _cli("review", "rescore", damaged.stem, "--offline", "--sessions-dir", str(directory))
    _no_crash(out)
    assert out.exit_code in (0, 1, 2)
    assert out.stderr.count("\n") <= 2, out.stderr
    listed = _cli("review", "list", "--sessions-dir", str(directory))
    _no_crash(listed)
    assert listed.exit_code == 0 and other.stem in listed.stdout


# ---------------------------------------------------------------------------------------------- markup and escapes


def test_a_hostile_name_and_answer_reach_no_output_as_escapes_or_markup(tmp_path):
    script = tmp_path / "eve.toml"
    script.write_text(
        f'name = {json.dumps(HOSTILE)}\nscenario = "spam"\n\n[answers]\nopening = ['
        + json.dumps("I built a spam filter \x1b[31mRED\x1b[0m <script>alert(1)</script> [/bold] with logistic "
                     "regression and shipped it, measuring precision on a holdout.") + "]\n")
    directory = tmp_path / "s"
    batch = _cli("batch", str(script), "--offline", "--sessions-dir", str(directory))
    _no_crash(batch)
    assert batch.exit_code == 0
    session = next(directory.glob("*.jsonl")).stem
    outs = [batch, *_every_view(directory, session)]
    for out in outs:
        assert not CONTROL.search(out.output), repr(CONTROL.search(out.output))
    shown = outs[2].stdout
    assert "Eve^[]0;PWNED^G^[[2J [bold]x[/bold] [/x]" in shown  # made visible, brackets as they were typed
    md = outs[4].stdout
    assert "<script>" not in md and "&lt;script&gt;" in md
    html = outs[5].stdout
    assert "<script>alert" not in html
    meta = json.loads(next(directory.glob("*.jsonl")).read_text().splitlines()[0])
    assert meta["candidate"] == HOSTILE  # the log keeps the name as it was given


def test_markup_in_a_persona_title_style_and_rules_is_shown_as_text(tmp_path):
    from mlcoach.personas import builtin_dir

    text = (builtin_dir() / "ml-engineer.toml").read_text()
    text = text.replace('id = "ml-engineer"', 'id = "mine"', 1)
    text = re.sub(r'(?m)^style = "', lambda m: 'style = "[/bold] [link=x]', text, count=1)
    text = re.sub(r'(?m)^title = "', lambda m: 'title = "[/] \\u001b[2J ', text, count=1)
    path = tmp_path / "mine.toml"
    path.write_text(text)
    out = _cli("personas", "show", str(path))
    _no_crash(out)
    assert out.exit_code == 0 and "[/bold] [link=x]" in out.stdout and ESC not in out.stdout


def test_markup_in_config_values_and_a_bracketed_path_are_shown_as_they_are(tmp_path, monkeypatch):
    home = tmp_path / "[work]" / "home"
    home.mkdir(parents=True)
    monkeypatch.setenv("MLCOACH_HOME", str(home))
    (home / "config.toml").write_text('name = "[/bold]Bo[red]"\nmodel = "[/x]"\n')
    out = _cli("config", "show")
    _no_crash(out)
    assert out.exit_code == 0 and "[/bold]Bo[red]" in out.stdout and "[work]" in out.stdout


def test_a_password_in_api_base_is_never_shown(tmp_path):
    out = _cli("config", "set", "api_base", "https://bob:hunter2secret@proxy.example.com/v1?api_key=abc123456")
    assert out.exit_code == 0 and "hunter2secret" not in out.output and "abc123456" not in out.output
    shown = _cli("config", "show")
    assert shown.exit_code == 0 and "proxy.example.com" in shown.stdout
    assert "hunter2secret" not in shown.stdout and "abc123456" not in shown.stdout
