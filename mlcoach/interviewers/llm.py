"""The LLM interviewer: a model words the planner's move; the engine keeps the phases, the clock and the plan.

The reply streams sentence by sentence: each sentence is checked against the persona's never-do rules before it
is shown. A violating line is regenerated once with a corrective instruction, else replaced by the scripted
wording. Any fault (after the client's retries) makes the scripted interviewer finish that turn. Nothing here
raises to the engine; everything that happened is returned as notes for the log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlcoach import prompts
from mlcoach.interviewers import Context
from mlcoach.llm import Client, LLMError
from mlcoach.planner import Move

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|(?<=[。？！])")
_QUESTION_END = ("?", "？")
# Faults after which the model is not tried again this session.
FATAL = ("unreachable", "auth", "bad_request")


class LLMInterviewer:
    combines_leads = True  # acknowledgements and transitions are worded together with the next question

    def __init__(self, client: Client, max_cost: float | None = None) -> None:
        self.client = client
        self.name = client.config.model
        self.max_cost = max_cost
        self.disabled = ""  # why the model is no longer used, once it is not
        self._notes: list[dict] = []
        self._meta: dict = {}
        self._warned_cost = False

    # ------------------------------------------------------------------ the protocol
    def say(self, move: Move, ctx: Context) -> Iterator[str]:
        scripted = _scripted(move)
        if not self._usable():
            self._note("fallback", f"scripted wording for {move.id} ({self.disabled})")
            yield scripted
            return
        messages = prompts.interviewer_messages(move, ctx, move.lead)
        shown: list[str] = []
        before = _snapshot(self.client)
        asked = False
        bad: tuple[str, list[str]] | None = None
        try:
            for sentence in self._sentences(self.client.stream(messages)):
                if asked or bad:  # the rest is read to the end (the call's usage comes last) but not said
                    continue
                broken = ctx.persona.violations(sentence)
                if broken:
                    bad = (sentence, broken)
                    continue
                shown.append(sentence)
                yield sentence
                asked = sentence.rstrip().rstrip("\"')").endswith(_QUESTION_END)
            if bad:
                yield from self._regenerate(move, ctx, messages, shown, *bad)
                return
            if not "".join(shown).strip():
                raise LLMError("other", "the model returned no text")
        except LLMError as exc:
            self._fault(exc, move)
            yield from self._finish_scripted(shown, move)
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
        buffer = ""
        for delta in deltas:
            buffer += delta
            while True:
                m = _SENTENCE_END.search(buffer)
                if not m:
                    break
                yield buffer[: m.end()]
                buffer = buffer[m.end():]
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
        if exc.kind in FATAL:
            self.disabled = f"{exc.kind}: {exc}"
            self.client.disabled = self.disabled
            why = {"unreachable": "unreachable", "auth": "refused the API key (set the provider's key variable, "
                   "e.g. OPENAI_API_KEY, or `mlcoach config set api_key ...`)",
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


def _snapshot(client: Client) -> tuple:
    u = client.usage
    return (u.calls, u.prompt_tokens, u.completion_tokens, u.cost_usd, u.cost_known)


def _scripted(move: Move) -> str:
    return f"{move.lead} {move.text}" if move.lead else move.text
