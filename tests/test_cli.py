from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from mlcoach import __version__
from mlcoach.cli import app
from tests.helpers import CANDIDATES, candidate_ids

runner = CliRunner()


def test_help_and_version():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("interview", "batch", "review", "personas"):
        assert command in result.output
    result = runner.invoke(app, ["--version"])
    assert result.output.strip() == f"mlcoach {__version__}"


def test_importing_the_cli_does_not_import_litellm():
    code = "import sys, mlcoach.cli; print('litellm' in sys.modules, 'prompt_toolkit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_an_offline_batch_never_imports_litellm(tmp_path):
    code = ("import sys\nfrom mlcoach.cli import main\nsys.argv = ['mlcoach', 'batch', '--offline', '--json', "
            f"'--sessions-dir', {str(tmp_path)!r}, {str(CANDIDATES / 'strong-spam.toml')!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint('litellm' in sys.modules, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stderr.strip().endswith("False")
    rows = json.loads(proc.stdout)  # the batch really ran, offline
    assert rows[0]["status"] == "complete" and (tmp_path / f"{rows[0]['session_id']}.jsonl").exists()


def test_a_drill_never_imports_litellm(tmp_path):
    code = ("import sys\nfrom mlcoach.cli import main\nsys.argv = ['mlcoach', 'drill', 'drift', '--name', 'Ana', "
            f"'--sessions-dir', {str(tmp_path)!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint('litellm' in sys.modules, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, input="/end\n")
    assert proc.stderr.strip().endswith("False")
    assert "Drill report" in proc.stdout  # the drill really ran


def test_batch_json(tmp_path):
    files = [str(CANDIDATES / f"{c}.toml") for c in ("strong-spam", "oneword")]
    result = runner.invoke(app, ["batch", *files, "--offline", "--json", "--sessions-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["candidate"] for r in rows] == ["Priya", "Lars"]
    for r in rows:
        assert set(r) >= {"file", "session_id", "candidate", "scenario", "status", "questions", "phases"}
        assert r["status"] == "complete" and r["phases"][0] == "opening" and r["phases"][-1] == "closing"
        assert (tmp_path / f"{r['session_id']}.jsonl").exists()


def test_batch_table(tmp_path):
    result = runner.invoke(app, ["batch", str(CANDIDATES / "average-spam.toml"), "--sessions-dir", str(tmp_path)])
    assert result.exit_code == 0 and "Jonas" in result.output and "complete" in result.output


def _script(tmp_path, body: str):
    path = tmp_path / "bad.toml"
    path.write_text(body)
    return path


def test_a_bad_script_stops_the_batch_before_anything_runs(tmp_path):
    good = CANDIDATES / "strong-spam.toml"
    cases = [
        ('name = "A"\nscenario = "spam"\ncolour = "red"\n[answers]\n', "colour", "unknown key"),
        ('name = "A"\nscenario = "chess"\n[answers]\n', "scenario", "unknown id 'chess'"),
        ('name = "A"\n[answers]\ndesign = "one"\n', "answers.design", "expected an array"),
        ('name = "A"\n[answers]\ndesign = [{ text = "x", seconds = "long" }]\n', "answers.design[0].seconds",
         "from 0 to 86400"),
        ('name = "A"\n[answers]\ndesign = [{ text = "x", seconds = inf }]\n', "answers.design[0].seconds",
         "from 0 to 86400"),
        ('name = 3\n[answers]\n', "name", "expected a string"),
        ('name = "A"\n[answers]\nwarmup = ["x"]\n', "answers.warmup", "unknown phase"),
    ]
    for body, key, problem in cases:
        bad = _script(tmp_path, body)
        d = tmp_path / "s"
        result = runner.invoke(app, ["batch", str(good), str(bad), "--sessions-dir", str(d)])
        assert result.exit_code == 2, (body, result.output)
        line = result.stderr.strip()
        assert "\n" not in line and str(bad) in line and key in line and problem in line, line
        assert not d.exists() or not list(d.glob("*.jsonl")), "nothing may run"


def test_a_dozen_offline_interviews_in_one_batch(tmp_path):
    files = [str(CANDIDATES / f"{c}.toml") for c in candidate_ids()][:12]
    result = runner.invoke(app, ["batch", *files, "--json", "--sessions-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 12 and len(list(tmp_path.glob("*.toml"))) == 12


def test_review_shows_one_sessions_feedback_report(tmp_path):
    out = runner.invoke(app, ["batch", str(CANDIDATES / "weak-vague.toml"), "--json", "--sessions-dir", str(tmp_path)])
    row = json.loads(out.stdout)[0]
    result = runner.invoke(app, ["review", row["session_id"][:17], "--sessions-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"Overall {row['overall']}/100" in result.output and row["band"] in result.output
    assert "Jumps to complex models" in result.output and "Instead:" in result.output
    assert "A strong answer's structure" in result.output
    data = json.loads(runner.invoke(app, ["review", row["session_id"], "--json", "--sessions-dir",
                                          str(tmp_path)]).stdout)
    assert data["score"]["overall"] == row["overall"]
    missing = runner.invoke(app, ["review", "19990101T000000Z", "--sessions-dir", str(tmp_path)])
    assert missing.exit_code == 3 and "no session matches" in missing.output
