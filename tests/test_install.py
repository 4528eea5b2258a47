"""The base install (issue 16): `pip install .` with no extras, in a clean virtual environment, is the offline
product: small, an offline interview and review run, and `--model` says how to install LiteLLM (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASE_LIMIT_MB = 100


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


@pytest.fixture(scope="module")
def base_venv(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("base") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # pip from this environment installs into the new one: the new one holds only mlcoach and what it needs.
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                           "--quiet", "--no-input", str(ROOT)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        if "Could not find a version" in done.stderr or "connection" in done.stderr.lower():
            pytest.skip("no package registry reachable: " + done.stderr.strip().splitlines()[-1])
        raise AssertionError(done.stderr)
    return venv


def _run(venv: Path, args: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLCOACH_", "OPENAI", "LITELLM"))}
    env["MLCOACH_HOME"] = str(home)
    return subprocess.run([str(venv / "bin" / "mlcoach"), *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def test_the_base_install_is_small_and_has_no_model_libraries(base_venv):
    site = next((base_venv / "lib").glob("python3*/site-packages"))
    names = {p.name.lower() for p in site.iterdir()}
    assert "litellm" not in names and "openai" not in names and "tokenizers" not in names
    assert _size_mb(base_venv) < BASE_LIMIT_MB, f"{_size_mb(base_venv):.0f} MB"
    assert any(n.startswith("mlcoach-") and n.endswith(".dist-info") for n in names)
    licence = next(site.glob("mlcoach-*.dist-info")).rglob("LICENSE*")
    assert any("MIT License" in p.read_text() for p in licence)


def test_the_base_install_runs_an_offline_interview_and_review(base_venv, tmp_path):
    sessions = tmp_path / "s"
    done = _run(base_venv, ["interview", "--name", "Bo", "--sessions-dir", str(sessions)], tmp_path,
                "I built a spam filter with logistic regression and tuned the threshold on precision.\n/end\n")
    assert done.returncode == 0, done.stderr
    (log,) = sessions.glob("*.jsonl")
    shown = _run(base_venv, ["review", "show", log.stem, "--sessions-dir", str(sessions)], tmp_path)
    assert shown.returncode == 0 and "Feedback" in shown.stdout and "logistic regression" in shown.stdout


def test_a_model_without_litellm_is_the_install_line_and_exit_2(base_venv, tmp_path):
    done = _run(base_venv, ["interview", "--model", "openai/gpt-4o-mini", "--sessions-dir", str(tmp_path)],
                tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "pip install 'mlcoach[llm]'" in done.stderr
    assert "Traceback" not in done.stderr and not list(tmp_path.glob("*.jsonl"))
