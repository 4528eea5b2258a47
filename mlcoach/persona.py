"""Personas: load and validate a persona TOML into frozen dataclasses. Knowledge is data; this is the edge."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlcoach.errors import BadInput, NotFound

FORMAT = 1
PHASE_IDS = ("opening", "experience", "design", "production", "deep_dive", "closing")
CRITERIA = (
    "business_and_data", "data_quality", "algorithm_tradeoffs", "evaluation_metrics", "production",
    "overfitting_bias_fairness", "iterative_mindset", "real_projects", "failures_learnings",
)
RED_FLAGS = (
    "jumps_to_complex", "ignores_data_quality", "no_algorithm_rationale", "ignores_production",
    "no_evaluation", "overly_theoretical", "no_tradeoffs", "no_real_experience",
)
GUIDE_TOPICS = ("data", "features", "algorithm", "evaluation")
PLACEHOLDERS = {"name", "interviewer", "role", "years", "algorithm", "product"}


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    rephrase: str = ""
    covers: tuple[str, ...] = ()
    topic: str = "general"
    extra: bool = False


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    minutes: tuple[float, float]
    goals: str
    questions: tuple[Question, ...]
    transition: str = ""  # said when the phase starts (before its first question)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    problem_type: str
    product: str
    prompt: str
    guide: tuple[Question, ...]
    rephrase: str
    probes: tuple[Question, ...]  # the scenario's own probes, then the shared ones it lists, in priority order


class Patterns:
    """Regexes from a persona, matched case-insensitively as one alternation. Compiled on first use: a thousand
    patterns take a fifth of a second to compile, which the first question on screen should not wait for."""

    FLAGS = re.IGNORECASE | re.ASCII

    def __init__(self, sources: tuple[str, ...], path: Path, key: str) -> None:
        self.sources = sources
        self._where = (path, key)
        self._regex: re.Pattern | None = None

    def compile(self) -> re.Pattern:
        if self._regex is None:
            try:
                self._regex = re.compile("|".join(f"(?:{s})" for s in self.sources) or "(?!)", self.FLAGS)
            except re.error:
                for i, source in enumerate(self.sources):  # name the culprit
                    try:
                        re.compile(source, self.FLAGS)
                    except re.error as exc:
                        path, key = self._where
                        raise BadInput(f"{path}: {key}[{i}]: bad regular expression {source!r} ({exc})") from None
                raise
        return self._regex

    def search(self, text: str) -> bool:
        return bool(self.compile().search(text))

    def __len__(self) -> int:
        return len(self.sources)

    def __repr__(self) -> str:
        return f"Patterns({len(self.sources)})"


_LITERAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '-_,:/")


def _syntax(source: str, start: int = 0):
    """(index, character, depth before it) for each character of a regex that is syntax: not escaped and not
    inside a character class."""
    depth, escaped, in_class = 0, False, False
    for j in range(start, len(source)):
        ch = source[j]
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        else:
            yield j, ch, depth
            depth += (ch == "(") - (ch == ")")


def _close(source: str, i: int) -> int:
    """Index just past the group that opens at source[i] ("(")."""
    for j, ch, depth in _syntax(source, i):
        if ch == ")" and depth == 1:
            return j + 1
    return -1


def _top_alternation(source: str) -> bool:
    return any(ch == "|" and depth == 0 for _, ch, depth in _syntax(source))


def _split_top(body: str) -> list[str]:
    parts, depth, current, escaped = [], 0, [], False
    for ch in body:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _leading_literal(source: str, i: int = 0) -> tuple[str, int]:
    out = []
    while i < len(source) and source[i] in _LITERAL:
        out.append(source[i].lower())
        i += 1
    if i < len(source) and source[i] in "?*{" and out:
        out.pop()
    return "".join(out), i


def literal_prefixes(source: str, i: int = 0, bounded: bool = False) -> frozenset[str] | None:
    """Literal strings one of which starts every match of `source`, in `prepare`d form (lowercased, non-word
    characters as spaces, a leading space where a \\b precedes them), or None when we cannot be sure. Understands
    a leading \\b, lookarounds, plain literals and a group of literal alternatives, optional or not."""
    if _top_alternation(source):
        return None
    while True:
        if source.startswith("\\b", i):
            bounded = True
            i += 2
        elif source.startswith(("(?<!", "(?<=", "(?!", "(?="), i):
            i = _close(source, i)
            if i < 0:
                return None
        else:
            break
    if i >= len(source):
        return None
    if source[i] == "(":
        end = _close(source, i)
        if end < 0:
            return None
        body = source[i + 1:end - 1]
        if body.startswith("?:"):
            body = body[2:]
        elif body.startswith("?"):
            return None
        alts = {_leading_literal(a)[0] for a in _split_top(body)}
        if "" in alts:
            return None
        alts = {_prepared(a, bounded) for a in alts}
        quant = source[end:end + 1]
        if quant in ("?", "*"):
            rest = literal_prefixes(source[end + 1:], bounded=bounded)
            return None if rest is None else frozenset(alts | rest)
        if quant == "{":
            return None
        return frozenset(alts)
    literal, _ = _leading_literal(source, i)
    return frozenset([_prepared(literal, bounded)]) if literal else None


def prepare(text: str) -> str:
    """The text as prefixes are looked up in: lowercased, every character that is not an ASCII word character a
    space (one for one), with a leading space so a word at the start is preceded by one."""
    return " " + text.lower().translate(_NON_WORD_ALL)


class _NonWord(dict):
    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = ch if ch.isascii() and (ch.isalnum() or ch == "_") else " "
        self[code] = value
        return value


_NON_WORD_ALL = _NonWord()


def _prepared(literal: str, bounded: bool) -> str:
    body = literal.translate(_NON_WORD_ALL)
    if bounded and body[:1].strip():
        return " " + body
    return body


_TOKEN = re.compile(r"[a-z0-9_]+")


class ConceptFinder:
    """Which concepts a text names, in one pass over its words instead of one regex scan per concept.

    Every pattern with a word-start literal prefix is indexed by the prefix's first letters; a text's words look up
    their candidates, and a candidate's regex is tried only where its prefix starts. The few patterns without such
    a prefix are scanned as usual. Same answers as Concept.search, much faster."""

    def __init__(self, concepts: dict[str, Concept]) -> None:
        self.index: dict[str, list[tuple[str, str, re.Pattern]]] = {}
        self.scan: list[tuple[str, re.Pattern]] = []
        for cid, concept in concepts.items():
            pats = concept.patterns
            pats.compile()
            indexed, scanned = [], []
            for source in pats.sources:
                prefixes = literal_prefixes(source)
                if prefixes and all(p.startswith(" ") and len(p) >= 3 for p in prefixes):
                    indexed.append((source, prefixes))
                else:
                    scanned.append(source)
            if scanned:
                self.scan.append((cid, re.compile("|".join(f"(?:{x})" for x in scanned), Patterns.FLAGS)))
            for source, prefixes in indexed:
                regex = re.compile(source, Patterns.FLAGS)
                for prefix in prefixes:
                    self.index.setdefault(prefix[1:3], []).append((prefix[1:], cid, regex))

    def present(self, text: str, prepared: str | None = None, among: set[str] | None = None) -> set[str]:
        low = prepare(text) if prepared is None else prepared
        found: set[str] = set()
        if len(low) != len(text) + 1:  # positions would not line up (rare Unicode): scan everything
            return {cid for cid, rx in self._all() if (among is None or cid in among) and rx.search(text)}
        for m in _TOKEN.finditer(low):
            start = m.start()
            for prefix, cid, regex in self.index.get(low[start:start + 2], ()):
                if cid in found or (among is not None and cid not in among):
                    continue
                if low.startswith(prefix, start) and regex.match(text, start - 1):
                    found.add(cid)
        for cid, regex in self.scan:
            if cid not in found and (among is None or cid in among) and regex.search(text):
                found.add(cid)
        return found

    def _all(self):
        seen = set()
        for entries in self.index.values():
            for _, cid, regex in entries:
                seen.add((cid, regex))
        return list(seen) + self.scan


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    group: str
    patterns: Patterns

    def search(self, text: str) -> bool:
        return self.patterns.search(text)


@dataclass(frozen=True)
class Line:
    """A technique line: an ack, a probe, a hint, a closing answer."""

    id: str
    text: str
    when: tuple[str, ...] = ()  # concept ids (acks, probes) or regexes (closing answers)


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    concepts: tuple[str, ...]
    practice: str


@dataclass(frozen=True)
class RedFlag:
    id: str
    label: str
    advice: str
    concepts: tuple[str, ...] = ()  # the concepts the flag's rule looks for (jumps_to_complex: the complex models)


@dataclass(frozen=True)
class Misconception:
    """A claim that is wrong ("k-means because it is supervised", "accuracy of 140 percent"): the sentence earns no
    credit and the feedback corrects it. `unless` spares sentences that state the claim only to reject it."""

    id: str
    patterns: Patterns
    correction: str
    unless: Patterns | None = None
    label: str = ""

    def states(self, sentence: str) -> bool:
        return self.patterns.search(sentence) and not (self.unless is not None and self.unless.search(sentence))


@dataclass(frozen=True)
class Forbidden:
    rule: str
    patterns: Patterns


@dataclass(frozen=True)
class Persona:
    id: str
    path: Path
    name: str
    role: str
    years: int
    expertise: tuple[str, ...]
    style: str
    mission: str
    communication: tuple[tuple[str, str], ...]
    always: tuple[str, ...]
    never: tuple[str, ...]
    forbidden: tuple[Forbidden, ...]
    starters: tuple[tuple[str, str], ...]  # (instead_of, say)
    phases: tuple[Phase, ...]
    scenarios: tuple[Scenario, ...]
    branches: dict[str, tuple[Question, ...]]
    rapport: tuple[Line, ...]
    probing: tuple[Line, ...]
    tradeoffs: tuple[Line, ...]
    discovery: tuple[Line, ...]
    question_types: tuple[tuple[str, tuple[str, ...]], ...]
    hints: dict[str, str]
    closing_invite: str
    closing_thanks: str
    closing_default: str
    closing_answers: tuple[tuple[Patterns, str], ...]
    concepts: dict[str, Concept]
    criteria: tuple[Criterion, ...]
    red_flags: tuple[RedFlag, ...]
    domain_words: Patterns
    outlines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    misconceptions: tuple[Misconception, ...] = ()

    def phase(self, phase_id: str) -> Phase:
        return next(p for p in self.phases if p.id == phase_id)

    def scenario(self, scenario_id: str) -> Scenario:
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        known = ", ".join(s.id for s in self.scenarios)
        raise BadInput(f"scenario: unknown id {scenario_id!r} (known: {known})")

    def violations(self, text: str) -> list[str]:
        """The never-do rules that a question's wording breaks."""
        return [f.rule for f in self.forbidden if f.patterns.search(text)]

    @property
    def finder(self) -> ConceptFinder:
        """Built on first use (compiling every concept's patterns), then kept with the persona."""
        finder = self.__dict__.get("_finder")
        if finder is None:
            finder = ConceptFinder(self.concepts)
            object.__setattr__(self, "_finder", finder)
        return finder

    def compile_all(self) -> None:
        """Compile every regex now (validation); normally they compile on first use."""
        for group in [c.patterns for c in self.concepts.values()] + [f.patterns for f in self.forbidden] + \
                [p for p, _ in self.closing_answers] + [self.domain_words] + \
                [m.patterns for m in self.misconceptions] + [m.unless for m in self.misconceptions if m.unless]:
            group.compile()
        self.finder  # noqa: B018 - built now (the warm-up thread), not at the first answer


# --------------------------------------------------------------------------- reading


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
        out.append(Line(id=r.get(t, "id", str, kp, default=f"{key}{i}"), text=r.get(t, "text", str, kp), when=when))
    return tuple(out)


def parse(data: dict, path: Path) -> Persona:
    r = _Reader(path)
    fmt = r.get(data, "format", int, "")
    if fmt != FORMAT:
        raise r.fail("format", f"version {fmt} is not supported (this mlcoach reads format {FORMAT})")

    phases = []
    for kp, t in r.tables(data, "phases", ""):
        minutes = r.get(t, "minutes", list, kp)
        if len(minutes) != 2 or not all(isinstance(m, int | float) and not isinstance(m, bool) for m in minutes):
            raise r.fail(f"{kp}.minutes", "expected [low, high] minutes")
        if not 0 < minutes[0] <= minutes[1] or not math.isfinite(minutes[1]) or minutes[1] > 600:
            raise r.fail(f"{kp}.minutes", f"expected 0 < low <= high <= 600 minutes, got {minutes}")
        pid = r.get(t, "id", str, kp)
        qs = tuple(_question(r, q, qkp, topic=pid) for qkp, q in r.tables(t, "questions", kp, required=False))
        phases.append(Phase(pid, r.get(t, "title", str, kp), (float(minutes[0]), float(minutes[1])),
                            r.get(t, "goals", str, kp, default=""), qs, r.get(t, "transition", str, kp, default="")))
    ids = tuple(p.id for p in phases)
    if ids != PHASE_IDS:
        raise r.fail("phases", f"expected the phases {', '.join(PHASE_IDS)} in that order, got {', '.join(ids) or 'none'}")

    shared_probes = {}
    for kp, t in r.tables(data, "probes", "", required=False):
        q = _question(r, t, kp, topic="design")
        shared_probes[q.id] = q

    scenarios = []
    for kp, t in r.tables(data, "scenarios", ""):
        guide = tuple(_question(r, q, qkp) for qkp, q in r.tables(t, "guide", kp))
        own = [_question(r, q, qkp, topic="design") for qkp, q in r.tables(t, "probes_own", kp, required=False)]
        refs = []
        raw_probes = t.get("probes", [])
        for i, ref in enumerate(raw_probes):
            if isinstance(ref, dict):
                own.append(_question(r, ref, f"{kp}.probes[{i}]", topic="design"))
            elif isinstance(ref, str):
                if ref not in shared_probes:
                    raise r.fail(f"{kp}.probes[{i}]", f"unknown probe id {ref!r}")
                refs.append(shared_probes[ref])
            else:
                raise r.fail(f"{kp}.probes[{i}]", "expected a probe id or a table")
        for i, (gkp, _) in enumerate(r.tables(t, "guide", kp)):
            if guide[i].topic not in GUIDE_TOPICS:
                raise r.fail(f"{gkp}.topic", f"expected one of {', '.join(GUIDE_TOPICS)}")
        scenarios.append(Scenario(
            id=r.get(t, "id", str, kp), title=r.get(t, "title", str, kp),
            problem_type=r.get(t, "problem_type", str, kp, default=""), product=r.get(t, "product", str, kp),
            prompt=r.get(t, "prompt", str, kp), guide=guide, rephrase=r.get(t, "rephrase", str, kp, default=""), probes=tuple(own) + tuple(refs),
        ))
    if not scenarios:
        raise r.fail("scenarios", "at least one scenario is needed")

    branches = {}
    raw_branches = r.get(data, "branches", dict, "")
    for name in ("strong", "fundamentals"):
        b = r.get(raw_branches, name, dict, "branches")
        branches[name] = tuple(_question(r, q, kp, topic=name if name == "fundamentals" else "deep_dive")
                               for kp, q in r.tables(b, "questions", f"branches.{name}"))

    rules = r.get(data, "rules", dict, "")
    never = r.strings(rules, "never", "rules")
    forbidden = []
    for kp, t in r.tables(rules, "forbidden", "rules", required=False):
        rule = r.get(t, "rule", str, kp)
        if rule not in never:
            raise r.fail(f"{kp}.rule", f"{rule!r} is not one of rules.never")
        forbidden.append(Forbidden(rule, r.regexes(t, "patterns", kp)))

    tech = r.get(data, "techniques", dict, "", default={})
    closing = r.get(data, "closing", dict, "")
    answers = []
    for kp, t in r.tables(closing, "answers", "closing", required=False):
        answers.append((r.regexes(t, "patterns", kp), r.get(t, "text", str, kp)))

    concepts = {}
    for cid, t in r.get(data, "concepts", dict, "").items():
        kp = f"concepts.{cid}"
        if not isinstance(t, dict):
            raise r.fail(kp, "expected a table")
        concepts[cid] = Concept(cid, r.get(t, "label", str, kp), r.get(t, "group", str, kp), r.regexes(t, "patterns", kp))

    rubric = r.get(data, "rubric", dict, "")
    raw_criteria = r.get(rubric, "criteria", dict, "rubric")
    criteria = []
    for cid in CRITERIA:
        t = r.get(raw_criteria, cid, dict, "rubric.criteria")
        kp = f"rubric.criteria.{cid}"
        criteria.append(Criterion(cid, r.get(t, "label", str, kp), r.strings(t, "concepts", kp, default=()),
                                  r.get(t, "practice", str, kp, default="")))
    raw_flags = r.get(rubric, "red_flags", dict, "rubric")
    flags = []
    for fid in RED_FLAGS:
        t = r.get(raw_flags, fid, dict, "rubric.red_flags")
        kp = f"rubric.red_flags.{fid}"
        flags.append(RedFlag(fid, r.get(t, "label", str, kp), r.get(t, "advice", str, kp, default=""),
                             r.strings(t, "concepts", kp, default=())))

    hints = {}
    for kp, t in r.tables(data, "hints", "", required=False):
        hints[r.get(t, "topic", str, kp)] = r.get(t, "text", str, kp)

    outlines = {}
    for kp, t in r.tables(data, "outlines", "", required=False):
        outlines[r.get(t, "id", str, kp)] = r.strings(t, "steps", kp)

    misconceptions = []
    for kp, t in r.tables(data, "misconceptions", "", required=False):
        unless = r.regexes(t, "unless", kp) if "unless" in t else None
        mid = r.get(t, "id", str, kp)
        misconceptions.append(Misconception(mid, r.regexes(t, "patterns", kp), r.get(t, "correction", str, kp),
                                            unless, r.get(t, "label", str, kp, default=mid.replace("_", " "))))
    seen = [m.id for m in misconceptions]
    if len(set(seen)) != len(seen):
        dup = next(x for x in seen if seen.count(x) > 1)
        raise r.fail("misconceptions", f"duplicate id {dup!r}")

    persona = Persona(
        id=r.get(data, "id", str, ""),
        path=path,
        name=r.get(data, "name", str, ""),
        role=r.get(data, "role", str, ""),
        years=r.get(data, "years", int, "", default=0),
        expertise=r.strings(data, "expertise", "", default=()),
        style=r.get(data, "style", str, "", default=""),
        mission=r.get(data, "mission", str, "", default=""),
        communication=tuple((r.get(t, "name", str, kp), r.get(t, "example", str, kp))
                            for kp, t in r.tables(data, "communication", "", required=False)),
        always=r.strings(rules, "always", "rules", default=()),
        never=never,
        forbidden=tuple(forbidden),
        starters=tuple((r.get(t, "instead_of", str, kp), r.get(t, "say", str, kp))
                       for kp, t in r.tables(data, "starters", "", required=False)),
        phases=tuple(phases),
        scenarios=tuple(scenarios),
        branches=branches,
        rapport=_lines(r, tech, "rapport", "techniques"),
        probing=_lines(r, tech, "probing", "techniques"),
        tradeoffs=_lines(r, tech, "tradeoffs", "techniques"),
        discovery=_lines(r, tech, "discovery", "techniques", when_key="covers"),
        question_types=tuple((r.get(t, "name", str, kp), r.strings(t, "questions", kp))
                             for kp, t in r.tables(data, "question_types", "", required=False)),
        hints=hints,
        closing_invite=r.get(closing, "invite", str, "closing"),
        closing_thanks=r.get(closing, "thanks", str, "closing"),
        closing_default=r.get(closing, "default_answer", str, "closing"),
        closing_answers=tuple(answers),
        concepts=concepts,
        criteria=tuple(criteria),
        red_flags=tuple(flags),
        domain_words=r.regexes(r.get(data, "analysis", dict, "", default={}), "domain_words", "analysis"),
        outlines=outlines,
        misconceptions=tuple(misconceptions),
    )
    _check_references(persona, r)
    return persona


def all_questions(p: Persona) -> list[tuple[str, str]]:
    """(key path, text) of every line the interviewer may say, for the never-do check."""
    out: list[tuple[str, str]] = []
    for phase in p.phases:
        out.append((f"phases.{phase.id}.transition", phase.transition))
        for q in phase.questions:
            out += [(f"phases.{phase.id}.{q.id}", q.text), (f"phases.{phase.id}.{q.id}.rephrase", q.rephrase)]
    shared: set[str] = set()  # a shared probe listed by several scenarios is checked once
    for s in p.scenarios:
        out += [(f"scenarios.{s.id}.prompt", s.prompt), (f"scenarios.{s.id}.rephrase", s.rephrase)]
        for q in s.guide + s.probes:
            if q.id in shared:
                continue
            shared.add(q.id)
            out += [(f"scenarios.{s.id}.{q.id}", q.text), (f"scenarios.{s.id}.{q.id}.rephrase", q.rephrase)]
    for name, qs in p.branches.items():
        for q in qs:
            out += [(f"branches.{name}.{q.id}", q.text), (f"branches.{name}.{q.id}.rephrase", q.rephrase)]
    for group in ("probing", "tradeoffs", "discovery", "rapport"):
        for line in getattr(p, group):
            out.append((f"techniques.{group}.{line.id}", line.text))
    for name, qs in p.question_types:
        out += [(f"question_types.{name}", q) for q in qs]
    for i, (_, say) in enumerate(p.starters):
        out.append((f"starters[{i}].say", say))
    out += [(f"hints.{k}", v) for k, v in p.hints.items()]
    out += [("closing.invite", p.closing_invite), ("closing.thanks", p.closing_thanks)]
    return [(k, t) for k, t in out if t]


def _unique(ids: list[str], where: str, r: _Reader) -> None:
    dup = next((x for i, x in enumerate(ids) if x in ids[:i]), None)
    if dup is not None:
        raise r.fail(where, f"duplicate id {dup!r}")


def _check_references(p: Persona, r: _Reader) -> None:
    known = set(p.concepts)
    _unique([s.id for s in p.scenarios], "scenarios", r)
    _unique([ph.id for ph in p.phases], "phases", r)
    questions = [q.id for ph in p.phases for q in ph.questions] + [q.id for qs in p.branches.values() for q in qs]
    _unique(questions, "questions", r)
    for s in p.scenarios:
        _unique([q.id for q in s.guide + s.probes], f"scenarios.{s.id}", r)

    def need(ids: tuple[str, ...], where: str) -> None:
        for cid in ids:
            if cid not in known:
                raise r.fail(where, f"unknown concept id {cid!r}")

    for phase in p.phases:
        for q in phase.questions:
            need(q.covers, f"phases.{phase.id}.{q.id}.covers")
    for s in p.scenarios:
        for q in s.guide + s.probes:
            need(q.covers, f"scenarios.{s.id}.{q.id}.covers")
    for name, qs in p.branches.items():
        for q in qs:
            need(q.covers, f"branches.{name}.{q.id}.covers")
    for line in p.rapport:
        need(line.when, f"techniques.rapport.{line.id}.when")
    for line in p.discovery:
        need(line.when, f"techniques.discovery.{line.id}.covers")
    for c in p.criteria:
        need(c.concepts, f"rubric.criteria.{c.id}.concepts")
    for f in p.red_flags:
        need(f.concepts, f"rubric.red_flags.{f.id}.concepts")
    for key, text in all_questions(p):
        for name in re.findall(r"\{(\w+)\}", text):
            if name not in PLACEHOLDERS:
                raise r.fail(key, f"unknown placeholder {{{name}}} (known: {', '.join(sorted(PLACEHOLDERS))})")
        broken = p.violations(text)
        if broken:
            raise r.fail(key, f"breaks the never-do rule {broken[0]!r}: {text!r}")
    seen: dict[str, str] = {}
    for key, text in all_questions(p):
        if key.endswith((".rephrase", ".transition")) or key.startswith(("hints.", "techniques.rapport", "starters", "question_types")):
            continue
        if text in seen:
            raise r.fail(key, f"the same question as {seen[text]}: {text!r}")
        seen[text] = key


# --------------------------------------------------------------------------- finding


def builtin_dir() -> Path:
    """Installed wheels carry personas inside the package; a source checkout has them at the top level."""
    here = Path(__file__).resolve().parent
    packaged = here / "_personas"
    return packaged if packaged.is_dir() else here.parent / "personas"


def search_dirs() -> list[Path]:
    from mlcoach.config import home

    return [home() / "personas", builtin_dir()]


def load_path(path: Path, strict: bool = False) -> Persona:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such persona file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from None
    persona = parse(data, path)
    if strict:
        persona.compile_all()
    return persona


_cache: dict[Path, tuple[float, Persona]] = {}


def load(ref: str) -> Persona:
    """A persona by id (user directory first, then built-in) or by path."""
    candidate = Path(ref).expanduser()
    if ref.endswith(".toml") or "/" in ref or candidate.is_file():
        path = candidate.resolve()
    else:
        for d in search_dirs():
            if (d / f"{ref}.toml").is_file():
                path = (d / f"{ref}.toml").resolve()
                break
        else:
            known = ", ".join(sorted(available())) or "none"
            raise NotFound(f"persona: unknown id {ref!r} (known: {known})")
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = -1.0
    hit = _cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    # A persona of one's own is checked whole now (every regex compiled), not at the closing of an interview; the
    # built-in one is tested, and compiles in the background while the first question is read.
    persona = load_path(path, strict=not path.is_relative_to(builtin_dir().resolve()))
    _cache[path] = (mtime, persona)
    return persona


def available() -> dict[str, Path]:
    """id -> path of every persona file found (user ones shadow built-in ones of the same id)."""
    out: dict[str, Path] = {}
    for d in reversed(search_dirs()):
        if d.is_dir():
            for f in sorted(d.glob("*.toml")):
                out[f.stem] = f
    return out
