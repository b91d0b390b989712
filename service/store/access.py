"""Who may call: an API key when any is configured, and the caller's rate limit.

The web edge asks (service/web/gate.py); this decides, on the cache's Redis client. See
service/store/apikeys.py and service/store/ratelimit.py for what happens when Redis is down.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from redis.asyncio import Redis

from service.errors import BriefingError
from service.metrics import API_REQUESTS
from service.settings import Settings
from service.store._failures import AuthFailures
from service.store.apikeys import (
    Client,
    KeyStore,
    Unauthorized,
    digest,
    parse_env_keys,
    presented_key,
)
from service.store.ratelimit import Decision, Rate, RateLimiter
from service.store.sessions import SESSION_METHODS, Sessions, session_token

log = logging.getLogger(__name__)

LIMITED_PREFIX = "/v1/"
METRICS_PATH = "/metrics"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: the tenant (the client's name; every caller is `anonymous` while auth
    is off) and whether it has the admin scope (ADMIN_CLIENTS)."""

    tenant: str
    admin: bool = False


ANONYMOUS = Caller("anonymous")


class Forbidden(BriefingError):
    status_code = 403
    title = "Forbidden"
    problem_type = "/problems/forbidden"


@dataclass(slots=True)
class Gate:
    keys: KeyStore
    limiter: RateLimiter | None
    public_paths: tuple[str, ...]
    failures: AuthFailures | None = None
    admins: frozenset[str] = frozenset()
    metrics_token: bytes | None = None  # its sha256
    sessions: Sessions | None = None  # page sign-ins (service/store/sessions.py)

    def is_public(self, path: str) -> bool:
        """Prefix match on whole segments: `/health` covers `/health/x`, not `/healthz`."""
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.public_paths)

    async def admit(
        self, path: str, headers: Mapping[str, str], address: str, method: str = "GET"
    ) -> tuple[Caller, Decision | None]:
        """Raises Unauthorized (401), RateLimited (429: too many failed key checks from the
        address) or Forbidden (403); for `/v1/` paths under a limit, the limiter's decision."""
        if path == METRICS_PATH and self.metrics_token is not None:
            return self._metrics_scraper(headers), None
        if self.failures is not None:
            await self.failures.check(address)
        try:
            client = await self._identify(headers, method)
        except Unauthorized:
            if self.failures is not None:
                await self.failures.failed(address)
            raise
        caller = Caller(client.name, client.name in self.admins) if client else ANONYMOUS
        if path == METRICS_PATH and client is not None and not caller.admin:
            raise Forbidden("/metrics needs an admin client's key (ADMIN_CLIENTS) or METRICS_TOKEN")
        if not path.startswith(LIMITED_PREFIX):
            return caller, None
        name = client.name if client else "anonymous"
        decision = None
        if self.limiter is not None:
            decision = await self.limiter.hit(client.bucket if client else f"ip:{address}")
        refused = decision is not None and not decision.allowed
        API_REQUESTS.labels(name, "limited" if refused else "admitted").inc()
        if refused:
            log.info("rate limited", extra={"client": name})
        return caller, decision

    async def _identify(self, headers: Mapping[str, str], method: str) -> Client | None:
        """The client by its key; for a GET or HEAD without one, by a page session's
        cookie (service/store/sessions.py); None while auth is off. Raises Unauthorized."""
        key = presented_key(headers)
        if key is None and method in SESSION_METHODS and self.sessions is not None:
            token = session_token(headers.get("cookie", ""))
            name = await self.sessions.client(token) if token else None
            if name is not None:
                return Client(name, digest(f"session-of:{name}"))
        return await self.keys.authenticate(key)

    def _metrics_scraper(self, headers: Mapping[str, str]) -> Caller:
        token = presented_key(headers)
        if token is None or self.metrics_token is None:
            raise Unauthorized("/metrics needs METRICS_TOKEN as a bearer token")
        if not hmac.compare_digest(digest(token), self.metrics_token):
            raise Unauthorized("the metrics token is not valid", invalid=True)
        return Caller("metrics")


def open_gate(settings: Settings, redis: Redis) -> Gate:
    """Raises ValueError on a malformed API_KEYS, RATE_LIMIT or AUTH_FAILURE_LIMIT, so a bad
    config fails start-up."""
    rate, prefix = Rate.parse(settings.rate_limit), settings.cache_prefix
    failures = Rate.parse(settings.auth_failure_limit, "AUTH_FAILURE_LIMIT")
    env_keys = parse_env_keys(tuple(key.get_secret_value() for key in settings.api_keys))
    token = settings.metrics_token
    return Gate(
        keys=KeyStore(redis=redis, prefix=prefix, env=env_keys, required=settings.auth == "keys"),
        limiter=RateLimiter(redis=redis, rate=rate, prefix=prefix) if rate else None,
        public_paths=settings.public_paths,
        failures=AuthFailures(redis=redis, rate=failures, prefix=prefix) if failures else None,
        admins=frozenset(settings.admin_clients),
        metrics_token=digest(token.get_secret_value()) if token else None,
        sessions=Sessions(redis=redis, prefix=prefix, ttl_s=settings.session_ttl_s),
    )
