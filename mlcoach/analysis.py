"""One reading of an answer, shared by the planner (what to probe) and the judge (what to credit).

A concept counts as *explained* only where the sentence that names it also gives a reason, a consequence, a
number or result, or a first-person account of real work, and reads as a sentence rather than a list of words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from mlcoach.persona import Persona

STOPWORDS = frozenset(
    "a an the and or but if then so because since as of to in on at by for with from into about over after before "
    "is are was were be been being it its this that these those there here i we you he she they me us my our your "
    "their them what which who when where why how would could should will can do does did done have has had not no "
    "just also very more most some any all each than too out up down off only own same other such both few again "
    "further once while until between through during against under above below".split()
)
_WORD = re.compile(r"[a-z0-9][a-z0-9'+\-./%]*", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|\s+-\s+|\s*—\s*")
_REASON = re.compile(
    r"\b(because|since|so that|so we|so i|so it|which means|meaning|in order to|due to|that's why|that is why|"
    r"the reason|trade-?offs?|otherwise|instead of|rather than|to avoid|to prevent|to reduce|to catch|to make sure|"
    r"to ensure|helps?|lets? (us|me|you)|which lets|allows?|leads? to|led to|caused?|resulted in|results in|"
    r"depends on|as long as|unless|whereas|but|however|although|worth it|cheaper|faster|slower|simpler|"
    r"more robust|interpretable|if (the|it|we|you|there)|when (the|it|we|you|there))\b",
    re.IGNORECASE | re.ASCII,
)
_NUMBER = re.compile(
    r"\d|\b(percent|half|double[ds]?|doubling|tripled|twice|ten|twenty|thirty|fifty|hundred|thousand|million|"
    r"billion|dozens?)\b",
    re.IGNORECASE | re.ASCII,
)
_PRONOUN = re.compile(r"\b(i|we|my team|our team|i've|we've|i'd|we'd)\b", re.IGNORECASE)
_PAST = re.compile(
    r"\b(built|shipped|deployed|worked|trained|led|designed|found|saw|noticed|realized|realised|ran|launched|"
    r"reduced|improved|increased|cut|moved|migrated|owned|wrote|set up|rolled out|fixed|debugged|discovered|"
    r"learned|learnt|spent|tried|switched|replaced|added|dropped|started|took|got|had|did|was|were|made|used|"
    r"measured|retrained|monitored|caught|missed|broke|failed|went|helped|managed|delivered|scaled)\b",
    re.IGNORECASE | re.ASCII,
)
_HYPOTHETICAL = re.compile(r"\b(would|could|might|i'd|we'd)\b", re.IGNORECASE | re.ASCII)
_FAILURE = re.compile(
    r"\b(failed|failure|didn't work|did not work|went wrong|mistake|lesson|learned|learnt|post-?mortem|"
    r"broke|regress(ed|ion)|underperform\w*|backfired|wrong|bug|outage|root cause)\b",
    re.IGNORECASE | re.ASCII,
)
_TRADEOFF = re.compile(
    r"\b(trade-?offs?|pros and cons|downside|upside|at the cost of|cost of|versus|vs\.?|compared (to|with)|"
    r"on the other hand|but it|but that|whereas|in exchange|instead of|rather than|when not to|wouldn't use|"
    r"would not use|not worth|overkill)\b",
    re.IGNORECASE | re.ASCII,
)
_DEFINITION = re.compile(
    r"\b(is (when|where|a|an|the)|are (when|a)|refers to|is defined as|is the (difference|process|tendency)|"
    r"means that|is a (technique|method|measure)|is used to)\b",
    re.IGNORECASE | re.ASCII,
)
_INJECTION = re.compile(
    r"(ignore (all |any |the |your )?(previous|prior|above|earlier)? ?(instructions|rules|rubric|prompts?)|"
    r"disregard (the|all|your|previous)|^\s*system\s*:|\bsystem prompt\b|\byou are now\b|"
    r"\b(give|rate|score|grade|mark) (me|this|the candidate|him|her|them)\b.{0,40}\b(100|10/10|perfect|"
    r"strong hire|hire|top|maximum|full marks)|\bscore of 100\b|\b100\s*/\s*100\b|\bas an ai\b|"
    r"\bnew instructions\b|\boverride\b.{0,20}\b(rubric|score|rules)|\brate (me|this) (as )?strong hire\b)",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Hit:
    concept: str
    explained: bool
    quote: str  # the candidate's sentence, verbatim
    reasoned: bool = False  # the sentence gives a reason or a trade-off (not only experience or a number)


@dataclass(frozen=True)
class Analysis:
    text: str
    words: int
    quality: str  # ok | empty | one_word | gibberish | off_topic | repeated | injection | salad
    hits: tuple[Hit, ...]
    reasons: bool
    numbers: bool
    experience: bool  # a first-person account of past work
    hypothetical: bool
    tradeoff: bool
    failure: bool
    definitional: bool
    injection: bool
    salad: bool  # many concepts named with almost no sentence around them

    @property
    def substantive(self) -> bool:
        return self.quality == "ok"

    @property
    def mentioned(self) -> set[str]:
        return {h.concept for h in self.hits}

    @property
    def explained(self) -> set[str]:
        return {h.concept for h in self.hits if h.explained}

    def first_quote(self, concept: str) -> str:
        return next((h.quote for h in self.hits if h.concept == concept), "")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    return " ".join(w.lower() for w in words(text))


def stopword_ratio(tokens: Sequence[str]) -> float:
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if t.lower() in STOPWORDS) / len(tokens)


def _is_repeat(text: str, previous: Sequence[str]) -> bool:
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


def analyze(text: str, persona: Persona, previous: Sequence[str] = ()) -> Analysis:
    """Read one answer. `previous` are the candidate's earlier answers (to spot repeated text)."""
    text = text or ""
    tokens = words(text)
    injected = bool(_INJECTION.search(text))
    # Sentences that instruct the judge are only text: they earn nothing and change nothing.
    clean = [s for s in sentences(text) if not _INJECTION.search(s)]
    hits: dict[str, Hit] = {}
    flags = dict(reasons=False, numbers=False, experience=False, hypothetical=False, tradeoff=False,
                 failure=False, definitional=False)
    present = [c for c in persona.concepts.values() if c.search(text)]  # one pass over the whole answer first
    for sentence in clean:
        stoks = words(sentence)
        prose = len(stoks) >= 4 and stopword_ratio(stoks) >= 0.15
        reason = bool(_REASON.search(sentence))
        number = bool(_NUMBER.search(sentence))
        experience = bool(_PRONOUN.search(sentence) and _PAST.search(sentence)) and not _HYPOTHETICAL.search(sentence)
        flags["reasons"] |= reason and prose
        flags["numbers"] |= number and prose
        flags["experience"] |= experience and prose
        flags["hypothetical"] |= bool(_HYPOTHETICAL.search(sentence))
        flags["tradeoff"] |= bool(_TRADEOFF.search(sentence)) and prose
        flags["failure"] |= bool(_FAILURE.search(sentence)) and prose
        flags["definitional"] |= bool(_DEFINITION.search(sentence)) and not experience
        explained = prose and (reason or number or experience)
        for concept in present:
            if concept.search(sentence):
                old = hits.get(concept.id)
                if old is None or (explained and not old.explained):
                    hits[concept.id] = Hit(concept.id, explained, sentence, prose and reason)
                elif prose and reason and not old.reasoned:
                    hits[concept.id] = Hit(concept.id, old.explained, old.quote, True)

    salad = len(hits) >= 3 and stopword_ratio(tokens) < 0.12
    if salad:
        hits = {k: Hit(h.concept, False, h.quote) for k, h in hits.items()}
        flags = {k: False for k in flags}
    domain = persona.domain_words.search(text)
    n = len(tokens)
    if n == 0:
        quality = "empty"
    elif injected and not any(h.explained for h in hits.values()):
        quality = "injection"
    elif n <= 2:
        quality = "one_word"
    elif _is_repeat(text, previous):
        quality = "repeated"
    elif not hits and (stopword_ratio(tokens) < 0.1 or _looks_random(tokens)):
        quality = "gibberish"
    elif not hits and not domain:
        quality = "off_topic"
    elif salad:
        quality = "salad"
    else:
        quality = "ok"
    if quality in ("empty", "one_word", "repeated", "gibberish", "injection"):
        hits = {k: Hit(h.concept, False, h.quote) for k, h in hits.items()} if quality != "repeated" else {}
    return Analysis(text=text, words=n, quality=quality, hits=tuple(hits.values()), injection=injected,
                    salad=salad, **flags)


_VOWELS = re.compile(r"[aeiouy]", re.IGNORECASE)


def _looks_random(tokens: Sequence[str]) -> bool:
    """Keyboard mash: many tokens without vowels or with long consonant runs."""
    odd = sum(1 for t in tokens if not _VOWELS.search(t) or re.search(r"[^aeiouy\W\d]{5,}", t, re.IGNORECASE))
    return odd / len(tokens) > 0.4
