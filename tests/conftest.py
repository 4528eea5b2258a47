from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.isolation import isolate

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = ROOT / "tests" / "candidates"

# litellm must never fetch anything in tests; set before any import of it.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")


@pytest.fixture(scope="session", autouse=True)
def _isolated_session(tmp_path_factory):
    """The same isolation for session- and module-scoped fixtures (the candidate runs, the persona), which are set up
    before any test's own fixtures."""
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("session-home")
        isolate(mp, home)
        yield home


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own MLCOACH_HOME, and no MLCOACH_* setting, key or endpoint from the environment: nothing
    reads the developer's config, sessions or shell."""
    home = tmp_path / "home"
    home.mkdir()
    isolate(monkeypatch, home)
    return home


@pytest.fixture
def fake_chat(monkeypatch):
    """A FakeChat behind every model client a command builds: wiring.build gets it as the client's backend."""
    from mlcoach import wiring
    from tests.fake_chat import FakeChat

    chat = FakeChat()
    build = wiring.build
    monkeypatch.setattr(wiring, "build", lambda settings, offline=False, backend=None: build(settings, offline, chat))
    return chat


@pytest.fixture
def sessions_dir(tmp_path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture(scope="session")
def persona():
    from mlcoach import personas

    return personas.load("ml-engineer")


def candidate_files() -> list[Path]:
    return sorted(p for p in CANDIDATES.glob("*.toml") if p.name != "labels.toml")


@pytest.fixture(scope="session")
def candidate_runs(tmp_path_factory):
    """Every labelled candidate interviewed once (seed 7) for the whole test run: id -> (result, events)."""
    from tests.helpers import candidate_ids, events, run

    d = tmp_path_factory.mktemp("candidates")
    out = {}
    for cid in candidate_ids():
        result = run(cid, d)
        out[cid] = (result, events(d / f"{result.session_id}.jsonl"))
    return out
