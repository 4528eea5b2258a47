"""An in-process stand-in for the model provider, like simonw/llm's MockModel: scripted replies, every request
recorded, no socket.

It plugs in below mlcoach's own client, through the constructor the real one uses (`Client(config,
backend=chat)`, or `wiring.build(settings, backend=chat)`), so our retries and backoff, usage and cost, key
scrubbing and the mapping of provider errors all still run; only LiteLLM's HTTP round trip is skipped (the few
tests of that use the loopback server in tests/fake_openai.py).

    chat = FakeChat("How would you check the labels?")   # the reply whenever the queue is empty
    chat.enqueue(["Hello! What have you built?", rate_limit(retry_after=7), server_error(503), cut("Hi, I'm")])
    client = Client(ModelConfig("openai/fake-model"), backend=chat)
    ...
    chat.requests[0].messages, .model, .stream, .kwargs

A reply is one of:
  "text"            streamed a few words a chunk when the request streams (usage last), else one message
  Fault             raised as the litellm exception a provider's error becomes (rate_limit, server_error,
                    timeout, auth_failure, not_found, refused below)
  Cut("text")       a stream that breaks off after that text (litellm's MidStreamFallbackError); "" for a
                    stream cut before any text
Usage is reported as the loopback server does: 100 prompt tokens, one completion token a word.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from mlcoach.llm import litellm

PROMPT_TOKENS = 100


@dataclass(frozen=True)
class Fault:
    """A provider error. `kind` names the litellm exception; `status`, `retry_after` and `message` fill it."""

    kind: str  # rate_limit | server | timeout | auth | not_found | refused (| cut, raised mid-stream)
    status: int = 0
    retry_after: float | None = None
    message: str = ""


@dataclass(frozen=True)
class Cut:
    text: str = ""


Reply = str | Fault | Cut


def cut(text: str = "") -> Cut:
    return Cut(text)


def rate_limit(retry_after: float | None = None) -> Fault:
    return Fault("rate_limit", 429, retry_after, "fake error 429")


def server_error(status: int = 500) -> Fault:
    return Fault("server", status, None, f"fake error {status}")


def timeout() -> Fault:
    return Fault("timeout", 408, None, "Request timed out.")


def auth_failure(message: str = "fake error 401") -> Fault:
    return Fault("auth", 401, None, message)


def not_found() -> Fault:
    return Fault("not_found", 404, None, "fake error 404")


def refused() -> Fault:
    return Fault("refused", 0, None, "Connection error.")


@dataclass(frozen=True)
class Request:
    messages: list[dict]
    model: str
    stream: bool
    kwargs: dict  # everything else the client sent: api_key, api_base, timeout, temperature, response_format...


# The shapes litellm returns, as far as mlcoach.llm reads them.
@dataclass(frozen=True)
class TokenUsage:
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class Delta:
    content: str | None


@dataclass(frozen=True)
class StreamChoice:
    delta: Delta
    finish_reason: str | None = None


@dataclass(frozen=True)
class Chunk:
    choices: list[StreamChoice]
    usage: TokenUsage | None = None


@dataclass(frozen=True)
class Message:
    content: str


@dataclass(frozen=True)
class Choice:
    message: Message
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Response:
    choices: list[Choice]
    usage: TokenUsage


@dataclass(frozen=True)
class Transcript:
    text: str


@dataclass
class FakeChat:
    """A Backend for mlcoach.llm.Client. `default` answers when the queue is empty; `completions`, when set,
    answers every request that does not stream (the judge's verdict) once the queue is empty. Thread-safe."""

    default: Reply = "Thanks. How would you check the labels are reliable?"
    completions: Reply | None = None
    requests: list[Request] = field(default_factory=list, init=False, repr=False)
    _queue: list[Reply] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def enqueue(self, replies: list[Reply]) -> FakeChat:
        with self._lock:
            self._queue.extend(replies)
        return self

    # ------------------------------------------------------------------ the Backend protocol
    def completion(self, *, messages: list[dict], model: str, stream: bool = False, **kwargs: Any) -> Any:
        reply = self._take(Request(messages, model, stream, kwargs))
        if isinstance(reply, Fault):
            raise _exception(reply, model)
        text = reply.text if isinstance(reply, Cut) else reply
        usage = TokenUsage(PROMPT_TOKENS, max(1, len(text.split())))
        if not stream:
            if isinstance(reply, Cut):
                raise TypeError("Cut is a stream that breaks off: enqueue it for a streamed request")
            return Response([Choice(Message(text))], usage)
        wants_usage = bool((kwargs.get("stream_options") or {}).get("include_usage"))
        return _chunks(text, usage if wants_usage else None, cut=isinstance(reply, Cut), model=model)

    def transcription(self, *, model: str, file: Any = None, **kwargs: Any) -> Transcript:
        reply = self._take(Request([], model, False, {"file": file, **kwargs}))
        if isinstance(reply, Fault):
            raise _exception(reply, model)
        return Transcript(reply.text if isinstance(reply, Cut) else reply)

    def _take(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.pop(0)
            if not request.stream and self.completions is not None:
                return self.completions
            return self.default


def _chunks(text: str, usage: TokenUsage | None, *, cut: bool, model: str):
    yield Chunk([StreamChoice(Delta(""))])
    for piece in pieces(text):
        yield Chunk([StreamChoice(Delta(piece))])
    if cut:
        raise _exception(Fault("cut", 0, None, "Stream ended before a finish_reason was received"), model)
    yield Chunk([StreamChoice(Delta(None), "stop")])
    if usage is not None:
        yield Chunk([], usage)


def pieces(text: str) -> list[str]:
    """Split like a model streams: a few characters at a time, on word boundaries."""
    out, current = [], ""
    for word in text.split(" "):
        current = f"{current} {word}" if current else word
        if len(current) >= 12:
            out.append(current + " ")
            current = ""
    if current:
        out.append(current)
    if out:
        out[-1] = out[-1].rstrip()
    return out


def _exception(fault: Fault, model: str) -> Exception:
    """The exception litellm raises for that fault from an OpenAI-compatible server (as seen over loopback)."""
    import httpx

    errors = litellm().exceptions
    provider = model.split("/", 1)[0] if "/" in model else "openai"
    request = httpx.Request("POST", "http://fake-chat.invalid/v1/chat/completions")
    headers = {"retry-after": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
    response = httpx.Response(fault.status or 500, headers=headers, request=request)
    say = f"OpenAIException - {fault.message}"
    if fault.kind == "rate_limit":
        return errors.RateLimitError(f"RateLimitError: {say}", provider, model, response=response)
    if fault.kind == "server" and fault.status == 503:
        return errors.ServiceUnavailableError(f"ServiceUnavailableError: {say}", provider, model, response=response)
    if fault.kind in ("server", "refused"):  # litellm's openai provider says "Connection error." as a 500
        return errors.InternalServerError(f"InternalServerError: {say}", provider, model, response=response)
    if fault.kind == "timeout":
        return errors.Timeout(f"APITimeoutError - {fault.message} Error_str: {fault.message}", model, provider)
    if fault.kind == "auth":
        return errors.AuthenticationError(f"AuthenticationError: {say}", provider, model, response=response)
    if fault.kind == "not_found":
        return errors.NotFoundError(f"NotFoundError: {say}", model, provider, response=response)
    if fault.kind == "cut":
        return errors.MidStreamFallbackError(f"litellm.APIConnectionError: APIConnectionError: {say}", model,
                                             provider)
    raise ValueError(f"unknown fault kind {fault.kind!r}")
