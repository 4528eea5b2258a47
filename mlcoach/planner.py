"""The planner: the next move within a phase and why. Pure functions of the state and the persona."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from mlcoach import claims, replies
from mlcoach.judge import judge
from mlcoach.personas import Question
from mlcoach.state import State, is_pointer

LOW_QUALITY = ("empty", "one_word", "gibberish", "off_topic", "injection", "repeated", "salad")
GENERIC_REPHRASE = "No rush. Let me put it differently: even a rough first thought or an example from your own work is fine."
DEFAULT_TRANSITIONS = {
    "experience": "Let's dig into your hands-on experience a bit more.",
    "design": "Let's work through a design problem together.",
    "production": "Now say this model works offline. Let's talk about getting it into production.",
    "deep_dive": "Let's go a bit deeper on a few things.",
    "closing": "We're close to time, so let's wrap up.",
}


@dataclass(frozen=True)
class Move:
    kind: str  # greeting | question | probe | closing | nudge | transition | ack
    id: str
    text: str  # the scripted wording, placeholders filled
    topic: str = "general"
    covers: tuple[str, ...] = ()
    why: str = ""  # the planner's reason, for the log and an LLM's prompt
    lead: str = ""  # an acknowledgement or transition to open with (interviewers that word them together)
    lead_id: str = ""  # the lead's move id, for the log ("ack:fair_point": no acknowledgement twice)


def spoken_name(candidate: str) -> str:
    """How the interviewer addresses the candidate: the first name ("Maya" for "Maya Chen"), "there" for none."""
    words = candidate.split()
    return words[0] if words else "there"


def fill(template: str, state: State, **extra: str) -> str:
    p = state.persona
    values = {
        "name": spoken_name(state.meta.candidate),
        "interviewer": p.name,
        "role": p.role,
        "years": str(p.years),
        "product": state.scenario.product if state.scenario else "this product",
        **extra,
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def rng(state: State) -> random.Random:
    return random.Random(f"{state.meta.seed}:{state.events}")


def _from_question(q: Question, state: State, kind: str, why: str) -> Move:
    return Move(kind, q.id, fill(q.text, state), q.topic, q.covers, why)


def _open(q: Question, state: State) -> bool:
    """Not asked yet, on a topic not asked yet, and not already covered: never ask about what the candidate has
    explained, said they have not done, or said they answered already."""
    if q.id in state.asked or state.asked_topic(q.id):
        return False
    return not (q.covers and set(q.covers) <= state.covered())


def chained(moves: list[Move], state: State) -> list[Move]:
    """The same moves, those that follow from the last answer first: a probe on something the candidate named but
    did not explain ("we used class weights" -> the imbalance probe). A stable reordering; nothing is dropped."""
    last = state.last_answer
    if last is None:
        return moves
    named = {h.concept for h in last.analysis.hits if not h.explained and not h.gap}
    if not named:
        return moves
    first = [replace(m, why=f"follows from the last answer ({', '.join(sorted(set(m.covers) & named))})")
             for m in moves if set(m.covers) & named]
    return first + [m for m in moves if not set(m.covers) & named]


def why_algorithm(state: State) -> Move | None:
    """'Why that algorithm?' when the last answer named an algorithm without a reason."""
    last = state.last_answer
    if last is None or not last.analysis.substantive or last.phase != state.phase:
        return None  # a new phase opens with its own question, not with a follow-up on the last one
    if state.last_question is not None and state.last_question.move.startswith("why:"):
        return None  # "Why random forests?" answered: no "Why decision trees?" on the heels of it
    line = next((ln for ln in state.persona.probing if ln.id == "why_algorithm"), None)
    if line is None:
        return None
    for hit in last.analysis.hits:
        if hit.gap:  # "we shouldn't run a big model on every email" proposes no deep learning
            continue
        concept = state.persona.concepts[hit.concept]
        move_id = f"why:{hit.concept}"
        reasoned = any(a.analysis.hits and any(h.concept == hit.concept and h.reasoned for h in a.analysis.hits)
                       for a in state.answers)
        if concept.group == "algorithms" and not reasoned and move_id not in state.asked and \
                not state.asked_topic(move_id):
            text = fill(line.text, state, algorithm=concept.label)
            return Move("probe", move_id, text, "algorithm", (hit.concept,),
                        f"named {concept.label} without a reason")
    return None


def when_not(state: State) -> Move | None:
    """A trade-off probe once, when an algorithm was explained but no trade-off was raised."""
    line = next((ln for ln in state.persona.tradeoffs if ln.id == "when_not"), None)
    if line is None or any(m.startswith("tradeoff:") for m in state.asked):
        return None
    if any(a.analysis.tradeoff for a in state.answers):
        return None
    last = state.last_answer
    algos = [h for h in (last.analysis.hits if last else ()) if state.persona.concepts[h.concept].group == "algorithms"]
    if not algos:
        return None
    label = state.persona.concepts[algos[0].concept].label
    return Move("probe", f"tradeoff:{line.id}", fill(line.text, state, algorithm=label), "algorithm", (),
                f"explained {label} but raised no trade-off")


def focus_concepts(state: State) -> set[str]:
    """The concepts of the criteria this session practises (`--focus`), from the meta record."""
    focus = set(state.meta.focus)
    return {cid for c in state.persona.criteria if c.id in focus for cid in c.concepts}


def focused(moves: list[Move], state: State) -> list[Move]:
    """The same moves, those aimed at the focus criteria first (a stable reordering; nothing is dropped)."""
    wanted = focus_concepts(state)
    if not wanted:
        return moves
    return sorted(moves, key=lambda m: not (set(m.covers) & wanted))


def core_moves(state: State) -> list[Move]:
    """The phase's plan, in order, of what is still worth asking (with --focus, its questions first)."""
    p = state.persona
    phase = state.phase
    if phase in ("opening", "experience", "production"):
        moves = [_from_question(q, state, "greeting" if q.id == p.phase("opening").questions[0].id else "question",
                                "next in the phase plan") for q in p.phase(phase).questions
                 if not q.extra and _open(q, state)]
        if phase == "opening":
            return moves
        # with --focus, a focused extra question joins the plan, and focused questions come first
        wanted = focus_concepts(state)
        extras = [_from_question(q, state, "question", "the session's focus") for q in p.phase(phase).questions
                  if q.extra and _open(q, state) and set(q.covers) & wanted]
        return _one_per_topic(focused(chained(moves, state) if phase == "production" else moves, state) + extras,
                              state)
    if phase == "design":
        s = state.scenario
        moves = []
        if f"scenario:{s.id}" not in state.asked:
            moves.append(Move("question", f"scenario:{s.id}", fill(s.prompt, state), "design", (), "pose the scenario"))
        # a broad guide question ("What features would you consider?") is answered once the candidate's own plan
        # spoke to its main concept; the judge still wants the reasons, and the probes still dig
        moves += [_from_question(q, state, "question", f"guide question ({q.topic}) not yet answered")
                  for q in s.guide if _open(q, state) and not (q.covers and q.covers[0] in state.scenario_spoken)]
        probes = chained([_from_question(q, state, "probe", f"left out: {', '.join(q.covers) or q.id}")
                          for q in s.probes if _open(q, state)], state)
        moves += focused(probes, state)
        return _one_per_topic(moves, state)
    if phase == "deep_dive":
        branch = state.branch or "fundamentals"
        moves = [_from_question(q, state, "question", f"deep dive ({branch})") for q in p.branches[branch] if _open(q, state)]
        if not moves and not state.phases[-1].questions:
            # Everything in the branch was covered already: go deeper on the first of it rather than skip the phase.
            q = next((q for q in p.branches[branch] if q.id not in state.asked and not state.asked_topic(q.id)), None)
            if q is not None:
                text = f"You touched on this earlier, so let's go deeper: {fill(q.text, state)}"
                moves = [Move("question", q.id, text, q.topic, q.covers, f"deeper on covered ground ({branch})")]
        return moves
    return []


SHALLOW_GROUPS = ("experience",)  # "results", "failures": what a story has, not something to dig into by name


def _own_work(state: State, kind: str, specific: bool = False):
    """(the hit, the persona line to use, its move id) for a follow-up of `kind` on the last answer: a concept it
    explained as the candidate's own work (with a figure or an incident when `specific`), not asked about yet in
    this part of the interview; the persona's `deeper` lines in turn. None when there is none."""
    last, lines = state.last_answer, state.persona.deeper
    if last is None or not lines or last.phase != state.phase or state.phase in ("opening", "closing"):
        return None
    concepts = state.persona.concepts
    used = sum(1 for m in state.asked if m.startswith(f"{kind}:"))
    for hit in last.analysis.hits:
        move_id = f"{kind}:{hit.concept}"
        if hit.explained and hit.grounded and not hit.gap and hit.mode == claims.DID and (hit.specific or not specific) \
                and hit.concept in concepts and concepts[hit.concept].group not in SHALLOW_GROUPS \
                and move_id not in state.asked and not state.asked_topic(move_id) \
                and (kind != "deeper" or replies.named_by_them(state, hit)):
            return hit, lines[used % len(lines)], move_id
    return None


def deeper(state: State) -> Move | None:
    """A follow-up on a concept the last answer raised and explained though no question of this part of the
    interview asked about it ("...with a shared feature store" -> "You mentioned a feature store. What was the
    hardest part of getting that right?"). Each concept once."""
    found = _own_work(state, "deeper")
    if found is None:
        return None
    hit, line, move_id = found
    return Move("probe", move_id, fill(line.text, state, concept=replies.said_as(state, hit)), "general", (hit.concept,),
                f"digs into what the candidate raised ({hit.concept})")


FOLLOWUPS = 3  # follow-ups on the candidate's own words per session, in model mode


def followup(state: State) -> Move | None:
    """In model mode: a follow-up on something specific the last answer told of the candidate's own work (a figure,
    an incident), which the model words from the candidate's own words. The plan names the topic and why; the
    guardrail and the one-question rule still apply. At most FOLLOWUPS a session, never two in a row."""
    if sum(1 for m in state.asked if m.startswith("followup:")) >= FOLLOWUPS or (
            state.last_question is not None and state.last_question.move.startswith(("followup:", "pushback:"))):
        return None
    found = _own_work(state, "followup", specific=True)
    if found is None:
        return None
    hit, line, move_id = found
    label = replies.said_as(state, hit)
    quote = hit.quote if len(hit.quote) <= 200 else hit.quote[:197] + "..."
    return Move("probe", move_id, fill(line.text, state, concept=label), "general", (hit.concept,),
                f"follow up on the candidate's own words about {label}: \"{quote}\" (ask about their specifics, "
                "not a general question)")


def extra_moves(state: State) -> list[Move]:
    """More worth asking while the phase's minimum time is not spent."""
    p = state.persona
    phase = state.phase
    moves = []
    if phase in ("opening", "experience", "production"):
        moves += [_from_question(q, state, "question", "fills the phase's minimum time")
                  for q in p.phase(phase).questions if q.extra and _open(q, state)]
    if phase == "design":
        for line in p.discovery:
            move_id = f"discovery:{line.id}"
            if line.scenarios and (state.scenario is None or state.scenario.id not in line.scenarios):
                continue  # outliers in review text: not a question a senior engineer would ask
            if move_id not in state.asked and not state.asked_topic(move_id) and \
                    not (line.when and set(line.when) <= state.covered()):
                moves.append(Move("probe", move_id, fill(line.text, state), "design", line.when, "guiding discovery"))
        moves = chained(moves, state)
        # One open probe ("What could go wrong?") per session, and only after an answer with substance to probe.
        last = state.last_answer
        if not any(m.startswith("probing:") for m in state.asked) and last is not None and last.analysis.explained:
            for line in p.probing:
                if line.id != "why_algorithm":
                    moves.append(Move("probe", f"probing:{line.id}", fill(line.text, state, algorithm="that approach"),
                                      "general", (), "probing understanding"))
                    break
    return _one_per_topic(moves, state)


def _one_per_topic(moves: list[Move], state: State) -> list[Move]:
    """The first move of each topic: two questions in one plan never ask about the same thing."""
    seen: set[str] = set()
    out = []
    for m in moves:
        topic = state.topic_of(m.id)
        if topic and topic in seen:
            continue
        if topic:
            seen.add(topic)
        out.append(m)
    return out


def pointer(answer) -> bool:
    """ "I think I covered that": a pointer to an earlier answer, neither a question nor an answer to rephrase."""
    return is_pointer(answer.text, answer.analysis.words)


# A question put to the interviewer ("how big is your team?", "do you use a feature store here?"), not an answer
# said with a rising tone ("I guess you'd track the accuracy on a dashboard?").
_ASKS_US = re.compile(
    r"\b(do|does|did|are|is|was|were|have|has|can|could|would|will|what|what's|how|which|where|who|why)\b"
    r"[^?]{0,50}\b(you|your|you guys|y'all|your team|your company|you all)\b(?!'d)|\b(here|at your company|on your "
    r"team)\s*\?",
    re.IGNORECASE,
)
# Not a question about the company: a clarification, a check-in, a tag ("..., right?").
_CLARIFIES = re.compile(
    r"\b(do|did|would) you mean\b|\byou mean\b|\b(is|was|does) (that|this) (what|the kind|answer|make sense|help|"
    r"enough|ok|okay)|you'?re looking for|,\s*(right|no|yeah|correct|isn't it|don't you think|yes)\s*\?\s*$",
    re.IGNORECASE,
)
_UPTALK = re.compile(r"^\W*(i|i'd|i'm|i've|we|we'd|maybe|probably|perhaps|like|so|um|uh|hmm|well|honestly)\b",
                     re.IGNORECASE)


REDIRECT_WORDS = 45  # longer than this, a question in the answer is part of an answer


def redirect(state: State) -> Move | None:
    """A question to the interviewer in the middle of the interview ("What does your feature store look like?"):
    kept for the closing, and the question asked again. Once per question."""
    last = state.last_answer
    q = state.last_question
    if last is None or q is None or q.kind == "closing" or state.phase == "closing":
        return None
    text = last.text.strip()
    # The question asked: its last sentence ending with "?" ("Before I pick one, can I ask: do you deploy on
    # edge devices or in the cloud? That changes my answer.").
    parts = re.split(r"(?<=[.!?])\s+", text)
    at = next((i for i in range(len(parts) - 1, -1, -1) if parts[i].rstrip().endswith("?")), None)
    after = " ".join(parts[at + 1:]) if at is not None else ""
    # a question, then at most a short remark on it; not a clarification ("do you mean X or Y? ...")
    asked = parts[at] if at is not None and len(after.split()) <= 10 and not _CLARIFIES.search(parts[at]) else ""
    question = state.persona.questions_by_id.get(q.move)
    answers_it = question is not None and set(question.covers) & last.analysis.mentioned
    if not asked or len(text.split()) > REDIRECT_WORDS or last.analysis.explained or answers_it or \
            not _ASKS_US.search(asked) or _UPTALK.search(asked) or f"redirect:{q.move}" in state.asked or \
            pointer(last):
        return None
    again = question.rephrase if question is not None and question.rephrase else q.text
    return Move("nudge", f"redirect:{q.move}", "Good question, and I'll gladly answer it at the end, when "
                f"it's your turn to ask. For now: {fill(again, state)}", "general", (), "the candidate asked a question")


def rephrase(state: State) -> Move | None:
    """One gentle rephrase of a question whose answer was empty, one word, off-topic or gibberish."""
    last = state.last_answer
    q = state.last_question
    if last is None or q is None or last.analysis.quality not in LOW_QUALITY or pointer(last):
        return None
    if q.kind == "closing" or f"rephrase:{q.move}" in state.asked:
        return None
    question = state.persona.questions_by_id.get(q.move)
    text = fill(question.rephrase, state) if question and question.rephrase else GENERIC_REPHRASE
    topic = question.topic if question else "general"
    return Move("nudge", f"rephrase:{q.move}", text, topic, (), f"answer was {last.analysis.quality}")


def stance(state: State) -> str:
    """What the last answer did, for an interviewer that words its own acknowledgements ("" before any)."""
    last = state.last_answer
    if last is None:
        return ""
    return replies.stance_in(state, last).kind


def _not_covered(state: State) -> Move | None:
    """ "I think I covered that" when no answer spoke to it: said so, kindly, and the question narrowed, once."""
    q = state.last_question
    question = state.persona.questions_by_id.get(q.move) if q is not None else None
    if question is None or not question.covers or set(question.covers) <= set(state.coverage) or \
            f"pointer:{q.move}" in state.asked:
        return None
    last = state.last_answer
    if last is not None and any(not h.gap for h in last.analysis.hits):  # "As I said, sale records and listings"
        return None  # it says it again: an answer, not a claim to contradict
    ask = fill(question.rephrase or question.text, state)
    return Move("nudge", f"pointer:{q.move}", f"I may have missed it, so let me ask it another way. {ask}", question.topic,
                (), "the candidate said they had covered what no answer spoke to")


def reply(state: State) -> tuple[Move | None, Move | None]:
    """(acknowledgement, question back) for the last answer: approval only for a sound answer; a neutral word and
    one pushback for a wrong claim, a concept waved away or a complex model rushed to (once per claim)."""
    last = state.last_answer
    if last is None or state.phase in ("", "closing"):
        return None, None
    s = replies.stance_in(state, last)
    back = None
    if s.kind in replies.PUSHED and (found := replies.pushback_line(s, state.persona)) is not None:
        move_id, text = found
        if move_id not in state.asked:  # a follow-up that asks something new, whatever the topic
            label = state.persona.concepts[s.concept].label if s.concept in state.persona.concepts else "that"
            back = Move("probe", move_id, fill(text, state, algorithm=label), "general", state.covers_of(move_id),
                        f"pushback: {s.kind} {s.misconception or s.concept}".strip())
    if s.kind == replies.POINTER and (back := _not_covered(state)) is not None:
        return None, back
    if s.kind == replies.POINTER:
        line = next((ln for ln in state.persona.rapport if not ln.approves and ln.id not in state.acks_said), None)
    else:
        line = replies.ack_line(state, s, rng(state))
    ack_move = Move("ack", f"ack:{line.id}", fill(line.text, state), "general", (), f"rapport ({s.kind})") \
        if line is not None else None
    return ack_move, back


def hint(state: State, given: int = 0) -> Move:
    """The persona's hint for the question's topic; asked again for the same question, a narrower one: a concept
    the question is about that no answer has explained yet."""
    move = state.last_question.move if state.last_question else ""
    question = state.persona.questions_by_id.get(move)
    topic = question.topic if question else state.phase
    hints = state.persona.hints
    text = hints.get(topic) or hints.get(state.phase) or hints.get("general") or "Think about the data first."
    covers = state.covers_of(move)
    fitting = next((h for c in covers for h in state.persona.concept_hints if c in h.concepts), None)
    if fitting is not None:  # a hint about what this question is after, narrower the second time
        if not given or given == 1 and fitting.narrow:
            text = fitting.narrow if given else fitting.text
            return Move("nudge", "hint", fill(text, state), topic, (), "the candidate asked for a hint")
        given -= 1 if fitting.narrow else 0
    if given:
        open_ = [c for c in (question.covers if question else ()) if c not in state.explained]
        if len(open_) >= given:
            label = state.persona.concepts[open_[given - 1]].label
            text = f"One angle you could take: {label}. What would you do about it here, and why?"
        else:
            text = "That's all the hint I have for this one. Say what you'd try first and we'll go from there."
    return Move("nudge", "hint", fill(text, state), topic, (), "the candidate asked for a hint")


def transition(state: State, phase_id: str) -> Move | None:
    phase = state.persona.phase(phase_id)
    text = phase.transition or DEFAULT_TRANSITIONS.get(phase_id, "")
    return Move("transition", f"transition:{phase_id}", fill(text, state), phase_id) if text else None


STRONG_BRANCH_AT = 70  # the judge's provisional overall from which the deep dive goes to the advanced branch


def choose_branch(state: State) -> str:
    """Deep-dive branch from how the candidate has done so far, as the judge sees it: the same reading of the
    answers that will score the session (one analysis, two users). Strong means a provisional overall of
    STRONG_BRANCH_AT or more, with no red flag raised."""
    if not state.answers:
        return "fundamentals"
    verdict = judge(state)
    return "strong" if verdict.overall >= STRONG_BRANCH_AT and not verdict.red_flags else "fundamentals"
