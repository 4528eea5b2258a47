"""The caps that keep the work per answer bounded, whatever is pasted (README: "Limits and safety")."""

from __future__ import annotations

import re

MAX_READ_WORDS = 2000  # an answer is read up to here (about 13 minutes of speech); the log keeps it whole
MAX_ANSWERS = 500  # answers read in one session (a 45-minute interview has about 20); the interview ends there
MAX_SESSION_WORDS = 40_000  # words read in one session (45 minutes of speech is about 6,000); the interview ends there
_NTH_WORD = re.compile(r"\S+\s*")


def read_part(text: str) -> str:
    """The part of an answer that is read: its first MAX_READ_WORDS words, and never more characters than that
    many long words, so a 1 MB answer with no full stop, or a pasted comma list, reads like a 2,000-word one."""
    if len(text) <= MAX_READ_WORDS * 5:  # short enough that it cannot hold more words: no counting
        return text
    text_cut = text[: MAX_READ_WORDS * 12]
    end = 0
    for i, m in enumerate(_NTH_WORD.finditer(text_cut)):
        if i == MAX_READ_WORDS:
            return text_cut[:end]
        end = m.end()
    return text_cut


_RUN = re.compile(r"[^\S\n]*\n[^\S\n]*\n\s*|\s{3,}")


def squeeze(text: str) -> str:
    """Long runs of blank space as one space, one line break or one blank line: what they mean, in a size that
    no pattern can spend quadratic time on (a pasted block of 20,000 line breaks)."""
    return _RUN.sub(lambda m: "\n\n" if m.group().count("\n") > 1 else "\n" if "\n" in m.group() else " ", text)


MAX_DEPTH = 32  # tables and lists inside one another, in any JSON or TOML we read: ours never pass 6


def json_loads(text: str):
    """`json.loads`, but a value nested deeper than MAX_DEPTH is a ValueError, never a RecursionError."""
    import json

    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    if _too_deep(data):
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    return data


def toml_loads(text: str) -> dict:
    """`tomllib.loads`, but a table nested deeper than MAX_DEPTH is a TOMLDecodeError, never a RecursionError."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError(f"nested deeper than {MAX_DEPTH} levels") from None
    if _too_deep(data):
        raise tomllib.TOMLDecodeError(f"nested deeper than {MAX_DEPTH} levels")
    return data


def _too_deep(data) -> bool:
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                return True
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return False
