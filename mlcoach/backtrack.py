"""Which regular expressions can backtrack catastrophically, read from the standard library's own parse tree.

A persona's patterns run on every answer. Python's `re` backtracks, so a pattern that can match the same text in
exponentially many ways ("(a+)+$", "(a|aa)+$", "(.*a){25}$") can hang an interview on a 40-character answer that
almost matches. Such patterns are refused when a persona of your own is loaded or validated. The test is
conservative (a pattern that is safe may be refused: rewrite it), never the other way round for these shapes:
- a repeat inside a repeat, where the outer one can run more than a few times;
- a repeated group whose alternatives can start with the same character, or that can match nothing at all."""

from __future__ import annotations

import re

try:
    from re import _parser
    from re._constants import MAXREPEAT
except ImportError:  # pragma: no cover - older layouts
    import sre_parse as _parser
    from sre_constants import MAXREPEAT

MANY = 5  # an outer repeat of more than this many rounds over an inner repeat is refused
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
ANY = None  # a first-character set that may be any character


def risky(source: str, flags: int = 0) -> str:
    """Why the pattern can backtrack catastrophically ("" when it cannot in these ways)."""
    try:
        tree = _parser.parse(source, flags)
    except (re.error, OverflowError, RecursionError):
        return ""  # compiling names a bad regex itself
    return _walk(list(tree))


def _walk(items) -> str:
    for op, arg in items:
        name = str(op)
        if name in _REPEATS and (arg[1] is MAXREPEAT or arg[1] > MANY):
            sub = list(arg[2])
            while len(sub) == 1 and str(sub[0][0]) == "SUBPATTERN":  # "(...)+": the group's own items
                sub = list(sub[0][1][-1])
            if _repeats(sub):
                return "repeats a group that itself repeats"
            if _nullable(sub):
                return "repeats a group that can match nothing"
            if _ambiguous(sub) or _optional_again(sub):
                return "repeats a group whose alternatives can start alike"
        children = _children(name, arg) + ([list(arg[1])] if name in ("ASSERT", "ASSERT_NOT") else [])
        for child in children:
            if why := _walk(child):
                return why
    return ""


def _repeats(items) -> bool:
    """Whether a repeat of more than one round is anywhere inside."""
    for op, arg in items:
        name = str(op)
        if name in _REPEATS and (arg[1] is MAXREPEAT or arg[1] > 1):
            return True
        inner = _children(name, arg)
        if any(_repeats(child) for child in inner):
            return True
    return False


def _children(name: str, arg) -> list:
    if name in _REPEATS:
        return [list(arg[2])]
    if name == "SUBPATTERN":
        return [list(arg[-1])]
    if name == "BRANCH":
        return [list(b) for b in arg[1]]
    return []


def _ambiguous(items) -> bool:
    """Whether an alternation inside can take two branches on the same next character."""
    for op, arg in items:
        name = str(op)
        if name == "BRANCH":
            firsts = [_first(list(b)) for b in arg[1]]
            for i, a in enumerate(firsts):
                for b in firsts[i + 1:]:
                    if a is ANY or b is ANY or a & b:
                        return True
        if any(_ambiguous(child) for child in _children(name, arg)):
            return True
    return False


def _optional_again(items) -> bool:
    """Whether the group holds an optional part that can start like the group itself ("(aa?)+", "(a|aa)+" as the
    parser factors it): each round can then end early or late, and the rounds split the text in many ways."""
    start = _first(items)
    for op, arg in items:
        if not _nullable([(op, arg)]):
            continue
        first = _first([(op, arg)])
        if first is ANY or start is ANY or first & start:
            return first != set()
    return False


def _first(items):
    """The characters a sequence can start with (ANY when it could be any)."""
    out: set[str] = set()
    for op, arg in items:
        chars, nullable = _first_of(str(op), arg)
        if chars is ANY:
            return ANY
        out |= chars
        if not nullable:
            return out
    return out


def _first_of(name: str, arg):
    if name == "LITERAL":
        return {chr(arg).lower()}, False
    if name == "IN":
        if all(str(o) == "LITERAL" for o, _ in arg):
            return {chr(a).lower() for _, a in arg}, False
        return ANY, False
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return set(), True
    if name == "SUBPATTERN":
        sub = list(arg[-1])
        return _first(sub), _nullable(sub)
    if name == "BRANCH":
        chars: set[str] = set()
        for branch in arg[1]:
            first = _first(list(branch))
            if first is ANY:
                return ANY, True
            chars |= first
        return chars, any(_nullable(list(b)) for b in arg[1])
    if name in _REPEATS:
        sub = list(arg[2])
        return _first(sub), arg[0] == 0 or _nullable(sub)
    return ANY, False


def _nullable(items) -> bool:
    """Whether the sequence can match the empty string."""
    for op, arg in items:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        if name in _REPEATS:
            if arg[0] == 0 or _nullable(list(arg[2])):
                continue
            return False
        if name == "SUBPATTERN":
            if _nullable(list(arg[-1])):
                continue
            return False
        if name == "BRANCH":
            if any(_nullable(list(b)) for b in arg[1]):
                continue
            return False
        return False
    return True
