"""One reading of an answer, shared by the planner (what to probe) and the judge (what to credit).

A concept counts as *explained* only where the sentence that names it also gives a reason, a consequence, a
number or result, or a first-person account of real work, and reads as a sentence rather than a list of words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from mlcoach.matching import prepare
from mlcoach.personas import Persona

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
    r"only (if|when|with|once)|not just|unless|so (we|i|it|the|that|they)|since|as a result|"
    r"depends on|as long as|unless|whereas|but|however|although|worth it|cheaper|faster|slower|simpler|"
    r"more robust|interpretable|explainable|transparent|cheap|fast|calibrated|easy to \w+|hard(er)? to \w+|"
    r"(?<!not sure )(?<!as )if|when (the|it|we|you|there|\w+ (drops?|falls?|rises?|goes|gets|exceeds?)))\b",
    re.IGNORECASE | re.ASCII,
)
_NUMBER = re.compile(
    r"\d|\b(percent|half|double[ds]?|doubling|tripled|twice|ten|twenty|thirty|fifty|hundred|thousand|million|"
    r"billion|dozens?)\b",
    re.IGNORECASE | re.ASCII,
)
_WE_SPEAK = re.compile(r"\b(we|my team|our team|we've|we'd)\b", re.IGNORECASE | re.ASCII)
_PAST = re.compile(
    r"\b(built|shipped|deployed|worked|trained|led|designed|found|saw|noticed|realized|realised|ran|launched|"
    r"reduced|improved|increased|cut|moved|migrated|owned|wrote|set up|rolled out|fixed|debugged|discovered|"
    r"learned|learnt|spent|tried|switched|replaced|added|dropped|started|took|got|had|did|was|were|made|used|"
    r"measured|retrained|monitored|caught|missed|broke|failed|went|helped|managed|delivered|scaled)\b",
    re.IGNORECASE | re.ASCII,
)
# Present-tense accounts of one's own work ("I check the logs and find...", "we retrain weekly").
_PRESENT_ACT = re.compile(
    r"\b(i|we)( \w+ly| also| always| usually| then| first)? (check|find|build|train|ship|deploy|run|work|retrain|"
    r"monitor|measure|own|lead|maintain|debug|fix|see|notice|learn|split|label|evaluate|compare|track|serve|tune|"
    r"add|remove|drop|collect|clean|audit|test|launch|release|roll|write|design|migrate|reduce|improve|catch)\b",
    re.IGNORECASE | re.ASCII,
)
# A past act told with the subject dropped, as in notes or bullets: "Shipped it behind an API", "- cut latency by half".
_DROPPED_SUBJECT = re.compile(
    r"^\W*(\w+\s*:\s*)?(shipped|built|deployed|cut|reduced|improved|launched|trained|led|designed|migrated|"
    r"rolled out|fixed|debugged|added|replaced|moved|owned|wrote|retrained|monitored|caught|scaled|delivered|found|"
    r"noticed|discovered|switched|flagged|detected|saved|raised|lowered|beat|increased|doubled|halved|ran|"
    r"measured|labeled|labelled|collected|cleaned|audited|tested|tuned|built)\b",
    re.IGNORECASE | re.ASCII,
)
_FIRST_PERSON = re.compile(
    r"\bI\b|(?i:\bi'(d|m|ve|ll)\b|\b(my|me|mine|myself)\b|\bi (am|was|have|had|did|do|would|will|think|built|"
    r"worked|work|used|use|led|wrote|trained|deployed|shipped|found|learned|learnt|tried|like|prefer|start|went|"
    r"saw|noticed|spent|set|ran|made|got|took|guess|feel|believe|mean|know|don't|didn't|can|could)\b)",
    re.ASCII,
)
_QUANTITY = re.compile(r"(?<![A-Za-z])\d")
_WE = re.compile(r"\b(we|we'd|we've|we'll|our|us|you'd|you would|let's)\b", re.IGNORECASE | re.ASCII)
_PLAN = re.compile(r"\b(would|will|'d|'ll|going to|want to|plan to|start (with|by)|first|then|next)\b|\w'd\b",
                   re.IGNORECASE | re.ASCII)
# A plan told as steps: "Split by store and date so...", "Retrain monthly", "First, check the labels".
_IMPERATIVE = re.compile(
    r"^\W*((first|then|next|also|and|plan|after that|finally|so|offline|online)\b[\s,:;]*)*"
    r"(use|start|split|check|audit|collect|gather|relabel|retrain|fine-?tune|export|deploy|serve|monitor|watch|"
    r"measure|compare|evaluate|validate|add|drop|remove|clean|dedupe|deduplicate|filter|fix|pick|choose|keep|"
    r"run|build|ship|roll|promote|slice|freeze|tune|try|look|ask|clarify|precompute|randomi[sz]e|pre-?register|"
    r"quantize|oversample|undersample|impute|encode|normali[sz]e|detect|send|route|flag|block|retrieve|"
    r"hold out|stratify|backfill|join|aggregate|benchmark|fall back|agree|estimate|optimi[sz]e|calibrate|"
    r"spot-?check|augment|pretrain|distill|prune|cross-?validate|bootstrap|simulate|replay|get|make|put|find|"
    r"write|talk|interview|a/b test)\b(?!-)",
    re.IGNORECASE | re.ASCII,
)
# Reasons that explain nothing: "because it's state of the art", "it just learns it by itself".
_VACUOUS = re.compile(
    r"\b(state[- ]of[- ]the[- ]art|sota|most powerful|everyone (uses|knows|does)|what everyone|just learns|"
    r"learns? (it|that|them|everything|the \w+)( \w+)? (by itself|on its own)|by itself|on its own|"
    r"figures? (it|that|everything|them) out|will figure|out of the box|(is|are) (really|very|so) good at|"
    r"(isn't|is not|aren't) really a (thing|problem|concern|issue)|(it'll|it will|should) be (fine|ok|okay|"
    r"pretty accurate|accurate|good)|always better|bigger is better|(just|simply) works|the tutorial|"
    r"i (just )?like (it|them))\b",
    re.IGNORECASE | re.ASCII,
)
# A concept named only to wave it away: "drift doesn't really apply", "you don't really need to monitor it".
_DISMISSIVE = re.compile(
    r"\b((don't|doesn't|do not|does not|won't|isn't|aren't) (really |even |actually )?(need|apply|matter|"
    r"a (thing|problem|concern|issue)|necessary|needed|important|relevant|worth)|no need (to|for)|"
    r"not (really )?(needed|necessary|important|relevant|a (thing|problem|concern))|nobody (really )?"
    r"(does|uses|needs|cares)|already knows? everything|outdated|old-?school|overrated|pointless|irrelevant|"
    r"unnecessary|waste of (time|compute|money|effort)|(don't|do not|didn't|did not|wouldn't|would not|won't) "
    r"(really )?(bother|worry|care)|needn't|ops team's job|someone else's job|(isn't|is not|not) (really )?(my|our) "
    r"(job|problem|concern|responsibility)|not an? (issue|problem|concern)|i (don't|do not|never) (monitor|test|"
    r"validate|evaluate)|"
    r"(can't|cannot|can not|won't|will not|doesn't|does not|never) (really |even )?(happen|occur|change|drift|apply)|"
    r"never (need|needs|retrain|monitor|bother|matters?|worry)|not (very |really |that |too )?familiar with|"
    r"(never|haven't|have not) (done|used|seen|touched)|(isn't|is not|aren't|are not) (a )?(problem|issue|"
    r"concern)s? (because|since|for))\b",
    re.IGNORECASE | re.ASCII,
)
_HYPOTHETICAL = re.compile(r"\b(would|could|might|i'd|we'd)\b", re.IGNORECASE | re.ASCII)
_FAILURE = re.compile(
    r"\b(failed|failure|didn't work|did not work|went wrong|mistake|lesson|learned|learnt|post-?mortem|"
    r"broke|regress(ed|ion)|underperform\w*|backfired|wrong|bug|outage|root cause|(i|we) learn|lessons?|"
    r"silently|humbl\w*|rolled (it )?back|reverted|looked (better|good|great) offline|"
    r"(time|engagement|revenue|ctr|conversions?|clicks|retention|sales|metrics?|numbers|performance|accuracy|"
    r"precision|recall|auc) (\w+ )?(went down|dropped off)|"
    r"didn't (hold|translate|help|generali[sz]e)|worse than|embarrass\w*|painful|"
    r"(accuracy|precision|recall|performance|auc|ctr|conversion|metrics?|scores?|quality) (\w+ )?(dropped|fell|"
    r"collapsed|tanked|degraded|declined|sank|dipped))\b",
    re.IGNORECASE | re.ASCII,
)
_TRADEOFF = re.compile(
    r"\b(trade-?offs?|pros and cons|downsides?|upsides?|at the cost of|cost of|versus|vs\.?|compared (to|with)|"
    r"on the other hand|but it|but that|whereas|in exchange|instead of|rather than|when not to|wouldn't use|"
    r"would not use|not worth|overkill|(better|worse|faster|slower|cheaper) (for|when|if|than|on)|"
    r"works? better|depends on|it depends|gives? up|sacrific\w*|balance between|at the expense of)\b|"
    r"\bfor\b[^.;]{1,60}\bbut\b[^.;]{1,40}\bfor\b|\bif (there's|there is|we have|you have|the)\b[^.;]{1,60}\b"
    r"(better|worse|prefer|switch|go with|pick|choose)\b",
    re.IGNORECASE | re.ASCII,
)
_NO_TRADEOFF = re.compile(
    r"\b(no|not any|(don't|do not|can't|cannot) (really )?see (any|a)|without (any|a)|never any) (real |big )?"
    r"(downsides?|trade-?offs?|cons)\b|"
    r"\bthere('s| is) no (point|need|reason)\b",
    re.IGNORECASE | re.ASCII,
)
_DEFINITION = re.compile(
    r"\b(is (when|where|a|an|the)|are (when|a)|refers to|is defined as|is the (difference|process|tendency)|"
    r"means that|is a (technique|method|measure)|is used to)\b",
    re.IGNORECASE | re.ASCII,
)
_DISCLAIMER = re.compile(
    r"\b(haven't|have not|never) (really |actually |yet )?(worked|done|built|deployed|had|shipped|used)\b|"
    r"\b(don't|do not) (really |actually )?have (a |any )?(real |full |practical |professional )?"
    r"(project|experience)|\bno (real|professional|industry|practical|hands-on) (experience|projects?)\b|"
    r"\b(tutorials?|youtube|copied|course assignments?|homework|course ?work|course projects?|class projects?|"
    r"(online |many |some |several )courses|bootcamps?|moocs?)\b|\bnot sure (why|what|how)\b|"
    r"\b(haven't|have not|never) (\w+ )?(worked|been) (on|in) (an? )?(industry|real|production|professional)\b|"
    r"\bi (don't|do not) know (why|the|what|how)\b",
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
    grounded: bool = False  # the sentence speaks of the candidate's own work or plan, not a textbook in general
    void: bool = False  # named only to be waved away, or in a sentence that gets the facts wrong: earns nothing


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
    return bool(_INJECTION.search(text))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    return " ".join(w.lower() for w in words(text))


MIN_OWN_WORDS = 2
_BECAUSE_OF = re.compile(r"\b(because of|due to|thanks to)\b", re.IGNORECASE | re.ASCII)
FILLER = frozenset(
    "use used using uses chose choose chosen pick picked go went would important things stuff etc lot lots really "
    "good great well also plus like".split()
)


def own_words(sentence: str, concepts: Sequence) -> tuple[int, int]:
    """(content words, content words outside every concept's match): how much the sentence says in its own words
    beyond the names of concepts. Stopwords and filler ("use", "would") are not content."""
    spans = [m.span() for c in concepts for m in c.patterns.compile().finditer(sentence)]
    content = own = 0
    for m in _WORD.finditer(sentence):
        token = m.group().lower().rstrip(".,;:")
        if token in STOPWORDS or token in FILLER:
            continue
        content += 1
        if not any(a <= m.start() < b for a, b in spans):
            own += 1
    return content, own


_LIST_SEPARATOR = re.compile(r",|\b(and|or)\b", re.IGNORECASE)


def listy(sentence: str, content: int, own: int, concepts: int) -> bool:
    """Mostly a list of concept names with a little glue ("I'd use precision, recall and AUC because of class
    imbalance"): an enumeration where three or more concepts cover two thirds of the content words, or two cover
    three quarters."""
    if content == 0 or concepts < 2 or not _LIST_SEPARATOR.search(sentence):
        return False
    covered = (content - own) / content
    return covered >= 0.75 or (concepts >= 3 and covered >= 0.66)


def grounded_sentence(sentence: str) -> bool:
    """The sentence speaks of the candidate's own work or plan: "I"/"my"; "we"/"our" with a plan or a past act; a
    step told as an instruction ("Split by store"); a concrete figure outside a definition. A lecture's generic
    "we define..." is not grounded."""
    if _FIRST_PERSON.search(sentence) or _IMPERATIVE.search(sentence):
        return True
    if _QUANTITY.search(sentence) and not _DEFINITION.search(sentence):
        return True  # a concrete figure: "recall went from 61 to 88 percent", "a 25 ms budget"
    return bool(_WE.search(sentence) and (_PLAN.search(sentence) or _PAST.search(sentence)))


def _strength(hit: Hit) -> tuple[bool, bool, bool, bool]:
    return (not hit.void, hit.explained, hit.grounded, hit.reasoned)


def is_prose(sentence: str, tokens: Sequence[str]) -> bool:
    """A statement rather than a list of words: enough function words, or a terse note that still has a verb of work
    or a figure ("Cut phishing reaching inboxes by 63 percent.", "Retrain when audit precision drops 2 points.").
    A question explains nothing ("How do I monitor model performance in production?", the question read back)."""
    if len(tokens) < 4 or sentence.rstrip().endswith("?"):
        return False
    ratio = stopword_ratio(tokens)
    if ratio >= 0.15:
        return True
    return len(tokens) >= 5 and ratio >= 0.05 and bool(
        _PAST.search(sentence) or _IMPERATIVE.search(sentence) or _QUANTITY.search(sentence)
        or _PRESENT_ACT.search(sentence))


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
    injected = bool(_INJECTION.search(text))
    # Sentences that instruct the judge are only text: they earn nothing and change nothing. The rest of the
    # answer is read as if they were not there.
    clean = [s for s in sentences(text) if not _INJECTION.search(s)]
    body = " ".join(clean) if injected else text
    tokens = words(body)
    hits, flags, marks, errors, prose_tokens = _read_sentences(clean, body, persona)
    # Many concepts with almost no function words, and most of the text not even terse statements.
    salad = len(hits) >= 3 and stopword_ratio(tokens) < 0.12 and prose_tokens < len(tokens) / 2
    if salad:
        hits = {k: Hit(h.concept, False, h.quote, void=h.void) for k, h in hits.items()}
        flags = {k: False for k in flags}
    quality = _quality(body, tokens, previous, persona, bool(hits), injected, salad)
    if quality in ("empty", "one_word", "repeated", "gibberish", "injection"):
        hits = {k: Hit(h.concept, False, h.quote) for k, h in hits.items()} if quality != "repeated" else {}
    if salad:
        marks = {}
    return Analysis(text=text, words=len(tokens), quality=quality, hits=tuple(hits.values()), injection=injected,
                    salad=salad, marks=tuple(marks.items()), errors=tuple(errors.items()) if quality == "ok" else (),
                    **flags)


_FLAGS = ("reasons", "numbers", "experience", "hypothetical", "tradeoff", "failure", "definitional", "grounded",
          "disclaims")
_MARKED = ("experience", "failure", "tradeoff", "definitional", "numbers", "disclaims")  # quoted in `marks`


def _read_sentences(clean: list[str], body: str, persona: Persona):
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
    for sentence in clean:
        in_sentence = finder.present(sentence, prepare(sentence), among=found) if found else set()
        named = [c for c in present if c.id in in_sentence]
        s = _read_sentence(sentence, named, persona)
        for mid in s.wrong:
            errors.setdefault(mid, sentence)
        prose_tokens += s.prose_tokens
        for flag, value in s.flags.items():
            flags[flag] |= value
        for flag in _MARKED:
            if flags[flag] and flag not in marks:
                marks[flag] = sentence
        for concept in named:
            old = hits.get(concept.id)
            new = replace(s.hit, concept=concept.id)
            if old is None or _strength(new) > _strength(old):
                hits[concept.id] = new
    return hits, flags, marks, errors, prose_tokens


@dataclass(frozen=True)
class _Sentence:
    """What one sentence of an answer says, for the answer's flags and for the concepts it names."""

    flags: dict[str, bool]
    wrong: tuple[str, ...]  # the misconceptions it states
    prose_tokens: int  # its words, if it is prose
    hit: Hit  # what each concept it names gets (the concept id left blank)


def _read_sentence(sentence: str, named: list, persona: Persona) -> _Sentence:
    stoks = words(sentence)
    prose = is_prose(sentence, stoks)
    wrong = tuple(m.id for m in persona.misconceptions if m.states(sentence))
    if wrong:
        prose = False  # a claim that is wrong explains nothing, whatever else the sentence has
    content, own = own_words(sentence, named) if named else (len(stoks), len(stoks))
    glue = listy(sentence, content, own, len(named))  # buzzwords with a little glue: named, nothing more
    # An explanation says something in its own words besides the concepts' names ("because of scale" does not).
    worded = (own >= MIN_OWN_WORDS or content >= 5) and not glue
    dismissive = bool(_DISMISSIVE.search(sentence))
    reason = bool(_REASON.search(sentence)) and not _VACUOUS.search(sentence) and not dismissive and worded
    if reason and (short := _BECAUSE_OF.search(sentence)):
        # "because of latency" names a concept, it does not explain: the reason needs words of its own
        head, tail = sentence[: short.start()], sentence[short.end():]
        reason = bool(_REASON.search(head)) or own_words(tail, named)[1] >= 3
    number = bool(_NUMBER.search(sentence))
    speaker = bool(_FIRST_PERSON.search(sentence) or _WE_SPEAK.search(sentence))
    acted = bool(_PAST.search(sentence)) or bool(_PRESENT_ACT.search(sentence))
    experience = (speaker and acted or bool(_DROPPED_SUBJECT.search(sentence))) \
        and not _HYPOTHETICAL.search(sentence)
    grounded = prose and grounded_sentence(sentence) and not dismissive and not glue
    flags = dict(
        reasons=reason and prose, numbers=number and prose, experience=experience and prose and not glue,
        hypothetical=bool(_HYPOTHETICAL.search(sentence)),
        tradeoff=bool(_TRADEOFF.search(sentence)) and prose and worded and not _NO_TRADEOFF.search(sentence),
        failure=bool(_FAILURE.search(sentence)) and prose and not glue,
        definitional=bool(_DEFINITION.search(sentence)) and not experience, grounded=grounded,
        disclaims=bool(_DISCLAIMER.search(sentence)))
    explained = prose and (reason or number or experience) and not dismissive and worded
    hit = Hit("", explained, sentence, prose and reason, grounded, void=dismissive or bool(wrong))
    return _Sentence(flags, wrong, len(stoks) if prose else 0, hit)


def _quality(body: str, tokens: list[str], previous: Sequence[str], persona: Persona, hits: bool,
             injected: bool, salad: bool) -> str:
    """ok | empty | one_word | gibberish | off_topic | repeated | injection | salad."""
    domain = persona.domain_words.search(body)
    n = len(tokens)
    if n == 0:
        quality = "injection" if injected else "empty"
    elif n <= 2:
        quality = "one_word"
    elif _is_repeat(body, previous):
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
