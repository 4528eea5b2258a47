"""The batch core (`prepare_batch`, `run_batch`) and `mlcoach batch` over it: checks first, then the interviews."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mlcoach import config
from mlcoach.batch import as_row, notices, prepare_batch, run_batch, shard_files
from mlcoach.cli import app
from mlcoach.errors import BadInput, NotFound
from tests.helpers import CANDIDATES

runner = CliRunner()
FILES = [CANDIDATES / f"{c}.toml" for c in ("strong-spam", "oneword", "average-house", "weak-vague")]


def _settings(tmp_path, **flags):
    return config.resolve(sessions_dir=str(tmp_path / "s"), **flags)


def test_prepare_checks_everything_before_anything_runs(tmp_path):
    settings = _settings(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "A"\nscenario = "chess"\n[answers]\n')
    with pytest.raises(BadInput, match=f"{bad}: scenario: unknown id 'chess'"):
        prepare_batch([FILES[0], bad], settings)
    with pytest.raises(NotFound, match="--persona: unknown id 'nobody'"):
        prepare_batch(FILES[:1], settings, persona="nobody")
    with pytest.raises(BadInput, match="--shard: expected K/N"):
        prepare_batch(FILES, settings, shard="0/2")
    with pytest.raises(BadInput, match="judge: llm needs a model"):
        prepare_batch(FILES, _settings(tmp_path, judge="llm"))
    assert not (tmp_path / "s").exists()
    job = prepare_batch(FILES, settings, seed=3)
    assert [s.name for s in job.scripts] == ["Priya", "Lars", "Fatima", "Camila"]
    assert job.personas == ("ml-engineer",) * 4 and job.transcribe is None and not (tmp_path / "s").exists()


def test_shards_are_interleaved_slices_of_the_sorted_files():
    files = sorted(FILES, key=str)
    assert shard_files(FILES, None) == FILES
    assert shard_files(FILES, "1/2") == files[0::2] and shard_files(FILES, "2/2") == files[1::2]
    assert sorted(shard_files(FILES, "1/3") + shard_files(FILES, "2/3") + shard_files(FILES, "3/3")) == files
    for spec in ("3/2", "x", "1/0", "1"):
        with pytest.raises(BadInput):
            shard_files(FILES, spec)


def test_run_in_the_order_of_the_files_one_or_several_at_once(tmp_path):
    steps = []
    one = run_batch(prepare_batch(FILES, _settings(tmp_path / "a"), seed=3), step=lambda: steps.append(1))
    many = run_batch(prepare_batch(FILES, _settings(tmp_path / "b"), seed=3), concurrency=3)
    assert len(steps) == 4 and [r.candidate for r in one] == ["Priya", "Lars", "Fatima", "Camila"]

    def same(r):
        return {k: v for k, v in as_row(r).items() if k != "session_id"}

    assert [same(r) for r in one] == [same(r) for r in many]
    row = as_row(one[0])
    assert list(row) == ["file", "session_id", "candidate", "scenario", "status", "questions", "phases", "overall",
                         "band", "judge", "criteria", "red_flags", "interviewer", "usage", "fallbacks"]
    assert row["status"] == "complete" and row["judge"] == "offline" and row["overall"] > 60
    assert notices(one) == []


def test_notices_once_per_kind_with_the_file():
    from types import SimpleNamespace

    results = [SimpleNamespace(file="/x/a.toml", notices=("model down", "slow")),
               SimpleNamespace(file="/x/b.toml", notices=("model down", "new"))]
    assert notices(results) == ["a.toml: model down", "a.toml: slow", "b.toml: new"]


def test_the_command_is_the_core_with_a_table_or_json(tmp_path):
    files = [str(f) for f in FILES]
    out = runner.invoke(app, ["batch", *files, "-j", "2", "--shard", "2/2", "--seed", "3", "--json",
                              "--sessions-dir", str(tmp_path)])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    expected = [str(f) for f in shard_files(FILES, "2/2")]
    assert [r["file"] for r in rows] == expected and len(list(tmp_path.glob("*.jsonl"))) == 2
    table = runner.invoke(app, ["batch", files[0], "--sessions-dir", str(tmp_path / "t")])
    assert table.exit_code == 0 and "Priya" in table.stdout and f"sessions in {tmp_path / 't'}" in \
        " ".join(table.stdout.split())
