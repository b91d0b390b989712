"""A job's record in Redis, under the cache prefix `P`; SAQ only carries (job id, index).

Every key of a job carries the hash tag `{J}`, so the scripts below touch one Redis Cluster slot.

    P:job:{J}          hash  total, created_at, started_at, finished_at, cancelled_at (epoch
                             ms), one count per item state (queued, running, done, …),
                             owner: the tenant (API client name) that submitted it, and for
                             a feed job its report (feed), the items whose page was not had
                             (unread), and each item's entry keys (claims, a JSON list)
    P:job:{J}:status     hash  index → the item's state
    P:job:{J}:attempts   hash  index → how many times a worker started it
    P:job:{J}:items      hash  index → {"briefing_id": …} or {"problem": …}, once finished
    P:job:{J}:requests   hash  index → the BriefingRequest JSON, until the item finishes

    P:jobs:unqueued    zset  job id → creation time (ms), while its articles are being put on
                             the queue: one left behind (the API died mid-way) is found and
                             enqueued by a worker's reconciler (service/jobs/service.py)
    P:jobs:open        zset  job id → creation time (ms), until a reconciler sees it finished:
                             the jobs whose running items it checks against the queue

All five expire `JOB_TTL_S` after the job's last change. An item's state only changes in a Lua
script (service/jobs/_scripts.py) that checks where it moves from: a finished or cancelled item
never moves again, so an article a second worker retries (at-least-once) is recorded once and
counted once, and a cancelled one is never started.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from service.jobs import _scripts
from service.store.feeds import SeenEntries

ANONYMOUS_OWNER = "anonymous"  # jobs submitted with auth off, or before jobs had owners
STATES = ("queued", "running", "done", "cached", "failed", "cancelled")
_FILL = 1_000  # hash fields per HSET when a job is created
# what a job's record answers with (`get`): every field of P:job:{J} but `claims`
_RECORD = (
    "total", "created_at", "started_at", "finished_at", "cancelled_at", *STATES, "owner",
    "feed", "unread",
)  # fmt: skip
_PAGE = 500  # items read per round trip when results are streamed


@dataclass(frozen=True, slots=True)
class ItemRecord:
    index: int
    status: str
    attempts: int
    briefing_id: str | None
    problem: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: str
    total: int
    counts: dict[str, int]
    created_at: int  # epoch ms
    started_at: int | None
    finished_at: int | None
    cancelled_at: int | None
    items: list[ItemRecord]  # the page asked for
    owner: str = ANONYMOUS_OWNER
    feed: bytes | None = None  # a feed job's FeedReport, as JSON
    unread: int = 0  # items that failed because their page could not be fetched or read

    @property
    def status(self) -> str:
        if self.cancelled_at is not None:
            return "cancelled"
        if self.finished_at is not None:
            return "done"
        return "running" if self.started_at is not None else "queued"


# a feed item failed: counted (ARGV[1] = 1: its page was not had) on the job's record only
# while it exists, a deleted job is not brought back; answers the owner and the entries' keys
_ENTRY_FAILED = """
if redis.call('hexists', KEYS[1], 'total') == 0 then return false end
if ARGV[1] == '1' then redis.call('hincrby', KEYS[1], 'unread', 1) end
return redis.call('hmget', KEYS[1], 'owner', 'claims')
"""


def _now_ms() -> int:
    return int(time.time() * 1000)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(slots=True)
class JobStore:
    redis: Redis
    prefix: str = "gb"
    ttl_s: int = 24 * 3600
    seen: SeenEntries | None = None  # the feed entries briefed per tenant (`unread`)

    def _keys(self, job_id: str) -> list[str]:
        base = f"{self.prefix}:job:{{{job_id}}}"  # one hash tag: a cluster keeps a job on one slot
        return [base, f"{base}:status", f"{base}:attempts", f"{base}:items", f"{base}:requests"]

    @property
    def _unqueued(self) -> str:
        return f"{self.prefix}:jobs:unqueued"

    @property
    def _open(self) -> str:
        return f"{self.prefix}:jobs:open"

    async def open_jobs(self) -> list[str]:
        """Jobs not yet seen finished by a reconciler (service/jobs/service.py, `recover`)."""
        return [_text(i) for i in await self.redis.zrange(self._open, 0, -1)]

    async def closed(self, job_id: str) -> None:
        """The job finished, expired or was deleted: no reconciler looks at it again."""
        await self.redis.zrem(self._open, job_id)

    async def unfinished(self, job_id: str) -> list[int]:
        """The indices of the job's items queued or running."""
        states = await self.redis.hgetall(self._keys(job_id)[1])  # type: ignore[misc]
        return sorted(int(i) for i, state in states.items() if state in (b"queued", b"running"))

    async def create(
        self,
        job_id: str,
        requests: Sequence[bytes],
        owner: str = ANONYMOUS_OWNER,
        feed: bytes | None = None,
        claims: Sequence[Sequence[str]] | None = None,
    ) -> None:
        """The record of a new job, every item queued, in one transaction; the job stays
        marked unqueued (`unqueued`) until `enqueued` says its articles are on the queue.

        The mark comes first, in its own command (it is on another cluster slot): a record
        never exists without it until its articles are queued."""
        job, status, _, _, stored = self._keys(job_id)
        await self.redis.zadd(self._unqueued, {job_id: _now_ms()})
        await self.redis.zadd(self._open, {job_id: _now_ms()})
        fields: dict[str, Any] = {
            "total": len(requests),
            "created_at": _now_ms(),
            "owner": owner,
        }
        fields |= {state: 0 for state in STATES} | {"queued": len(requests)}
        if feed is not None:
            fields["feed"] = feed
        if claims:
            fields["claims"] = json.dumps(claims, separators=(",", ":"))
        if not requests:  # a feed with nothing new: done as it is made
            fields["started_at"] = fields["finished_at"] = fields["created_at"]
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(job, mapping=fields)
            for start in range(0, len(requests), _FILL):
                chunk = range(start, min(start + _FILL, len(requests)))
                pipe.hset(status, mapping=dict.fromkeys(chunk, "queued"))
                pipe.hset(stored, mapping={i: requests[i] for i in chunk})
            for key in (job, status, stored):
                pipe.expire(key, self.ttl_s)
            await pipe.execute()

    async def enqueued(self, job_id: str) -> None:
        """Every article of the job is on the queue: the job is no longer the reconciler's."""
        await self.redis.zrem(self._unqueued, job_id)

    async def unqueued(self, older_than_ms: int) -> list[str]:
        """Jobs marked unqueued for longer than `older_than_ms`: their creator died mid-way."""
        ids = await self.redis.zrangebyscore(self._unqueued, "-inf", _now_ms() - older_than_ms)
        return [_text(i) for i in ids]

    async def queued(self, job_id: str) -> list[int]:
        """The indices of the job's items still queued (all of them for a new job)."""
        states = await self.redis.hgetall(self._keys(job_id)[1])  # type: ignore[misc]
        return sorted(int(i) for i, state in states.items() if state == b"queued")

    async def delete(self, job_id: str) -> bool:
        """The job's record is gone (False: there was none). A worker holding one of its
        articles finds nothing to start or to finish, so nothing brings the record back."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.exists(self._keys(job_id)[0])
            pipe.delete(*self._keys(job_id))
            existed, _ = await pipe.execute()
        await self.enqueued(job_id)
        return bool(existed)

    async def _move(
        self, job_id: str, index: int, to: str, sources: str, item: dict[str, Any] | None = None
    ) -> tuple[bool, bytes | None]:
        moved, _, request = await self.redis.eval(  # type: ignore[misc]
            _scripts.MOVE,
            5,
            *self._keys(job_id),
            index,
            to,
            sources,
            _now_ms(),
            self.ttl_s,
            json.dumps(item, separators=(",", ":")) if item else "",
        )
        return bool(moved), request

    async def start(self, job_id: str, index: int) -> bytes | None:
        """Queued (or running: a retry after a worker died) → running; the request to brief.

        None when there is nothing to do: the item finished, was cancelled, or the job expired.
        """
        moved, request = await self._move(job_id, index, "running", "queued,running")
        return request if moved else None

    async def release(self, job_id: str, index: int) -> bool:
        """Running → queued, uncounted: the worker running it is stopping (WORKER_GRACE_S
        ran out), and the article goes back on the queue for another one."""
        moved, _ = await self._move(job_id, index, "queued", "running")
        return moved

    async def finish(self, job_id: str, index: int, briefing_id: str, *, cached: bool) -> bool:
        """Running → done (or cached); False if it had already finished (a duplicate run)."""
        to = "cached" if cached else "done"
        moved, _ = await self._move(job_id, index, to, "running", {"briefing_id": briefing_id})
        return moved

    async def fail(self, job_id: str, index: int, problem: dict[str, Any]) -> bool:
        """Queued or running → failed, with the problem; False if it had already finished."""
        moved, _ = await self._move(job_id, index, "failed", "queued,running", {"problem": problem})
        return moved

    async def entry_failed(self, job_id: str, index: int, *, unread: bool) -> None:
        """A feed job's item failed: its entry was not briefed, so it is no longer seen and
        the next post of the feed tries it again; with `unread` (its page could not be
        fetched or read) the job's report counts it. Nothing for a job that is gone, or for
        an item of articles the client sent."""
        record = self._keys(job_id)[0]
        found = await self.redis.eval(_ENTRY_FAILED, 1, record, int(unread))  # type: ignore[misc]
        if not found or found[1] is None or self.seen is None:
            return
        claims = json.loads(found[1])
        if index < len(claims):
            await self.seen.release(_text(found[0] or ANONYMOUS_OWNER), claims[index])

    async def cancel(self, job_id: str) -> int | None:
        """Every queued item → cancelled; how many, or None for an unknown (or expired) job."""
        n = await self.redis.eval(_scripts.CANCEL, 5, *self._keys(job_id), _now_ms(), self.ttl_s)  # type: ignore[misc]
        return None if int(n) < 0 else int(n)

    async def get(self, job_id: str, offset: int = 0, limit: int = 100) -> JobRecord | None:
        """The job and its items [offset, offset + limit).

        Two reads: an item may finish between them, so a page can be a moment newer than the
        counts; every read is itself consistent (a script's changes land all at once)."""
        # the fields a job answers with, by name: not a feed's `claims` (tens of KB for a big
        # feed), read only when an item fails, on every poll
        values = await self.redis.hmget(self._keys(job_id)[0], list(_RECORD))  # type: ignore[misc]
        fields = {name: v for name, v in zip(_RECORD, values, strict=True) if v is not None}
        if "total" not in fields:
            return None
        owner = _text(fields.pop("owner", ANONYMOUS_OWNER))
        feed = fields.pop("feed", None)
        info = {k: int(v) for k, v in fields.items()}
        unread = info.pop("unread", 0)
        indices = list(range(offset, min(offset + limit, info["total"])))
        page = await self._items(job_id, indices) if indices else []
        return JobRecord(
            id=job_id,
            total=info["total"],
            counts={state: info.get(state, 0) for state in STATES},
            created_at=info["created_at"],
            started_at=info.get("started_at"),
            finished_at=info.get("finished_at"),
            cancelled_at=info.get("cancelled_at"),
            items=page,
            owner=owner,
            feed=feed,
            unread=unread,
        )

    async def owner(self, job_id: str) -> str | None:
        """The tenant that submitted the job; None for an unknown (or expired) job."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.exists(self._keys(job_id)[0])
            pipe.hget(self._keys(job_id)[0], "owner")
            exists, owner = await pipe.execute()
        return None if not exists else _text(owner or ANONYMOUS_OWNER)

    async def _items(self, job_id: str, indices: list[int]) -> list[ItemRecord]:
        _, status, attempts, items, _ = self._keys(job_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hmget(status, indices)
            pipe.hmget(attempts, indices)
            pipe.hmget(items, indices)
            states, tries, finished = await pipe.execute()
        records = []
        for index, state, tried, result in zip(indices, states, tries, finished, strict=True):
            detail = json.loads(result) if result else {}
            records.append(
                ItemRecord(
                    index=index,
                    status=_text(state) if state else "queued",
                    attempts=int(tried or 0),
                    briefing_id=detail.get("briefing_id"),
                    problem=detail.get("problem"),
                )
            )
        return records

    async def briefing_ids(self, job_id: str, total: int) -> AsyncIterator[list[str]]:
        """The briefing ids of the finished (done or cached) items, in article order, a page
        at a time; items that have not finished, failed, or were cancelled are skipped."""
        async for page in self.finished(job_id, total):
            yield [briefing_id for _, briefing_id in page]

    async def finished(self, job_id: str, total: int) -> AsyncIterator[list[tuple[int, str]]]:
        """`briefing_ids` with each item's index: (index, briefing id)."""
        for start in range(0, total, _PAGE):
            page = await self._items(job_id, list(range(start, min(start + _PAGE, total))))
            yield [(r.index, r.briefing_id) for r in page if r.briefing_id is not None]
