"""Browser sessions for the pages: a browser cannot send `X-API-Key`, so a person signs in
once with a key (the form at /login) and gets a cookie instead.

The cookie holds a random token; Redis holds only its sha256 → the client's name, for
`SESSION_TTL_S`. The key itself is never stored, logged or put in a URL: it travels once,
in the form's POST body. A session authorises only GET and HEAD (pages, and the JSON and
exports they link to), never a request that changes anything, and the cookie is HttpOnly
and SameSite=Strict: another site can neither read it nor make the browser send it, so
there is nothing for a cross-site request to forge.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, field

from redis.asyncio import Redis

from service.store.client import REDIS_ERRORS, Outage

log = logging.getLogger(__name__)

COOKIE = "gb_session"
SESSION_METHODS = ("GET", "HEAD")  # what a session may do: read, never change


def session_token(cookie_header: str) -> str | None:
    """The session token from a `Cookie` header, if it holds one."""
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            return value
    return None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(slots=True)
class Sessions:
    redis: Redis
    prefix: str
    ttl_s: int
    outage: Outage = field(default_factory=lambda: Outage(log, "refusing page sessions"))

    def _key(self, token: str) -> str:
        return f"{self.prefix}:session:{_digest(token)}"

    async def open(self, client: str) -> str:
        """A new session for the client; its token (raises when Redis is away)."""
        token = secrets.token_urlsafe(32)
        await self.redis.set(self._key(token), client, ex=self.ttl_s)
        return token

    async def client(self, token: str) -> str | None:
        """The client a session token stands for; None: unknown, expired, or Redis away."""
        try:
            name = await self.redis.get(self._key(token))
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            return None
        self.outage.up()
        return None if name is None else name.decode() if isinstance(name, bytes) else str(name)

    async def close(self, token: str) -> None:
        try:
            await self.redis.delete(self._key(token))
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
