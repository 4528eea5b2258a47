"""The caps that keep the work per answer bounded, whatever is pasted (README: "Limits")."""

from __future__ import annotations

import re

MAX_READ_WORDS = 2000  # an answer is read up to here (about 13 minutes of speech); the log keeps it whole
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
