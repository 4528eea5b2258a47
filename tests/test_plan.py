"""The practice plan (issue 18, its second part): over a simulated history in which one criterion improves and
another does not, the improving one moves later in the plan and the other stays first."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from mlcoach.cli import app
from mlcoach.plan import plan
from mlcoach.trend import Trend
from tests.helpers import run

runner = CliRunner()


def _trend(days: list[str], improving: list[int], flat: list[int], steady: list[int]) -> Trend:
    return Trend(tuple(f"s{i}" for i in range(len(days))), tuple(days), tuple(50 for _ in days),
                 {"production": tuple(improving), "data_quality": tuple(flat), "evaluation_metrics": tuple(steady)},
                 ())


def test_an_improving_criterion_moves_later_and_a_flat_one_stays_first():
    labels = {"production": "Production", "data_quality": "Data", "evaluation_metrics": "Evaluation"}
    early = plan(_trend(["2026-11-01", "2026-11-02"], [1, 1], [1, 1], [2, 2]), labels)
    late = plan(_trend(["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"], [1, 1, 3, 4], [1, 1, 1, 1],
                       [2, 2, 2, 2]), labels)
    order = [i.criterion for i in late]
    assert order[0] == "data_quality" and order.index("production") == 2
    assert [i.criterion for i in early].index("production") < order.index("production")
    first = late[0]
    assert first.scores == (1, 1, 1, 1) and first.due == "2026-11-05" and "--focus data_quality" in first.command
    assert late[2].due == "2026-11-18"  # practised well: back in two weeks


def _history(tmp_path, scores: list[dict[str, int]]):
    """Live sessions under one name whose summaries carry the given criterion scores, a day apart."""
    for day, table in enumerate(scores, start=1):
        result = run("average-spam", tmp_path, seed=day, mode="live")
        summary = tmp_path / f"{result.session_id}.toml"
        text = re.sub(r'(?m)^started = ".*"$', f'started = "2026-11-{day:02d}T10:00:00+00:00"', summary.read_text())
        for cid, value in table.items():
            text = re.sub(rf"(?m)^{cid} = \d+$", f"{cid} = {value}", text)
        summary.write_text(text)


def test_the_plan_command_over_a_history_and_what_improved_since_it_was_last_shown(tmp_path):
    _history(tmp_path, [{"production": 1, "data_quality": 1}, {"production": 1, "data_quality": 1}])
    first = json.loads(runner.invoke(app, ["plan", "--candidate", "Jonas", "--json", "--sessions-dir",
                                           str(tmp_path)]).stdout)
    assert first["candidate"] == "Jonas" and first["improved"] == []
    _history(tmp_path, [{"production": 3, "data_quality": 1}, {"production": 4, "data_quality": 1}])
    later = json.loads(runner.invoke(app, ["plan", "--candidate", "Jonas", "--json", "--sessions-dir",
                                           str(tmp_path)]).stdout)
    order = [i["criterion"] for i in later["items"]]
    before = [i["criterion"] for i in first["items"]]
    assert order.index("production") > before.index("production")
    assert order.index("data_quality") <= before.index("data_quality")
    assert any(line.endswith("1 -> 4") for line in later["improved"])  # production, since it was last shown
    shown = runner.invoke(app, ["plan", "--candidate", "Jonas", "--sessions-dir", str(tmp_path)])
    assert shown.exit_code == 0 and "1. " in shown.stdout and "mlcoach interview --focus" in shown.stdout
    nobody = runner.invoke(app, ["plan", "--candidate", "Nobody", "--sessions-dir", str(tmp_path)])
    assert nobody.exit_code == 0 and "No scored sessions" in nobody.stdout
