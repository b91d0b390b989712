"""llama-cpp-python's OpenAI-compatible server, with two changes: a client that gives up
stops the generation it asked for, and a probe never waits for (nor cuts) a generation.

The stock server generates a non-streamed answer to the end even when its client has gone
(a request timed out at 300 s was still generating 12 minutes later, and the next request
waited behind it: docs/quality.md, "Measured facts"). One server computes one answer at a time, so a
runaway blocks every request behind it. Here each POST runs with a flag that a watcher sets
when the client disconnects, and the token loop (`Llama.generate`) ends at the next token
once it is set.

Probes: `/ready` lists the models (GET /v1/models) every time it is asked. The stock server
takes the model's lock for that, so a probe during a generation either interrupts it (its
default, `interrupt_requests`; embedded.py turns that off) or waits until it ends, and the
probe times out and calls a busy server unreachable. Here the first listing (at start-up,
idle) is kept and every later one is answered from it, without the lock.

Started by service/llm/embedded.py as `python -m service.llm._llama_server`
with llama_cpp.server's own arguments; imports nothing else of the service.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import llama_cpp
import llama_cpp.server.__main__ as llama_main

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_gone: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "client_gone", default=None
)
_generate = llama_cpp.Llama.generate


def _generate_until_gone(self: llama_cpp.Llama, *args: Any, **kwargs: Any) -> Iterator[int]:
    """`Llama.generate`, ending when this request's client has gone. The flag is read in
    the worker thread the server generates in, which inherits the request's context."""
    gone = _gone.get()
    for token in _generate(self, *args, **kwargs):
        yield token
        if gone is not None and gone.is_set():
            return


class StopWhenClientGoes:
    """ASGI middleware: set the request's flag when its client disconnects; answer the
    model listing from the first one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.models: list[Message] | None = None  # the first 200 listing's messages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        listing = scope.get("method") == "GET" and scope.get("path", "").endswith("/models")
        if scope["type"] == "http" and listing:
            await self._models(scope, receive, send)
            return
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        gone = threading.Event()
        body_read = asyncio.Event()

        async def receive_body() -> Message:
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
            elif not message.get("more_body"):
                body_read.set()
            return message

        async def watch() -> None:
            await body_read.wait()
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        token = _gone.set(gone)
        watcher = asyncio.ensure_future(watch())
        try:
            await self.app(scope, receive_body, send)
        finally:
            watcher.cancel()
            _gone.reset(token)

    async def _models(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.models is not None:
            for message in self.models:
                await send(message)
            return
        sent: list[Message] = []

        async def keep(message: Message) -> None:
            sent.append(message)
            await send(message)

        await self.app(scope, receive, keep)
        if sent and sent[0].get("status") == 200:
            self.models = sent


def main() -> None:
    llama_cpp.Llama.generate = _generate_until_gone  # type: ignore[method-assign,assignment]
    create_app = llama_main.create_app  # type: ignore[attr-defined]  # llama_cpp exports no types
    llama_main.create_app = lambda **kwargs: StopWhenClientGoes(create_app(**kwargs))  # type: ignore[attr-defined]
    llama_main.main()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    main()
