"""Fetching a page or a feed on a caller's behalf: guarded, bounded, revalidated.

Every hop of a fetch passes the SSRF guard (_guard.py) and connects to the address the guard
checked; redirects are followed here, by hand, so that each Location is checked too (httpx's
own `follow_redirects` would connect first). The body is streamed and cut at `max_bytes`, so a
huge or endless body costs at most that much memory; timeouts bound the connect, each read and
the whole fetch. Only HTML and feed types are accepted. Every failure is one FetchFailed with
a `cause` (scheme, blocked, dns, connect, timeout, status, type, size, redirects).

A fetch that answered with an ETag or a Last-Modified is cached (FetchCache, keyed by the
requested URL; service/store/fetches.py keeps it in Redis). The next fetch of the URL sends
If-None-Match / If-Modified-Since and, on 304 Not Modified, returns the cached body: a feed
polled every few minutes costs its server one small answer. Failures are never cached.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field, replace
from typing import Protocol

import httpx

from service.errors import FetchFailed
from service.ingest._guard import Resolver, checked_addresses, system_resolver

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchCache(Protocol):
    """Where revalidation entries live: bytes by URL (service/store/fetches.py: Redis)."""

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes) -> None: ...


@dataclass(slots=True)
class MemoryFetchCache:
    """A FetchCache in a dict, for one process (the CLI, tests)."""

    items: dict[str, bytes] = field(default_factory=dict)

    async def get(self, key: str) -> bytes | None:
        return self.items.get(key)

    async def set(self, key: str, value: bytes) -> None:
        self.items[key] = value


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page or feed. `revalidated`: the server said 304 and `body` is the cached
    copy (`status` is then the cached 200)."""

    url: str  # the final URL, after redirects
    status: int
    content_type: str  # the media type alone, lower case ("text/html")
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    revalidated: bool = False

    def encode(self) -> bytes:
        """The cache entry: a JSON line of the fields, then the body."""
        fields = {
            "url": self.url,
            "status": self.status,
            "content_type": self.content_type,
            "charset": self.charset,
            "etag": self.etag,
            "last_modified": self.last_modified,
        }
        return json.dumps(fields).encode() + b"\n" + self.body

    @classmethod
    def decode(cls, value: bytes) -> Fetched | None:
        """The cached fetch, or None for an entry this code cannot read."""
        head, _, body = value.partition(b"\n")
        try:
            return cls(**json.loads(head), body=body)
        except (ValueError, TypeError):
            return None


def _client() -> httpx.AsyncClient:
    # trust_env=False: an HTTP(S)_PROXY from the environment would resolve and connect
    # itself, past the guard's pinned address.
    return httpx.AsyncClient(follow_redirects=False, trust_env=False)


@dataclass(slots=True)
class Fetcher:
    """Fetches URLs for ingest. `client` and `resolver` are injectable (tests pass an
    httpx.MockTransport client and a stub resolver); `allow_hosts` are exempt from the
    address check (not from the scheme check)."""

    client: httpx.AsyncClient = field(default_factory=_client)
    resolver: Resolver = system_resolver
    allow_hosts: frozenset[str] = frozenset()
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    total_timeout_s: float = 30.0  # a server dripping a byte per read timeout stops here
    max_bytes: int = 5 * 2**20
    max_redirects: int = 5
    content_types: frozenset[str] = HTML_TYPES | FEED_TYPES
    cache: FetchCache | None = None
    user_agent: str = "grounded-briefings/0.1 (+ingest)"

    async def aclose(self) -> None:
        """Closes the client (also one that was passed in: the Fetcher is its user)."""
        await self.client.aclose()

    async def fetch(self, url: str) -> Fetched:
        """The body at `url` after at most `max_redirects` redirects. Raises FetchFailed."""
        try:
            async with asyncio.timeout(self.total_timeout_s):
                return await self._fetch(url)
        except TimeoutError:
            raise FetchFailed(
                url, "timeout", f"no complete answer within {self.total_timeout_s:g} s"
            ) from None

    async def _fetch(self, url: str) -> Fetched:
        cached = await self._cached(url)
        current = url
        for _ in range(self.max_redirects + 1):
            response = await self._send(current, cached)
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    current = str(httpx.URL(current).join(location))
                    continue
                if response.status_code == 304 and cached is not None:
                    return _revalidated(cached, response)
                fetched = await self._read(current, response)
            finally:
                await response.aclose()
            if self.cache is not None and (fetched.etag or fetched.last_modified):
                await self.cache.set(url, fetched.encode())
            return fetched
        raise FetchFailed(
            url, "redirects", f"more than {self.max_redirects} redirects (the last to {current})"
        )

    async def _cached(self, url: str) -> Fetched | None:
        if self.cache is None:
            return None
        value = await self.cache.get(url)
        return Fetched.decode(value) if value is not None else None

    async def _send(self, url: str, cached: Fetched | None) -> httpx.Response:
        """One hop: guard, then the request to each checked address in turn."""
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise FetchFailed(url, "scheme", f"not a URL: {exc}") from None
        addresses = await checked_addresses(target, self.resolver, self.allow_hosts)
        headers = {"User-Agent": self.user_agent, "Accept": ", ".join(sorted(self.content_types))}
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        timeout = httpx.Timeout(self.read_timeout_s, connect=self.connect_timeout_s)
        if addresses is None:  # an allowed host: connect as usual
            request = self.client.build_request("GET", target, headers=headers, timeout=timeout)
            return await self._stream(url, request)
        # Pinned: the checked address in the URL, the name in Host and SNI. Connection: close,
        # so no pooled TLS connection made for one name is reused for another on this IP.
        headers |= {"Host": target.netloc.decode("ascii"), "Connection": "close"}
        failure: FetchFailed | None = None
        for address in addresses:
            request = self.client.build_request(
                "GET",
                target.copy_with(host=address),
                headers=headers,
                timeout=timeout,
                extensions={"sni_hostname": target.host},
            )
            try:
                return await self._stream(url, request)
            except FetchFailed as exc:
                if exc.cause != "connect":
                    raise
                failure = exc
        assert failure is not None
        raise failure

    async def _stream(self, url: str, request: httpx.Request) -> httpx.Response:
        try:
            return await self.client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException as exc:
            raise FetchFailed(url, "timeout", f"timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise FetchFailed(url, "connect", f"could not connect: {exc!r}") from None

    async def _read(self, url: str, response: httpx.Response) -> Fetched:
        """The response's body, within the status, type and size limits."""
        if not 200 <= response.status_code < 300:
            raise FetchFailed(url, "status", f"answered {response.status_code}")
        media, _, params = response.headers.get("content-type", "").partition(";")
        media = media.strip().lower()
        if media not in self.content_types:
            raise FetchFailed(url, "type", f"content type {media or '(none)'!r} is not fetched")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchFailed(url, "size", f"{declared} bytes, over {self.max_bytes}")
        body = bytearray()
        try:
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise FetchFailed(url, "size", f"over {self.max_bytes} bytes")
        except httpx.TimeoutException:
            raise FetchFailed(url, "timeout", "the body stalled") from None
        except httpx.TransportError as exc:
            raise FetchFailed(url, "connect", f"the body was cut: {exc!r}") from None
        return Fetched(
            url=url,
            status=response.status_code,
            content_type=media,
            charset=_charset(params),
            body=bytes(body),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


def _revalidated(cached: Fetched, response: httpx.Response) -> Fetched:
    """The cached fetch, with any validators the 304 renewed."""
    return replace(
        cached,
        etag=response.headers.get("etag") or cached.etag,
        last_modified=response.headers.get("last-modified") or cached.last_modified,
        revalidated=True,
    )


async def fetch_body(fetcher: Fetcher | None, url: str, instead: str) -> bytes:
    """The body at `url`; without a fetcher (FETCH_URLS off), a 422 that says what to send
    `instead`."""
    if fetcher is None:
        raise FetchFailed(
            url,
            "disabled",
            f"this server does not fetch URLs (FETCH_URLS=1 turns it on); send {instead}",
        )
    return (await fetcher.fetch(url)).body
