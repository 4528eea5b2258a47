"""Shared test helpers: run candidate scripts through the real engine and read back what was logged."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from mlcoach import script
from mlcoach.batch import run_script

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = ROOT / "tests" / "candidates"
LABELS = tomllib.loads((CANDIDATES / "labels.toml").read_text())


def candidate_ids() -> list[str]:
    return sorted(p.stem for p in CANDIDATES.glob("*.toml") if p.stem != "labels")


def run(candidate: str, sessions_dir: Path, seed: int = 7, **kw):
    return run_script(script.load(CANDIDATES / f"{candidate}.toml"), sessions_dir=sessions_dir, seed=seed, **kw)


def events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def questions(evs: list[dict]) -> list[dict]:
    return [e for e in evs if e["type"] == "interviewer" and e["kind"] in ("greeting", "question", "probe", "closing")]
