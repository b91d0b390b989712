"""Fetching behind the SSRF guard (service/ingest/fetch.py, _guard.py), for real on loopback.

Loopback servers answer the fetches that are allowed; every address outside 127.0.0.0/8 and
::1 is only ever given to an httpx.MockTransport, which records the request and sends nothing.
These tests fail with the guard switched off: the refusals are what they check.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import redis.asyncio

from service.errors import FetchFailed, problem
from service.ingest import _guard
from service.ingest.fetch import Fetcher, MemoryFetchCache
from service.store.fetches import RedisFetchCache

PAGE = b"<html><body><p>A loopback page.</p></body></html>"
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


@dataclass
class Seen:
    paths: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    seen: Seen
    server_version = "loopback"

    def log_message(self, *args: Any) -> None:
        pass

    def _send(
        self, status: int, body: bytes = b"", ctype: str = "text/html", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.seen.paths.append(self.path)
        self.seen.headers.append(dict(self.headers.items()))
        path, _, query = self.path.partition("?")
        if path == "/page":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif path == "/feed":
            self._send(200, FEED, "application/rss+xml")
        elif path == "/redirect":
            self._send(302, Location=query)
        elif path == "/loop":
            self._send(302, Location=f"/loop?{int(query or 0) + 1}")
        elif path == "/stall":
            time.sleep(3)
            self._send(200, PAGE)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b"<p>.</p>")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/big":
            self._send(200, b"x" * 100_000)
        elif path == "/big-unsized":  # no Content-Length: only counting the stream stops it
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"y" * 100_000)
            self.close_connection = True
        elif path == "/json":
            self._send(200, b"{}", "application/json")
        elif path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304, ETag='"v1"')
            else:
                self._send(200, PAGE, ETag='"v1"', Last_Modified="Tue, 03 Nov 2026 08:00:00 GMT")
        else:
            self._send(404, b"not here")


class Server6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


@dataclass
class Loopback:
    host: str
    port: int
    seen: Seen

    def url(self, path: str, host: str | None = None) -> str:
        name = host or self.host
        return f"http://{f'[{name}]' if ':' in name else name}:{self.port}{path}"


@pytest.fixture
def serve_on() -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(host: str) -> Loopback:
        seen = Seen()
        handler = type("H", (Handler,), {"seen": seen})
        cls = Server6 if ":" in host else ThreadingHTTPServer
        server = cls((host, 0), handler)
        server.daemon_threads = True
        server.block_on_close = False
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return Loopback(host, server.server_address[1], seen)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _can_bind(family: socket.AddressFamily, host: str) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
        return True
    except OSError:
        return False


HAS_IPV6_LOOPBACK = _can_bind(socket.AF_INET6, "::1")


async def _refused(fetcher: Fetcher, url: str, cause: str = "blocked") -> FetchFailed:
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(url)
    assert caught.value.cause == cause, caught.value.detail
    assert caught.value.extra == {"url": caught.value.url, "cause": cause}
    return caught.value


# Loopback, for real: refused unless allowed, fetched when allowed.


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
async def test_loopback_is_refused_unless_allowed(serve_on: Any, host: str) -> None:
    if host == "::1" and not HAS_IPV6_LOOPBACK:
        pytest.skip("this machine has no IPv6 loopback")
    server = serve_on("127.0.0.1" if host == "localhost" else host)
    url = server.url("/page", host)
    fetcher = Fetcher(read_timeout_s=5)
    error = await _refused(fetcher, url)
    assert url in error.detail and "loopback" in error.detail
    assert server.seen.paths == []  # nothing reached the server
    allowed = Fetcher(allow_hosts=frozenset({host}), read_timeout_s=5)
    fetched = await allowed.fetch(url)
    assert (fetched.status, fetched.body, fetched.content_type) == (200, PAGE, "text/html")
    assert fetched.charset == "utf-8" and fetched.url == url
    assert server.seen.paths == ["/page"]
    await fetcher.aclose()
    await allowed.aclose()


async def test_a_redirect_is_checked_at_each_hop(serve_on: Any) -> None:
    if not _can_bind(socket.AF_INET, "127.0.0.2"):
        pytest.skip("127.0.0.2 is not a loopback address here")
    first, second = serve_on("127.0.0.1"), serve_on("127.0.0.2")
    url = first.url("/redirect?" + second.url("/page"))
    only_first = Fetcher(allow_hosts=frozenset({"127.0.0.1"}))
    error = await _refused(only_first, url)
    assert "127.0.0.2" in error.detail
    assert first.seen.paths == ["/redirect?" + second.url("/page")] and second.seen.paths == []
    both = Fetcher(allow_hosts=frozenset({"127.0.0.1", "127.0.0.2"}))
    fetched = await both.fetch(url)
    assert fetched.url == second.url("/page") and fetched.body == PAGE
    assert second.seen.paths == ["/page"]
    await only_first.aclose()
    await both.aclose()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/_stats",
        "ftp://127.0.0.1/x",
        "data:text/html,<p>hi</p>",
        "javascript:alert(1)",
    ],
)
async def test_other_schemes_are_refused(url: str) -> None:
    fetcher = Fetcher(allow_hosts=frozenset({"127.0.0.1"}))  # allowing a host allows no scheme
    error = await _refused(fetcher, url, "scheme")
    assert problem(error)["type"] == "/problems/fetch-failed"
    await fetcher.aclose()


# Limits, on an allowed loopback server.


@pytest.fixture
async def local(serve_on: Any) -> Any:
    server = serve_on("127.0.0.1")
    fetcher = Fetcher(
        allow_hosts=frozenset({"127.0.0.1"}),
        connect_timeout_s=2,
        read_timeout_s=0.5,
        total_timeout_s=2,
        max_bytes=10_000,
        max_redirects=3,
    )
    yield server, fetcher
    await fetcher.aclose()


async def test_a_stalled_server_times_out(local: Any) -> None:
    server, fetcher = local
    started = time.monotonic()
    await _refused(fetcher, server.url("/stall"), "timeout")
    assert time.monotonic() - started < 2


async def test_a_dripping_server_hits_the_total_timeout(local: Any) -> None:
    server, fetcher = local
    fetcher.max_bytes = 10**6
    await _refused(fetcher, server.url("/drip"), "timeout")


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
async def test_the_size_cap(local: Any, path: str) -> None:
    server, fetcher = local
    await _refused(fetcher, server.url(path), "size")


async def test_wrong_type_status_and_redirect_loops(local: Any) -> None:
    server, fetcher = local
    await _refused(fetcher, server.url("/json"), "type")
    error = await _refused(fetcher, server.url("/missing"), "status")
    assert "404" in error.detail
    await _refused(fetcher, server.url("/loop"), "redirects")
    assert len([p for p in server.seen.paths if p.startswith("/loop")]) == 4  # 1 + 3 hops
    feed = await fetcher.fetch(server.url("/feed"))
    assert feed.content_type == "application/rss+xml" and feed.body == FEED


async def test_a_closed_port_is_a_connect_failure(local: Any) -> None:
    _, fetcher = local
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    await _refused(fetcher, f"http://127.0.0.1:{port}/page", "connect")


# Revalidation.


async def test_etag_revalidation_returns_the_cached_body(local: Any) -> None:
    server, fetcher = local
    fetcher.cache = MemoryFetchCache()
    first = await fetcher.fetch(server.url("/etag"))
    assert (first.etag, first.revalidated, first.body) == ('"v1"', False, PAGE)
    second = await fetcher.fetch(server.url("/etag"))
    assert server.seen.headers[-1]["If-None-Match"] == '"v1"'
    assert server.seen.headers[-1]["If-Modified-Since"] == "Tue, 03 Nov 2026 08:00:00 GMT"
    assert (second.status, second.body, second.revalidated) == (200, PAGE, True)


async def test_the_redis_fetch_cache(local: Any, redis_url: str) -> None:
    server, fetcher = local
    db14 = redis_url.rsplit("/", 1)[0] + "/14"  # conftest's tests use 15, ./dev uses 0
    client = redis.asyncio.Redis.from_url(db14)
    await client.flushdb()
    try:
        fetcher.cache = RedisFetchCache(client, ttl_s=60)
        url = server.url("/etag")
        await fetcher.fetch(url)
        key = "fetch:v1:" + hashlib.sha256(url.encode()).hexdigest()
        assert await client.keys("*") == [key.encode()]
        assert 0 < await client.ttl(key) <= 60
        again = await fetcher.fetch(url)
        assert again.revalidated and again.body == PAGE
        assert server.seen.headers[-1]["If-None-Match"] == '"v1"'
        for failing in ("/missing", "/json", "/big"):
            with pytest.raises(FetchFailed):
                await fetcher.fetch(server.url(failing))
        assert await client.keys("*") == [key.encode()]  # failures are never cached
    finally:
        await client.flushdb()
        await client.aclose()


# Private, link-local and metadata addresses: a stub resolver and a MockTransport only.


@dataclass
class Recorder:
    requests: list[httpx.Request] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    answers: dict[str, list[list[str]]] = field(default_factory=dict)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/to-metadata":
            return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=PAGE)

    async def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        answers = self.answers.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def fetcher(self, **options: Any) -> Fetcher:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self.handler))
        return Fetcher(client=client, resolver=self.resolve, **options)


PUBLIC = "93.184.215.14"  # documentation-free public address; only MockTransport sees it
PRIVATE_URLS = [
    "http://10.0.0.1/",
    "http://192.168.1.1/admin",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00::1]/",
    "http://internal.example/",
    "http://mixed.example/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[fe80::1]/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:a00:1::1]/",  # NAT64 and 6to4 wrappers
]


def _recorder() -> Recorder:
    return Recorder(
        answers={
            "internal.example": [["10.0.0.5"]],
            "mixed.example": [[PUBLIC, "10.0.0.6"]],
            "public.example": [[PUBLIC]],
        }
    )


@pytest.mark.parametrize("url", PRIVATE_URLS)
async def test_private_addresses_are_refused_before_any_request(url: str) -> None:
    recorder = _recorder()
    fetcher = recorder.fetcher()
    error = await _refused(fetcher, url)
    assert url in error.detail
    assert recorder.requests == []
    await fetcher.aclose()


@pytest.mark.parametrize("url", PRIVATE_URLS)
async def test_with_the_guard_off_the_transport_would_be_asked(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test above refuses because of the guard, not of the stub: without the address
    check the same fetch reaches the (recording) transport."""
    monkeypatch.setattr(_guard, "refusal", lambda ip: None)
    recorder = _recorder()
    fetcher = recorder.fetcher()
    fetched = await fetcher.fetch(url)
    assert fetched.body == PAGE and len(recorder.requests) == 1
    await fetcher.aclose()


async def test_an_allowed_private_host_is_fetched() -> None:
    recorder = _recorder()
    fetcher = recorder.fetcher(allow_hosts=frozenset({"internal.example"}))
    assert (await fetcher.fetch("http://internal.example/x")).body == PAGE
    assert recorder.lookups == []  # allowed: not even resolved
    await fetcher.aclose()


async def test_the_connection_goes_to_the_checked_address() -> None:
    """DNS rebinding: the name answers a public address once and loopback after; the request
    goes to the checked address, with the name in Host and SNI, and is resolved once."""
    recorder = _recorder()
    recorder.answers["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    fetcher = recorder.fetcher()
    fetched = await fetcher.fetch("https://rebind.example:8443/story?id=1")
    (request,) = recorder.requests
    assert request.url.host == PUBLIC and request.url.port == 8443
    assert request.url.scheme == "https" and request.url.raw_path == b"/story?id=1"
    assert request.headers["Host"] == "rebind.example:8443"
    assert request.extensions["sni_hostname"] == "rebind.example"
    assert recorder.lookups == ["rebind.example"]
    assert fetched.url == "https://rebind.example:8443/story?id=1"
    await fetcher.aclose()


async def test_a_redirect_to_the_metadata_address_is_refused_at_the_hop() -> None:
    recorder = _recorder()
    fetcher = recorder.fetcher()
    error = await _refused(fetcher, "http://public.example/to-metadata")
    assert "169.254.169.254" in error.detail
    assert [str(r.url) for r in recorder.requests] == [f"http://{PUBLIC}/to-metadata"]
    await fetcher.aclose()


async def test_userinfo_and_unresolvable_names() -> None:
    recorder = _recorder()
    fetcher = recorder.fetcher()
    await _refused(fetcher, f"http://public.example@{PUBLIC}/")
    await _refused(fetcher, "http://user:pw@public.example/")
    await _refused(fetcher, "http://nowhere.example/", "dns")
    assert recorder.requests == []
    await fetcher.aclose()


# The pinned connection for real: a name stubbed to loopback, the address check switched off
# (loopback would be refused), a TLS server whose certificate names only the name.


@pytest.fixture
def tls_server(tmp_path: Any) -> Iterator[tuple[int, str, Seen]]:
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=tls.test",
            "-addext",
            "subjectAltName=DNS:tls.test",
        ],
        check=True,
        capture_output=True,
    )
    seen = Seen()
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (Handler,), {"seen": seen}))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], str(cert), seen
    server.shutdown()
    server.server_close()


async def test_a_pinned_https_fetch_verifies_the_name_not_the_address(
    tls_server: tuple[int, str, Seen], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, cert, seen = tls_server
    monkeypatch.setattr(_guard, "refusal", lambda ip: None)
    lookups: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    client = httpx.AsyncClient(verify=ssl.create_default_context(cafile=cert), trust_env=False)
    fetcher = Fetcher(client=client, resolver=resolve)
    fetched = await fetcher.fetch(f"https://tls.test:{port}/page")
    assert fetched.body == PAGE and fetched.url == f"https://tls.test:{port}/page"
    assert seen.headers[-1]["Host"] == f"tls.test:{port}"
    # The same address under a name the certificate does not carry: verification fails, so
    # the name (not the IP in the rewritten URL) is what TLS checks.
    error = await _refused(fetcher, f"https://other.test:{port}/page", "connect")
    assert "CERTIFICATE_VERIFY_FAILED" in error.detail or "certificate" in error.detail.lower()
    assert lookups == ["tls.test", "other.test"]
    await fetcher.aclose()
