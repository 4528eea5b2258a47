"""The LLM interviewer: a model words the planner's move; the engine keeps the phases, the clock and the plan.

The reply streams sentence by sentence: each sentence is checked against the persona's never-do rules before it
is shown. A violating line is regenerated once with a corrective instruction, else replaced by the scripted
wording. Any fault (after the client's retries) makes the scripted interviewer finish that turn. Nothing here
raises to the engine; everything that happened is returned as notes for the log.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from mlcoach import phrases as ph
from mlcoach import prompts
from mlcoach.interviewers import Context
from mlcoach.llm import ChatClient, LLMError, loading
from mlcoach.planner import Move

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]*_]*\s+|(?<=[。？！])")
_QUESTION_END = ("?", "？")
ASKING = ("greeting", "question", "probe")  # moves that must end in a question to the candidate
MAX_WORDS = 90  # a turn longer than this is cut (a model that lectures, or runs on)
MAX_RUN_ON_CHARS = 600  # a reply with no sentence end is passed on in pieces of this size (the word cap cuts it)
MAX_THINK_CHARS = 20000  # an unclosed reasoning block longer than this: the model's line is abandoned
MAX_TOKENS = 160  # the most a line may cost: about 90 words, with room for a reasoning model's short preamble
TEMPERATURE = 0.7  # varied wording, the plan's intent kept
_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>\s*", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```[a-z]*\s*|~~~\s*")
_STAGE = re.compile(r"^\s*\*[^*\n]{1,40}\*(?=\s|$)|[*(](nods|smiles|pauses|laughs|leans)[^*)]*[*)]", re.IGNORECASE)
_MARKUP = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<=\S)\*(?!\w)|^\s*(#{1,6}\s+|[-*•]\s+|\d+[.)]\s+)",
                     re.MULTILINE)
_JSON_TEXT_KEYS = ("question", "text", "content", "message", "reply", "response")


_OUR_TAGS = re.compile(r"</?(candidate_name|candidate_answer|interviewer_line)>", re.IGNORECASE)


def clean(text: str, speaker: str) -> str:
    text = _OUR_TAGS.sub("", text)  # a model that copies our delimiters: "Hi <candidate_name>Bo</candidate_name>"
    """What a candidate should see of a model's line: no reasoning block, code fence, markdown, stage direction
    or "Alex:" prefix, and a reply wrapped in JSON unwrapped."""
    text = _THINK.sub("", text)
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict):
            text = next((str(data[k]) for k in _JSON_TEXT_KEYS if isinstance(data.get(k), str)), "")
    text = _FENCE.sub("", text)
    text = re.sub(rf"^\s*\**({re.escape(speaker)}|interviewer|assistant)\**\s*:\s*", "", text, flags=re.IGNORECASE)
    text = _STAGE.sub(" ", text)
    text = _MARKUP.sub("", text)
    return re.sub(r"[ \t]{2,}", " ", text)
# Faults after which the model is not tried again this session.
FATAL = ("unreachable", "auth", "bad_request")
SLOW_TURNS = 2  # turns in a row that failed (timeouts, server errors) before the model is left for the session


class LLMInterviewer:
    combines_leads = True  # acknowledgements and transitions are worded together with the next question

    def __init__(self, client: ChatClient, max_cost: float | None = None) -> None:
        self.client = client
        self.name = client.config.model
        self.max_cost = max_cost
        self.disabled = ""  # why the model is no longer used, once it is not
        self._notes: list[dict] = []
        self._meta: dict = {}
        self._warned_cost = False
        self._failed_turns = 0  # turns in a row the model failed (after its retries)

    # ------------------------------------------------------------------ the protocol
    def say(self, move: Move, ctx: Context) -> Iterator[str]:
        scripted = _scripted(move)
        if move.kind == "greeting" and loading():  # no waiting seconds for litellm to load: the persona's own
            self._note("greeting", "the persona's greeting, while the model loads")
            yield scripted
            return
        if not self._usable():
            self._note("fallback", f"scripted wording for {move.id} ({self.disabled})")
            yield scripted
            return
        messages = prompts.interviewer_messages(move, ctx, move.lead)
        before = _snapshot(self.client)
        turn = _Turn(move, ctx.persona, self.client.config.scrub, ctx.stance)
        try:
            for raw in self._sentences(self.client.stream(messages, max_tokens=MAX_TOKENS, temperature=TEMPERATURE)):
                if sentence := turn.take(raw):
                    yield sentence
                if turn.done:
                    break  # the line is complete: stop the stream, pay for no more
            if turn.bad:
                yield from self._regenerate(move, ctx, messages, turn.shown, *turn.bad)
                return
            if not "".join(turn.shown).strip():
                raise LLMError("other", "the model returned no text")
            self._failed_turns = 0
            if not turn.asked and move.kind in ASKING:
                self._note("fallback", f"{move.id}: the model asked nothing; the planned question follows")
                yield ("" if "".join(turn.shown).endswith((" ", "\n")) else " ") + move.text
        except LLMError as exc:
            self._fault(exc, move)
            yield from self._finish_scripted(turn.shown, move)
        finally:
            self._drain_client(before)

    def drain_notes(self) -> list[dict]:
        notes, self._notes = self._notes, []
        return notes

    def drain_meta(self) -> dict:
        meta, self._meta = self._meta, {}
        return meta

    # ------------------------------------------------------------------ internals
    def _usable(self) -> bool:
        if self.disabled or self.client.disabled:
            self.disabled = self.disabled or self.client.disabled
            return False
        usage = self.client.usage
        if self.max_cost is not None:
            if not usage.cost_known and not self._warned_cost:
                self._warned_cost = True
                self._note("max_cost_unknown", f"the price of {self.name} is unknown, so --max-cost "
                           f"{self.max_cost:g} cannot be enforced", warn=True)
            elif usage.cost_known and usage.cost_usd >= self.max_cost:
                self.disabled = f"cost ${usage.cost_usd:.4f} reached --max-cost ${self.max_cost:g}"
                self._note("max_cost", f"{self.disabled}; the scripted interviewer takes over", warn=True)
                return False
        return True

    def _sentences(self, deltas: Iterator[str]) -> Iterator[str]:
        """Sentences as they complete. A reasoning block is held back until it closes (then dropped); a reply
        that starts as JSON is read whole and unwrapped first."""
        buffer = ""
        scanned = 0  # how much of the buffer is known to hold no sentence end
        whole = None  # the full reply, when it has to be read whole
        for delta in deltas:
            if whole is not None:
                whole += delta
                continue
            buffer += delta
            if buffer.lstrip().startswith("{"):
                whole, buffer = buffer, ""
                continue
            if "<" in buffer and re.search(r"<(think|thinking|reasoning)>", buffer, re.IGNORECASE):
                if not re.search(r"</(think|thinking|reasoning)>", buffer, re.IGNORECASE):
                    if len(buffer) > MAX_THINK_CHARS:  # a reasoning block with no end: nothing will be said
                        return
                    continue
                buffer = _THINK.sub("", buffer)
                scanned = 0
            done, buffer, scanned = _complete(buffer, scanned)
            yield from done
        if whole is not None:
            buffer = clean(whole, "")
            for part in _SENTENCE_END.split(buffer):
                if part.strip():
                    yield part + " "
            return
        if buffer.strip():
            yield buffer

    def _regenerate(self, move: Move, ctx: Context, messages: list[dict], shown: list[str], bad: str,
                    broken: list[str]) -> Iterator[str]:
        self._note("guardrail", f"{move.id}: model line broke {', '.join(broken)}; regenerating once")
        retry = messages + [{"role": "assistant", "content": "".join(shown) + bad},
                            {"role": "user", "content": prompts.correction(broken, ctx.persona)}]
        try:
            text = self.client.complete(retry).strip() if self._usable() else ""
        except LLMError as exc:
            self._fault(exc, move)
            text = ""
        text = clean(self.client.config.scrub(text), ctx.persona.name).strip()
        if text and not ctx.persona.violations(text):
            yield (" " if shown else "") + text
            return
        if text:
            self._note("guardrail", f"{move.id}: the rewrite broke the rules too; scripted wording used")
        self._note("fallback", f"scripted wording for {move.id} (guardrail)")
        yield (" " if shown else "") + (move.text if shown else _scripted(move))

    def _finish_scripted(self, shown: list[str], move: Move) -> Iterator[str]:
        said = "".join(shown)
        if not said.strip():
            yield _scripted(move)
        elif "?" not in said:
            yield ("" if said.endswith(" ") else " ") + move.text  # the model broke off before its question

    def _fault(self, exc: LLMError, move: Move) -> None:
        self._pull_client_notes()  # the retries came first
        self._failed_turns += 1
        if exc.kind not in FATAL and self._failed_turns >= SLOW_TURNS:
            self.disabled = f"{exc.kind}: {exc}"
            self.client.disabled = self.disabled
            self._note("llm_unavailable", f"model {self.name} failed {self._failed_turns} turns in a row "
                       f"({exc.kind}); going on with the scripted interviewer and offline judge", warn=True)
        if exc.kind in FATAL:
            self.disabled = f"{exc.kind}: {exc}"
            self.client.disabled = self.disabled
            why = {"unreachable": "unreachable", "auth": "refused the API key (set the provider's key variable, "
                   "e.g. OPENAI_API_KEY, or `mlcoach keys set PROVIDER`)",
                   "bad_request": "rejected the request (check the model name)"}[exc.kind]
            self._note("llm_unavailable", f"model {self.name} {why}; going on with the scripted interviewer "
                       f"({exc})", warn=True)
        self._note("fallback", f"scripted wording for {move.id} after {exc.kind}: {exc}")

    def _pull_client_notes(self) -> None:
        self._notes.extend(self.client.notes)
        self.client.notes.clear()

    def _drain_client(self, before: tuple) -> None:
        self._pull_client_notes()
        now = _snapshot(self.client)
        if now[0] > before[0]:
            usage = {"calls": now[0] - before[0], "prompt_tokens": now[1] - before[1],
                     "completion_tokens": now[2] - before[2]}
            if now[4]:
                usage["cost_usd"] = round(now[3] - before[3], 6)
            self._meta = {"usage": usage}

    def _note(self, note: str, text: str, warn: bool = False) -> None:
        entry = {"note": note, "text": self.client.config.scrub(text)}
        if warn:
            entry["warn"] = True
        self._notes.append(entry)


def _snapshot(client: ChatClient) -> tuple:
    u = client.usage
    return (u.calls, u.prompt_tokens, u.completion_tokens, u.cost_usd, u.cost_known)


def _scripted(move: Move) -> str:
    return f"{move.lead} {move.text}" if move.lead else move.text


def _complete(buffer: str, scanned: int) -> tuple[list[str], str, int]:
    """(the sentences the buffer completes, what is left, how much of it holds no sentence end). Only new text is
    searched, so a long reply costs linear time; words with no sentence end are passed on in pieces (the word
    cap then applies)."""
    out = []
    while m := _SENTENCE_END.search(buffer, max(0, scanned - 2)):
        out.append(buffer[: m.end()])
        buffer, scanned = buffer[m.end():], 0
    if len(buffer) > MAX_RUN_ON_CHARS:
        out.append(buffer)
        buffer = ""
    return out, buffer, len(buffer)


class _Turn:
    """The sentences of one streamed reply, as they are shown: cleaned, checked against the never-do rules, one
    question at most, MAX_WORDS at most. Once the line is complete the stream is closed: nothing more is read."""

    def __init__(self, move: Move, persona, scrub, stance: str = "") -> None:
        self.move, self.persona, self.scrub, self.stance = move, persona, scrub, stance
        self.shown: list[str] = []
        self.asked = False
        self.bad: tuple[str, list[str]] | None = None
        self.words = 0

    @property
    def done(self) -> bool:
        """The line is complete: its question is asked, or (for a move that asks nothing) two sentences said."""
        asks = self.move.kind in ASKING or self.move.id == "closing.invite"
        said_enough = not asks and len(self.shown) >= 2
        return self.asked or said_enough or self.bad is not None or self.words >= MAX_WORDS

    def take(self, raw: str) -> str:
        """The sentence to show, or "" when it is not said."""
        if self.asked or self.bad or self.words >= MAX_WORDS:
            return ""
        sentence = clean(self.scrub(raw), self.persona.name)
        if not sentence.strip():
            return ""
        if not self.shown:
            sentence = sentence.lstrip()
            if self.stance and self.stance != "sound":  # no "Great point!" after a wrong or empty answer
                sentence = ph.without_approval(sentence)
                if not sentence.strip():
                    return ""
        broken = self.persona.violations(sentence)
        if broken:
            self.bad = (sentence, broken)
            return ""
        room = MAX_WORDS - self.words
        if len(sentence.split()) > room:  # a run-on piece: only what fits under the word cap
            sentence = " ".join(sentence.split()[:room]) + "..."
        is_question = sentence.rstrip().rstrip("\"')").endswith(_QUESTION_END)
        if is_question and self.move.kind not in ASKING and self.move.id != "closing.invite":
            return ""  # a closing "thanks" or a transition does not leave the candidate a question
        if self.shown and not self.shown[-1].endswith((" ", "\n")) and not sentence.startswith((" ", "\n")):
            sentence = " " + sentence
        self.shown.append(sentence)
        self.words += len(sentence.split())
        self.asked = is_question
        return sentence
