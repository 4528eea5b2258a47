"""Reading a persona file's TOML tree into a Persona: one function per section, every error naming the file and
the key path; then the checks that need the whole persona (ids, references, placeholders, never-do rules)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from mlcoach.errors import BadInput
from mlcoach.matching import Patterns
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


class _Reader:
    """Typed access to a TOML tree that names the file and key path in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> BadInput:
        return BadInput(f"{self.path}: {key}: {problem}")

    def get(self, table: dict, key: str, kind: type | tuple, where: str, default: Any = ...) -> Any:
        keypath = f"{where}.{key}" if where else key
        if key not in table:
            if default is ...:
                raise self.fail(keypath, "missing")
            return default
        value = table[key]
        if isinstance(value, bool) and kind is not bool:
            raise self.fail(keypath, f"expected {_kind_name(kind)}, got a boolean")
        if not isinstance(value, kind):
            raise self.fail(keypath, f"expected {_kind_name(kind)}, got {type(value).__name__}")
        if isinstance(value, str) and not value.strip() and default is ...:
            raise self.fail(keypath, "must not be empty")
        return value

    def strings(self, table: dict, key: str, where: str, default: Any = ...) -> tuple[str, ...]:
        items = self.get(table, key, list, where, default=[] if default is not ... else ...)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise self.fail(f"{where}.{key}[{i}]" if where else f"{key}[{i}]", "expected a string")
        return tuple(items)

    def regexes(self, table: dict, key: str, where: str) -> Patterns:
        return Patterns(self.strings(table, key, where), self.path, f"{where}.{key}" if where else key)

    def tables(self, table: dict, key: str, where: str, required: bool = True) -> list[tuple[str, dict]]:
        items = self.get(table, key, list, where, default=... if required else [])
        out = []
        for i, item in enumerate(items):
            keypath = f"{where}.{key}[{i}]" if where else f"{key}[{i}]"
            if not isinstance(item, dict):
                raise self.fail(keypath, "expected a table")
            out.append((keypath, item))
        return out


def _kind_name(kind: type | tuple) -> str:
    names = {str: "a string", int: "an integer", float: "a number", list: "an array", dict: "a table", bool: "a boolean"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _question(r: _Reader, t: dict, where: str, topic: str = "general") -> Question:
    return Question(
        id=r.get(t, "id", str, where),
        text=r.get(t, "text", str, where),
        rephrase=r.get(t, "rephrase", str, where, default=""),
        covers=r.strings(t, "covers", where, default=()),
        topic=r.get(t, "topic", str, where, default=topic),
        extra=r.get(t, "extra", bool, where, default=False),
    )


def _lines(r: _Reader, table: dict, key: str, where: str, when_key: str = "when") -> tuple[Line, ...]:
    out = []
    for i, (kp, t) in enumerate(r.tables(table, key, where, required=False)):
        when = r.strings(t, when_key, kp, default=())
        out.append(Line(id=r.get(t, "id", str, kp, default=f"{key}{i}"), text=r.get(t, "text", str, kp), when=when,
                        approves=r.get(t, "approves", bool, kp, default=False),
                        scenarios=r.strings(t, "scenarios", kp, default=())))
    return tuple(out)


def parse(data: dict, path: Path) -> Persona:
    """The persona a TOML tree describes, checked whole; BadInput names the file and key of the first problem."""
    r = _Reader(path)
    fmt = r.get(data, "format", int, "")
    if fmt != FORMAT:
        raise r.fail("format", f"version {fmt} is not supported (this mlcoach reads format {FORMAT})")
    phases = _phases(r, data)
    scenarios = _scenarios(r, data, _shared_probes(r, data))
    branches = _branches(r, data)
    rules = r.get(data, "rules", dict, "")
    never = r.strings(rules, "never", "rules")
    forbidden = _forbidden(r, rules, never)
    tech = r.get(data, "techniques", dict, "", default={})
    closing = r.get(data, "closing", dict, "")
    answers = _closing_answers(r, closing)
    concepts = _concepts(r, data)
    rubric = r.get(data, "rubric", dict, "")
    criteria = _criteria(r, rubric)
    flags = _red_flags(r, rubric)
    hints = _hints(r, data)
    outlines = _outlines(r, data)
    misconceptions = _misconceptions(r, data)
    persona = Persona(
        id=r.get(data, "id", str, ""),
        path=path,
        name=r.get(data, "name", str, ""),
        role=r.get(data, "role", str, ""),
        years=r.get(data, "years", int, "", default=0),
        expertise=r.strings(data, "expertise", "", default=()),
        style=r.get(data, "style", str, "", default=""),
        mission=r.get(data, "mission", str, "", default=""),
        communication=_pairs(r, data, "communication", "name", "example"),
        always=r.strings(rules, "always", "rules", default=()),
        never=never,
        forbidden=forbidden,
        starters=_pairs(r, data, "starters", "instead_of", "say"),
        phases=phases,
        scenarios=scenarios,
        branches=branches,
        rapport=_lines(r, tech, "rapport", "techniques"),
        pushback=_lines(r, tech, "pushback", "techniques"),
        deeper=_lines(r, tech, "deeper", "techniques"),
        probing=_lines(r, tech, "probing", "techniques"),
        tradeoffs=_lines(r, tech, "tradeoffs", "techniques"),
        discovery=_lines(r, tech, "discovery", "techniques", when_key="covers"),
        question_types=tuple((r.get(t, "name", str, kp), r.strings(t, "questions", kp))
                             for kp, t in r.tables(data, "question_types", "", required=False)),
        hints=hints,
        concept_hints=_concept_hints(r, data),
        closing_invite=r.get(closing, "invite", str, "closing"),
        closing_thanks=r.get(closing, "thanks", str, "closing"),
        closing_default=r.get(closing, "default_answer", str, "closing"),
        closing_answers=answers,
        concepts=concepts,
        criteria=criteria,
        red_flags=flags,
        domain_words=r.regexes(r.get(data, "analysis", dict, "", default={}), "domain_words", "analysis"),
        outlines=outlines,
        misconceptions=misconceptions,
        drills=_drills(r, data),
    )
    _check_references(persona, r)
    return persona


def _pairs(r: _Reader, data: dict, key: str, first: str, second: str) -> tuple[tuple[str, str], ...]:
    """An optional array of tables of two strings each ([[communication]], [[starters]])."""
    return tuple((r.get(t, first, str, kp), r.get(t, second, str, kp))
                 for kp, t in r.tables(data, key, "", required=False))


def _phases(r: _Reader, data: dict) -> tuple[Phase, ...]:
    phases = tuple(_phase(r, t, kp) for kp, t in r.tables(data, "phases", ""))
    ids = tuple(p.id for p in phases)
    if ids != PHASE_IDS:
        raise r.fail("phases", f"expected the phases {', '.join(PHASE_IDS)} in that order, got {', '.join(ids) or 'none'}")
    return phases


def _phase(r: _Reader, t: dict, kp: str) -> Phase:
    minutes = r.get(t, "minutes", list, kp)
    if len(minutes) != 2 or not all(isinstance(m, int | float) and not isinstance(m, bool) for m in minutes):
        raise r.fail(f"{kp}.minutes", "expected [low, high] minutes")
    if not 0 < minutes[0] <= minutes[1] or not math.isfinite(minutes[1]) or minutes[1] > 600:
        raise r.fail(f"{kp}.minutes", f"expected 0 < low <= high <= 600 minutes, got {minutes}")
    pid = r.get(t, "id", str, kp)
    qs = tuple(_question(r, q, qkp, topic=pid) for qkp, q in r.tables(t, "questions", kp, required=False))
    return Phase(pid, r.get(t, "title", str, kp), (float(minutes[0]), float(minutes[1])),
                 r.get(t, "goals", str, kp, default=""), qs, r.get(t, "transition", str, kp, default=""))


def _shared_probes(r: _Reader, data: dict) -> dict[str, Question]:
    """[[probes]]: probes that several scenarios list by id."""
    shared = {}
    for kp, t in r.tables(data, "probes", "", required=False):
        q = _question(r, t, kp, topic="design")
        shared[q.id] = q
    return shared


def _scenarios(r: _Reader, data: dict, shared: dict[str, Question]) -> tuple[Scenario, ...]:
    scenarios = tuple(_scenario(r, t, kp, shared) for kp, t in r.tables(data, "scenarios", ""))
    if not scenarios:
        raise r.fail("scenarios", "at least one scenario is needed")
    return scenarios


def _scenario(r: _Reader, t: dict, kp: str, shared: dict[str, Question]) -> Scenario:
    guide = tuple(_question(r, q, qkp) for qkp, q in r.tables(t, "guide", kp))
    own = [_question(r, q, qkp, topic="design") for qkp, q in r.tables(t, "probes_own", kp, required=False)]
    refs = []
    for i, ref in enumerate(t.get("probes", [])):
        if isinstance(ref, dict):
            own.append(_question(r, ref, f"{kp}.probes[{i}]", topic="design"))
        elif isinstance(ref, str):
            if ref not in shared:
                raise r.fail(f"{kp}.probes[{i}]", f"unknown probe id {ref!r}")
            refs.append(shared[ref])
        else:
            raise r.fail(f"{kp}.probes[{i}]", "expected a probe id or a table")
    for i, (gkp, _) in enumerate(r.tables(t, "guide", kp)):
        if guide[i].topic not in GUIDE_TOPICS:
            raise r.fail(f"{gkp}.topic", f"expected one of {', '.join(GUIDE_TOPICS)}")
    return Scenario(
        id=r.get(t, "id", str, kp), title=r.get(t, "title", str, kp),
        problem_type=r.get(t, "problem_type", str, kp, default=""), product=r.get(t, "product", str, kp),
        prompt=r.get(t, "prompt", str, kp), guide=guide, rephrase=r.get(t, "rephrase", str, kp, default=""),
        probes=tuple(own) + tuple(refs), metrics=r.strings(t, "metrics", kp, default=()),
        baselines=r.strings(t, "baselines", kp, default=()),
    )


def _branches(r: _Reader, data: dict) -> dict[str, tuple[Question, ...]]:
    branches = {}
    raw_branches = r.get(data, "branches", dict, "")
    for name in ("strong", "fundamentals"):
        b = r.get(raw_branches, name, dict, "branches")
        branches[name] = tuple(_question(r, q, kp, topic=name if name == "fundamentals" else "deep_dive")
                               for kp, q in r.tables(b, "questions", f"branches.{name}"))
    return branches


def _forbidden(r: _Reader, rules: dict, never: tuple[str, ...]) -> tuple[Forbidden, ...]:
    """[[rules.forbidden]]: the patterns that catch a question breaking one of rules.never."""
    forbidden = []
    for kp, t in r.tables(rules, "forbidden", "rules", required=False):
        rule = r.get(t, "rule", str, kp)
        if rule not in never:
            raise r.fail(f"{kp}.rule", f"{rule!r} is not one of rules.never")
        patterns = r.regexes(t, "patterns", kp)
        patterns.check_backtracking()  # these run on the persona's own lines while it is read, before compile_all
        forbidden.append(Forbidden(rule, patterns))
    return tuple(forbidden)


def _closing_answers(r: _Reader, closing: dict) -> tuple[tuple[Patterns, str], ...]:
    return tuple((r.regexes(t, "patterns", kp), r.get(t, "text", str, kp))
                 for kp, t in r.tables(closing, "answers", "closing", required=False))


def _concepts(r: _Reader, data: dict) -> dict[str, Concept]:
    concepts = {}
    for cid, t in r.get(data, "concepts", dict, "").items():
        kp = f"concepts.{cid}"
        if not isinstance(t, dict):
            raise r.fail(kp, "expected a table")
        concepts[cid] = Concept(cid, r.get(t, "label", str, kp), r.get(t, "group", str, kp), r.regexes(t, "patterns", kp),
                                r.get(t, "account", bool, kp, default=False))
    return concepts


def _criteria(r: _Reader, rubric: dict) -> tuple[Criterion, ...]:
    raw = r.get(rubric, "criteria", dict, "rubric")
    criteria = []
    for cid in CRITERIA:
        t = r.get(raw, cid, dict, "rubric.criteria")
        kp = f"rubric.criteria.{cid}"
        criteria.append(Criterion(cid, r.get(t, "label", str, kp), r.strings(t, "concepts", kp, default=()),
                                  r.get(t, "practice", str, kp, default="")))
    return tuple(criteria)


def _drills(r: _Reader, data: dict) -> tuple[Drill, ...]:
    """[drills.<id>]: the topics of `mlcoach drill` (optional; a criterion or concept id is a topic anyway)."""
    out = []
    for did, t in r.get(data, "drills", dict, "", default={}).items():
        kp = f"drills.{did}"
        if not isinstance(t, dict):
            raise r.fail(kp, "expected a table")
        out.append(Drill(did, r.get(t, "label", str, kp), r.strings(t, "concepts", kp), r.strings(t, "criteria", kp),
                         r.strings(t, "aliases", kp, default=())))
    return tuple(out)


def _red_flags(r: _Reader, rubric: dict) -> tuple[RedFlag, ...]:
    raw = r.get(rubric, "red_flags", dict, "rubric")
    flags = []
    for fid in RED_FLAGS:
        t = r.get(raw, fid, dict, "rubric.red_flags")
        kp = f"rubric.red_flags.{fid}"
        flags.append(RedFlag(fid, r.get(t, "label", str, kp), r.get(t, "advice", str, kp, default=""),
                             r.strings(t, "concepts", kp, default=())))
    return tuple(flags)


def _hints(r: _Reader, data: dict) -> dict[str, str]:
    hints = {}
    for kp, t in r.tables(data, "hints", "", required=False):
        if "concepts" not in t:
            hints[r.get(t, "topic", str, kp)] = r.get(t, "text", str, kp)
    return hints


def _concept_hints(r: _Reader, data: dict) -> tuple[Hint, ...]:
    """Hints for the questions about some concepts (`concepts = [...]` instead of `topic`)."""
    return tuple(Hint(r.strings(t, "concepts", kp), r.get(t, "text", str, kp), r.get(t, "narrow", str, kp, default=""))
                 for kp, t in r.tables(data, "hints", "", required=False) if "concepts" in t)


def _outlines(r: _Reader, data: dict) -> dict[str, tuple[str, ...]]:
    outlines = {}
    for kp, t in r.tables(data, "outlines", "", required=False):
        outlines[r.get(t, "id", str, kp)] = r.strings(t, "steps", kp)
    return outlines


def _misconceptions(r: _Reader, data: dict) -> tuple[Misconception, ...]:
    misconceptions = []
    for kp, t in r.tables(data, "misconceptions", "", required=False):
        unless = r.regexes(t, "unless", kp) if "unless" in t else None
        mid = r.get(t, "id", str, kp)
        misconceptions.append(Misconception(mid, r.regexes(t, "patterns", kp), r.get(t, "correction", str, kp),
                                            unless, r.get(t, "label", str, kp, default=mid.replace("_", " ")),
                                            r.strings(t, "scenarios", kp, default=()),
                                            r.get(t, "criterion", str, kp, default=""),
                                            r.get(t, "probe", str, kp, default="")))
    seen = [m.id for m in misconceptions]
    if len(set(seen)) != len(seen):
        dup = next(x for x in seen if seen.count(x) > 1)
        raise r.fail("misconceptions", f"duplicate id {dup!r}")
    return tuple(misconceptions)


# --------------------------------------------------------------------------- checks of the whole persona


def _unique(ids: list[str], where: str, r: _Reader) -> None:
    dup = next((x for i, x in enumerate(ids) if x in ids[:i]), None)
    if dup is not None:
        raise r.fail(where, f"duplicate id {dup!r}")


def _check_references(p: Persona, r: _Reader) -> None:
    _unique([s.id for s in p.scenarios], "scenarios", r)
    _unique([ph.id for ph in p.phases], "phases", r)
    questions = [q.id for ph in p.phases for q in ph.questions] + [q.id for qs in p.branches.values() for q in qs]
    _unique(questions, "questions", r)
    for s in p.scenarios:
        _unique([q.id for q in s.guide + s.probes], f"scenarios.{s.id}", r)
    for m in p.misconceptions:
        if m.criterion and m.criterion not in {c.id for c in p.criteria}:
            raise r.fail(f"misconceptions.{m.id}.criterion", f"unknown criterion id {m.criterion!r}")
        for sid in m.scenarios:
            if sid not in {s.id for s in p.scenarios}:
                raise r.fail(f"misconceptions.{m.id}.scenarios", f"unknown scenario id {sid!r}")
    for line in p.discovery:
        for sid in line.scenarios:
            if sid not in {s.id for s in p.scenarios}:
                raise r.fail(f"techniques.discovery.{line.id}.scenarios", f"unknown scenario id {sid!r}")
    for ids, where in _concept_references(p):
        for cid in ids:
            if cid not in p.concepts:
                raise r.fail(where, f"unknown concept id {cid!r}")
    _check_drills(p, r)
    _check_wording(p, r)


def _check_drills(p: Persona, r: _Reader) -> None:
    criteria = {c.id for c in p.criteria}
    for d in p.drills:
        for i, cid in enumerate(d.criteria):
            if cid not in criteria:
                raise r.fail(f"drills.{d.id}.criteria[{i}]", f"unknown criterion id {cid!r}")
        if not d.concepts or not d.criteria:
            raise r.fail(f"drills.{d.id}", "needs at least one concept and one criterion")


def _concept_references(p: Persona) -> list[tuple[tuple[str, ...], str]]:
    """Every list of concept ids in the persona, with where it stands, in the order they are checked."""
    out = [(q.covers, f"phases.{phase.id}.{q.id}.covers") for phase in p.phases for q in phase.questions]
    out += [(q.covers, f"scenarios.{s.id}.{q.id}.covers") for s in p.scenarios for q in s.guide + s.probes]
    out += [(q.covers, f"branches.{name}.{q.id}.covers") for name, qs in p.branches.items() for q in qs]
    out += [(line.when, f"techniques.rapport.{line.id}.when") for line in p.rapport]
    out += [(line.when, f"techniques.pushback.{line.id}.when") for line in p.pushback]
    out += [(h.concepts, f"hints.{h.concepts[0]}.concepts") for h in p.concept_hints if h.concepts]
    out += [(line.when, f"techniques.discovery.{line.id}.covers") for line in p.discovery]
    out += [(c.concepts, f"rubric.criteria.{c.id}.concepts") for c in p.criteria]
    out += [(f.concepts, f"rubric.red_flags.{f.id}.concepts") for f in p.red_flags]
    out += [(s.metrics, f"scenarios.{s.id}.metrics") for s in p.scenarios]
    out += [(s.baselines, f"scenarios.{s.id}.baselines") for s in p.scenarios]
    out += [(d.concepts, f"drills.{d.id}.concepts") for d in p.drills]
    return out


def _check_wording(p: Persona, r: _Reader) -> None:
    """Every interviewer line: known placeholders, no never-do wording, no question twice."""
    for key, text in p.all_questions():
        for name in re.findall(r"\{(\w+)\}", text):
            if name not in PLACEHOLDERS:
                raise r.fail(key, f"unknown placeholder {{{name}}} (known: {', '.join(sorted(PLACEHOLDERS))})")
        broken = p.violations(text)
        if broken:
            raise r.fail(key, f"breaks the never-do rule {broken[0]!r}: {text!r}")
    seen: dict[str, str] = {}
    for key, text in p.all_questions():
        if key.endswith((".rephrase", ".transition")) or key.startswith(("hints.", "techniques.rapport", "starters", "question_types")):
            continue
        if text in seen:
            raise r.fail(key, f"the same question as {seen[text]}: {text!r}")
        seen[text] = key
