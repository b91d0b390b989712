"""A scripted OpenAI-compatible chat server on loopback, for tests and benchmarks.

Real sockets and real HTTP, so the real openai client and instructor run unchanged
against it. A test queues replies (a tool call with chosen arguments, raw text, an HTTP
error, a delay); when the queue is empty the default reply is used. Every request body is
recorded so tests can count LLM calls and read what was re-asked.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    arguments: dict[str, Any] | str | None = None  # tool-call arguments (dict → JSON)
    status: int = 200
    body: dict[str, Any] | None = None  # a raw body for error statuses
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    prompt_tokens: int = 100
    completion_tokens: int = 20


@dataclass
class ScriptedLLM:
    host: str = "127.0.0.1"
    port: int = 0
    default: Reply | Callable[[dict[str, Any]], Reply] | None = None
    queue: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def calls(self) -> int:
        return len(self.requests)

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.queue.extend(replies)

    def reset(self, default: Reply | Callable[[dict[str, Any]], Reply] | None = None) -> None:
        """Forget requests and queued replies; `default` may be a function of the request."""
        with self._lock:
            self.queue.clear()
            self.requests.clear()
            self.default = default

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self.queue:
                return self.queue.pop(0)
            default = self.default
        if callable(default):
            return default(request)
        return default or Reply(status=500, body={"error": {"message": "no reply"}})

    def start(self) -> ScriptedLLM:
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                models = {"object": "list", "data": [{"id": "scripted", "object": "model"}]}
                self._send(200, models, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(length) or b"{}")
                reply = scripted._next(request)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.status != 200:
                    body = reply.body or {"error": {"message": f"scripted {reply.status}"}}
                    self._send(reply.status, body, reply.headers)
                    return
                self._send(200, completion(request, reply), reply.headers)

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def completion(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """A chat.completion answering with a tool call when tools were offered, else text."""
    arguments = reply.arguments
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    tools = request.get("tools") or []
    if tools:
        name = tools[0]["function"]["name"]
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}
        ]
        finish = "tool_calls"
    else:
        message["content"] = text
        finish = "stop"
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "scripted"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }
