"""A loopback HTTP server that speaks the OpenAI chat-completions API, streaming included, for tests and the
benchmark. Nothing leaves the machine.

Each request takes the next planned reply from `plan` (or `default` when the plan is empty). A reply is a dict:
  {"text": "..."}                          a normal answer (streamed when the request asks for a stream)
  {"status": 500} / {"status": 429, "retry_after": 1}
  {"sleep": 5}                             answer nothing for that long (a read timeout for the client)
  {"text": "...", "truncate": True}        stream part of the text, then close without finish_reason or [DONE]
  {"text": "...", "chunk_delay": 0.01}     pace the stream
  {"delay": 0.05, "text": "..."}           constant-time provider: wait before answering
`requests` records every request (headers and JSON body).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fake_chat import pieces as split_like_a_stream


class FakeOpenAI:
    def __init__(self, default: dict | None = None) -> None:
        self.plan: list[dict] = []
        self.default = default or {"text": "Thanks. How would you check the labels are reliable?"}
        self.requests: list[dict] = []
        self.in_flight = self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # the stdlib's name
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    reply = server.plan.pop(0) if server.plan else dict(server.default)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    server._answer(self, body, reply)
                finally:
                    with server._lock:
                        server.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # a short poll, so that closing the server does not wait half a second
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # ------------------------------------------------------------------ replies
    def _answer(self, h: BaseHTTPRequestHandler, body: dict, reply: dict) -> None:
        if reply.get("sleep"):
            time.sleep(reply["sleep"])
            return
        if reply.get("delay"):
            time.sleep(reply["delay"])
        status = reply.get("status", 200)
        text = reply.get("text", "")
        usage = {"prompt_tokens": 100, "completion_tokens": max(1, len(text.split())),
                 "total_tokens": 100 + max(1, len(text.split()))}
        if status != 200:
            _send_error(h, status, reply.get("retry_after"))
        elif not body.get("stream"):
            _send_completion(h, body.get("model", "fake"), text, usage)
        else:
            _stream(h, body, reply, text, usage)


def _send_json(h: BaseHTTPRequestHandler, status: int, obj: dict, headers: dict | None = None) -> None:
    payload = json.dumps(obj).encode()
    h.send_response(status)
    h.send_header("content-type", "application/json")
    h.send_header("content-length", str(len(payload)))
    for name, value in (headers or {}).items():
        h.send_header(name, value)
    h.end_headers()
    h.wfile.write(payload)


def _send_error(h: BaseHTTPRequestHandler, status: int, retry_after) -> None:
    error = {"error": {"message": f"fake error {status}", "type": "server_error", "code": status}}
    _send_json(h, status, error, {"retry-after": str(retry_after)} if retry_after is not None else None)


def _send_completion(h: BaseHTTPRequestHandler, model: str, text: str, usage: dict) -> None:
    _send_json(h, 200, {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": usage,
    })


def _stream(h: BaseHTTPRequestHandler, body: dict, reply: dict, text: str, usage: dict) -> None:
    h.send_response(200)
    h.send_header("content-type", "text/event-stream")
    h.send_header("cache-control", "no-cache")
    h.send_header("connection", "close")
    h.end_headers()
    pieces = split_like_a_stream(text)
    if reply.get("truncate"):
        pieces = pieces[: max(1, len(pieces) // 2)]

    def send(obj) -> None:
        h.wfile.write(f"data: {json.dumps(obj)}\n\n".encode())
        h.wfile.flush()

    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": body.get("model", "fake")}
    try:
        send({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                   "finish_reason": None}]})
        for piece in pieces:
            if reply.get("chunk_delay"):
                time.sleep(reply["chunk_delay"])
            send({**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
        if reply.get("truncate"):
            h.close_connection = True
            return
        send({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if (body.get("stream_options") or {}).get("include_usage"):
            send({**base, "choices": [], "usage": usage})
        h.wfile.write(b"data: [DONE]\n\n")
        h.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        pass
    h.close_connection = True
