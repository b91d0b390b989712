"""The app served by a real uvicorn on a loopback socket, for tools that need a URL.

Browsers, generated clients and schemathesis talk HTTP to a port; the in-process test client
does not give them one. The server runs in a thread with its own event loop, so the app's
lifespan (Redis, LLM client) lives on that loop, as it does under `python -m service serve`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from typing import Any

import httpx
import uvicorn
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.settings import Settings
from service.web.app import create_app
from service.web.server import uvicorn_options


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(settings: Settings, app: Litestar | None = None) -> Iterator[str]:
    """Serve `app` (default `create_app(settings)`) until the block ends; yields the base URL.
    Pass the app to look at its state (`app.state.runtime`) from the test."""
    port = free_port()
    options = uvicorn_options(settings) | {"log_level": "warning", "lifespan": "on"}
    config = uvicorn.Config(app or create_app(settings), host="127.0.0.1", port=port, **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.started:
            try:
                httpx.get(f"{base_url}/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                pass
        time.sleep(0.05)
    else:
        server.should_exit = True
        raise RuntimeError(f"uvicorn did not start on port {port}")
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# A test client over a fresh app; the `make_client` fixture (tests/conftest.py) makes them.
ClientFactory = Callable[..., AbstractAsyncContextManager[AsyncTestClient[Any]]]
