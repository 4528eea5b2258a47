"""What each part of a sentence claims: its polarity (affirmed, hedged, negated, disclaimed, dismissed) and its mode
(did, would, knows, asks, quotes, course). The reading of an answer (analysis.py) gives every concept it finds the
polarity and mode of the clause it stands in, so "I haven't deployed a model" is about deployment and earns the
opposite of credit.

Negation follows the technique used for clinical text (NegEx): trigger terms, pseudo-triggers that look like
negation but are not ("not only", "no doubt"), and a scope that ends at a clause boundary ("but", "however", a
semicolon, "because"). A negated bad practice ("we never touch the test set until the end", "we never ship without
a shadow test") is a practice, not a gap. Pure functions of the text: no persona needed, fast enough for every turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from mlcoach import phrases as ph
from mlcoach.spans import spans, within

AFFIRMED, HEDGED, NEGATED, DISCLAIMED, DISMISSED = "affirmed", "hedged", "negated", "disclaimed", "dismissed"
DID, WOULD, KNOWS, ASKS, QUOTES, COURSE = "did", "would", "knows", "asks", "quotes", "course"
GAPS = (NEGATED, DISCLAIMED, DISMISSED)  # polarities that say the candidate has not done it, or waves it away

_F = re.IGNORECASE | re.ASCII

# Clause boundaries: contrast, reason and a new clause that starts with a negation ("..., and never monitored it").
_BOUNDARY = re.compile(
    r"\s*[;:]\s+|,?\s+\b(but|however|although|though|whereas|except that|yet|while|because|since|so that|"
    r"which is why|that's why|instead|otherwise)\b\s*|,\s+(so|and then|then)\s+|"
    r"(,|\s)\s*and\s+(?=(never|not|no|didn't|don't|haven't|hasn't|wasn't|weren't|won't|can't)\b)|"
    r"\s+and\s+(?=(i|we|they|he|she)('\w+)?\s)|"
    r"\s+and\s+(?=(the|it|they|our|this|that|he|she)\s+\w+(\s+\w+)?\s+(didn't|doesn't|don't|wasn't|weren't|"
    r"isn't|aren't|was|were|is|are|did|does|had|has)\b)|"
    r",\s+(?=(we|i|they|it|the team|our team|my team)('\w+)?\s)|"
    r"(,|\s[-—]+)\s+(?=(not|rather than|instead of)\s)|"
    # "sliced by region so luxury homes don't hide the starter homes": the purpose is a clause of its own
    r"\s+so\s+(?=(\w+\s+){1,3}(don't|doesn't|won't|can't|isn't|aren't|didn't|never)\b)",
    _F,
)
_NEGATION = re.compile(
    r"\b(not|never|nobody|neither|nor|cannot|hardly|barely|no ?one|skipped|skipping|skip)\b|n't\b",  # the verb: the whole clause
    _F,
)
_FORWARD = re.compile(
    r"\b(no|none|nothing|without|lacks?|lacked|lacking)\b",  # a determiner: only what follows ("~30% no year built")
    _F,
)
# Opens a clause of its own inside a sentence: a negation after it is not about what came before it.
_EMBEDDED = re.compile(
    r"\b((check|test|verify|ensure|make sure|confirm|see|alert|guard|gate|assert)\w* (\w+ ){0,2}(that|whether|if)|"
    r"whether|so that|because|until|unless)\b",
    _F,
)
# Looks like negation, is not: "not only", "no doubt", "no longer manual", "never been easier"...
_PSEUDO = re.compile(
    r"\b(not only|not just|no doubt|not necessarily|no matter|not bad|nothing but|not to mention|whether or not|"
    r"if not|no longer|not least|no more than|never been (easier|better)|can't stress|cannot stress|"
    r"couldn't be (happier|better)|not surprisingly|not that hard|no-brainer|no brainer|not (much|many|all)|"
    r"not (too|very|that) (bad|hard|expensive|costly)|nothing (fancy|special)|no-code|not sure (if|whether) "
    r"(it|that|this)\b|(is|are|was|were|isn't|aren't) not (enough|sufficient)|(isn't|aren't|wasn't) (enough|"
    r"sufficient)|not enough on (its|their) own|(not|no) worse|no less|not (random|randomly)|"
    r"(don't|doesn't|didn't|do not|does not|did not|not|aren't|isn't|weren't) always|"
    r"who (\w+ )?(don't|doesn't|didn't|never|can't|won't|aren't|weren't|do not|did not)|"
    # what a model does, not a claim taken back: "it fits the training data and doesn't generalise"
    r"(didn't|did not|doesn't|does not|don't|do not|won't|wouldn't) generali[sz]e)\b|['\"‘“]not[- ]\w+['\"’”]|\bnot[- ](spam|fraud|toxic|relevant|sarcastic|urgent)\b",
    _F,
)
# A negated bad practice is a practice: "never touch the test set until the end", "we don't ship without a test".
_PRACTICE = re.compile(
    r"\b(until|unless|without|except|only (after|when|if|once)|before (we|i|it|the)|rather than|instead)\b|"
    r"\bso (that )?(a |an |the |it |they |we |users? |customers? )?(\w+ )?(didn't|wouldn't|doesn't|won't|don't|"
    r"can't|couldn't|never)\b|"
    r"\b(never|not|n't|hasn't|haven't|hadn't|didn't) (been )?(seen|saw|see|trained on|used (for|in) training)\b|"
    r"\b(never|don't|do not|didn't|did not|no) (\w+ ){0,2}(leak\w*|peek\w*|touch\w*|tune on|fit on|train on|"
    r"trust (a|the|any) (single|one|offline))\b|"
    r"\b(not|never|don't|do not|without) (\w+ing |\w+ )?too (many|much|few|little|high|low|deep|long)\b",
    _F,
)
_DISCLAIMED = re.compile(
    r"\b(not (really )?my (area|job|part|thing|department|responsibility|field)|someone else|somebody else|"
    r"(another|other|a separate|the (platform|infra|infrastructure|ops|devops|mlops|sre|data engineering|"
    r"backend|engineering|it|devops|deployment|production|data)) (team|people|folks|guys|group)\b[^.;]{0,40}"
    r"\b(did|does|handled?|handles|took care|takes care|owned|owns|deployed|deploys|ran|runs|built|was responsible)|"
    r"(wasn't|was not|weren't|am not|i'm not|haven't been|never been) (really )?(involved|part of|responsible)|"
    r"(handled|done|owned|run|managed|taken care of|deployed|built|looked after) by (the|our|a separate|another|"
    r"their|a different) (platform|infra|infrastructure|ops|devops|mlops|sre|data engineering|backend|engineering|"
    r"it|deployment|production|data|other) ?(team|people|folks|guys|group)|"
    r"out(side)? of my (scope|area|hands)|handed (it )?(off|over)|threw it over|"
    r"(i'm|i am) not (sure|certain) (how|what|why|where|when)|(i )?(don't|do not) (really )?know (how|what|why|"
    r"much|the details|anything)|no (real|practical|professional|industry|hands-on|production) (experience|"
    r"projects?|exposure)|only (read|heard|seen|watched) (about|of|videos)|in theory|i'd have to (look|check)|"
    r"(haven't|have not|never) (really |actually )?(had the chance|had a chance|gotten to|got to))\b",
    _F,
)
# Every word that can start a mark of polarity; a clause with none of them is affirmed.
_MARKED = re.compile(
    r"n't|\b(not|no|never|none|nobody|nothing|neither|nor|without|cannot|hardly|barely|lack\w*|no ?one|skip\w*|team|"
    r"teams|people|folks|guys|group|someone|somebody|out of|outside of|handed|threw|only (read|heard|seen|"
    r"watched)|in theory|have to|think|guess|believe|suppose|maybe|perhaps|probably|possibly|might|kind of|"
    r"sort of|remember|say|feel|fairly|roughly|more or less|reckon|presumably|outdated|old-?school|overrated|"
    r"pointless|irrelevant|unnecessary|waste|wastes|wasting|point|bother|worry|care|needn't|too long|too slow|academics|hype|dead|"
    r"useless|overkill|sure|certain|know|experience|exposure|projects?|chance|gotten|involved|responsible|part)\b",
    _F,
)
# Someone else's work: "the platform team has retrained it once", "was decided by the platform team".
_OTHERS = re.compile(
    r"\b(another|other|a separate|the (platform|infra|infrastructure|ops|devops|mlops|sre|data engineering|"
    r"backend|it|deployment|production|data platform|engineering)) (team|teams|people|folks|guys|group)\b|"
    r"\b(someone|somebody) (else|from (the )?\w+ team)\b",
    _F,
)
_OWN_PART = re.compile(r"\b(i|we) (\w+ )?(worked|built|paired|partnered|helped|led|wrote|owned|set up|designed|"
                       r"shipped|deployed|trained)\b|\bwith (the|another|a separate) \w+ team\b", _F)
_SURE_IDIOM = re.compile(r"\b(the simplest thing that could possibly work|could possibly work)\b", _F)
_HEDGED = re.compile(
    r"\b(i think|i guess|i believe|i suppose|maybe|perhaps|probably|possibly|might|kind of|sort of|"
    r"i'm not (sure|certain)|not (100|a hundred) ?(%|percent) sure|if i remember|i'd say|i feel like|"
    r"i'm fairly sure|roughly speaking|more or less|i reckon|presumably)\b",
    _F,
)
COURSE_WORK = re.compile(
    r"\b(course\w*|tutorials?|kaggle|bootcamps?|homework|assignments?|class projects?|in class|moocs?|coursera|"
    r"udemy|youtube|textbooks?|toy (data ?set|project|example)|titanic|iris data ?set|mnist|"
    r"(uni|university|school|student|capstone|thesis) projects?|at (uni|university|school)|"
    r"(master's|masters|bachelor's|phd) (project|thesis|program)|fast\.ai|andrew ng)\b",
    _F,
)
_PLAN = re.compile(
    r"\b(would|will|could|should|might|shall|going to|plan to|want to|wanna|let's|let us|i'd|we'd|you'd|i'll|"
    r"we'll|you'll|i'm going|we're going|my plan|the plan|i'd start|first step)\b|\w'd\b",
    _F,
)
_IMPERATIVE = re.compile(
    r"^\W*((first|then|next|also|and|plan|after that|finally|so|step \d+|maybe|probably|perhaps|just|"
    r"i'd|we'd|i would|we would)\b[\s,:;.)-]*)*"
    r"(use|start|split|check|audit|collect|gather|label|relabel|retrain|fine-?tune|export|deploy|serve|monitor|"
    r"watch|measure|compare|evaluate|validate|add|drop|remove|clean|dedupe|deduplicate|filter|fix|pick|choose|"
    r"keep|run|build|ship|roll|promote|slice|freeze|tune|try|look|ask|clarify|precompute|randomi[sz]e|"
    r"quantize|oversample|undersample|impute|encode|normali[sz]e|detect|send|route|flag|block|retrieve|hold out|"
    r"stratify|backfill|join|aggregate|benchmark|fall back|agree|estimate|optimi[sz]e|calibrate|spot-?check|"
    r"augment|pretrain|distill|prune|cross-?validate|bootstrap|simulate|replay|get|make|put|find|write|talk|"
    r"a/b test|log|track|version|alert|set up|define|frame|treat|predict|train|shadow)\b(?!-)",
    _F,
)
_SPEAKER = re.compile(
    r"\b(i|we|my|our|us|me|i've|we've|i'm|we're|the team|my team|our team|the company|our company)\b",
    _F,
)
_ACTED = re.compile(
    r"\b(built|shipped|deployed|worked|trained|led|designed|found|saw|noticed|realized|realised|ran|launched|"
    r"reduced|improved|increased|cut|moved|migrated|owned|wrote|set up|rolled out|fixed|debugged|discovered|"
    r"learned|learnt|spent|tried|switched|replaced|added|dropped|started|took|got|had|did|made|used|measured|"
    r"retrained|monitored|caught|missed|broke|failed|went|helped|managed|delivered|scaled|labeled|labelled|"
    r"collected|cleaned|audited|tested|tuned|evaluated|compared|picked|chose|lost|gained|beat|halved|doubled|"
    r"saved|raised|lowered|flagged|detected|served|logged|tracked|shadowed|wrapped|containeri[sz]ed|"
    r"computed|calculated|checked|looked|done|had to|dealt|handled|touched|tried|run|set|put|versioned|"
    r"check|find|build|train|ship|deploy|run|work|retrain|monitor|measure|own|lead|maintain|debug|fix|see|"
    r"notice|learn|split|label|evaluate|compare|track|serve|tune|add|remove|collect|clean|audit|test|launch|"
    r"release|write|design|migrate|reduce|improve|catch|use|keep|log|alert|refresh|rebuild|recompute)\b",
    _F,
)
# A system described as it runs: "It runs hourly", "the model is retrained weekly", "was deployed behind an API".
_SYSTEM = re.compile(
    r"\b(it|the model|the service|the pipeline|the job|the system|the ranker|the classifier|the detector|"
    r"our model|our service|our pipeline|everything)\s+(\w+ly\s+)?(runs|ran|sits|sat|lives|lived|serves|served|"
    r"retrains|refreshes|scores|scored|calls|called|went live|goes live|handles|handled|flags|flagged|"
    r"blocks|blocked|cut|reduced|improved|beat|lifted|dropped|caught|missed)\b|"
    r"\b(was|were|got|is|are|gets) (\w+ly |never |not |also |then )?(deployed|shipped|retrained|served|monitored|"
    r"logged|versioned|rolled out|tracked|containeri[sz]ed|scheduled|launched|labeled|labelled|cleaned|"
    r"deduplicated|audited|refreshed|set up|put behind|wrapped|exported|promoted|canaried|a/b tested)\b",
    _F,
)
_GENERIC = re.compile(
    r"^\W*(models|a model|machine learning|ml|people|one|in general|generally|typically|usually|normally|"
    r"you|algorithms|neural networks|deep learning|overfitting|regularization|cross-?validation|"
    r"(supervised|unsupervised) learning|the bias|bias|variance)\b|"
    r"\b(is (when|where|a|an|the)|are (when|a)|refers to|is defined as|means that|is a (technique|method|measure)|"
    r"is used to)\b",
    _F,
)
# A general statement has a verb of its own ("Gradient descent converges faster when..."); a note has none.
_FINITE = re.compile(
    r"\b(is|are|was|were|be|been|being|isn't|aren't|has|have|had|does|do|did|means|mean|refers|helps?|makes?|"
    r"tends?|works?|learns?|uses?|gives?|allows?|lets|needs?|requires?|causes?|happens?|can|could|should|"
    r"would|will|may|might|must|converges?|measures?|captures?|reduces?|increases?|depends?|leads?|comes?|"
    r"goes|becomes?|seems?|looks?|remains?)\b",
    _F,
)
_KNOWING = re.compile(r"\bi (know|knew|understand|'ve heard|have heard|'ve read|have read|read about|studied)\b",
                      _F)
_OPINION = re.compile(r"\b(i think|i guess|i'd say|i believe|i feel|i prefer|my (choice|pick|take|view)|"
                      r"i'd go|i'd pick|i'd use|i usually|i tend to|for me)\b", _F)
_PAST_ACCOUNT = re.compile(
    r"\b(was|were|had|came|went|got|took|made|became|turned out|ended up|kept|broke|dropped|jumped|rose|fell|"
    r"started|stopped|failed|worked|helped|hurt|caused|showed|looked|seemed|needed|used|ran|beat|lost|gained)\b",
    _F,
)
_HYPO = re.compile(r"\b(would|could|might|if)\b", _F)
_CONTINUES = re.compile(r"^\W*(,\s*)?(then|and then|and|so|plus|also|with|after that)\b", _F)
_TO_YOU = re.compile(r"\b(you|your|yours|you're|you've|your team|here)\b", _F)
_ASKS_PAST = re.compile(
    r"\b(tell me about|walk me through|what was|what were|have you|did you|your experience|you've|you have "
    r"(built|worked|done|shipped|used)|a time|describe a|most challenging|you built|you worked)\b",
    _F,
)
_QUESTION_WORDS = re.compile(r"[a-z0-9']+", _F)
_STOP = frozenset(
    "a an the and or but if so of to in on at by for with from is are was were be it this that i we you they "
    "how what why which would do does did your my our me us".split()
)

# Languages the offline reader does not read: a sentence mostly in their function words is "not read".
_ENGLISH = frozenset(
    "the a an and or but of to in on at by for with from is are was were be been it this that these those we i you "
    "they he she my our your their have has had do does did not no would will can could should what which who when "
    "where why how than then so because if as also just very more most".split()
)
_FOREIGN = frozenset(
    # Spanish, Portuguese, French, Italian, German function words that are not English words too
    "el los las del una unos unas por para con sin pero porque como muy también cuando donde sobre entre hasta "
    "desde hacia según lo le les nos se su sus mi mis tu es son fue fueron era eran está están estaba hay que qué "
    "y o ni ya más menos esto eso esta este estos estas ese esa aquí allí luego entonces pues cada todo todos "
    "hicimos usamos tenemos teníamos hacemos fue también datos modelo modelos "
    "do da dos das um uma uns umas não com sem mas muito também quando onde foi são está estão isso isto "
    "le la les des du de un une et ou mais donc car avec sans pour dans sur nous vous ils elles est sont était "
    "été avons avez ont fait très aussi quand où cette ces ce qui que il elle pas plus moins "
    "il lo gli della delle dello degli nel nella nei con senza perché molto anche quando dove è sono era "
    "siamo abbiamo questo questa quello quella che non più "
    "der die das den dem des ein eine einen einem einer und oder aber weil mit ohne für auf ist sind war "
    "waren wir ihr sie es nicht auch sehr wenn wo dann noch schon wurde haben hatten".split()
)


@dataclass(frozen=True)
class Clause:
    start: int  # offsets in the sentence
    end: int
    polarity: str  # of the clause as a whole (its verb)
    forward: tuple[int, ...] = ()  # offsets of determiner negations ("no", "without"): they negate what follows
    sentence: str = field(default="", repr=False)
    asked: str = field(default="", repr=False)
    previous: Clause | None = field(default=None, repr=False, compare=False)
    course: bool = False  # the answer tells of course work: its accounts of work are course work

    def polarity_at(self, pos: int) -> str:
        """The polarity of what is said at `pos` (a concept's place in the sentence). A negation inside a clause
        that follows the concept ("regularisation, and a check that the offline gain isn't a fluke") is not about it."""
        if self.polarity == NEGATED and self._negated_later(pos):
            return AFFIRMED
        if self.polarity != AFFIRMED and self.polarity != HEDGED:
            return self.polarity
        flips = sum(1 for at in self.forward if at < pos)
        return NEGATED if flips % 2 else self.polarity

    def _negated_later(self, pos: int) -> bool:
        text = self.sentence[self.start:self.end]
        at = pos - self.start
        triggers = self._triggers
        return bool(triggers) and all(t > at and _EMBEDDED.search(text, at, t) for t in triggers)

    @cached_property
    def _triggers(self) -> tuple[int, ...]:
        """Where the clause's negations start: found once per clause, however many concepts it names."""
        return tuple(m.start() for m in _NEGATION.finditer(self.sentence[self.start:self.end]))

    @cached_property
    def _kind(self) -> tuple[str, bool]:
        """(mode, note), read only when asked for: most clauses name no concept and need no mode."""
        text = self.sentence[self.start:self.end]
        kind, note = _mode(text, self.sentence, self.asked)
        if kind == KNOWS and self.previous is not None and self.previous.mode in (DID, WOULD) and \
                _CONTINUES.search(text) and not _GENERIC.search(text):
            kind = self.previous.mode  # "I'd run it in shadow mode first, then a canary on a few sites"
        if self.course and kind == DID:
            kind = COURSE
        return kind, note

    @property
    def mode(self) -> str:
        return self._kind[0]

    @property
    def note(self) -> bool:
        """A verbless note: read as the candidate's own, but no account of work by itself."""
        return self._kind[1]

    @cached_property
    def knowing(self) -> bool:
        """ "I know drift is a thing": knowledge claimed, not work done or planned."""
        return bool(_KNOWING.search(self.sentence[self.start:self.end]))


def negates(text: str) -> bool:
    """The text holds a negation ("didn't work"): a concept whose own words say so is not negated by them."""
    return bool(_NEGATION.search(text))


def split_clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentence's clauses, in order, covering all of it."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(sentence):
        if m.start() > start:
            spans.append((start, m.start()))
        start = max(start, m.start())
    spans.append((start, len(sentence)))
    return [(a, b) for a, b in spans if sentence[a:b].strip()] or [(0, len(sentence))]


def polarity(clause: str) -> str:
    if not _MARKED.search(clause):  # most clauses carry no mark of polarity at all: one search says so
        return AFFIRMED
    if ph.DISMISSED.search(clause):
        return DISMISSED
    if _DISCLAIMED.search(clause) or (_OTHERS.search(clause) and not _OWN_PART.search(clause)):
        return DISCLAIMED
    pseudo = spans(_PSEUDO, clause)  # found once: a clause of a thousand "not"s stays linear
    negated = [m for m in _NEGATION.finditer(clause) if not within(m.start(), pseudo)]
    double = len(negated) == 2 and len(clause[negated[0].end():negated[1].start()].split()) <= 3
    if negated and not double and not _PRACTICE.search(clause):  # "not unusual" reads as a plain statement
        return NEGATED
    idioms = spans(_SURE_IDIOM, clause)
    if any(not within(m.start(), idioms) for m in _HEDGED.finditer(clause)):
        return HEDGED
    return AFFIRMED


@lru_cache(maxsize=1024)
def _course_sentence(sentence: str) -> bool:
    """Course work told in the sentence: asked once per sentence, whatever its number of clauses."""
    return bool(COURSE_WORK.search(sentence))


@lru_cache(maxsize=256)
def _sentence_facts(sentence: str) -> tuple[bool, bool, bool]:
    """(a question, one to the interviewer, a speaker in it): read once per sentence, not once per clause, so a
    sentence of a thousand clauses stays linear."""
    return sentence.rstrip().endswith("?"), bool(_TO_YOU.search(sentence)), bool(_SPEAKER.search(sentence))


def _mode(clause: str, sentence: str, asked: str = "") -> tuple[str, bool]:
    """(the mode, whether it rests only on the note form: no words of a speaker, a plan or an act)."""
    question, to_you, speaker = _sentence_facts(sentence)
    if question:
        # a question to the interviewer asks; a clarifying one ("Who uses the price? Buyer, lender?") plans
        return (ASKS if to_you or not asked else WOULD), False
    if asked and reads_back(clause, asked):
        return QUOTES, False
    if _course_sentence(sentence):
        return COURSE, False
    if _KNOWING.search(clause):
        return KNOWS, False  # "I know drift is a thing": what they know, not what they did or would do
    if _PLAN.search(clause) or _IMPERATIVE.search(clause):
        return WOULD, False
    if (_SPEAKER.search(clause) and _ACTED.search(clause)) or _dropped_subject(clause):
        return DID, False
    if _SYSTEM.search(clause) and not _GENERIC.search(clause):
        return DID, False
    if speaker and _ACTED.search(clause) and not _GENERIC.search(clause):
        return DID, False  # "We shipped it in March, then retrained weekly": the subject stands in an earlier clause
    if _PAST_ACCOUNT.search(clause) and not _GENERIC.search(clause) and not _HYPO.search(clause):
        return DID, False  # "The labels came from agents choosing a priority": the project told in the past
    if _OPINION.search(clause) and not _GENERIC.search(clause):
        return WOULD, False  # "I think mAP at 0.5 and per-class recall": the candidate's own view, hedged or not
    if is_note(clause):
        # a note with no verb ("Nightly batch for all listings"): the candidate's own plan or practice, or their
        # own story when the question asked for one ("Cause: random split; fix: group split")
        return (DID if _ASKS_PAST.search(asked) else WOULD), True
    return KNOWS, False


def is_note(clause: str) -> bool:
    """A terse note with no verb of its own: its mode comes from the question, not from its words."""
    return not _GENERIC.search(clause) and not _FINITE.search(clause) and _terse(clause) and \
        not _SPEAKER.search(clause)


_DROPPED = re.compile(
    r"^\W*(\w+\s*:\s*)?(shipped|built|deployed|cut|reduced|improved|launched|trained|led|designed|migrated|"
    r"rolled out|fixed|debugged|added|replaced|moved|owned|wrote|retrained|monitored|caught|scaled|delivered|"
    r"found|noticed|discovered|switched|flagged|detected|saved|raised|lowered|beat|increased|doubled|halved|ran|"
    r"measured|labeled|labelled|collected|cleaned|audited|tested|tuned|used|picked|chose|served|logged|"
    r"tracked|compared|evaluated|lost|got|went)\b",
    _F,
)


def _terse(clause: str) -> bool:
    """Written as a note: a few words, or hardly any function words (a textbook sentence has many)."""
    tokens = _QUESTION_WORDS.findall(clause.lower())
    if len(tokens) <= 6:
        return True
    function = sum(1 for t in tokens if t in _STOP or t in _ENGLISH) / len(tokens)
    return function < 0.2 or (len(tokens) <= 12 and function <= 0.3)


def _dropped_subject(clause: str) -> bool:
    """A past act told with the subject dropped, as in notes or bullets: "Shipped it behind an API"."""
    return bool(_DROPPED.search(clause))


def reads_back(clause: str, asked: str) -> bool:
    """The clause is mostly the interviewer's question read back."""
    mine = [w for w in _QUESTION_WORDS.findall(clause.lower()) if w not in _STOP]
    if len(mine) < 3:
        return False
    theirs = {w for w in _QUESTION_WORDS.findall(asked.lower()) if w not in _STOP}
    return sum(1 for w in mine if w in theirs) / len(mine) >= 0.8


def clauses(sentence: str, asked: str = "", course: bool = False, plain: bool = False) -> tuple[Clause, ...]:
    """The sentence's clauses. `plain`: the caller needs no concept's place, so a sentence with no mark of
    polarity at all is one affirmed clause (the common case, read with one search)."""
    if plain and not _MARKED.search(sentence):
        return (Clause(0, len(sentence), AFFIRMED, (), sentence, asked, None, course),)
    out: list[Clause] = []
    for a, b in split_clauses(sentence):
        text = sentence[a:b]
        pseudo = () if _PRACTICE.search(text) else spans(_PSEUDO, text)
        forward = () if _PRACTICE.search(text) else tuple(
            a + m.start() for m in _FORWARD.finditer(text) if not within(m.start(), pseudo))
        out.append(Clause(a, b, polarity(text), forward, sentence, asked, out[-1] if out else None, course))
    return tuple(out)


def no_answer(clause: Clause) -> bool:
    """A question to the interviewer, or the interviewer's question read back: it answers nothing."""
    text = clause.sentence[clause.start:clause.end]
    if clause.sentence.rstrip().endswith("?"):
        return bool(_TO_YOU.search(clause.sentence)) or not clause.asked
    return bool(clause.asked) and reads_back(text, clause.asked)


def clause_at(parts: tuple[Clause, ...], pos: int) -> Clause:
    for c in parts:
        if c.start <= pos < c.end:
            return c
    return parts[-1]


_LETTERS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def foreign(sentence: str) -> bool:
    """Mostly another language's function words: the offline reader does not read it."""
    low = _LETTERS.findall(sentence.lower())
    theirs = sum(1 for t in low if t in _FOREIGN and t not in _ENGLISH)
    ours = sum(1 for t in low if t in _ENGLISH)
    return len(low) >= 4 and theirs >= 2 and theirs > ours
