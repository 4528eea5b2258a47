"""The phrases the reading of an answer looks for (analysis.py): reasons, numbers, accounts of work, plans,
dismissals, failures, trade-offs, definitions, disclaimers and attempts to instruct the judge. Data, as regexes."""

from __future__ import annotations

import re

STOPWORDS = frozenset(
    "a an the and or but if then so because since as of to in on at by for with from into about over after before "
    "is are was were be been being it its this that these those there here i we you he she they me us my our your "
    "their them what which who when where why how would could should will can do does did done have has had not no "
    "just also very more most some any all each than too out up down off only own same other such both few again "
    "further once while until between through during against under above below".split()
)
WORD = re.compile(r"[a-z0-9][a-z0-9'+\-./%]*", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|\s+-\s+|\s*—\s*")
REASON = re.compile(
    r"\b(because|since|so that|so we|so i|so it|which means|meaning|in order to|due to|that's why|that is why|"
    r"the reason|trade-?offs?|otherwise|instead of|rather than|to avoid|to prevent|to reduce|to catch|to make sure|"
    r"to ensure|helps?|lets? (us|me|you)|which lets|allows?|leads? to|led to|caused?|resulted in|results in|"
    r"only (if|when|with|once)|not just|unless|so (we|i|it|the|that|they)|since|as a result|"
    r"depends on|based on|as long as|unless|whereas|but|however|although|worth it|cheaper|faster|slower|simpler|"
    r"more robust|interpretable|explainable|transparent|cheap|fast|calibrated|easy to \w+|hard(er)? to \w+|"
    r"(?<!not sure )(?<!as )(?<!saying )(?<!says )(?<!know )(?<!check )(?<!tell )(?<!see )(?<!ask )(?<!wonder )if|when (the|it|we|you|there|\w+ (drops?|falls?|rises?|goes|gets|exceeds?)))\b",
    re.IGNORECASE | re.ASCII,
)
# "we tracked ROC-AUC", "I built ...": the candidate's own past work, whatever the scenario posed.
OWN_PAST = re.compile(r"\b(i|we)( \w+)? (\w{3,}ed|built|ran|saw|had|did|made|took|got|found|led|wrote|spent|went|"
                      r"caught|broke|kept|set up|shipped|chose|picked)\b", re.IGNORECASE)
PRONOUN_START = re.compile(r"^\W*(it|it's|its|this|that|they|they're|these|those)\b", re.IGNORECASE)
NUMBER = re.compile(
    r"(?<![a-z])\d|\b(percent|half|double[ds]?|doubling|tripled|twice|ten|twenty|thirty|fifty|hundred|thousand|million|"
    r"billion|dozens?)\b",
    re.IGNORECASE | re.ASCII,
)
WE_SPEAK = re.compile(r"\b(we|my team|our team|we've|we'd)\b", re.IGNORECASE | re.ASCII)
PAST = re.compile(
    r"\b(built|shipped|deployed|worked|trained|led|designed|found|saw|noticed|realized|realised|ran|launched|"
    r"reduced|improved|increased|cut|moved|migrated|owned|wrote|set up|rolled out|fixed|debugged|discovered|"
    r"learned|learnt|spent|tried|switched|replaced|added|dropped|started|took|got|had|did|was|were|made|used|"
    r"measured|retrained|monitored|caught|missed|broke|failed|went|helped|managed|delivered|scaled)\b",
    re.IGNORECASE | re.ASCII,
)
# Present-tense accounts of one's own work ("I check the logs and find...", "we retrain weekly").
PRESENT_ACT = re.compile(
    r"\b(i|we)( \w+ly| also| always| usually| then| first)? (check|find|build|train|ship|deploy|run|work|retrain|"
    r"monitor|measure|own|lead|maintain|debug|fix|see|notice|learn|split|label|evaluate|compare|track|serve|tune|"
    r"add|remove|drop|collect|clean|audit|test|launch|release|roll|write|design|migrate|reduce|improve|catch)\b",
    re.IGNORECASE | re.ASCII,
)
# A past act told with the subject dropped, as in notes or bullets: "Shipped it behind an API", "- cut latency by half".
DROPPED_SUBJECT = re.compile(
    r"^\W*(\w+\s*:\s*)?(shipped|built|deployed|cut|reduced|improved|launched|trained|led|designed|migrated|"
    r"rolled out|fixed|debugged|added|replaced|moved|owned|wrote|retrained|monitored|caught|scaled|delivered|found|"
    r"noticed|discovered|switched|flagged|detected|saved|raised|lowered|beat|increased|doubled|halved|ran|"
    r"measured|labeled|labelled|collected|cleaned|audited|tested|tuned|built)\b",
    re.IGNORECASE | re.ASCII,
)
FIRST_PERSON = re.compile(
    r"\bI\b|(?i:\bi'(d|m|ve|ll)\b|\b(my|me|mine|myself)\b|\bi (am|was|have|had|did|do|would|will|think|built|"
    r"worked|work|used|use|led|wrote|trained|deployed|shipped|found|learned|learnt|tried|like|prefer|start|went|"
    r"saw|noticed|spent|set|ran|made|got|took|guess|feel|believe|mean|know|don't|didn't|can|could)\b)",
    re.ASCII,
)
QUANTITY = re.compile(r"(?<![A-Za-z])\d")
WE = re.compile(r"\b(we|we'd|we've|we'll|our|us|you'd|you would|let's)\b", re.IGNORECASE | re.ASCII)
PLAN = re.compile(r"\b(would|will|'d|'ll|going to|want to|plan to|start (with|by)|first|then|next)\b|\w'd\b",
                   re.IGNORECASE | re.ASCII)
# A plan told as steps: "Split by store and date so...", "Retrain monthly", "First, check the labels".
IMPERATIVE = re.compile(
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
VACUOUS = re.compile(
    r"\b(state[- ]of[- ]the[- ]art|sota|most powerful|everyone (uses|knows|does)|what everyone|just learns(?! to )|"
    r"learns? (it|that|them|everything|the \w+)( \w+)? (by itself|on its own)|by itself|on its own|"
    r"figures? (it|that|everything|them) out|will figure|out of the box|(is|are) (really|very|so) good at|"
    r"(isn't|is not|aren't) really a (thing|problem|concern|issue)|(it'll|it will|should) be (fine|ok|okay|"
    r"pretty accurate|accurate|good)|always better|bigger is better|(just|simply) works|the tutorial|"
    r"i (just )?like (it|them)|everything should be|of course|no[- ]brainer|obviously the best|"
    r"already knows? everything|add more (gpus?|compute|servers|layers)|throw more (gpus?|compute|data) at|"
    r"(has|have|gets?|got|gives?|had) the best (accuracy|results?|performance|scores?)|wins? (on )?kaggle|"
    r"(win|wins|won) (the |most |all )?(kaggle|competitions)|(is|are|it's|that's|they're) (usually |always |"
    r"just |simply )?(the )?best\b(?! (for|at|on|when|if|with) (\w+ )?(small|large|sparse|tabular|text|images?|"
    r"latency|interpret\w*|explain\w*))|(are|is) (just|simply) better|(whichever|whatever) is (newest|latest)|"
    r"for everything( now)?|works? (well )?for everything|what (the )?(big companies|everyone|big tech|google|meta|"
    r"openai|the big players|faang) (uses?|does|do|is using)|learns? the features (themselves|by (it|them)selves|"
    r"automatically)|(right now|nowadays|these days),? (that's|it's|everyone))\b",
    re.IGNORECASE | re.ASCII,
)
# A concept waved away: "drift doesn't really apply", "baselines are a waste of time", "starting simple just wastes
# time". The polarity of a clause (claims.py) and of a sentence (below) read the same words.
_DISMISSED = (
    r"(?<!\bit )(?<!which )(?<!\bthat )(?<!\bthis )"  # "it doesn't need item metadata" states a property
    r"(don't|doesn't|do not|does not|won't|isn't|aren't) (really |even |actually )?(need|apply|matter|"
    r"a (thing|problem|concern|issue)|necessary|needed|important|relevant|worth)|no need (to|for)|"
    r"not (really )?(needed|necessary|important|relevant|a (thing|problem|concern))|nobody (really )?"
    r"(does|uses|needs|cares)|outdated|old-?school|overrated|pointless|irrelevant|unnecessary|"
    r"(a |just )?(waste of|wastes?|wasting) (\w+ )?(time|compute|money|effort)|"
    r"(don't|do not|didn't|did not|wouldn't|would not|won't) (really )?(bother|worry|care)|"
    r"(don't|do not) (really )?see the point|no point (in|to|comparing|checking)|"
    r"(don't|do not) think (we|you|i|they) (really |even |actually )?need|"
    r"(don't|do not) think (\w+ ){1,3}(is|are) (really |that |even |actually )?(needed|necessary|important|useful)|"
    r"(don't|do not) (really )?think (it|that|this|they|monitoring|it really) (really )?(matters?|is needed|"
    r"is necessary|is important|makes a difference)|"
    r"needn't|(isn't|is not|not) (really )?(my|our) (job|problem|concern|responsibility)|"
    r"not an? (issue|problem|concern)|(can't|cannot|can not|won't|will not|doesn't|does not|never) (really |even )?"
    r"(happen|occur|drift|apply)|takes? too long|too slow to bother|for academics|just hype|is dead|"
    r"(simple|classic|linear) models? (are|is) (useless|outdated|dead)|(baselines?|a/b tests?|monitoring|"
    r"fairness|cleaning|feature engineering) (are|is) (a )?(waste|overkill|useless|pointless|for)|"
    r"(isn't|is not|aren't|are not) (a )?(big )?(problem|issue|concern)s?( (because|since|for))?"
)
class Gated:
    """A regex run only on text that holds one of its literal words (`words`, lowercase): most sentences hold none,
    and a substring test costs far less than a large alternation. Every alternative of the regex must contain one
    of the words (tests/test_analysis.py checks the two agree on every candidate's text)."""

    def __init__(self, regex: re.Pattern, words: tuple[str, ...]) -> None:
        self.regex, self.words = regex, words

    def search(self, text: str):
        low = text.lower()
        return self.regex.search(text) if any(w in low for w in self.words) else None


_DISMISS_WORDS = ("n't", "not", "no need", "nobody", "outdated", "old", "overrated", "pointless", "irrelevant",
                  "unnecessary", "wast", "bother", "point", "never", "cannot", "too long", "too slow", "academics",
                  "hype", "dead", "useless", "overkill", "baseline", "a/b test", "monitoring", "fairness", "cleaning",
                  "feature engineering", "know", "job")
DISMISSED = Gated(re.compile(rf"\b({_DISMISSED})\b", re.IGNORECASE | re.ASCII), _DISMISS_WORDS)
# A sentence that names a concept only to wave it away, or to say the candidate has not touched it.
DISMISSIVE = Gated(re.compile(
    rf"\b({_DISMISSED}|already knows? everything|ops team's job|someone else's job|"
    r"i (don't|do not|never) (monitor|test|validate|evaluate)|(can't|cannot|can not|won't|will not|doesn't|"
    r"does not|never) (really |even )?change|never (need|needs|retrain|monitor|bother|matters?|worry)|"
    r"not (very |really |that |too )?familiar with|(never|haven't|have not) (done|used|seen|touched))\b",
    re.IGNORECASE | re.ASCII,
), _DISMISS_WORDS)
# A bullet of an account told as notes ("- Cause: random split", "- Fix: group split", "- Shipped;"): two of
# them, or one with a figure, make the answer an account of the candidate's work though no sentence has a subject.
ACCOUNT_NOTE = re.compile(
    r"^\W*(root cause|cause|fix|fixed|result|results|outcome|impact|lessons?|learned|learnt|shipped|launched|"
    r"rolled out|deployed|in prod(uction)?|live)\s*(:|;|\.|$)",
    re.IGNORECASE | re.ASCII,
)
# A complex model reached for in a hurry or for its fame, whatever came before it: "just use BERT", "go directly to a
# transformer", "since deep learning is state of the art for everything".
RUSHED = re.compile(
    r"\b((just|straight|directly|right away|immediately) (use|go|start|jump|with|to|for)|skip (all )?(that|this|the "
    r"(baseline|simple)|baselines?)|go(ing)? (straight|directly) (to|for)|state[- ]of[- ]the[- ]art|\bsota\b|"
    r"(most|really|very|so|more) powerful|best (results|accuracy|model|performance)|for everything|always (wins?|"
    r"better|best)|cutting[- ]edge|the latest|(whichever|whatever) is (newest|latest)|newest|(are|is) (just|simply) better)\b",
    re.IGNORECASE | re.ASCII,
)
# The candidate does not know and says so: "I'm not totally sure how to detect it", "no idea, honestly".
UNSURE = re.compile(
    r"\b(not (totally |really |entirely |quite |100% |completely )?sure\b|"
    r"no idea|(i )?(don't|do not) (really )?know|(not|never) (really )?(familiar|heard of)|have to look (it|that) up|"
    r"no clue|can't (really )?say|not my strong (suit|point))\b",
    re.IGNORECASE | re.ASCII,
)
# A pointer to an earlier answer, not a new one and not a question: "I think I covered that", "as I said".
POINTER = re.compile(
    r"\b(i (think |believe |guess )?(i |we )?(already |just |kind of )?(covered|answered|mentioned|explained|"
    r"touched on|went over|talked about|went through) (that|this|it|those|these)|(i|we) (already )?(said|mentioned|"
    r"covered) (that|this|it) (earlier|before|already|above)|as i (said|mentioned)|like i (said|mentioned)|"
    r"same as (before|above|earlier|i said)|see (my|above|earlier))\b",
    re.IGNORECASE | re.ASCII,
)
# An opener that approves what was just said: never after an answer that was not sound.
APPROVAL = re.compile(
    r"^\W*((that's |that is |what a |such a )?(a )?(really |very )?(great|good|excellent|nice|solid|smart|"
    r"pragmatic|fair|interesting|valid|strong)( point| answer| approach| call| idea| thinking| question| one)?|"
    r"exactly|perfect|awesome|absolutely|spot on|love (that|it|this)|i (really )?like (that|it|this|how \w+ \w+)|"
    r"makes (total |a lot of )?sense|well said|totally|definitely|agreed|correct|yes|yeah|right|"
    r"that's (exactly )?(how|what) (i'd|i would|we'd|we would|i do|we do))\b"
    r"(\s+[\w']+){0,4}?\s*[.!?,;:—–-]+\s*",
    re.IGNORECASE,
)


def without_approval(sentence: str) -> str:
    """The sentence without an approving opener ("Great point! How would..." -> "How would...")."""
    rest = sentence
    for _ in range(3):  # "Good, that's how I'd start too." has two
        rest = APPROVAL.sub("", rest, count=1)
    if rest == sentence:
        return sentence
    return rest[:1].upper() + rest[1:] if rest.strip() else ""


# A problem found in the candidate's own work, told without the word "failed": counts only outside plans.
PROBLEM_FOUND = re.compile(
    r"\b((was|were|came out|ran) (way|badly|far|consistently|systematically|often) (off|under|over|wrong)|"
    r"(under|over)-?(predict|estimat|forecast)(ed|ing|s)?\b|(much|far|a lot) worse|turned out|"
    r"traced (it |this |that |them )?(back )?to|kept (seeing|getting|recommending|flagging|missing)|"
    r"(looked|was|were) (great|good|fine|strong) offline|flat (in|on) (the )?(a/?b|online|live)|"
    r"(was|were) (leaking|leaked)|(most|all|many) (of the )?(errors|mistakes|misses|false (positives|negatives)) "
    r"(were|came)|(for|on) everything\b|stopped working|"
    r"(silently|quietly) (broke|failed|dropped|degraded)|(caught|found|noticed|spotted) (a|the|that|an) (bug|issue|"
    r"problem|leak|mistake))",
    re.IGNORECASE | re.ASCII,
)
# A concrete step of a plan: "I'd remove bot sessions and dedupe repeated clicks", "class weights, or undersample the
# normal messages, and then tune the threshold".
_ACTIONS = (
    r"(check|remove|dedupe|deduplicate|drop|filter|impute|clip|cap|fix|relabel|audit|split|hold out|stratify|compare|"
    r"tune|track|alert|monitor|retrain|measure|log|validate|fit|slice|look at|break|segment|weight|oversample|"
    r"undersample|calibrate|set|shadow|canary|roll|exclude|flag|sample|label|backtest|ablate|limit|version|fill|"
    r"replace|encode|normali[sz]e|scale|resample|upweight|downsample|downweight|dedup|merge|join|clean|winsori[sz]e|"
    r"bucket|bin|lowercase|tokeni[sz]e|augment|crop|resize|alert|rerun|backfill)"
)
PLANNED_STEP = re.compile(
    rf"\b(i'd|we'd|i would|we would|i'll|we'll|i will|we will)( \w+ly| also| first| then| start by| always)? "
    rf"{_ACTIONS}\w*\b|(,|\band|\bor|\bthen)\s+(then\s+|also\s+)?{_ACTIONS}\s+(in |out |up |off |with )?(the|a|an|our|each|every|all|"
    r"them|by|per|on)\b",
    re.IGNORECASE | re.ASCII,
)
# Work told in the passive, as teams often do: "a logistic regression was trained first", "it was traced to a new
# campaign"; a plan in the passive: "a simple baseline would be set up first".
PASSIVE_ACT = re.compile(
    r"\b((was|were|had been|got|gets?|is|are) (\w+ly |then |first |later |also )?|would be (\w+ly |then |first |"
    r"also )?)(\w{3,}ed|used|built|set up|taken|done|made|kept|found|run|shown|rolled out|written|chosen|split|cut|put|"
    r"rebuilt|brought|caught|dropped|sent|held out|thrown out)\b",
    re.IGNORECASE | re.ASCII,
)
HYPOTHETICAL = re.compile(r"\b(would|could|might|i'd|we'd)\b", re.IGNORECASE | re.ASCII)
FAILURE = re.compile(
    r"\b(failed|failure|didn't work|did not work|went wrong|mistake|lesson|learned|learnt|post-?mortem|"
    r"broke|regressed|(a|the|performance|quality|silent) regression\b(?! (model|problem|task|tree|metrics?))|underperform\w*|backfired|wrong|bug|outage|root cause|(i|we) learn|lessons?|"
    r"silently|humbl\w*|rolled (it )?back|reverted|looked (better|good|great) offline|"
    r"(time|engagement|revenue|ctr|conversions?|clicks|retention|sales|metrics?|numbers|performance|accuracy|"
    r"precision|recall|auc) (\w+ )?(went down|dropped off)|"
    r"didn't (hold|translate|help|generali[sz]e)|worse than|embarrass\w*|painful|"
    r"(accuracy|precision|recall|performance|auc|ctr|conversion|metrics?|scores?|quality) (\w+ )?(dropped|fell|"
    r"collapsed|tanked|degraded|declined|sank|dipped))\b",
    re.IGNORECASE | re.ASCII,
)
TRADEOFF = re.compile(
    r"\b(trade-?offs?|pros and cons|downsides?|upsides?|at the cost of|cost of|versus|vs\.?|compared (to|with)|"
    r"on the other hand|but it|but that|whereas|in exchange|instead of|rather than|when not to|wouldn't use|"
    r"would not use|not worth|overkill|(better|worse|faster|slower|cheaper) (for|when|if|than|on)|"
    r"works? better|depends on|it depends|gives? up|sacrific\w*|balance between|at the expense of|"
    r"but (it |that |they |is |are |it's |they're |was |were )?(\w+ )?(harder|slower|costlier|more expensive|"
    r"less (accurate|interpretable|explainable|stable)|worse|needs|requires|heavier|weaker)|"
    r"(generali[sz]es?|scales?|handles? \w+) better)\b|"
    r"\bfor\b[^.;]{1,60}\bbut\b[^.;]{1,40}\bfor\b|\bif (there's|there is|we have|you have|the)\b[^.;]{1,60}\b"
    r"(prefer|switch|go with|pick|choose)\b",
    re.IGNORECASE | re.ASCII,
)
NO_TRADEOFF = re.compile(
    r"\b(no|not any|(don't|do not|can't|cannot) (really )?see (any|a)|without (any|a)|never any) (real |big )?"
    r"(downsides?|trade-?offs?|cons)\b|"
    r"\bthere('s| is) no (point|need|reason)\b",
    re.IGNORECASE | re.ASCII,
)
DEFINITION = re.compile(
    r"\b(is (when|where|a|an|the)|are (when|a)|refers to|is defined as|is the (difference|process|tendency)|"
    r"means that|is a (technique|method|measure)|is used to)\b",
    re.IGNORECASE | re.ASCII,
)
DISCLAIMER = re.compile(
    r"\b(haven't|have not|never) (really |actually |yet )?(worked|done|built|deployed|had|shipped|used)\b|"
    r"\b(don't|do not) (really |actually )?have (a |any )?(real |full |practical |professional )?"
    r"(project|experience)|\bno (real|professional|industry|practical|hands-on) (experience|projects?)\b|"
    r"\b(tutorials?|youtube|copied|course assignments?|homework|course ?work|course projects?|class projects?|"
    r"(online |many |some |several )courses|bootcamps?|moocs?)\b|\bnot sure (why|what|how)\b|"
    r"\b(haven't|have not|never) (\w+ )?(worked|been) (on|in) (an? )?(industry|real|production|professional)\b|"
    r"\bi (don't|do not) know (why|the|what|how)\b",
    re.IGNORECASE | re.ASCII,
)
INJECTION = re.compile(
    r"(ignore (all |any |the |your )?(previous|prior|above|earlier)? ?(instructions|rules|rubric|prompts?)|"
    r"disregard (the|all|your|previous)|^\s*system\s*:|\bsystem prompt\b|\byou are now\b|"
    r"\b(give|rate|score|grade|mark) (me|this|the candidate|him|her|them)\b.{0,40}\b(100|10/10|perfect|"
    r"strong hire|hire|top|maximum|full marks)|\bscore of 100\b|\b100\s*/\s*100\b|\bas an ai\b|"
    r"\bnew instructions\b|\boverride\b.{0,20}\b(rubric|score|rules)|\brate (me|this) (as )?strong hire\b)",
    re.IGNORECASE | re.MULTILINE,
)
