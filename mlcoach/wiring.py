"""Which interviewer and judge a session gets, from the settings: scripted and offline unless a model is set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from mlcoach.config import Settings
from mlcoach.errors import BadInput

if TYPE_CHECKING:
    from mlcoach.interviewers import Interviewer
    from mlcoach.judge import OfflineJudge
    from mlcoach.llm import Backend, ChatClient
    from mlcoach.llm_judge import LLMJudge


@dataclass(frozen=True)
class Team:
    """Who runs one session: the interviewer, the judge, and the model client they share (None offline)."""

    interviewer: Interviewer
    judge: OfflineJudge | LLMJudge
    client: ChatClient | None = None


def uses_model(settings: Settings, offline: bool) -> bool:
    return bool(settings.model) and not offline


def build(settings: Settings, offline: bool = False, backend: Backend | None = None) -> Team:
    """The team for one session. A model's client is shared by interviewer and judge, for one tally of cost;
    `backend` is where its requests go (default: LiteLLM)."""
    from mlcoach.interviewers import ScriptedInterviewer
    from mlcoach.judge import OfflineJudge

    if not uses_model(settings, offline):
        if settings.judge == "llm" and not offline:
            raise BadInput("judge: llm needs a model (--model M, MLCOACH_MODEL or `mlcoach config set model M`)")
        return Team(ScriptedInterviewer(), OfflineJudge())
    from mlcoach import keys
    from mlcoach.interviewers.llm import LLMInterviewer
    from mlcoach.llm import Client, ModelConfig, require
    from mlcoach.llm_judge import LLMJudge

    if backend is None:
        require()

    key, _ = keys.key_for(settings.model, settings.api_base)  # only this provider's key, or this server's
    client = Client(ModelConfig(settings.model, settings.api_base, key, settings.connect_timeout,
                                settings.timeout, settings.retries), backend=backend)
    max_cost = settings.max_cost or None
    judge = OfflineJudge() if settings.judge == "offline" else LLMJudge(client, max_cost)
    return Team(LLMInterviewer(client, max_cost), judge, client)


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})
OLLAMA = "http://localhost:11434"


def preflight(settings: Settings) -> str:
    """What stops the configured model from working, found before the first question ("" when nothing does): a
    model string no provider claims, a hosted provider's missing key (LiteLLM reads it from the variable named), a
    local server that does not answer (a connection to it, not a completion)."""
    from mlcoach import keys
    from mlcoach.llm import require

    require()  # not a problem to go on from: the install line, exit 2
    try:
        name = keys.provider(settings.model)
    except BadInput as exc:
        return str(exc)
    base = settings.api_base or (OLLAMA if name in ("ollama", "ollama_chat") else "")
    if base:
        host = urlparse(base if "://" in base else f"http://{base}").hostname or ""
        if host in LOCAL_HOSTS:
            return _answers(base, name, settings.connect_timeout)
        return ""
    if name in keys.KEYLESS or keys.key_for(settings.model)[0]:
        return ""
    return (f"model {settings.model}: no key for {name}: set {keys.env_name(name)}, or run "
            f"`mlcoach keys set {name}`")


def _answers(base: str, provider: str, timeout: float) -> str:
    import httpx

    from mlcoach.redact import mask_url

    url = base.rstrip("/") + ("/api/tags" if provider in ("ollama", "ollama_chat") and "/v1" not in base else "/models")
    try:
        httpx.get(url, timeout=timeout)  # any answer, even 401 or 404: someone is listening
    except httpx.HTTPError as exc:
        return f"model {provider} server at {mask_url(base)} is unreachable ({type(exc).__name__})"
    return ""


def carry_spend(client: ChatClient | None, events: list) -> None:
    """After a resume, count what the session already spent (its log's events) towards --max-cost."""
    from mlcoach.records import usage_total

    if client is None:
        return
    total = usage_total(events)
    client.usage.calls += total.calls
    client.usage.prompt_tokens += total.prompt_tokens
    client.usage.completion_tokens += total.completion_tokens
    if total.cost_usd is None:
        client.usage.cost_known = False
    else:
        client.usage.cost_usd += total.cost_usd
