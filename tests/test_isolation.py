"""The autouse fixtures in conftest.py: no setting, key or endpoint from the shell reaches a test."""

from __future__ import annotations

import os

from mlcoach import config
from tests.isolation import inherited, isolate

HOSTILE = {"MLCOACH_JUDGE": "llm", "MLCOACH_MODEL": "openai/x", "MLCOACH_API_BASE": "http://127.0.0.1:9/v1",
           "MLCOACH_DURATION": "3", "MLCOACH_SESSIONS_DIR": "/nonexistent", "MLCOACH_NAME": "Mallory",
           "MLCOACH_PERSONA": "nobody", "MLCOACH_TIMEOUT": "0.01", "MLCOACH_CONNECT_TIMEOUT": "0.01",
           "MLCOACH_RETRIES": "9", "MLCOACH_MAX_COST": "0.000001", "MLCOACH_HOME": "/nonexistent",
           "MLCOACH_SETTING_ADDED_TOMORROW": "x", "OPENAI_API_KEY": "sk-hostile-0123456789",
           "ANTHROPIC_API_KEY": "sk-ant-hostile-0123456789", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
           "OLLAMA_API_BASE": "http://127.0.0.1:9"}


def test_a_test_sees_no_mlcoach_setting_but_its_own_home(_isolated_home):
    assert sorted(n for n in os.environ if n.startswith("MLCOACH_")) == ["MLCOACH_HOME"]
    assert os.environ["MLCOACH_HOME"] == str(_isolated_home)
    assert inherited(os.environ) == ["MLCOACH_HOME"]


def test_isolate_clears_every_setting_whatever_the_shell_set(monkeypatch, tmp_path):
    for name, value in HOSTILE.items():
        monkeypatch.setenv(name, value)
    isolate(monkeypatch, tmp_path)
    assert inherited(os.environ) == ["MLCOACH_HOME"] and os.environ["MLCOACH_HOME"] == str(tmp_path)
    settings = config.resolve()
    assert set(settings.sources.values()) == {"default"}, settings.sources
    assert settings.sessions_dir == tmp_path / "sessions"


def test_every_environment_variable_of_the_config_is_cleared_by_its_name():
    env_names = [env for _kind, env, _default in config.KEYS.values() if env]
    assert env_names and inherited(env_names) == sorted(env_names)
    assert set(HOSTILE) >= set(env_names)  # the hostile set above tries every one of them
