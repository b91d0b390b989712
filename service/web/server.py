"""The API under uvicorn: its options, and the answers it gives before the app is reached.

`uvicorn_options` is what `python -m service serve` runs with, and what the tests' live
server (tests/support/live.py) runs with too, so both answer alike.

A request uvicorn's HTTP parser rejects never reaches the app: a request line or headers
over the parser's limits (a 100 KB query string), a method the parser does not know, a
control character in a header. uvicorn answers those with a text/plain 400 and closes; the
protocols here answer the same 400 as application/problem+json. A few answers stay uvicorn's
own, as the app never sees the request: with `limit_concurrency` unset there are none left
but a connection closed without an answer (the request is not HTTP at all, a TLS handshake
on the plain port, or the peer went away).
"""

from __future__ import annotations

import json
import math
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from service.settings import Settings

_MALFORMED = json.dumps(
    {
        "status": 400,
        "type": "/problems/malformed-http",
        "title": "Bad Request",
        "detail": "the request is not HTTP/1.1 the server can parse: an unknown method, a "
        "request line or headers over the size limit (a very long query string), or a "
        "control character in a header",
    }
).encode()


def _problem_400(default_headers: list[tuple[bytes, bytes]]) -> bytes:
    lines = [b"HTTP/1.1 400 Bad Request\r\n"]
    lines += [name + b": " + value + b"\r\n" for name, value in default_headers]
    lines += [
        b"content-type: application/problem+json\r\n",
        b"content-length: " + str(len(_MALFORMED)).encode() + b"\r\n",
        b"connection: close\r\n\r\n",
        _MALFORMED,
    ]
    return b"".join(lines)


class ProblemHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, whose parser errors are problems."""

    def send_400_response(self, msg: str) -> None:
        self.transport.write(_problem_400(self.server_state.default_headers))
        self.transport.close()


class ProblemH11Protocol(H11Protocol):
    """The same for the pure-Python parser (used where httptools is not installed)."""

    def send_400_response(self, msg: str) -> None:
        self.transport.write(_problem_400(self.server_state.default_headers))
        self.transport.close()


def _protocol() -> type[HttpToolsProtocol] | type[H11Protocol]:
    try:
        import httptools  # noqa: F401
    except ImportError:  # pragma: no cover - httptools is a dependency
        return ProblemH11Protocol
    return ProblemHttpToolsProtocol


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "http": _protocol(),
        "log_config": None,  # uvicorn's loggers propagate to ours (JSON by default)
        # On SIGTERM requests in flight get this long, then uvicorn cancels them (a 503
        # problem, service/web/_edges.py); without it an open event stream would hold a
        # stopping replica for ever.
        "timeout_graceful_shutdown": math.ceil(settings.worker_grace_s),
        # X-Forwarded-For/-Proto only from TRUSTED_PROXIES (uvicorn's default believes any
        # local peer): the client address is the rate-limit bucket of an anonymous caller
        # and of failed key checks, so a client must not choose it.
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": list(settings.trusted_proxies) or None,
    }
