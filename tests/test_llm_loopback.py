"""What only a real HTTP round trip through LiteLLM can show, against a loopback server that speaks the OpenAI
API (no network): the exceptions LiteLLM raises become our error kinds (and match what tests/fake_chat.py raises),
retry-after read from a header, a stream the server cuts off, a refused connection, a server that echoes the key,
and one end-to-end batch through `python -m mlcoach`. The rest of the model path is in test_llm.py, on FakeChat."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from mlcoach import script
from mlcoach.batch import run_script
from mlcoach.cli import app
from mlcoach.interviewers.llm import LLMInterviewer
from mlcoach.judge import OfflineJudge
from mlcoach.keys import server
from mlcoach.llm import Client, LLMError, ModelConfig
from mlcoach.llm_judge import LLMJudge
from mlcoach.wiring import Team
from tests.fake_openai import FakeOpenAI
from tests.helpers import CANDIDATES, events

FAKE_KEY = "sk-test-FAKEKEY-0123456789"
QUESTION = "Good, thanks. How would you make sure the labels you train on are reliable?"
MESSAGES = [{"role": "system", "content": "You are an interviewer."}, {"role": "user", "content": "Hi"}]


@pytest.fixture
def fake():
    with FakeOpenAI(default={"text": QUESTION}) as server:
        yield server


def free_port() -> int:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def said(evs):
    return [e for e in evs if e["type"] == "interviewer"]


def auth(request: dict) -> str:
    return next((v for k, v in request["headers"].items() if k.lower() == "authorization"), "")


@pytest.mark.parametrize("reply,kind", [
    ({"status": 401}, "auth"), ({"status": 404}, "bad_request"), ({"status": 429, "retry_after": 7}, "rate_limit"),
    ({"status": 500}, "server"), ({"status": 503}, "server"), ({"sleep": 0.8}, "timeout")])
def test_litellm_errors_become_our_kinds(fake, reply, kind):
    client = Client(ModelConfig("openai/fake-model", fake.url, FAKE_KEY, 1.0, 0.3, 0, backoff=0.0))
    for call in (lambda: client.complete(MESSAGES), lambda: "".join(client.stream(MESSAGES))):
        fake.plan = [reply]
        with pytest.raises(LLMError) as caught:
            call()
        assert caught.value.kind == kind
        assert caught.value.retry_after == (7.0 if kind == "rate_limit" else None)  # from the retry-after header
        assert FAKE_KEY not in str(caught.value) and "\n" not in str(caught.value)
    assert all(auth(r) == f"Bearer {FAKE_KEY}" for r in fake.requests)


def test_a_stream_the_server_cuts_off_is_truncated_after_its_text(fake):
    text = ("Hi Jonas, great to meet you today. I'm Alex and I build ML systems. So tell me about the problems "
            "you have worked on?")
    fake.plan = [{"text": text, "truncate": True}]
    client = Client(ModelConfig("openai/fake-model", fake.url, FAKE_KEY, 1.0, 5.0, 2, backoff=0.0))
    got: list[str] = []
    with pytest.raises(LLMError) as caught:
        for delta in client.stream(MESSAGES):
            got.append(delta)
    assert caught.value.kind == "truncated"
    assert "".join(got).startswith("Hi Jonas, great to meet you today.") and len("".join(got)) < len(text)
    assert len(fake.requests) == 1  # text was shown: not retried, the caller finishes the turn


def test_a_refused_connection_warns_once_and_goes_on_scripted(tmp_path, persona):
    from mlcoach.clock import SimClock
    from mlcoach.engine import Notice, Session

    client = Client(ModelConfig("openai/fake-model", f"http://127.0.0.1:{free_port()}/v1", FAKE_KEY, 1.0, 5.0, 2,
                                backoff=0.0), sleep=lambda s: None)
    session = Session.create(persona, candidate="Ana", sessions_dir=tmp_path, clock=SimClock(),
                             interviewer=LLMInterviewer(client), judge=OfflineJudge(), scenario="spam", seed=1)
    out = list(session.start())
    warnings = [o.text for o in out if isinstance(o, Notice)]
    assert len(warnings) == 1 and "unreachable" in warnings[0] and "scripted" in warnings[0]
    for _ in range(3):
        out = list(session.submit("I built a churn model at a telecom and we cut churn by five percent."))
        assert not any(isinstance(o, Notice) for o in out)
    assert all(e["source"] == "scripted" for e in said(session.events))
    assert len([e for e in session.events if e.get("note") == "llm_unavailable"]) == 1


def test_an_ollama_server_that_is_not_running_is_unreachable_at_once(tmp_path):
    out = CliRunner().invoke(app, [
        "interview", "--name", "X", "--model", "ollama/llama3.1", "--api-base", f"http://127.0.0.1:{free_port()}",
        "--sessions-dir", str(tmp_path / "s")], input="")
    assert out.exit_code == 0, out.stderr
    said_so = (out.stdout + out.stderr).count("unreachable")
    assert said_so == 1, out.stdout + out.stderr
    log = next((tmp_path / "s").glob("*.jsonl")).read_text()
    assert log.count('"llm_retry"') == 0  # no retries against a port nobody listens on


def test_a_key_echoed_by_the_server_is_scrubbed_everywhere(tmp_path, fake, monkeypatch):
    env_key = "sk-envsecret-ABCDEFGH12345678"
    monkeypatch.setenv("OPENAI_API_KEY", env_key)

    def echo(h, body, reply):  # a server that repeats the credentials in its error message
        auth_header = h.headers.get("Authorization", "")
        payload = json.dumps({"error": {"message": "Incorrect API key provided: " + "x" * 170 + " " +
                                        auth_header}}).encode()
        h.send_response(401)
        h.send_header("content-type", "application/json")
        h.send_header("content-length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)

    fake._answer = echo

    def make():  # the key stored for this server is the one sent, and the one the server echoes
        client = Client(ModelConfig("openai/fake-model", fake.url, env_key, 1.0, 5.0, 0, backoff=0.0))
        return Team(LLMInterviewer(client), LLMJudge(client), client)

    result = run_script(script.load(CANDIDATES / "average-spam.toml"), sessions_dir=tmp_path, seed=7, factory=make)
    evs = events(tmp_path / f"{result.session_id}.jsonl")
    text = "".join(p.read_text() for p in tmp_path.iterdir() if p.is_file())
    assert env_key not in text and "ABCDEFGH" not in text
    assert [e for e in evs if e["type"] == "note" and e["note"] == "llm_unavailable"]
    assert auth(fake.requests[0]) == f"Bearer {env_key}"


def test_batch_with_a_model_concurrency_and_no_key_anywhere(tmp_path, fake):
    """The one end-to-end run: `python -m mlcoach batch` with a model, four sessions at once, over HTTP."""
    fake.default = {"text": QUESTION, "delay": 0.05}
    files = [str(CANDIDATES / f"{c}.toml") for c in ("average-spam", "weak-vague", "strong-spam", "oneword")]
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "keys.toml").write_text(f'format = 1\n[keys]\n"{server(fake.url)}" = "{FAKE_KEY}"\n')
    env = {**os.environ, "MLCOACH_HOME": str(home), "OPENAI_API_KEY": "sk-other-provider-key-0000", "NO_COLOR": "1"}
    out = subprocess.run([sys.executable, "-m", "mlcoach", "batch", *files, "--model", "openai/fake-model",
                          "--api-base", fake.url, "--concurrency", "4", "--json",
                          "--sessions-dir", str(tmp_path / "s")],
                         capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["file"] for r in rows] == files and all(r["status"] == "complete" for r in rows)
    assert fake.max_in_flight >= 2  # sessions really overlapped
    assert all(auth(r) == f"Bearer {FAKE_KEY}" for r in fake.requests)
    # LiteLLM sends the model without its provider prefix; the interviewer streams, the judge does not
    assert all(r["body"]["model"] == "fake-model" for r in fake.requests)
    assert {bool(r["body"].get("stream")) for r in fake.requests} == {True, False}
    for path in (tmp_path / "s").iterdir():
        assert FAKE_KEY not in path.read_text() and "FAKEKEY" not in path.read_text()
    assert FAKE_KEY not in out.stdout + out.stderr


def test_a_key_goes_only_to_its_own_endpoint(tmp_path, fake, monkeypatch):
    """Two servers, each with its own stored key, and a provider key in the environment: each server gets its own
    key, a third with none stored gets a placeholder, and the provider's key reaches none of them."""
    with FakeOpenAI() as other, FakeOpenAI() as third:
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        (home / "keys.toml").write_text(f'format = 1\n[keys]\n"{server(fake.url)}" = "sk-key-for-server-a-1234"\n'
                                        f'"{server(other.url)}" = "sk-key-for-server-b-5678"\n')
        monkeypatch.setenv("MLCOACH_HOME", str(home))
        monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-key-never-sent-99")
        for srv in (fake, other, third):
            out = CliRunner().invoke(app, ["batch", str(CANDIDATES / "oneword.toml"), "--model", "openai/fake-model",
                                           "--api-base", srv.url, "--json", "--sessions-dir", str(tmp_path / "s")])
            assert out.exit_code == 0, out.stderr
        sent = {name: {auth(r) for r in srv.requests} for name, srv in (("a", fake), ("b", other), ("c", third))}
        assert sent == {"a": {"Bearer sk-key-for-server-a-1234"}, "b": {"Bearer sk-key-for-server-b-5678"},
                        "c": {"Bearer no-key"}}


def test_a_batch_whose_model_cannot_work_stops_before_the_first_interview(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    out = CliRunner().invoke(app, ["batch", str(CANDIDATES / "oneword.toml"), "--model",
                                   "anthropic/claude-3-5-haiku-latest", "--sessions-dir", str(tmp_path / "s")])
    assert out.exit_code == 2
    assert "ANTHROPIC_API_KEY" in out.stderr and "mlcoach keys set anthropic" in out.stderr
    assert not (tmp_path / "s").exists() or not list((tmp_path / "s").iterdir())
    fallback = CliRunner().invoke(app, ["batch", str(CANDIDATES / "oneword.toml"), "--model",
                                        "anthropic/claude-3-5-haiku-latest", "--fallback", "offline", "--json",
                                        "--sessions-dir", str(tmp_path / "s")])
    assert fallback.exit_code == 0 and "runs offline" in fallback.stderr
