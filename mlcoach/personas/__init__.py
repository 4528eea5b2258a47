"""Personas: a persona TOML file, validated where it enters, becomes frozen dataclasses. Knowledge is data.

`model` holds the vocabularies and the dataclasses, `parse` reads a TOML tree (one function per section), `load`
finds and caches persona files. Callers use the package: `from mlcoach import personas; personas.load("ml-engineer")`.
"""

from mlcoach.personas.load import available, builtin_dir, load, load_path, search_dirs
from mlcoach.personas.model import (
    CRITERIA,
    FORMAT,
    GUIDE_TOPICS,
    PHASE_IDS,
    PLACEHOLDERS,
    RED_FLAGS,
    Concept,
    Criterion,
    Drill,
    Forbidden,
    Hint,
    Line,
    Misconception,
    Persona,
    Phase,
    Question,
    RedFlag,
    Scenario,
)
from mlcoach.personas.parse import parse

__all__ = [
    "CRITERIA", "FORMAT", "GUIDE_TOPICS", "PHASE_IDS", "PLACEHOLDERS", "RED_FLAGS",
    "Concept", "Criterion", "Drill", "Forbidden", "Hint", "Line", "Misconception", "Persona", "Phase", "Question",
    "RedFlag", "Scenario", "available", "builtin_dir", "load", "load_path", "parse", "search_dirs",
]
