"""`mlcoach review` as subcommands: every spelling of the single command it was gives the same output as its
subcommand; the help lists the subcommands with examples; the trend's labels come from the sessions' personas; the
one error boundary."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from typer.testing import CliRunner

from mlcoach import history
from mlcoach.cli import app
from mlcoach.history import Row
from mlcoach.sessions import records_of
from tests.helpers import CANDIDATES, ROOT, run

runner = CliRunner()
PICKS = ("strong-spam", "average-house", "average-spam")
ID, PREFIX = "{id}", "{prefix}"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    d = tmp_path_factory.mktemp("made")
    return d, [run(cid, d, mode="live").session_id for cid in PICKS]  # live: what the trend counts


def _copy(made, to):
    d, ids = made
    shutil.copytree(d, to)
    (to / history.INDEX).unlink(missing_ok=True)
    return to, ids


def review(args, d, ids):
    args = [a.replace(ID, ids[0]).replace(PREFIX, ids[0][:18]) for a in args]
    return runner.invoke(app, ["review", *args, "--sessions-dir", str(d)])


SAME = [  # the single command's spelling, then the subcommand's
    ([], ["list"]),
    (["--json"], ["list", "--json"]),
    (["--json", "-n", "0"], ["list", "--json", "-n", "0"]),
    (["-n", "1"], ["list", "-n", "1"]),
    (["--status", "complete", "--scenario", "spam", "-q", "precision"],
     ["list", "--status", "complete", "--scenario", "spam", "-q", "precision"]),
    (["--status", "complete", "-s", "spam", "-q", "precision", "--json"],
     ["list", "--status", "complete", "-s", "spam", "-q", "precision", "--json"]),
    ([ID], ["show", ID]),
    ([PREFIX], ["show", ID]),
    (["--latest"], ["show", "--latest"]),
    ([ID, "--json"], ["show", ID, "--json"]),
    (["--latest", "--json"], ["show", "--latest", "--json"]),
    ([ID, "--replay", "--speed", "100000"], ["show", ID, "--replay", "--speed", "100000"]),
    ([ID, "--export", "md"], ["export", ID]),
    ([ID, "--export", "md"], ["export", ID, "--format", "md"]),
    (["--latest", "--export", "html"], ["export", "--latest", "--format", "html"]),
    (["--latest", "--export", "html"], ["export", "--latest", "-f", "html"]),
    (["--trend"], ["trend"]),
    (["--trend", "--json"], ["trend", "--json"]),
    (["--trend", "--scenario", "spam"], ["trend", "--scenario", "spam"]),
    (["--trend", "--candidate", "PRIYA"], ["trend", "--candidate", "priya"]),
    (["--trend", "--candidate", "all", "--include-batch", "--include-incomplete", "--json"],
     ["trend", "--include-incomplete", "--include-batch", "--candidate", "ALL", "--json"]),
]


@pytest.mark.parametrize(("old", "new"), SAME, ids=[" ".join(o) or "(bare)" for o, _ in SAME])
def test_the_old_spelling_and_the_subcommand_say_the_same(made, tmp_path, old, new):
    d, ids = _copy(made, tmp_path / "s")
    before, after = review(old, d, ids), review(new, d, ids)
    assert before.exit_code == 0, before.output
    assert (after.exit_code, after.stdout, after.stderr) == (before.exit_code, before.stdout, before.stderr)
    assert before.stdout.strip()


def test_the_listing_forms_say_what_they_list(made, tmp_path):
    d, ids = _copy(made, tmp_path / "s")
    bare = review([], d, ids)
    assert all(i in bare.stdout for i in ids)
    rows = json.loads(review(["--json", "-n", "0"], d, ids).stdout)
    assert [r["session_id"] for r in rows] == ids[::-1]
    found = json.loads(review(["list", "--status", "complete", "--scenario", "spam", "-q", "PRECISION AND RECALL, "
                                                                                           "because", "--json"],
                              d, ids).stdout)
    assert [r["session_id"] for r in found] == [ids[2]]
    shown = json.loads(review(["show", ID, "--json"], d, ids).stdout)
    assert shown["session_id"] == ids[0] and shown["candidate"] == "Priya"
    page = review(["export", "--latest", "--format", "html"], d, ids).stdout
    assert page.startswith("<!DOCTYPE html>") and "Overall" in page


def test_export_to_a_file_either_way(made, tmp_path):
    d, ids = _copy(made, tmp_path / "s")
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    a = review([ID, "--export", "md", "-o", str(old)], d, ids)
    b = review(["export", ID, "-o", str(new)], d, ids)
    assert (a.exit_code, b.exit_code) == (0, 0)
    assert a.stdout == f"Wrote {old}\n" and b.stdout == f"Wrote {new}\n"
    assert old.read_text() == new.read_text() and old.read_text().startswith("# Mock interview: Priya")


def test_trend_plot_either_way(made, tmp_path):
    pytest.importorskip("matplotlib")
    d, ids = _copy(made, tmp_path / "s")
    a = review(["--trend", "--json", "--plot", str(tmp_path / "old")], d, ids)
    b = review(["trend", "--json", "--plot", str(tmp_path / "new")], d, ids)
    assert (a.exit_code, b.exit_code) == (0, 0)
    assert a.stdout == b.stdout and json.loads(a.stdout)["sessions"] == ids
    assert a.stderr == f"Wrote {tmp_path / 'old.png'}\n" and b.stderr == f"Wrote {tmp_path / 'new.png'}\n"
    assert (tmp_path / "old.png").stat().st_size > 10_000 and (tmp_path / "new.png").stat().st_size > 10_000


RESCORES = [
    (["--rescore", ID, "--offline"], ["rescore", ID, "--offline"], 1),
    (["--rescore", "--latest", "--offline"], ["rescore", "--latest", "--offline"], 1),
    (["--rescore", "--all", "--offline"], ["rescore", "--all", "--offline"], 3),
    (["--rescore", "--all", "--scenario", "spam", "--offline"], ["rescore", "--all", "-s", "spam", "--offline"], 2),
]


@pytest.mark.parametrize(("old", "new", "lines"), RESCORES, ids=[" ".join(o) for o, _, _ in RESCORES])
def test_rescore_either_way(made, tmp_path, old, new, lines):
    a_dir, ids = _copy(made, tmp_path / "a")
    b_dir, _ = _copy(made, tmp_path / "b")
    a, b = review(old, a_dir, ids), review(new, b_dir, ids)
    assert a.exit_code == 0, a.output
    assert (b.exit_code, b.stdout, b.stderr) == (a.exit_code, a.stdout, a.stderr)
    said = a.stdout.strip().splitlines()
    assert len(said) == lines and all(re.fullmatch(r"\S+: \d+ -> \d+ \(offline judge\)", x) for x in said)
    for d in (a_dir, b_dir):
        for sid in ids:
            scores = [e for e in map(json.loads, (d / f"{sid}.jsonl").read_text().splitlines()) if e["type"] == "score"]
            assert scores[-1].get("rescored", False) is any(x.startswith(sid) for x in said)


ERRORS = [
    (["--status", "done"], 2, "'done' is not one of 'complete', 'incomplete'"),
    (["list", "--status", "done"], 2, "'done' is not one of 'complete', 'incomplete'"),
    ([ID, "--latest"], 2, "review: give a session id or --latest, not both"),
    (["show", ID, "--latest"], 2, "review show: give a session id or --latest, not both"),
    (["show"], 2, "review show: give a session id or --latest"),
    (["export"], 2, "review export: give a session id or --latest"),
    ([ID, "--export", "pdf"], 2, "'pdf' is not one of 'md', 'html'"),
    (["export", ID, "--format", "pdf"], 2, "'pdf' is not one of 'md', 'html'"),
    (["--export", "md"], 2, "review: --export and --replay need a session id or --latest"),
    (["--rescore"], 2, "review --rescore: give a session id, --latest or --all"),
    (["rescore"], 2, "review rescore: give a session id, --latest or --all"),
    (["rescore", "--all", "--judge", "llm"], 2, "judge: llm needs a model"),
    (["nope"], 3, "no session matches 'nope'"),
    (["show", "nope"], 3, "no session matches 'nope'"),
]


@pytest.mark.parametrize(("args", "code", "message"), ERRORS, ids=[" ".join(a) for a, _, _ in ERRORS])
def test_a_bad_review_is_one_line_and_its_exit_code(made, tmp_path, args, code, message):
    d, ids = _copy(made, tmp_path / "s")
    out = review(args, d, ids)
    assert out.exit_code == code and out.stdout == "", out.output
    assert out.stderr.startswith("mlcoach: error: ") and message in out.stderr and out.stderr.count("\n") == 1


def test_no_scored_sessions_for_a_trend(tmp_path):
    for args, command in ((["--trend"], "review --trend"), (["trend"], "review trend")):
        out = review(args, tmp_path / "none", [""])
        assert out.exit_code == 3 and out.stderr == f"mlcoach: error: {command}: no scored sessions yet\n"


def test_review_help_lists_the_subcommands_and_the_short_forms():
    out = runner.invoke(app, ["review", "--help"])
    assert out.exit_code == 0
    for name in ("list", "show", "export", "trend", "rescore"):
        assert re.search(rf"^\W*{name}\s", out.stdout, re.M), name
    assert "legacy" not in out.stdout
    flat = " ".join(out.stdout.split())
    assert "mlcoach review ID" in flat and "--export md|html" in flat and "Examples:" in flat
    assert runner.invoke(app, ["review", "-h"]).stdout == out.stdout
    assert runner.invoke(app, ["review", "--help", "--sessions-dir", "x"]).stdout == out.stdout
    assert "review" in runner.invoke(app, ["--help"]).stdout


@pytest.mark.parametrize("name", ["list", "show", "export", "trend", "rescore"])
def test_every_review_subcommand_has_an_example(name):
    out = runner.invoke(app, ["review", name, "--help"])
    assert out.exit_code == 0
    flat = " ".join(out.stdout.split())
    assert f"Example: mlcoach review {name} " in flat and "The same as: mlcoach review " in flat


def test_the_old_single_command_keeps_its_usage_and_help(made, tmp_path):
    d, ids = _copy(made, tmp_path / "s")
    out = review([ID, "--help"], d, ids)
    flat = " ".join(out.stdout.split())
    assert out.exit_code == 0 and "Usage: mlcoach review [OPTIONS] [session_id]" in flat
    assert "--rescore" in flat and "--trend" in flat and "--export" in flat
    bad = review(["--speed", "0", ID], d, ids)
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("mlcoach: error: Invalid value for '--speed'") and "(see: mlcoach review -h)" in bad.stderr


# ---------------------------------------------------------------------------------------------- trend labels


def _persona_copy(home, pid: str, label: str):
    text = (ROOT / "personas" / "ml-engineer.toml").read_text()
    text = text.replace('id = "ml-engineer"', f'id = "{pid}"', 1)
    text = text.replace('label = "Mentions evaluation metrics appropriate to the problem"', f'label = "{label}"', 1)
    (home / "personas").mkdir(exist_ok=True)
    (home / "personas" / f"{pid}.toml").write_text(text)


def test_trend_labels_come_from_the_personas_the_sessions_used(tmp_path, _isolated_home):
    from mlcoach.trend import labels

    _persona_copy(_isolated_home, "metrics-lead", "Chooses metrics that fit the cost of errors")
    d = tmp_path / "s"
    out = runner.invoke(app, ["batch", str(CANDIDATES / "strong-spam.toml"), "--persona", "metrics-lead",
                              "--sessions-dir", str(d)])
    assert out.exit_code == 0, out.output
    for args in (["--trend"], ["trend"]):  # a batch session: counted when asked for
        shown = runner.invoke(app, ["review", *args, "--include-batch", "--sessions-dir", str(d)])
        flat = " ".join(shown.stdout.split())
        assert shown.exit_code == 0 and "Chooses metrics that fit the cost of errors" in flat
        assert "Mentions evaluation metrics" not in flat
    rows, _ = history.list_sessions(d)
    assert labels(rows)["evaluation_metrics"] == "Chooses metrics that fit the cost of errors"
    assert labels([Row("a", persona="ml-engineer")])["evaluation_metrics"].startswith("Mentions evaluation metrics")
    assert labels([Row("a", persona="gone"), Row("b")]) == {}  # the ids will do


def test_trend_labels_fall_back_to_ids_for_a_persona_that_no_longer_loads(made, tmp_path):
    d, ids = _copy(made, tmp_path / "s")
    for sid in ids:
        toml = d / f"{sid}.toml"
        toml.write_text(toml.read_text().replace('persona = "ml-engineer"', 'persona = "retired"'))
    out = review(["trend"], d, ids)
    flat = " ".join(out.stdout.split())
    assert out.exit_code == 0 and "evaluation_metrics" in flat and "Mentions evaluation metrics" not in flat


# ---------------------------------------------------------------------------------------------- the boundary


@pytest.mark.parametrize(("raised", "code", "line"), [
    (KeyboardInterrupt(), 130, "mlcoach: interrupted\n"),
    (RuntimeError("boom"), 1, "mlcoach: internal error: RuntimeError: boom (run with --debug for details)\n"),
], ids=["ctrl-c", "internal"])
def test_the_boundary_turns_anything_into_one_line_and_an_exit_code(tmp_path, monkeypatch, raised, code, line):
    def fail(*_a, **_k):
        raise raised

    monkeypatch.setattr(history, "search", fail)
    out = runner.invoke(app, ["review", "list", "--sessions-dir", str(tmp_path)])
    assert (out.exit_code, out.stdout, out.stderr) == (code, "", line)
    debug = runner.invoke(app, ["--debug", "review", "list", "--sessions-dir", str(tmp_path)])
    if isinstance(raised, KeyboardInterrupt):  # --debug: Typer's own handling (exit 130, no line)
        assert (debug.exit_code, debug.stderr) == (130, "")
    else:  # --debug: the exception itself, for its traceback
        assert type(debug.exception) is type(raised)


def test_report_is_the_one_boundary(capsys):
    from mlcoach.cli.boundary import report
    from mlcoach.errors import BadInput, ExitCode, InUse, MlcoachError, NotFound

    cases = [(BadInput("x: y"), ExitCode.BAD_INPUT, "mlcoach: error: x: y"),
             (NotFound("gone"), ExitCode.NOT_FOUND, "mlcoach: error: gone"),
             (InUse("busy"), ExitCode.IN_USE, "mlcoach: error: busy"),
             (MlcoachError("failed"), ExitCode.ERROR, "mlcoach: error: failed"),
             (KeyboardInterrupt(), ExitCode.INTERRUPTED, "mlcoach: interrupted"),
             (ValueError("odd"), ExitCode.ERROR, "mlcoach: internal error: ValueError: odd")]
    for exc, code, line in cases:
        assert report(exc, debug=False) == code
        err = capsys.readouterr().err
        assert err.startswith(line) and err.count("\n") == 1
        with pytest.raises(type(exc)):
            report(exc, debug=True)


def test_main_uses_the_same_boundary(tmp_path):
    import subprocess
    import sys

    code = ("import sys\nfrom mlcoach.cli import main\nsys.argv = ['mlcoach', 'review', 'show', 'nope', "
            f"'--sessions-dir', {str(tmp_path)!r}]\nmain()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 3 and proc.stderr == f"mlcoach: error: {tmp_path}: no session matches 'nope'\n"


def test_the_readme_review_examples_run(made, tmp_path, monkeypatch):
    """Every `mlcoach review` line of the README's command list, and the spelling in its comment, works."""
    d, ids = _copy(made, tmp_path / "s")
    monkeypatch.chdir(tmp_path)
    block = (ROOT / "README.md").read_text().split("## Commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    examples = []
    for line in block.splitlines():
        command, _, comment = line.partition("#")
        if command.startswith("mlcoach review"):
            examples.append(command.split()[2:])
            also = re.search(r"also: (?:mlcoach )?review ([^)]*)\)", comment)
            if also:
                examples.append(also.group(1).split())
    assert len(examples) >= 8
    for args in examples:
        out = runner.invoke(app, ["review", *[ids[0] if a == "ID" else a for a in args], "--sessions-dir", str(d)])
        assert out.exit_code == 0, (args, out.output)
    assert (tmp_path / "s.html").read_text().startswith("<!DOCTYPE html>")


def test_the_review_core_without_the_cli(made, tmp_path):
    from mlcoach.errors import BadInput, NotFound
    from mlcoach.history import Filters
    from mlcoach.judge import OfflineJudge
    from mlcoach.rescore import rescore_each
    from tests.helpers import events

    d, ids = _copy(made, tmp_path / "s")
    every = history.search(d)
    assert [r.session_id for r in every.rows] == ids[::-1] and every.total == 3 and every.warnings == []
    spam = history.search(d, Filters(status="complete", scenario="spam"))
    assert {r.session_id for r in spam.rows} == {ids[0], ids[2]} and spam.total == 3
    said = history.search(d, Filters(query="PRECISION AND RECALL, because"))
    assert [r.session_id for r in said.rows] == [ids[2]]
    assert history.search(d, Filters(query="session_id")).rows == []  # a key of the log, not something said
    assert history.pick(d) == d / f"{ids[-1]}.jsonl" and history.pick(d, ids[0][:18]) == d / f"{ids[0]}.jsonl"
    with pytest.raises(NotFound, match="no sessions yet"):
        history.pick(tmp_path / "empty")
    summary = history.summary_of(d / "x.jsonl", records_of(events(d / f"{ids[0]}.jsonl")))
    assert summary.candidate == "Priya" and summary.interviewer_name == "Alex"

    broken = d / f"{ids[1]}.jsonl"
    broken.write_text("")  # an empty log: not a session any more
    done = list(rescore_each([d / f"{ids[0]}.jsonl", broken], OfflineJudge))
    assert done[0].after is not None and done[0].scored_by == "offline" and not done[0].error
    assert done[1].after is None and f"{broken}: line 1: expected the meta record" in done[1].error
    with pytest.raises(BadInput):
        list(rescore_each([broken], OfflineJudge))
