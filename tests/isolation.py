"""What a test may not inherit from the shell that runs it, and the function that takes it away.

The code under test reads every `MLCOACH_*` setting (mlcoach/config.py), the provider's key and endpoint variables
(LiteLLM, and mlcoach/llm.py's `_provider_key_set`), and treats any `*_KEY`, `*_TOKEN` or `*_SECRET` as a secret to
scrub (mlcoach/llm.py's `scrub`); mlcoach/config.py falls back to `XDG_CONFIG_HOME`/`XDG_DATA_HOME` without
`MLCOACH_HOME`. None of them may come from the developer's environment.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

SECRET_OR_ENDPOINT = ("_API_KEY", "_KEY", "_TOKEN", "_SECRET", "_API_BASE", "_BASE_URL")


def inherited(names: Iterable[str]) -> list[str]:
    """The names among `names` the code under test would read: every MLCOACH_* name (by prefix, so a setting added
    tomorrow is covered too), and every key, token, secret or endpoint variable."""
    return sorted(n for n in names if n.startswith("MLCOACH_") or "API_KEY" in n or n.endswith(SECRET_OR_ENDPOINT))


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Clear every inherited setting, then point MLCOACH_HOME (and the XDG fallbacks) at `home`."""
    for name in inherited(list(os.environ)):
        monkeypatch.delenv(name)
    monkeypatch.setenv("MLCOACH_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
