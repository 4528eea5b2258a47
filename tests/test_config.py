"""Configuration resolves in one place: flag > MLCOACH_* environment variable > config file > default."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlcoach import config
from mlcoach.cli import app
from tests.helpers import CANDIDATES

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_settings(monkeypatch):
    """Every MLCOACH_* setting cleared, not only the ones conftest knows."""
    for _kind, env, _default in config.KEYS.values():
        if env:
            monkeypatch.delenv(env, raising=False)


# key -> (flag value, environment text, file value, default); every layer different
LAYERS = {
    "model": ("openai/from-flag", "openai/from-env", "openai/from-file", ""),
    "persona": ("flag-persona", "env-persona", "file-persona", "ml-engineer"),
    "duration": (20, "30", 40, 45),
    "judge": ("offline", "llm", "auto", "auto"),
    "timeout": (5.0, "6.5", 7, 60.0),
    "max_cost": (0.5, "1.5", 2.5, 0.0),
    "name": ("Flag", "Env", "File", ""),
}


def _file(**values) -> None:
    import tomli_w

    path = config.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(values))


def _env(key: str) -> str:
    return config.KEYS[key][1]


@pytest.mark.parametrize("key", sorted(LAYERS))
def test_flag_beats_environment_beats_file_beats_default(key, monkeypatch):
    flag, env, file, default = LAYERS[key]
    as_env = config.parse(key, env, "test")
    assert getattr(config.resolve(), key) == default and config.resolve().sources[key] == "default"
    _file(**{key: file})
    assert getattr(config.resolve(), key) == file and config.resolve().sources[key] == "file"
    monkeypatch.setenv(_env(key), env)
    assert getattr(config.resolve(), key) == as_env and config.resolve().sources[key] == "environment"
    assert getattr(config.resolve(**{key: flag}), key) == flag and config.resolve(**{key: flag}).sources[key] == "flag"
    assert getattr(config.resolve(**{key: None}), key) == as_env  # a flag not given is no flag


def test_sessions_dir_precedence(tmp_path, monkeypatch, _isolated_home):
    assert config.resolve().sessions_dir == _isolated_home / "sessions"  # MLCOACH_HOME's
    _file(sessions_dir=str(tmp_path / "file"))
    assert config.resolve().sessions_dir == tmp_path / "file"
    monkeypatch.setenv("MLCOACH_SESSIONS_DIR", str(tmp_path / "env"))
    assert config.resolve().sessions_dir == tmp_path / "env"
    assert config.resolve(sessions_dir=str(tmp_path / "flag")).sessions_dir == tmp_path / "flag"
    monkeypatch.setenv("MLCOACH_SESSIONS_DIR", "~/elsewhere")
    assert config.resolve().sessions_dir == Path.home() / "elsewhere"


def test_an_empty_environment_variable_is_not_set(monkeypatch):
    _file(model="openai/from-file")
    monkeypatch.setenv("MLCOACH_MODEL", "")
    assert config.resolve().model == "openai/from-file"


@pytest.mark.parametrize(("key", "env", "text", "problem"), [
    ("duration", "MLCOACH_DURATION", "soon", "expected an integer"),
    ("judge", "MLCOACH_JUDGE", "oracle", "expected one of auto, llm, offline"),
    ("timeout", "MLCOACH_TIMEOUT", "0", "must be a positive number"),
])
def test_a_bad_value_names_its_layer(key, env, text, problem, monkeypatch):
    from mlcoach.errors import BadInput

    monkeypatch.setenv(env, text)
    with pytest.raises(BadInput, match=f"environment: {env}: .*{problem}"):
        config.resolve()
    monkeypatch.delenv(env)
    _file(**{key: "x" if key != "judge" else "oracle"})
    with pytest.raises(BadInput, match=re.escape(f"{config.config_path()}: {key}: ")):
        config.resolve()


# ---------------------------------------------------------------------------------------------- through the CLI


def _batch(*args, sessions_dir):
    out = runner.invoke(app, ["batch", str(CANDIDATES / "strong-spam.toml"), "--json", "--seed", "1",
                              *args, "--sessions-dir", str(sessions_dir)])
    return out


def test_the_commands_follow_the_same_order(tmp_path, monkeypatch):
    """Duration, sessions directory, persona and judge, as a batch and the config listing see them."""
    _file(duration=40, sessions_dir=str(tmp_path / "file"), judge="offline", persona="file-persona")
    show = runner.invoke(app, ["config", "show"])
    assert show.exit_code == 0
    for key in ("duration", "sessions_dir", "judge", "persona"):
        assert any(line.split()[:1] == [key] and "file" in line.split() for line in show.stdout.splitlines()), key

    # The persona: the file's is named as the file's, the environment's as MLCOACH_PERSONA, a flag's as --persona.
    bad = _batch(sessions_dir=tmp_path / "x")
    assert bad.exit_code == 3 and f"{config.config_path()}: persona: unknown id 'file-persona'" in bad.stderr
    monkeypatch.setenv("MLCOACH_PERSONA", "env-persona")
    bad = _batch(sessions_dir=tmp_path / "x")
    assert bad.exit_code == 3 and "MLCOACH_PERSONA: unknown id 'env-persona'" in bad.stderr
    bad = _batch("--persona", "flag-persona", sessions_dir=tmp_path / "x")
    assert bad.exit_code == 3 and "--persona: unknown id 'flag-persona'" in bad.stderr
    ok = _batch("--persona", "ml-engineer", sessions_dir=tmp_path / "x")
    assert ok.exit_code == 0, ok.output

    monkeypatch.setenv("MLCOACH_PERSONA", "ml-engineer")
    monkeypatch.setenv("MLCOACH_DURATION", "30")
    ran = runner.invoke(app, ["batch", str(CANDIDATES / "strong-spam.toml"), "--json", "--seed", "1"])
    assert ran.exit_code == 0, ran.output
    sid = json.loads(ran.stdout)[0]["session_id"]
    meta = json.loads((tmp_path / "file" / f"{sid}.jsonl").read_text().splitlines()[0])  # the file's directory
    assert meta["duration_minutes"] == 30  # the environment's duration over the file's
    ran = _batch("--duration", "20", sessions_dir=tmp_path / "flag")
    sid = json.loads(ran.stdout)[0]["session_id"]
    assert json.loads((tmp_path / "flag" / f"{sid}.jsonl").read_text().splitlines()[0])["duration_minutes"] == 20

    # The judge: llm from the environment needs a model; the flag's offline wins over it.
    monkeypatch.setenv("MLCOACH_JUDGE", "llm")
    assert _batch(sessions_dir=tmp_path / "j").exit_code == 2
    assert _batch("--judge", "offline", sessions_dir=tmp_path / "j").exit_code == 0


def test_the_model_from_the_environment_beats_the_file_and_the_flag_beats_both(tmp_path, monkeypatch):
    _file(model="openai/from-file")
    shown = runner.invoke(app, ["config", "show"])
    assert "openai/from-file" in shown.stdout
    monkeypatch.setenv("MLCOACH_MODEL", "openai/from-env")
    shown = runner.invoke(app, ["config", "show"])
    assert "openai/from-env" in shown.stdout and "openai/from-file" not in shown.stdout
    # --offline keeps a configured model out of the session; with --judge llm the model is needed and is there.
    ran = _batch("--offline", sessions_dir=tmp_path / "s")
    assert ran.exit_code == 0 and json.loads(ran.stdout)[0]["judge"] == "offline"


def test_a_model_alias_resolves_and_models_lists_it_with_its_key_state(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCOACH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert runner.invoke(app, ["models", "alias", "local", "ollama_chat/llama3.1"]).exit_code == 0
    assert runner.invoke(app, ["models", "alias", "hosted", "anthropic/claude-3-5-haiku-latest"]).exit_code == 0
    assert config.resolve(model="local").model == "ollama_chat/llama3.1"
    listed = runner.invoke(app, ["models"]).stdout
    assert "ollama_chat/llama3.1" in listed and "no key needed" in listed
    assert "no key (ANTHROPIC_API_KEY)" in listed
    stored = runner.invoke(app, ["keys", "set", "anthropic"], input="sk-ant-secret-key-123456\n")
    assert stored.exit_code == 0 and "sk-ant" not in stored.stdout
    assert oct((tmp_path / "home" / "keys.toml").stat().st_mode & 0o777) == "0o600"
    listed = runner.invoke(app, ["models"]).stdout
    assert "key set" in listed and "sk-ant" not in listed
    refused = runner.invoke(app, ["config", "set", "api_key", "sk-x"])
    assert refused.exit_code == 2 and "mlcoach keys set PROVIDER" in refused.stderr
    (tmp_path / "home" / "config.toml").write_text("[aliases]\nbad = 3\n")
    broken = runner.invoke(app, ["models"])
    assert broken.exit_code == 2 and "aliases.bad" in broken.stderr
