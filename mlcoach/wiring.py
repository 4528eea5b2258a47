"""Which interviewer and judge a session gets, from the settings: scripted and offline unless a model is set."""

from __future__ import annotations

from mlcoach.config import Settings
from mlcoach.errors import BadInput


def uses_model(settings: Settings, offline: bool) -> bool:
    return bool(settings.model) and not offline


def build(settings: Settings, offline: bool = False):
    """(interviewer, judge) for one session. A model's client is shared by both, for one tally of cost."""
    from mlcoach.interviewers import ScriptedInterviewer
    from mlcoach.judge import OfflineJudge

    if not uses_model(settings, offline):
        if settings.judge == "llm" and not offline:
            raise BadInput("judge: llm needs a model (--model M, MLCOACH_MODEL or `mlcoach config set model M`)")
        return ScriptedInterviewer(), OfflineJudge()
    from mlcoach.interviewers.llm import LLMInterviewer
    from mlcoach.llm import Client, ModelConfig
    from mlcoach.llm_judge import LLMJudge

    client = Client(ModelConfig(settings.model, settings.api_base, settings.api_key, settings.connect_timeout,
                                settings.timeout, settings.retries))
    max_cost = settings.max_cost or None
    judge = OfflineJudge() if settings.judge == "offline" else LLMJudge(client, max_cost)
    return LLMInterviewer(client, max_cost), judge


def carry_spend(interviewer, events: list) -> None:
    """After a resume, count what the session already spent (its log's events) towards --max-cost."""
    from mlcoach.records import usage_total

    client = getattr(interviewer, "client", None)
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
