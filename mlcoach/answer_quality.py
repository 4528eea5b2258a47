"""How much an answer holds before any concept is read: empty, one word, a repeat of an earlier answer, keyboard
mash, off the job's topic, a keyword salad, or an injected instruction. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from mlcoach import phrases as ph


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """The answer's words, lower case: what a repeat is compared on."""
    return " ".join(w.lower() for w in ph.WORD.findall(text))


def stopword_ratio(tokens: Sequence[str]) -> float:
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if t.lower() in ph.STOPWORDS) / len(tokens)


def is_repeat(text: str, previous: Sequence[str]) -> bool:
    norm = normalize(text)
    if len(norm.split()) < 3:
        return False
    mine = set(norm.split())
    for prev in previous:
        other = normalize(prev)
        if other == norm:
            return True
        theirs = set(other.split())
        if theirs and len(mine & theirs) / len(mine | theirs) >= 0.9:
            return True
    return False


def quality(body: str, tokens: list[str], previous: Sequence[str], persona, hits: bool,
             injected: bool, salad: bool) -> str:
    """ok | empty | one_word | gibberish | off_topic | repeated | injection | salad."""
    domain = persona.domain_words.search(body)
    n = len(tokens)
    if n == 0:
        quality = "injection" if injected else "empty"
    elif n <= 2:
        quality = "one_word"
    elif is_repeat(body, previous):
        quality = "repeated"
    elif not hits and (stopword_ratio(tokens) < 0.1 or _looks_random(tokens)):
        quality = "gibberish"
    elif not hits and not domain:
        quality = "off_topic"
    elif salad:
        quality = "salad"
    else:
        quality = "ok"
    if injected and quality not in ("ok", "salad"):
        quality = "injection"  # nothing of substance besides the instruction
    return quality


_VOWELS = re.compile(r"[aeiouy]", re.IGNORECASE)


def _looks_random(tokens: Sequence[str]) -> bool:
    """Keyboard mash: many tokens without vowels or with long consonant runs."""
    odd = sum(1 for t in tokens if not _VOWELS.search(t) or re.search(r"[^aeiouy\W\d]{5,}", t, re.IGNORECASE))
    return odd / len(tokens) > 0.4
