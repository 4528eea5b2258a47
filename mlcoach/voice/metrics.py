"""Delivery metrics of a spoken answer: words per minute, filler words per 100 words, long pauses. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlcoach.records import CandidateEvent

WPM_RANGE = (100, 165)  # a comfortable interview pace, words per minute
FILLERS_OK = 3.0  # filler words per 100 words above which the answers sound hesitant
LONG_PAUSE = 2.0  # seconds of silence inside an answer that count as a long pause
FILLER_PHRASES = ("you know", "sort of", "kind of", "i mean")
FILLER_WORDS = ("um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "like", "basically", "actually", "literally",
                "so yeah")
_FILLER = re.compile(r"\b(" + "|".join(re.escape(f) for f in sorted(FILLER_PHRASES + FILLER_WORDS, key=len,
                                                                      reverse=True)) + r")\b", re.IGNORECASE)
# "like" is a filler only where it is not a verb or a comparison ("I like", "looks like", "like a ...").
_LIKE_USED = re.compile(r"\b(i|you|we|they|would|'d|don't|didn't|looks?|looked|feels?|felt|seems?|something|"
                        r"things?|just)\s+like\b|\blike\s+(a|an|the|this|that|these|those)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9']+")


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Delivery:
    words: int
    duration_seconds: float
    wpm: float
    fillers: float  # per 100 words
    pauses: int  # silences over LONG_PAUSE seconds between segments

    def fields(self) -> dict:
        """What a `candidate` event records for a voice answer."""
        return {"wpm": round(self.wpm, 1), "fillers": round(self.fillers, 1), "pauses": self.pauses,
                "duration_seconds": round(self.duration_seconds, 2)}


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def count_fillers(text: str) -> int:
    found = len(_FILLER.findall(text))
    likes_used = len(_LIKE_USED.findall(text))
    return max(0, found - likes_used)


def long_pauses(segments: Sequence[Segment], threshold: float = LONG_PAUSE) -> int:
    return sum(1 for a, b in zip(segments, segments[1:], strict=False) if b.start - a.end > threshold)


def measure(text: str, duration_seconds: float, segments: Sequence[Segment] = ()) -> Delivery:
    """Rate over the speech itself: from the first word to the last where segments say, else the whole clip."""
    words = count_words(text)
    spoken = duration_seconds
    if segments:
        spoken = max(0.1, segments[-1].end - segments[0].start)
    wpm = words / (spoken / 60.0) if spoken > 0 and words else 0.0
    fillers = 100.0 * count_fillers(text) / words if words else 0.0
    return Delivery(words, duration_seconds, wpm, fillers, long_pauses(segments))


def observations(answers: Sequence[CandidateEvent]) -> list[str]:
    """What the voice answers of a session showed, as observations against the reference ranges."""
    spoken = [a for a in answers if a.input == "voice" and a.wpm]
    if not spoken:
        return []
    words = [count_words(a.text) for a in spoken]
    total_words = sum(words) or 1
    wpm = sum(a.wpm * w for a, w in zip(spoken, words, strict=True)) / total_words
    fillers = sum(a.fillers * w for a, w in zip(spoken, words, strict=True)) / total_words
    pauses = sum(a.pauses for a in spoken)
    lo, hi = WPM_RANGE
    pace = ("within" if lo <= wpm <= hi else "below" if wpm < lo else "above")
    out = [f"{len(spoken)} spoken answer{'s' if len(spoken) != 1 else ''}: {wpm:.0f} words per minute on average, "
           f"{pace} the usual {lo}-{hi} for an interview."]
    if fillers > FILLERS_OK:
        out.append(f"{fillers:.1f} filler words (um, uh, like, you know, ...) per 100 words; under {FILLERS_OK:g} "
                   "sounds more assured.")
    else:
        out.append(f"{fillers:.1f} filler words per 100 words.")
    if pauses:
        out.append(f"{pauses} pause{'s' if pauses != 1 else ''} of more than {LONG_PAUSE:g} s inside answers.")
    return out
