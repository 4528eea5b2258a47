"""One reading of an answer, shared by the planner (what to probe) and the judge (what to credit).

A concept counts as *explained* only where the sentence that names it also gives a reason, a consequence, a
number or result, or a first-person account of real work, and reads as a sentence rather than a list of words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from mlcoach import claims
from mlcoach import phrases as ph
from mlcoach.answer_quality import quality as quality_of
from mlcoach.answer_quality import stopword_ratio
from mlcoach.limits import read_part, squeeze
from mlcoach.matching import prepare
from mlcoach.personas import Persona
from mlcoach.spans import merged, within


@dataclass(frozen=True)
class Hit:
    concept: str
    explained: bool
    quote: str  # the candidate's sentence, verbatim
    reasoned: bool = False  # the sentence gives a reason or a trade-off (not only experience or a number)
    grounded: bool = False  # the sentence speaks of the candidate's own work or plan, not a textbook in general
    void: bool = False  # named only to be waved away, or in a sentence that gets the facts wrong: earns nothing
    specific: bool = False  # the sentence gives a figure or tells of work done, not only a reason
    polarity: str = claims.AFFIRMED  # of the clause it stands in: affirmed, hedged, negated, disclaimed, dismissed
    course: bool = False  # told of course work, a tutorial or a competition
    clause: claims.Clause | None = field(default=None, compare=False, repr=False)

    @property
    def mode(self) -> str:
        """did, would, knows, asks, quotes or course: read from its clause only when asked for."""
        return self.clause.mode if self.clause is not None else claims.KNOWS

    @property
    def gap(self) -> bool:
        """Said to be not done, not known or not needed: evidence of the gap, never credit."""
        return self.polarity in claims.GAPS


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
    grounded: bool  # some sentence speaks of the candidate's own work or plan ("I'd...", "we shipped...")
    injection: bool
    salad: bool  # many concepts named with almost no sentence around them
    disclaims: bool = False  # says the work was only a tutorial or course, or that there is none
    course: bool = False  # tells of course work, a tutorial or a competition rather than a job
    unread: int = 0  # sentences in a language the offline reader does not read: never credited or quoted
    marks: tuple[tuple[str, str], ...] = ()  # (flag, the first sentence that raised it), verbatim
    errors: tuple[tuple[str, str], ...] = ()  # (misconception id, the sentence that states it), verbatim

    def quote_for(self, flag: str) -> str:
        return next((q for f, q in self.marks if f == flag), "")

    @property
    def substantive(self) -> bool:
        return self.quality == "ok"

    @property
    def mentioned(self) -> set[str]:
        return {h.concept for h in self.hits}

    @property
    def explained(self) -> set[str]:
        return {h.concept for h in self.hits if h.explained}


def is_injection(text: str) -> bool:
    """The text tries to instruct the interviewer or the judge."""
    return bool(ph.INJECTION.search(text))


def words(text: str) -> list[str]:
    return ph.WORD.findall(text)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in ph.SENTENCE.split(text) if s and s.strip()]


MIN_OWN_WORDS = 2
PASSIVE_WORDS = 6  # content words a passive account needs to count as the candidate's own ("it was trained" does not)
PLAN_WORDS = 4  # own words a planned step needs to count as explained ("I'd check the data" does not)
_BECAUSE_OF = re.compile(r"\b(because of|due to|thanks to)\b", re.IGNORECASE | re.ASCII)
FILLER = frozenset(
    "use used using uses chose choose chosen pick picked go went would important things stuff etc lot lots really "
    "good great well also plus like".split()
)


def own_words(sentence: str, concepts: Sequence) -> tuple[int, int]:
    """(content words, content words outside every concept's match): how much the sentence says in its own words
    beyond the names of concepts. Stopwords and filler ("use", "would") are not content."""
    found = merged(m.span() for c in concepts for m in c.patterns.compile().finditer(sentence))
    content = own = 0
    for m in ph.WORD.finditer(sentence):
        token = m.group().lower().rstrip(".,;:")
        if token in ph.STOPWORDS or token in FILLER:
            continue
        content += 1
        if not within(m.start(), found):
            own += 1
    return content, own


_LIST_SEPARATOR = re.compile(r",|\b(and|or)\b", re.IGNORECASE)


def listy(sentence: str, content: int, own: int, concepts: int) -> bool:
    """Mostly a list of concept names with a little glue ("I'd use precision, recall and AUC because of class
    imbalance"): an enumeration where three or more concepts cover two thirds of the content words, or two cover
    three quarters. A figure of the candidate's own ("spam is 80 percent of volume") is more than glue."""
    if content == 0 or concepts < 2 or not _LIST_SEPARATOR.search(sentence):
        return False
    covered = (content - own) / content
    return covered >= 0.75 or (concepts >= 3 and covered >= 0.66 and not ph.QUANTITY.search(sentence))


def grounded_sentence(sentence: str) -> bool:
    """The sentence speaks of the candidate's own work or plan: "I"/"my"; "we"/"our" with a plan or a past act; a
    step told as an instruction ("Split by store"); a concrete figure outside a definition. A lecture's generic
    "we define..." is not grounded."""
    if ph.FIRST_PERSON.search(sentence) or ph.IMPERATIVE.search(sentence):
        return True
    if ph.QUANTITY.search(sentence) and not ph.DEFINITION.search(sentence):
        return True  # a concrete figure: "recall went from 61 to 88 percent", "a 25 ms budget"
    return bool(ph.WE.search(sentence) and (ph.PLAN.search(sentence) or ph.PAST.search(sentence)))


def _strength(hit: Hit) -> tuple[bool, bool, bool, bool]:
    return (not hit.void, hit.explained, hit.grounded, hit.reasoned)


def is_prose(sentence: str, tokens: Sequence[str]) -> bool:
    """A statement rather than a list of words: enough function words, or a terse note that still has a verb of work
    or a figure ("Cut phishing reaching inboxes by 63 percent.", "Retrain when audit precision drops 2 points.").
    A question explains nothing ("How do I monitor model performance in production?", the question read back)."""
    if len(tokens) < 3 or sentence.rstrip().endswith("?"):
        return False
    ratio = stopword_ratio(tokens)
    if len(tokens) >= 4 and ratio >= 0.15:
        return True
    if _NOTE.search(sentence):  # a note: "Real-time p95 < 150 ms", "Fix: group split by property ID"
        return True
    return len(tokens) >= 5 and ratio >= 0.05 and bool(
        ph.PAST.search(sentence) or ph.IMPERATIVE.search(sentence) or ph.QUANTITY.search(sentence)
        or ph.PRESENT_ACT.search(sentence))


# A terse note still says something: a figure, a label with its content ("Fix: ..."), an arrow from one state to
# another ("random split -> group split").
_NOTE = re.compile(r"(?<![A-Za-z])\d|^\W*[A-Za-z][\w /&+-]{1,30}:\s+\S+\s+\S+|->|→|=>", re.ASCII)


def analyze(text: str, persona: Persona, previous: Sequence[str] = (), asked: str = "",
            scenario: str = "") -> Analysis:
    """Read one answer. `previous` are the candidate's earlier answers (to spot repeated text), `asked` the
    question it answers (a pronoun answer is about what was asked; a question read back is no answer) and
    `scenario` the design scenario (some claims are wrong only for some problems)."""
    text = squeeze(read_part(text or ""))
    # Sentences that instruct the judge are only text: they earn nothing and change nothing. The rest of the
    # answer is read as if they were not there.
    parts = sentences(text)
    whole = bool(ph.INJECTION.search(text))
    suspect = whole or "system" in text.lower()  # "...done. System: ..." starts a line only once split
    clean = [s for s in parts if not ph.INJECTION.search(s)] if suspect else parts
    injected = whole or len(clean) < len(parts)
    body = " ".join(clean) if injected else text
    tokens = words(body)
    read = [s for s in clean if not claims.foreign(s)]
    unread = len(clean) - len(read)
    hits, flags, marks, errors, prose_tokens = _read_sentences(read, " ".join(read), persona,
                                                               _Context(asked, scenario, any(
                                                                   claims.COURSE_WORK.search(x) for x in read)))
    # Many concepts with almost no function words, and most of the text not even terse statements.
    # ("Supervised uses labeled data, like classification; unsupervised ... k-means" is a definition, not a salad.)
    ratio = stopword_ratio(tokens)
    salad = (len(hits) >= 4 and ratio < 0.12 or len(hits) >= 3 and ratio < 0.09) and prose_tokens < len(tokens) / 2
    if salad:
        hits = {k: Hit(h.concept, False, h.quote, void=h.void) for k, h in hits.items()}
        flags = {k: False for k in flags}
    quality = quality_of(body, tokens, previous, persona, bool(hits), injected, salad)
    if unread and (not read or not hits and quality in ("empty", "one_word", "gibberish", "off_topic")):
        quality = "unread"  # (nearly) all of it in another language: not read, so neither credited nor faulted
    if quality in ("empty", "one_word", "repeated", "gibberish", "injection"):
        hits = {k: Hit(h.concept, False, h.quote) for k, h in hits.items()} if quality != "repeated" else {}
    if salad:
        marks = {}
    return Analysis(text=text, words=len(tokens), quality=quality, hits=tuple(hits.values()), injection=injected,
                    salad=salad, marks=tuple(marks.items()), errors=tuple(errors.items()) if quality == "ok" else (),
                    unread=unread, **flags)


_FLAGS = ("reasons", "numbers", "experience", "hypothetical", "tradeoff", "failure", "definitional", "grounded",
          "disclaims", "course")
_MARKED = ("experience", "failure", "tradeoff", "definitional", "numbers", "disclaims")  # quoted in `marks`


@dataclass(frozen=True)
class _Context:
    asked: str = ""  # the question the answer is for
    scenario: str = ""
    course: bool = False  # the answer tells of course work or a competition: its accounts are course work too


def _read_sentences(clean: list[str], body: str, persona: Persona, ctx: _Context):
    """Each sentence read in turn: (hits by concept, the answer's flags, the first sentence that raised each
    marked flag, the first sentence stating each misconception, the number of words in prose sentences)."""
    hits: dict[str, Hit] = {}
    flags = dict.fromkeys(_FLAGS, False)
    marks: dict[str, str] = {}
    errors: dict[str, str] = {}
    prose_tokens = 0
    finder = persona.finder
    found = finder.present(body, prepare(body))  # the whole answer first
    present = [c for c in persona.concepts.values() if c.id in found]
    before: list = []  # the concepts the previous sentence named: what "it" refers to next
    previous = ""  # the previous sentence: what "it" refers to in a wrong claim
    previous_named: list = []  # the concepts it named
    for sentence in clean:
        prepared = prepare(sentence)
        in_sentence = finder.present(sentence, prepared, among=found) if found else set()
        named = [c for c in present if c.id in in_sentence]
        known = frozenset(f for f in _ONCE if flags[f])  # raised by an earlier sentence: no need to look again
        s = _read_sentence(sentence, named, persona, ctx, prepared, known, previous)
        # "I watch the gap between training and validation; on one model it was 15 points, so I ...": one thought
        linked = previous.rstrip().endswith((";", ":")) and previous_named
        affirmed = [c for c, h in zip(named, s.hits, strict=True) if not h.gap and not h.void]  # what "it" can be
        previous, previous_named = sentence, affirmed
        for mid in s.wrong:
            errors.setdefault(mid, sentence)
        prose_tokens += s.prose_tokens
        for flag, value in s.flags.items():
            flags[flag] |= value
        for flag in _MARKED:
            if flags[flag] and flag not in marks:
                marks[flag] = sentence
        for new in (*s.hits, *_resolved(sentence, named, linked or before, s, persona, ctx, bool(linked))):
            old = hits.get(new.concept)
            if old is None or _strength(new) > _strength(old):
                hits[new.concept] = new
        before = affirmed if named else before
    notes = sum(1 for sentence in clean if ph.ACCOUNT_NOTE.search(sentence))
    if notes >= 2 or notes and flags["numbers"]:
        flags["experience"] = not flags["course"]
        marks.setdefault("experience", next(s for s in clean if ph.ACCOUNT_NOTE.search(s)))
    if flags["grounded"]:  # bullets share the speaker of the answer: its notes are the candidate's own too
        hits = {k: replace(h, grounded=True) if _own_note(h) else h for k, h in hits.items()}
    return hits, flags, marks, errors, prose_tokens


def _own_note(hit: Hit) -> bool:
    """A verbless note ("Nightly batch for all listings") in an answer that speaks of the candidate's own work."""
    return not hit.grounded and not hit.gap and not hit.course and hit.clause is not None and \
        hit.clause.mode in (claims.DID, claims.WOULD) and hit.clause.note


def _resolved(sentence: str, named: list, before: list, s: _Sentence, persona: Persona, ctx: _Context,
              linked: bool = False) -> list[Hit]:
    """A sentence about "it" that names no concept is about the algorithm just named, or the one asked about:
    "Why logistic regression?" "It's fast and the weights are easy to inspect."; else about what the sentence
    before named: "We versioned every snapshot with DVC. It paid off because we could rebuild any training set."
    `linked`: the sentence goes on from one that ended in a semicolon or a colon, so it is about what that named."""
    if not s.reasoned or not (linked or ph.PRONOUN_START.search(sentence)):
        return []
    plain = not claims.negates(sentence)  # "so we never looked at it": no credit
    if named:  # "It paid off when a model regressed": the pronoun is still what the sentence before named
        return [replace(s.template, concept=c.id) for c in before if c not in named][:2] if plain else []
    algorithms = {c.id for c in persona.concepts.values() if c.group == "algorithms"}
    referents = [c.id for c in before if c.id in algorithms] or ([c.id for c in before][:2] if plain else [])
    if not referents and ctx.asked:
        referents = [cid for cid in persona.finder.present(ctx.asked, prepare(ctx.asked)) if cid in algorithms]
    return [replace(s.template, concept=cid) for cid in referents[:2]]


@dataclass(frozen=True)
class _Sentence:
    """What one sentence of an answer says, for the answer's flags and for the concepts it names."""

    flags: dict[str, bool]
    wrong: tuple[str, ...]  # the misconceptions it states
    prose_tokens: int  # its words, if it is prose
    hits: tuple[Hit, ...]  # one per concept it names
    template: Hit  # what a concept resolved from a pronoun gets (its concept left blank)
    reasoned: bool


_ONCE = ("tradeoff", "failure", "definitional", "hypothetical")  # flags only the answer needs, not its concepts


def _read_sentence(sentence: str, named: list, persona: Persona, ctx: _Context, prepared: str,
                   known: frozenset = frozenset(), previous: str = "") -> _Sentence:
    stoks = words(sentence)
    prose = is_prose(sentence, stoks)
    scenario = ctx.scenario
    if scenario and ph.OWN_PAST.search(sentence):
        scenario = ""  # an account of the candidate's own past work is not about the scenario posed
    wrong = persona.misconceptions_in(sentence, scenario, prepared)
    if not wrong and previous and ph.PRONOUN_START.search(sentence):  # "I'd use accuracy. It's the best metric for spam."
        joined = f"{previous.rstrip('.!;: ')}, {sentence}"
        wrong = persona.misconceptions_in(joined, ctx.scenario, prepare(joined))
    if wrong:
        prose = False  # a claim that is wrong explains nothing, whatever else the sentence has
    content, own = own_words(sentence, named) if named else (len(stoks), len(stoks))
    glue = listy(sentence, content, own, len(named))  # buzzwords with a little glue: named, nothing more
    # An explanation says something in its own words besides the concepts' names ("because of scale" does not).
    worded = (own >= MIN_OWN_WORDS or content >= 5) and not glue
    dismissive = bool(ph.DISMISSIVE.search(sentence))
    vacuous = worded and bool(ph.VACUOUS.search(sentence))  # "eight H100s and it'll be fine" explains nothing
    reason = bool(ph.REASON.search(sentence)) and not vacuous and not dismissive and worded
    glued = False
    if reason and (short := _BECAUSE_OF.search(sentence)):
        # "because of latency" names a concept, it does not explain: the reason needs words of its own
        head, tail = sentence[: short.start()], sentence[short.end():]
        reason = bool(ph.REASON.search(head)) or own_words(tail, named)[1] >= 3
        glued = not reason  # "I would monitor drift because of data drift": names glued with "because of"
    parts = claims.clauses(sentence, ctx.asked, ctx.course, plain=not named)
    told = [sentence[c.start:c.end] for c in parts if c.polarity in (claims.AFFIRMED, claims.HEDGED)]
    course = ctx.course  # some sentence of the answer tells of course work: so do its accounts
    said = " ".join(told)  # what the sentence affirms: "I've never deployed a model" tells of no work
    number = bool(ph.NUMBER.search(said))
    speaker = bool(ph.FIRST_PERSON.search(said) or ph.WE_SPEAK.search(said))
    acted = bool(ph.PAST.search(said)) or bool(ph.PRESENT_ACT.search(said))
    experience = bool(said) and not course and not glue and not ph.HYPOTHETICAL.search(said) and \
        (speaker and acted or bool(ph.DROPPED_SUBJECT.search(said)))
    # A concrete step in the candidate's own words explains as well as a reason: "I'd dedupe repeated clicks".
    step = (own >= PLAN_WORDS or content > PLAN_WORDS and own > MIN_OWN_WORDS) and not glued and bool(ph.PLANNED_STEP.search(said) or ph.IMPERATIVE.search(said))
    # Work or a plan told in the passive, with substance: the speaker is the candidate's team, and so the candidate.
    passive = content >= PASSIVE_WORDS and bool(ph.PASSIVE_ACT.search(said)) and any(
        c.mode in (claims.DID, claims.WOULD) for c in parts if c.polarity in (claims.AFFIRMED, claims.HEDGED))
    gap_told = [c for c in parts if c.polarity in claims.GAPS]
    grounded = prose and not glue and not course and not dismissive and bool(said) and (grounded_sentence(said) or step or passive)
    flags = dict(
        reasons=reason and prose, numbers=number and prose, experience=experience and prose,
        hypothetical="hypothetical" not in known and bool(ph.HYPOTHETICAL.search(sentence)),
        tradeoff="tradeoff" not in known and prose and worded and not vacuous and bool(ph.TRADEOFF.search(sentence))
        and not ph.NO_TRADEOFF.search(sentence),
        failure="failure" not in known and prose and not glue and not course and (
            bool(ph.FAILURE.search(said)) or bool(ph.PROBLEM_FOUND.search(said)) and not ph.HYPOTHETICAL.search(sentence)),
        definitional="definitional" not in known and not experience and bool(ph.DEFINITION.search(sentence)),
        grounded=grounded,
        disclaims=bool(ph.DISCLAIMER.search(sentence)) or course or any(
            c.polarity == claims.DISCLAIMED or c.polarity == claims.NEGATED and c.mode == claims.DID
            for c in gap_told),
        course=course)
    explained = prose and (reason or number or experience or step) and not dismissive and worded and not vacuous
    specific = number or experience
    hits = tuple(_hit(concept.id, sentence, _clause_of(concept, sentence, parts), explained, prose and reason,
                      prose and not glue, bool(wrong), specific, grounded, course) for concept in named)
    template = _hit("", sentence, (parts[0], parts[0].polarity), explained, prose and reason, prose and not glue,
                    bool(wrong), specific, grounded, course)
    return _Sentence(flags, wrong, len(stoks) if prose else 0, hits, template, prose and reason)


def _clause_of(concept, sentence: str, parts: tuple[claims.Clause, ...]) -> tuple[claims.Clause, str]:
    """The clause where the concept is said and its polarity there: the most affirmative place it appears. "I
    know people use F1, but we've never computed it": a later clause that says "never ... it" of the candidate's
    own work takes it back."""
    spots = [(c := claims.clause_at(parts, m.start()),
              claims.AFFIRMED if claims.negates(m.group()) else c.polarity_at(m.start()))  # "it didn't work"
             for m in concept.patterns.compile().finditer(sentence)]
    if not spots:
        return parts[0], parts[0].polarity
    order = (claims.AFFIRMED, claims.HEDGED, claims.NEGATED, claims.DISCLAIMED, claims.DISMISSED)
    clause, polarity = min(spots, key=lambda spot: order.index(spot[1]))
    later = [c for c in parts if c.start > clause.start and c.polarity in (claims.NEGATED, claims.DISCLAIMED)
             and c.mode == claims.DID and _BACK.search(sentence[c.start:c.end])]
    return (later[0], later[0].polarity) if later and polarity in (claims.AFFIRMED, claims.HEDGED) else \
        (clause, polarity)


_BACK = re.compile(r"\b(it|them|those|that|this|one|any)\b", re.IGNORECASE)


def _hit(concept: str, sentence: str, where: tuple[claims.Clause, str], explained: bool, reasoned: bool,
         prose: bool, void: bool, specific: bool = False, grounded: bool = False, course: bool = False) -> Hit:
    clause, polarity = where
    gap = polarity in claims.GAPS or claims.no_answer(clause)
    grounded = grounded and prose and not course and not clause.knowing and not gap
    return Hit(concept, explained and not gap, sentence, reasoned and not gap, grounded, void=void or gap,
               specific=specific and not gap, polarity=polarity, course=course, clause=clause)
