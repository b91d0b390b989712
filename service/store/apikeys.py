"""Optional API keys: from the environment and/or kept (hashed) in Redis.

Keys come from `API_KEYS` (comma-separated; an entry `name:key` names its client, a bare `key`
is named `key-<first 8 hex of its sha256>`) and from the Redis hash `{CACHE_PREFIX}:apikeys`,
which maps the sha256 hex of each key to its client's name; raw keys are never stored
(`python -m service apikey add|remove|list|arm|disarm` manages it). With no key in either
place and none ever configured, auth is off and every route is open (a laptop). Clients send
`X-API-Key: <key>` or `Authorization: Bearer <key>`.

Removing the last key never opens the API. `AUTH=keys` keeps auth on with zero keys; so does
the default `AUTH=auto` once a key has been configured: `apikey add`, and `API_KEYS` at
start-up, arm it (the hash's `armed` field, `1`; a key's field is 64 hex, so never that),
and every request outside the public paths is then a 401 until the operator runs `apikey
disarm` (`armed` = `0`). A server remembers having seen auth armed (or any key): should the
mark vanish (Redis lost its data), it stays on; only `0`, the operator's word, turns it off.

Only names and key ids (the first 8 hex of a key's sha256) are logged or exported as metrics;
a presented key is hashed at once and never echoed. Env keys are compared as sha256 digests
with `hmac.compare_digest`, every one of them on every request, so timing tells neither
whether nor which one matched. Redis keys are found by digest (a hash lookup): its timing can
at most reveal digest bits, which give nothing towards a key.

Redis down: keys held in Redis cannot be checked, so they are refused (fail closed) while env
keys keep working. Whether auth is on at all then depends on what Redis last said: if it last
held keys or was armed (or this server has seen it armed), or has not answered since
start-up, requests without an env key get a 401; only if it was last seen empty and never
armed (and `API_KEYS` is unset) does the API stay open. Whether Redis holds any key is re-read
at most once a second, so adding the first key takes up to a second to close an open API;
checking a presented key is never cached, so revoking is immediate.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from redis.asyncio import Redis

from service.errors import BriefingError
from service.settings import Settings
from service.store.client import REDIS_ERRORS, Outage, connect

log = logging.getLogger(__name__)

API_KEY_HEADER = "x-api-key"
HAS_KEYS_TTL_S = 1.0
ARMED_FIELD = "armed"  # in the keys' hash: one key to read, and one slot on a cluster
ARMED, DISARMED = "1", "0"
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_MISSING = "a valid API key is required in the X-API-Key header"
_INVALID = "the API key is not valid"
_UNCHECKABLE = "the API key could not be verified right now; try again shortly"


class Unauthorized(BriefingError):
    status_code = 401
    title = "Unauthorized"
    problem_type = "/problems/unauthorized"

    def __init__(self, detail: str, *, invalid: bool = False) -> None:
        challenge = 'Bearer realm="api"' + (', error="invalid_token"' if invalid else "")
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def key_id(key_digest: bytes) -> str:
    """What logs and lists show for a key: enough to tell keys apart, useless to an attacker."""
    return key_digest.hex()[:8]


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"a key name is 1-64 of A-Z a-z 0-9 . _ -, not {name!r}")
    return name


def parse_env_keys(entries: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    """`(name, sha256)` for each `key` or `name:key` entry (split at the first colon)."""
    parsed = []
    for entry in entries:
        name, sep, key = entry.partition(":")
        if not sep:
            name, key = "", entry
        if not key:
            raise ValueError("API_KEYS has an entry with an empty key")
        key_digest = digest(key)
        parsed.append((check_name(name) if name else f"key-{key_id(key_digest)}", key_digest))
    return tuple(parsed)


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key from `X-API-Key`, else from `Authorization: Bearer`; None when neither."""
    if key := headers.get(API_KEY_HEADER, "").strip():
        return key
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    key_digest: bytes

    @property
    def bucket(self) -> str:
        """The client's rate-limit identity: the key's digest, never the key."""
        return f"key:{self.key_digest.hex()}"


@dataclass(slots=True)
class KeyStore:
    redis: Redis
    prefix: str
    env: tuple[tuple[str, bytes], ...] = ()
    outage: Outage = field(
        default_factory=lambda: Outage(log, "refusing API keys kept in Redis (env keys work)")
    )
    required: bool = False  # AUTH=keys: on with zero keys too
    redis_has_keys: bool | None = None  # None: Redis has not answered since start-up
    armed: bool = False  # AUTH=auto, once a key was configured: on with zero keys too
    _checked_at: float = float("-inf")

    @property
    def hash_key(self) -> str:
        return f"{self.prefix}:apikeys"

    async def authenticate(self, key: str | None) -> Client | None:
        """The caller, or None when auth is off; raises Unauthorized (401) otherwise."""
        key_digest = digest(key) if key else None
        if key_digest is not None and (name := self._env_match(key_digest)):
            return Client(name, key_digest)
        if key_digest is None and self.env:
            raise Unauthorized(_MISSING)
        try:
            name = await self._redis_lookup(key_digest)
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            if self.redis_has_keys is False and self._off_without_keys():
                return None
            raise Unauthorized(_UNCHECKABLE) from None
        if name is not None and key_digest is not None:
            return Client(name, key_digest)
        if not self.redis_has_keys and self._off_without_keys():
            return None
        if key_digest is not None:
            log.info("api key rejected", extra={"key_id": key_id(key_digest)})
        raise Unauthorized(_INVALID if key_digest else _MISSING, invalid=bool(key_digest))

    def _off_without_keys(self) -> bool:
        """Whether no key (in Redis) means no auth: AUTH=auto, no API_KEYS, never armed."""
        return not (self.env or self.required or self.armed)

    def _env_match(self, key_digest: bytes) -> str | None:
        matches = [name for name, d in self.env if hmac.compare_digest(d, key_digest)]
        return matches[0] if matches else None

    async def _redis_lookup(self, key_digest: bytes | None) -> str | None:
        """The name Redis holds for this digest; refreshes what Redis says on the way (keys,
        and the mark): one round trip, and none at all for a keyless request within
        HAS_KEYS_TTL_S of the last."""
        if key_digest is None and time.monotonic() - self._checked_at < HAS_KEYS_TTL_S:
            return None
        fields = [ARMED_FIELD] if key_digest is None else [ARMED_FIELD, key_digest.hex()]
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hlen(self.hash_key)
            pipe.hmget(self.hash_key, fields)
            count, (mark, *name) = await pipe.execute()
        self._saw(count - (mark is not None), None if mark is None else _text(mark))
        return _text(name[0]) if name and name[0] is not None else None

    def _saw(self, count: int, mark: str | None) -> None:
        self.outage.up()
        self.redis_has_keys = count > 0
        if mark == DISARMED:
            self.armed = False  # the operator's `apikey disarm`: the only way back to open
        elif mark == ARMED or count > 0:
            self.armed = True
        # no mark and no key: as before; a Redis that lost its data opens nothing here
        self._checked_at = time.monotonic()

    async def remember_configured(self) -> None:
        """At start-up, arm auth in Redis if a key is configured: `API_KEYS` (so a later
        start without it does not open the API), or keys in Redis without the mark (kept
        from before the mark existed). Best effort: with Redis down the server still starts,
        and it is closed anyway while it has env keys or has not seen Redis."""
        try:
            if self.env:
                await self.redis.hset(self.hash_key, ARMED_FIELD, ARMED)  # type: ignore[misc]
            elif await self.redis.hlen(self.hash_key):  # type: ignore[misc]
                await self.redis.hsetnx(self.hash_key, ARMED_FIELD, ARMED)  # type: ignore[misc]
        except REDIS_ERRORS as exc:
            log.warning("could not record that API keys are configured: %s", exc)


# Managing the keys kept in Redis (the `apikey` CLI command).


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _is_key_field(field: bytes | str) -> bool:
    """A key's digest, not the `armed` mark."""
    return _text(field) != ARMED_FIELD


async def add_key(redis: Redis, prefix: str, name: str, key: str | None = None) -> str:
    """Store a key's digest under `name`, and arm auth (one HSET: both or neither); returns
    the key (a new random one unless given)."""
    key = key or secrets.token_urlsafe(32)
    mapping = {digest(key).hex(): check_name(name), ARMED_FIELD: ARMED}
    await redis.hset(f"{prefix}:apikeys", mapping=mapping)  # type: ignore[misc]
    return key


async def list_keys(redis: Redis, prefix: str) -> list[tuple[str, str]]:
    """`(name, key id)` pairs, sorted."""
    held = await redis.hgetall(f"{prefix}:apikeys")  # type: ignore[misc]
    return sorted((_text(v), _text(k)[:8]) for k, v in held.items() if _is_key_field(k))


async def remove_keys(redis: Redis, prefix: str, name_or_id: str) -> int:
    """Remove every key with this name, or whose sha256 hex starts with this id (8+ hex).
    Arms auth first if the mark is missing (keys added before it existed): removing a key
    never turns auth off."""
    held = await redis.hgetall(f"{prefix}:apikeys")  # type: ignore[misc]
    is_id = re.fullmatch(r"[0-9a-f]{8,64}", name_or_id) is not None
    doomed = [
        k
        for k, v in held.items()
        if _is_key_field(k)
        and (_text(v) == name_or_id or (is_id and _text(k).startswith(name_or_id)))
    ]
    if not doomed:
        return 0
    await redis.hsetnx(f"{prefix}:apikeys", ARMED_FIELD, ARMED)  # type: ignore[misc]
    return int(await redis.hdel(f"{prefix}:apikeys", *doomed))  # type: ignore[misc]


async def set_armed(redis: Redis, prefix: str, armed: bool) -> int:
    """Arm or disarm auth with zero keys (AUTH=auto); how many keys Redis holds."""
    await redis.hset(f"{prefix}:apikeys", ARMED_FIELD, ARMED if armed else DISARMED)  # type: ignore[misc]
    return len(await list_keys(redis, prefix))


def _zero_keys_means(settings: Settings, armed: bool) -> str:
    if settings.auth == "keys" or armed:
        return "every request outside PUBLIC_PATHS is a 401"
    return "auth is off"


async def apikey_command(settings: Settings, action: str, name: str | None, key: str | None) -> int:
    """`python -m service apikey add NAME [--key KEY] | remove NAME|ID | list | arm | disarm`."""
    if action in ("add", "remove") and not name:
        print(f"apikey {action} needs a NAME", file=sys.stderr)
        return 2
    redis = connect(settings.redis_url, cluster=settings.redis_cluster)
    prefix = settings.cache_prefix
    try:
        if action == "add":
            new = await add_key(redis, prefix, str(name), key)
            print(f"{name} {key_id(digest(new))} {new}")
            print(
                "(name, key id, key: the key is shown once; Redis keeps its sha256)",
                file=sys.stderr,
            )
        elif action == "remove":
            removed = await remove_keys(redis, prefix, str(name))
            print(f"removed {removed} key(s)")
            if removed and not await list_keys(redis, prefix):
                left = _zero_keys_means(settings, armed=True)
                print(
                    f"no keys left in Redis: unless API_KEYS is set, {left} "
                    f"(AUTH={settings.auth}; `apikey disarm` turns auth off with no key)",
                    file=sys.stderr,
                )
            return 0 if removed else 1
        elif action in ("arm", "disarm"):
            held = await set_armed(redis, prefix, action == "arm")
            left = _zero_keys_means(settings, armed=action == "arm")
            print(f"{action}ed: with no key (and no API_KEYS), {left} (AUTH={settings.auth})")
            if held:
                print(f"{held} key(s) in Redis: auth is on while any is", file=sys.stderr)
        else:
            for held_name, held_id in await list_keys(redis, prefix):
                print(f"{held_name} {held_id}")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        await redis.aclose()
    return 0
