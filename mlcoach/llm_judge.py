"""The LLM judge: the model proposes scores and quotes; we keep only what the candidate really said.

The verdict is asked for as JSON (a JSON schema through `response_format` where the model supports one, else a
strict instruction) and validated with pydantic; partial verdicts are accepted and unknown keys ignored. Every
quote must be a verbatim span (case and whitespace folded) of the candidate's own answers: others are dropped, a
criterion left without evidence scores 0, a red flag without evidence is not raised, and the overall is always
recomputed by the offline judge's formula. On any failure the offline verdict is used, and a note says why.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mlcoach import prompts
from mlcoach.analysis import is_injection
from mlcoach.judge import CriterionScore, assemble, judge, judged_answers
from mlcoach.llm import ChatClient, LLMError
from mlcoach.records import Evidence, Score, Usage
from mlcoach.state import Answer, State

MIN_QUOTE_WORDS = 3
MAX_EVIDENCE = 3


class CriterionVerdict(BaseModel):
    model_config = ConfigDict(extra="ignore")
    score: int = Field(default=0)
    evidence: list[str] = Field(default_factory=list)

    @field_validator("score", mode="before")
    @classmethod
    def _clamp(cls, value):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("score is not a number")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("score is not a finite number")
        return max(0, min(4, round(number)))

    @field_validator("evidence", mode="before")
    @classmethod
    def _listify(cls, value):
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value if isinstance(v, str | int | float)] if isinstance(value, list) else []


class LLMVerdict(BaseModel):
    model_config = ConfigDict(extra="ignore")
    criteria: dict[str, CriterionVerdict] = Field(default_factory=dict)
    red_flags: dict[str, list[str]] = Field(default_factory=dict)
    summary: str = ""

    @field_validator("criteria", mode="before")
    @classmethod
    def _criteria(cls, value):
        if not isinstance(value, dict):
            return {}
        return {str(k): v for k, v in value.items() if isinstance(v, dict)}

    @field_validator("red_flags", mode="before")
    @classmethod
    def _flags(cls, value):
        if isinstance(value, list):  # ["flag_id", ...] without quotes: flags with no evidence
            return {str(v): [] for v in value if isinstance(v, str)}
        if not isinstance(value, dict):
            return {}
        out = {}
        for k, v in value.items():
            quotes = [v] if isinstance(v, str) else v if isinstance(v, list) else []
            out[str(k)] = [str(q) for q in quotes if isinstance(q, str)]
        return out

    @field_validator("summary", mode="before")
    @classmethod
    def _summary(cls, value):
        return value if isinstance(value, str) else ""


def locate(quote: str, answers: list[Answer]) -> Evidence | None:
    """The candidate's own span that `quote` copies (case and whitespace folded), or None."""
    words = quote.strip().strip("\"'“”‘’").split()
    if len(words) < MIN_QUOTE_WORDS:
        return None
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)
    for a in answers:
        m = pattern.search(a.text)
        if m and not is_injection(m.group()):  # an instruction to the judge is never evidence
            return Evidence(a.turn, a.phase, m.group(), "llm")
    return None


STRICT_PROVIDERS = ("openai", "azure")  # structured outputs enforced: the schema closed, every key required
MIN_CTX, MAX_CTX = 4096, 32768  # Ollama's num_ctx for the judge: the prompt, the verdict, and room to spare


class LLMJudge:
    def __init__(self, client: ChatClient, max_cost: float | None = None) -> None:
        self.client = client
        self.name = f"llm:{client.config.model}"
        self.max_cost = max_cost
        self._notes: list[dict] = []

    def drain_notes(self) -> list[dict]:
        notes, self._notes = self._notes + self.client.notes, []
        self.client.notes.clear()
        return notes

    def score(self, state: State) -> Score:
        offline = judge(state)
        answers = judged_answers(state)
        if not answers:
            return offline
        usage = self.client.usage
        if self.client.disabled:
            self._note(f"the model is unavailable ({self.client.disabled}); offline judge used")
            return offline
        if self.max_cost is not None and usage.cost_known and usage.cost_usd >= self.max_cost:
            self._note(f"cost ${usage.cost_usd:.4f} reached --max-cost ${self.max_cost:g}; offline judge used")
            return offline
        before = (usage.calls, usage.prompt_tokens, usage.completion_tokens, usage.cost_usd)
        try:
            verdict = self._merge(state, answers, self._ask(state, answers), offline)
        except LLMError as exc:
            self._note(f"LLM judge failed ({exc.kind}: {exc}); offline judge used")
            verdict = offline
        except (ValueError, ValidationError) as exc:
            self._note(f"LLM judge gave no valid verdict ({_short(exc)}); offline judge used")
            verdict = offline
        except Exception as exc:  # noqa: BLE001 - whatever the model sent, the session still gets a score
            self._note(f"LLM judge gave an unusable verdict ({type(exc).__name__}); offline judge used")
            verdict = offline
        if usage.calls > before[0]:  # paid for even when its verdict was not used
            cost = round(usage.cost_usd - before[3], 6) if usage.cost_known else None
            verdict = replace(verdict, usage=Usage(usage.calls - before[0], usage.prompt_tokens - before[1],
                                                   usage.completion_tokens - before[2], cost))
        return verdict

    # ------------------------------------------------------------------ internals
    def _ask(self, state: State, answers: list[Answer]) -> LLMVerdict:
        persona = state.persona
        messages = prompts.judge_messages(
            persona, [(a.turn, a.phase, a.asked, a.text) for a in answers], state.meta.scenario)
        extra: dict = {"temperature": 0}
        if self.client.supports_schema():
            strict = self.client.config.model.split("/", 1)[0] in STRICT_PROVIDERS or "/" not in self.client.config.model
            extra["response_format"] = {"type": "json_schema", "json_schema": {
                "name": "verdict", "schema": prompts.verdict_schema(persona, strict), "strict": strict}}
        if self.client.config.model.startswith(("ollama/", "ollama_chat/")):
            # Ollama's default context (2-4k tokens) would cut a long session's transcript: size it to the prompt
            words = sum(len(str(m["content"]).split()) for m in messages)
            extra["num_ctx"] = min(MAX_CTX, max(MIN_CTX, 1024 * (int(words * 1.4 + 1500) // 1024 + 1)))
        text = self.client.config.scrub(self.client.complete(messages, **extra))  # a key echoed back goes no further
        verdict = LLMVerdict.model_validate(prompts.parse_json(text))
        if not set(verdict.criteria) & {c.id for c in persona.criteria}:
            raise ValueError("the verdict scores none of the rubric's criteria")
        return verdict

    def _merge(self, state: State, answers: list[Answer], verdict: LLMVerdict, offline):
        persona = state.persona
        dropped = 0
        criteria = []
        for c, base in zip(persona.criteria, offline.criteria, strict=True):
            proposed = verdict.criteria.get(c.id, CriterionVerdict())
            evidence: list[Evidence] = []
            for quote in proposed.evidence:
                found = locate(str(quote), answers)
                if found is None:
                    dropped += 1
                elif found.quote not in {e.quote for e in evidence}:
                    evidence.append(found)
            score = proposed.score if evidence else 0
            judged = base.judged or bool(evidence)  # unreached phases are not judged, unless the model quotes for it
            criteria.append(CriterionScore(c.id, score, float(score), tuple(evidence[:MAX_EVIDENCE]), base.missing,
                                           judged))
        known = {f.id for f in persona.red_flags}
        flags = []
        for fid, quotes in verdict.red_flags.items():
            if fid not in known:
                continue
            evidence = [e for e in (locate(str(q), answers) for q in quotes) if e is not None]
            dropped += len(quotes) - len(evidence)
            if evidence:
                flags.append((fid, tuple(evidence[:MAX_EVIDENCE])))
        order = [f.id for f in persona.red_flags]
        flags.sort(key=lambda f: order.index(f[0]))
        if dropped:
            self._note(f"{dropped} quote{'s' if dropped != 1 else ''} from the LLM judge not found in the "
                       "candidate's answers were dropped")
        summary = " ".join(verdict.summary.split())[:600] or offline.summary
        if _GUESS.search(summary):  # feedback observes the answers; it never guesses about the person
            self._note("the LLM judge's summary guessed about the person; the offline summary is used")
            summary = offline.summary
        return assemble(state, self.name, tuple(criteria), tuple(flags), summary)

    def _note(self, text: str) -> None:
        self._notes.append({"note": "judge", "text": self.client.config.scrub(text)})


_GUESS = re.compile(r"\b(the candidate|you|they|he|she) (seems?|seemed|appears?|appeared|lacks?|lacked|is|was|are|were|"
                    r"felt|feels?) (\w+ )?(nervous|anxious|confident|unconfident|insecure|lazy|smart|intelligent|"
                    r"arrogant|shy|stressed|unprepared|confused|bright|gifted)\b|\b(lacks?|lacking) "
                    r"(\w+ )?confidence\b|\bpersonality\b", re.IGNORECASE)


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:160]
