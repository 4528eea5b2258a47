"""Candidate scripts for batch mock interviews: validated here, at the edge, before anything runs."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from mlcoach.errors import BadInput, NotFound, regular_file
from mlcoach.limits import toml_loads
from mlcoach.personas import PHASE_IDS

TOP_KEYS = {"name", "scenario", "persona", "level", "answers", "traits"}
ANSWER_KEYS = {"text", "seconds", "audio", "about"}


@dataclass(frozen=True)
class ScriptAnswer:
    text: str
    seconds: float | None = None
    audio: Path | None = None
    about: str = ""  # a topic or question id of the persona: given when a question on it is asked
    where: str = ""  # "answers.design[2]": which answer of the script this is, for the log


@dataclass(frozen=True)
class Script:
    path: Path
    name: str
    scenario: str
    persona: str
    level: str
    answers: dict[str, tuple[ScriptAnswer, ...]]
    traits: tuple[str, ...] = ()  # planted: red-flag or misconception ids the judge should raise (batch --report)
    profile: object = None  # a simulate.Profile: a model plays the candidate (batch --simulate); no answers then


def load_file(path: Path) -> tuple[Script, ...]:
    """A batch file: one candidate script, or `[[simulate]]` tables (profile = "weak" or a path, count = N,
    scenario = "spam"), each N simulated candidates."""
    data = _read(path)
    if "simulate" not in data:
        return (_script(data, path),)
    from mlcoach import simulate

    tables = data["simulate"]
    if set(data) != {"simulate"} or not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise BadInput(f"{path}: simulate: expected only [[simulate]] tables (profile, count, scenario)")
    out: list[Script] = []
    for i, t in enumerate(tables):
        unknown = set(t) - {"profile", "count", "scenario"}
        if unknown or not isinstance(t.get("profile"), str) or not isinstance(t.get("count", 1), int) \
                or not 1 <= t.get("count", 1) <= 1000 or not isinstance(t.get("scenario", ""), str):
            raise BadInput(f"{path}: simulate[{i}]: expected profile (a name or a path), count (1 to 1000) and an "
                           "optional scenario")
        ref = t["profile"]
        profile = simulate.load(str((path.parent / ref).resolve()) if ref.endswith(".toml") else ref)
        scenario = t.get("scenario") or profile.scenario
        out += [Script(profile.path, profile.name, scenario, "", profile.level, {}, profile.traits, profile)
                for _ in range(t.get("count", 1))]
    return tuple(out)


def load(path: Path) -> Script:
    return _script(_read(path), path)


def _script(data: dict, path: Path) -> Script:

    def fail(key: str, problem: str) -> BadInput:
        return BadInput(f"{path}: {key}: {problem}")

    for key in data:
        if key not in TOP_KEYS:
            raise fail(key, f"unknown key (expected: {', '.join(sorted(TOP_KEYS))})")
    for key in ("name", "scenario", "persona", "level"):
        if key in data and not isinstance(data[key], str):
            raise fail(key, f"expected a string, got {type(data[key]).__name__}")
    if not str(data.get("name", "")).strip():
        raise fail("name", "missing")
    raw = data.get("answers")
    if not isinstance(raw, dict):
        raise fail("answers", "missing table of answers per phase" if raw is None else "expected a table")
    answers: dict[str, tuple[ScriptAnswer, ...]] = {}
    for phase, items in raw.items():
        if phase not in PHASE_IDS:
            raise fail(f"answers.{phase}", f"unknown phase (expected: {', '.join(PHASE_IDS)})")
        if not isinstance(items, list):
            raise fail(f"answers.{phase}", f"expected an array of answers, got {type(items).__name__}")
        answers[phase] = tuple(_answer(item, f"answers.{phase}[{i}]", path, fail) for i, item in enumerate(items))
    _check_about(answers, fail)
    traits = data.get("traits", [])
    if not isinstance(traits, list) or not all(isinstance(t, str) and t.strip() for t in traits):
        raise fail("traits", "expected a list of red-flag or misconception ids")
    return Script(path, data["name"].strip(), data.get("scenario", ""), data.get("persona", ""),
                  data.get("level", ""), answers, tuple(t.strip() for t in traits))


def _read(path: Path) -> dict:
    regular_file(path)  # a FIFO would block the read forever
    try:
        return toml_loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"{path}: no such candidate script") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from None


def _check_about(answers: dict[str, tuple[ScriptAnswer, ...]], fail) -> None:
    for phase, items in answers.items():
        for i, a in enumerate(items):
            if a.about and (not a.about.strip() or any(c.isspace() for c in a.about)):
                raise fail(f"answers.{phase}[{i}].about", "expected a topic or question id (see: mlcoach personas "
                                                           "show ID --topics)")


def traits_problem(script: Script, known: set[str]) -> str:
    """The first planted trait the persona cannot raise ("" when every one is a red flag or a misconception)."""
    for i, t in enumerate(script.traits):
        if t not in known:
            return f"{script.path}: traits[{i}]: {t!r} is no red flag or misconception of the persona"
    return ""


def topics_problem(script: Script, topics: dict[str, str]) -> str:
    """The first keyed answer whose `about` the persona does not know ("" when every one is known)."""
    for phase, items in script.answers.items():
        for i, a in enumerate(items):
            if a.about and a.about not in topics:
                return (f"{script.path}: answers.{phase}[{i}].about: unknown topic {a.about!r} (see: mlcoach "
                        "personas show ID --topics)")
    return ""


def _answer(item, key: str, path: Path, fail) -> ScriptAnswer:
    """One scripted answer: a string, or a table with text (or audio), an optional topic and optional seconds."""
    if isinstance(item, str):
        return ScriptAnswer(item, where=key)
    if not isinstance(item, dict):
        raise fail(key, f"expected a string or a table, got {type(item).__name__}")
    for k in item:
        if k not in ANSWER_KEYS:
            raise fail(f"{key}.{k}", f"unknown key (expected: {', '.join(sorted(ANSWER_KEYS))})")
    text, seconds, audio, about = item.get("text", ""), item.get("seconds"), item.get("audio"), item.get("about", "")
    if not isinstance(text, str):
        raise fail(f"{key}.text", "expected a string")
    if not isinstance(about, str):
        raise fail(f"{key}.about", "expected a topic or question id (a string)")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float)
                                or not 0 <= seconds <= 86400):
        raise fail(f"{key}.seconds", "expected a number of seconds from 0 to 86400")
    if audio is not None:
        if not isinstance(audio, str):
            raise fail(f"{key}.audio", "expected a path string")
        audio_path = (path.parent / audio).resolve()
        if not audio_path.is_file():
            raise fail(f"{key}.audio", f"no such audio file {audio_path}")
        return ScriptAnswer(text, seconds, audio_path, about.strip(), key)
    if "text" not in item:
        raise fail(key, "needs text (or audio)")
    return ScriptAnswer(text, seconds, None, about.strip(), key)
