"""A scripted OpenAI-compatible chat server on loopback, for tests and benchmarks.

Real sockets and real HTTP, so the real openai client and instructor run unchanged
against it. A test queues replies (a tool call with chosen arguments, raw text, an HTTP
error, a delay, a body that is not an answer at all); when the queue is empty the default
reply is used. Every request body is recorded so tests can count LLM calls and read what was
re-asked, and so is its arrival time (`arrivals`, time.monotonic()) to measure retry gaps.
`max_in_flight` is the most requests it was answering at once (since the last `reset`), for
tests of the concurrency limit: a request counts from its arrival until its answer's last
bytes are about to be written, so a client that frees its slot on reading them cannot
overlap with it.
A request with `"stream": true` is answered as OpenAI streams: server-sent
`chat.completion.chunk`s that carry the arguments in `stream_chunks` pieces, a usage chunk
when `stream_options.include_usage` asks for one, then `data: [DONE]`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
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
    stream_chunks: int = 6  # a streamed answer's arguments arrive in this many pieces
    chunk_delay_s: float = 0.0  # pause before each chunk sent
    stream_error_after: int | None = None  # send an error event after this many pieces
    finish_reason: str | None = None  # e.g. "length": the answer was cut off at max_tokens
    raw: bytes | None = None  # sent verbatim as the body, whatever the status
    content_type: str = "application/json"


@dataclass
class ScriptedLLM:
    host: str = "127.0.0.1"
    port: int = 0
    default: Reply | Callable[[dict[str, Any]], Reply] | None = None
    queue: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)  # time.monotonic() of each request
    # Off by default, as the benchmarks recorded so far ran: a plain answer is then written as
    # headers, then body, and Nagle's algorithm meeting the client's delayed ACK holds the body
    # ~40 ms on loopback. On, an answer takes ~1 ms more than its `delay_s`.
    tcp_nodelay: bool = False
    in_flight: int = 0  # requests since the last `reset` not yet answered
    max_in_flight: int = 0
    _generation: int = 0  # bumped by `reset`: a request from before it no longer counts
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
            self.arrivals.clear()
            self.in_flight = self.max_in_flight = 0
            self._generation += 1
            self.default = default

    def _next(self, request: dict[str, Any]) -> tuple[Reply, int]:
        """The reply for `request`, and the generation it arrived in (for `_answered`)."""
        with self._lock:
            generation = self._generation
            self.requests.append(request)
            self.arrivals.append(time.monotonic())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if self.queue:
                return self.queue.pop(0), generation
            default = self.default
        if callable(default):
            return default(request), generation
        return default or Reply(status=500, body={"error": {"message": "no reply"}}), generation

    def _answered(self, generation: int) -> None:
        with self._lock:
            if generation == self._generation:
                self.in_flight -= 1

    def start(self) -> ScriptedLLM:
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            pending = False  # a POST being answered, counted in `in_flight`
            disable_nagle_algorithm = scripted.tcp_nodelay
            generation = 0

            def log_message(self, *_: Any) -> None:
                pass

            def _send(
                self,
                status: int,
                body: dict[str, Any] | bytes,
                headers: dict[str, str],
                content_type: str = "application/json",
            ) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self._answered()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (a timeout); so do we

            def do_GET(self) -> None:
                models = {"object": "list", "data": [{"id": "scripted", "object": "model"}]}
                self._send(200, models, {})

            def _answered(self) -> None:
                """This request no longer counts as in flight (once, before its last bytes)."""
                if self.pending:
                    self.pending = False
                    scripted._answered(self.generation)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(length) or b"{}")
                reply, self.generation = scripted._next(request)
                self.pending = True
                try:
                    self._answer(request, reply)
                finally:
                    self._answered()

            def _answer(self, request: dict[str, Any], reply: Reply) -> None:
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.raw is not None:
                    self._send(reply.status, reply.raw, reply.headers, reply.content_type)
                    return
                if reply.status != 200:
                    body = reply.body or {"error": {"message": f"scripted {reply.status}"}}
                    self._send(reply.status, body, reply.headers)
                    return
                if request.get("stream"):
                    self._stream(request, reply)
                    return
                self._send(200, completion(request, reply), reply.headers)

            def _stream(self, request: dict[str, Any], reply: Reply) -> None:
                """Server-sent events until the end, then close (no length to announce)."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.close_connection = True
                events = list(stream_events(request, reply))
                try:
                    for n, event in enumerate(events, 1):
                        time.sleep(reply.chunk_delay_s)
                        if n == len(events):  # the client may be done once it reads this
                            self._answered()
                        self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
                        self.wfile.flush()
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away; so does this answer

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _text(reply: Reply) -> str:
    arguments = reply.arguments
    return arguments if isinstance(arguments, str) else json.dumps(arguments)


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def completion(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """A chat.completion answering with a tool call when tools were offered, else text."""
    text = _text(reply)
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
        "choices": [
            {"index": 0, "message": message, "finish_reason": reply.finish_reason or finish}
        ],
        "usage": _usage(reply),
    }


def stream_events(request: dict[str, Any], reply: Reply) -> Iterator[dict[str, Any]]:
    """The chunks of a streamed answer: role and tool name, argument pieces, finish, usage."""
    text = _text(reply)
    size = max(1, -(-len(text) // max(1, reply.stream_chunks)))
    pieces = [text[i : i + size] for i in range(0, len(text), size)]
    tools = request.get("tools") or []
    base = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.get("model", "scripted"),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    if tools:
        name = tools[0]["function"]["name"]
        call = {"index": 0, "id": "call_1", "type": "function"}
        yield chunk({"role": "assistant", "tool_calls": [call | {"function": {"name": name}}]})
    else:
        yield chunk({"role": "assistant", "content": ""})
    for n, piece in enumerate(pieces):
        if reply.stream_error_after is not None and n >= reply.stream_error_after:
            yield {"error": {"message": "scripted failure mid-stream", "type": "server_error"}}
            return
        if tools:
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
        else:
            yield chunk({"content": piece})
    yield chunk({}, "tool_calls" if tools else "stop")
    if (request.get("stream_options") or {}).get("include_usage"):
        yield base | {"choices": [], "usage": _usage(reply)}
