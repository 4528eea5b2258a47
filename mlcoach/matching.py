"""Matching a persona's regular expressions: `Patterns` (a list of regexes matched as one, compiled on first use)
and `ConceptFinder` (which concepts a text names, through an index of the literal prefixes of their patterns)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from mlcoach.backtrack import risky
from mlcoach.errors import BadInput


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
            except (re.error, OverflowError, RecursionError):
                for i, source in enumerate(self.sources):  # name the culprit
                    try:
                        re.compile(source, self.FLAGS)
                    except (re.error, OverflowError, RecursionError) as exc:
                        path, key = self._where
                        raise BadInput(f"{path}: {key}[{i}]: bad regular expression {source!r} ({exc})") from None
                raise
        return self._regex

    def check_backtracking(self) -> None:
        """Refuse a pattern that can backtrack catastrophically (backtrack.py): on a short answer that almost
        matches it could take exponential time, and hang the interview."""
        for i, source in enumerate(self.sources):
            if why := risky(source, self.FLAGS):
                path, key = self._where
                raise BadInput(f"{path}: {key}[{i}]: {source!r} {why}; on some answers it would take exponential "
                               "time (rewrite it)")

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
    i, bounded = _skip_assertions(source, i, bounded)
    if i < 0 or i >= len(source):
        return None
    if source[i] == "(":
        return _group_prefixes(source, i, bounded)
    literal, _ = _leading_literal(source, i)
    return frozenset([_prepared(literal, bounded)]) if literal else None


def _skip_assertions(source: str, i: int, bounded: bool) -> tuple[int, bool]:
    """Past the leading \\b and lookarounds: (the next position or -1, whether a \\b precedes it)."""
    while True:
        if source.startswith("\\b", i):
            bounded = True
            i += 2
        elif source.startswith(("(?<!", "(?<=", "(?!", "(?="), i):
            i = _close(source, i)
            if i < 0:
                return -1, bounded
        else:
            return i, bounded


def _group_prefixes(source: str, i: int, bounded: bool) -> frozenset[str] | None:
    """The prefixes of a leading group of literal alternatives, and of what follows it when the group is optional."""
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
    a prefix are scanned as usual. Same answers as searching each concept's patterns, much faster."""

    def __init__(self, patterns: Mapping[str, Patterns]) -> None:
        """`patterns`: concept id -> that concept's patterns."""
        self.index: dict[str, list[tuple[str, str, re.Pattern]]] = {}
        self.scan: list[tuple[str, re.Pattern]] = []
        for cid, pats in patterns.items():
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


