"""The one place litellm is imported: lazily, on the first call to a model, never on an offline path.

A Client streams or completes chat messages with our own timeouts and retries (429, 5xx, timeouts and streams
that break before any text: backoff, honouring retry-after), keeps the token and cost tally, and raises LLMError
with a one-line, key-free message when it gives up. Callers decide what to fall back to.

Two seams: `ChatClient` is what the interviewer and the judge use of a client; `Backend` is where a Client's
requests go (`LiteLLM` by default; tests pass a scripted one, tests/fake_chat.py, to the same constructor).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from mlcoach.redact import scrub, url_password

RETRYABLE = ("rate_limit", "server", "timeout", "truncated")
MAX_RETRY_AFTER = 30.0
_import_lock = threading.Lock()
_litellm = None


_background: threading.Thread | None = None
INSTALL = "pip install 'mlcoach[llm]'"  # LiteLLM is an extra: the base install is the offline product


def require() -> None:
    """A model is about to be used: LiteLLM must be installed. Without it, one line with the install command
    (exit 2), before anything starts."""
    import importlib.util

    if _litellm is None and importlib.util.find_spec("litellm") is None:
        from mlcoach.errors import BadInput

        raise BadInput(f"--model: using a model needs LiteLLM, which is not installed here: {INSTALL} "
                       "(or run offline: drop --model, or `mlcoach config unset model`)")


def import_in_background() -> None:
    """Start importing litellm on a thread (it takes seconds), once a session is known to use a model."""
    global _background
    if _litellm is None and _background is None:
        _background = threading.Thread(target=litellm, name="import-litellm", daemon=True)
        _background.start()


def loading() -> bool:
    """Whether the background import is still under way: the greeting does not wait for it."""
    return _background is not None and _background.is_alive()


def litellm():
    """Import litellm once, offline: the price map from the package, no network at import, no banners."""
    global _litellm
    if _litellm is None:
        with _import_lock:
            if _litellm is None:
                os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
                os.environ["LITELLM_OFFLINE_MODE"] = "true"
                os.environ.setdefault("LITELLM_LOG", "ERROR")
                import logging

                import litellm as module

                module.suppress_debug_info = True
                module.set_verbose = False
                module.telemetry = False
                module.drop_params = True  # a provider without stream_options or response_format still answers
                for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx"):
                    logging.getLogger(name).setLevel(logging.ERROR)
                _litellm = module
    return _litellm


@dataclass(frozen=True)
class ModelConfig:
    model: str
    api_base: str = ""
    api_key: str = field(default="", repr=False)  # never printed, logged or put in a message
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    retries: int = 2
    backoff: float = 0.5  # seconds before the first retry, doubling

    def scrub(self, text: str) -> str:
        """`text` with every key blanked out: the configured one, any *_API_KEY/*_TOKEN in the environment (the
        provider's own variable is what litellm sends), and anything shaped like a bearer token or an sk- key."""
        return scrub(text, self.api_key, url_password(self.api_base))


class LLMError(Exception):
    def __init__(self, kind: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind  # unreachable | rate_limit | server | timeout | truncated | auth | bad_request | other
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


@dataclass
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cost_known: bool = True  # False once any call's cost could not be priced

    def add(self, other: dict) -> None:
        self.calls += 1
        self.prompt_tokens += int(other.get("prompt_tokens", 0))
        self.completion_tokens += int(other.get("completion_tokens", 0))
        if "cost_usd" in other:
            self.cost_usd += float(other["cost_usd"])
        else:
            self.cost_known = False


class Backend(Protocol):
    """Where a Client's requests go. Takes litellm's keyword arguments and returns, or raises, what
    litellm.completion and litellm.transcription do: a response, an iterator of chunks, a litellm exception."""

    def completion(self, **kwargs: Any) -> Any: ...

    def transcription(self, **kwargs: Any) -> Any: ...


class LiteLLM:
    """The default backend: litellm itself, imported on the first request."""

    def completion(self, **kwargs: Any) -> Any:
        return litellm().completion(**kwargs)

    def transcription(self, **kwargs: Any) -> Any:
        return litellm().transcription(**kwargs)


class ChatClient(Protocol):
    """What a session's interviewer and judge use of their model. They share one, so one tally of usage and
    cost, one list of notes (retries) to drain into the log, and one `disabled` reason once it is unusable."""

    config: ModelConfig
    usage: Usage
    notes: list[dict]
    disabled: str

    def stream(self, messages: list[dict], **extra: Any) -> Iterator[str]: ...

    def complete(self, messages: list[dict], **extra: Any) -> str: ...

    def supports_schema(self) -> bool: ...

    def transcribe(self, path: str | os.PathLike, model: str = "whisper-1") -> str: ...


class Client:
    """One model, shared by a session's interviewer and judge. Thread-safe enough for one session per thread.
    The one ChatClient; `backend` says where its requests go (default: LiteLLM)."""

    def __init__(self, config: ModelConfig, sleep: Callable[[float], None] = time.sleep,
                 backend: Backend | None = None) -> None:
        self.config = config
        self.sleep = sleep
        self.backend: Backend = backend if backend is not None else LiteLLM()
        self.usage = Usage()
        self.notes: list[dict] = []  # retries and the like, drained into the session log by the caller
        self.disabled = ""  # set once the model is known to be unusable (unreachable, a refused key)

    # ------------------------------------------------------------------ calls
    def stream(self, messages: list[dict], **extra) -> Iterator[str]:
        """Text deltas as they arrive. Retries happen only before the first delta; a stream that breaks after
        text was produced raises LLMError("truncated") so the caller can finish the turn another way."""
        attempt = 0
        while True:
            produced = False
            try:
                for delta in self._stream_once(messages, **extra):
                    produced = True
                    yield delta
                return
            except LLMError as exc:
                if produced or not self._retry(exc, attempt):
                    raise
                attempt += 1

    def complete(self, messages: list[dict], **extra) -> str:
        attempt = 0
        while True:
            try:
                return self._complete_once(messages, **extra)
            except LLMError as exc:
                if not self._retry(exc, attempt):
                    raise
                attempt += 1

    def supports_schema(self) -> bool:
        """Whether the model takes a JSON schema as `response_format`: LiteLLM lists `response_format` among the
        provider's supported parameters (Ollama included, where LiteLLM maps it to `format`), or its model map
        says so. Unknown: no, and the caller uses a strict instruction instead."""
        lib = litellm()
        try:
            if "response_format" in (lib.get_supported_openai_params(model=self.config.model) or ()):
                return True
            return bool(lib.supports_response_schema(model=self.config.model))
        except Exception:  # noqa: BLE001 - a model no map knows
            return False

    def transcribe(self, path: str | os.PathLike, model: str = "whisper-1") -> str:
        """Speech to text through LiteLLM's transcription (the OpenAI Whisper API, or a compatible server)."""
        try:
            with open(path, "rb") as f:
                kwargs = self._kwargs({"model": model})
                kwargs.pop("num_retries", None)
                response = self.backend.transcription(file=f, **kwargs)
        except Exception as exc:  # noqa: BLE001
            raise self._error(exc) from None
        return getattr(response, "text", "") or ""

    def _retry(self, exc: LLMError, attempt: int) -> bool:
        if not exc.retryable or attempt >= self.config.retries:
            return False
        wait = self.config.backoff * (2 ** attempt)
        if exc.retry_after is not None:
            wait = min(MAX_RETRY_AFTER, max(0.0, exc.retry_after))
        self.notes.append({"note": "llm_retry", "text": f"{exc.kind} ({exc}); retry {attempt + 1} of "
                                                        f"{self.config.retries} in {wait:.1f} s"})
        self.sleep(wait)
        return True

    def _kwargs(self, extra: dict) -> dict:
        import httpx

        c = self.config
        kw = {"model": c.model, "timeout": httpx.Timeout(c.read_timeout, connect=c.connect_timeout),
              "num_retries": 0, "max_retries": 0, **extra}
        if c.api_base:
            kw["api_base"] = c.api_base
        if c.api_key:
            kw["api_key"] = c.api_key
        elif c.api_base:  # a self-hosted server with no key of its own: never the provider's key (LiteLLM's default)
            kw["api_key"] = "no-key"
        return kw

    def _stream_once(self, messages: list[dict], **extra) -> Iterator[str]:
        """Deltas of one streamed reply. A caller that stops reading once it has its line (closing this generator)
        stops the stream there; what was produced is still counted."""
        finished = False
        usage: dict = {}
        pieces: list[str] = []
        counted = False
        try:
            response = self.backend.completion(messages=messages, stream=True, stream_options={"include_usage": True},
                                      **self._kwargs(extra))
            for chunk in response:
                if getattr(chunk, "usage", None):
                    usage = _usage_dict(chunk.usage)
                for choice in chunk.choices or ():
                    text = getattr(choice.delta, "content", None) or ""
                    if text:
                        pieces.append(text)
                        yield text
                    if choice.finish_reason:
                        finished = True
            counted = True
        except LLMError:
            raise
        except Exception as exc:  # noqa: BLE001 - every provider fault becomes one LLMError
            raise self._error(exc) from None
        finally:
            if not counted and pieces:  # closed early by the reader, or broken off: bill what was produced
                self._account(usage, messages, "".join(pieces))
        if not finished:
            raise LLMError("truncated", "the stream ended before the model finished")
        self._account(usage, messages, "".join(pieces))

    def _complete_once(self, messages: list[dict], **extra) -> str:
        try:
            response = self.backend.completion(messages=messages, **self._kwargs(extra))
            text = response.choices[0].message.content or ""
            usage = _usage_dict(getattr(response, "usage", None))
        except Exception as exc:  # noqa: BLE001
            raise self._error(exc) from None
        self._account(usage, messages, text)
        return text

    # ------------------------------------------------------------------ bookkeeping
    def _count(self, **what) -> int:
        """Tokens, as LiteLLM counts them for this model (its tokenizer where it knows one); words if it cannot."""
        try:
            return int(litellm().token_counter(model=self.config.model, **what))
        except Exception:  # noqa: BLE001 - an unknown model: a rough count beats none for --max-cost
            words = sum(len(str(m.get("content", "")).split()) for m in what.get("messages", ()))
            return round(1.3 * (words + len(str(what.get("text", "")).split())))
    def _account(self, usage: dict, messages: list[dict], text: str) -> dict:
        if not usage:  # a server that sends no usage (or a stream stopped early): count with the model's tokenizer
            usage = {"prompt_tokens": self._count(messages=messages), "completion_tokens": self._count(text=text)}
        try:
            prompt_cost, completion_cost = litellm().cost_per_token(
                model=self.config.model, prompt_tokens=usage["prompt_tokens"],
                completion_tokens=usage["completion_tokens"])
            usage["cost_usd"] = round(prompt_cost + completion_cost, 6)
        except Exception:  # noqa: BLE001 - not in the price map: the cost is unknown, not zero
            pass
        self.usage.add(usage)
        return usage

    def _error(self, exc: Exception) -> LLMError:
        lib = litellm()
        message = _first_line(self.config.scrub(str(exc)) or type(exc).__name__)
        status = getattr(exc, "status_code", None)
        if isinstance(exc, lib.exceptions.Timeout) or "timed out" in message.lower():
            return LLMError("timeout", message)
        if isinstance(exc, lib.exceptions.RateLimitError) or status == 429:
            return LLMError("rate_limit", message, _retry_after(exc))
        if isinstance(exc, lib.exceptions.MidStreamFallbackError) or "stream ended" in message.lower():
            return LLMError("truncated", message)
        lowered = message.lower()
        if isinstance(exc, lib.exceptions.AuthenticationError) or status in (401, 403) or any(
                word in lowered for word in ("missing credentials", "api_key", "api key", "unauthorized",
                                             "authentication")):
            return LLMError("auth", message)
        refused = any(word in lowered for word in ("connection refused", "errno 111", "errno 61",
                                                   "name or service not known", "nodename nor servname",
                                                   "failed to establish a new connection", "cannot connect to host",
                                                   "temporary failure in name resolution", "no route to host"))
        if refused or "connection error" in lowered or \
                isinstance(exc, lib.exceptions.APIConnectionError) and not status:
            return LLMError("unreachable", message)
        if isinstance(exc, lib.exceptions.BadRequestError | lib.exceptions.NotFoundError) or status in (400, 404,
                                                                                                       422):
            return LLMError("bad_request", message)
        if status and int(status) >= 500 or isinstance(exc, lib.exceptions.InternalServerError |
                                                       lib.exceptions.ServiceUnavailableError):
            return LLMError("server", message, _retry_after(exc))
        return LLMError("other", message)


def _usage_dict(usage) -> dict:
    if not usage:
        return {}
    return {"prompt_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
            "completion_tokens": int(getattr(usage, "completion_tokens", 0) or 0)}


def _retry_after(exc: Exception) -> float | None:
    """Seconds to wait from retry-after-ms, or retry-after in seconds or as an HTTP date; None without either."""
    headers = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
    if not headers:
        return None
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return float(ms) / 1000.0
        value = headers.get("retry-after") or headers.get("Retry-After")
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            from datetime import UTC, datetime
            from email.utils import parsedate_to_datetime

            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _first_line(raw: str) -> str:
    """The provider's message without litellm's stacked class names: "Connection error.", not
    "litellm.InternalServerError: InternalServerError: OpenAIException - Connection error."."""
    text = raw.strip().splitlines()[0] if raw.strip() else "error"
    text = re.sub(r"^(litellm\.)?(\w+(Error|Exception): )+", "", text)
    text = re.sub(r"^\w+Exception - ", "", text)
    return text[:200] or "error"
