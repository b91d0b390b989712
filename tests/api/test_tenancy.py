"""Who may do what (issue 23, items 4, 5, 7, 8, 9): tenants own their jobs, AUTH=keys stays
on with no key (AUTH=auto too once armed: test_auth_armed.py), /metrics has its own door,
failed key checks are limited per address, and X-Forwarded-For counts only from
TRUSTED_PROXIES. Real Redis, scripted LLM."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from service.settings import Settings
from service.store.apikeys import add_key, remove_keys
from service.store.client import connect
from tests.support.drafts import EMPTY_DRAFT, good_draft
from tests.support.jobs import finished, in_process_worker
from tests.support.live import ClientFactory, serve
from tests.support.scripted_llm import Reply, ScriptedLLM

ALICE, BOB, OPS = "alice-secret-0123456789", "bob-secret-9876543210", "ops-secret-5555555555"
KEYS = (f"alice:{ALICE}", f"bob:{BOB}", f"ops:{OPS}")
UNKNOWN = "/v1/briefings/" + "0" * 64
JOB = {"articles": [{"article": {"text": "The mayor opened the new bridge on Monday."}}]}


def key(value: str) -> dict[str, str]:
    return {"X-API-Key": value}


async def test_auth_keys_stays_on_when_the_last_key_is_removed(
    make_client: ClientFactory, settings: Settings, redis_client: redis.Redis
) -> None:
    """AUTH=keys: no key anywhere is a 401 for everyone, not an open API. AUTH=auto (the
    default) stays on too once a key was configured: tests/api/test_auth_armed.py."""
    store = connect(settings.redis_url)
    frank = await add_key(store, "gb", "frank")
    async with make_client(auth="keys") as client:
        assert (await client.get(UNKNOWN, headers=key(frank))).status_code == 404
        assert await remove_keys(store, "gb", "frank") == 1
        for headers in ({}, key(frank), key("made-up")):
            refused = await client.get(UNKNOWN, headers=headers)
            assert refused.status_code == 401, refused.text
            assert refused.json()["type"] == "/problems/unauthorized"
        assert (await client.get("/health")).status_code == 200  # public paths stay public
    await store.aclose()


async def test_a_job_belongs_to_its_tenant_and_the_admin_scope_sees_all(
    make_client: ClientFactory, llm: ScriptedLLM
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    async with make_client(api_keys=KEYS, admin_clients=("ops",)) as client:
        made = await client.post("/v1/jobs", json=JOB, headers=key(ALICE))
        assert made.status_code == 202, made.text
        job = f"/v1/jobs/{made.json()['id']}"
        reads = (job, f"{job}/results", f"{job}/events", f"{job}/events.csv")
        for path in reads:
            assert (await client.get(path, headers=key(BOB))).status_code == 404, path
            assert (await client.get(path, headers=key(ALICE))).status_code == 200, path
            assert (await client.get(path, headers=key(OPS))).status_code == 200, path
        page = f"/jobs/{made.json()['id']}"
        assert (await client.get(page, headers=key(BOB))).status_code == 404
        assert (await client.get(page, headers=key(ALICE))).status_code == 200
        bob_cancels = await client.post(f"{job}/cancel", headers=key(BOB))
        assert bob_cancels.status_code == 404
        assert bob_cancels.json()["detail"] == f"no job {made.json()['id']}"  # as if none
        assert (await client.delete(job, headers=key(BOB))).status_code == 404
        assert (await client.get(job, headers=key(ALICE))).json()["status"] != "cancelled"
        assert (await client.post(f"{job}/cancel", headers=key(ALICE))).status_code == 200
        assert (await client.delete(job, headers=key(OPS))).status_code == 204
        assert (await client.get(job, headers=key(ALICE))).status_code == 404


async def test_metrics_needs_its_token_or_the_admin_scope(
    make_client: ClientFactory, redis_client: redis.Redis
) -> None:
    async with make_client(api_keys=KEYS, admin_clients=("ops",)) as client:
        assert (await client.get("/metrics")).status_code == 401
        tenant = await client.get("/metrics", headers=key(ALICE))
        assert (tenant.status_code, tenant.json()["type"]) == (403, "/problems/forbidden")
        admin = await client.get("/metrics", headers=key(OPS))
        assert admin.status_code == 200 and "briefings_" in admin.text
    async with make_client(api_keys=KEYS, metrics_token="scrape-token-1234") as client:
        bearer = {"Authorization": "Bearer scrape-token-1234"}
        assert (await client.get("/metrics", headers=bearer)).status_code == 200
        assert (await client.get("/metrics", headers=key(ALICE))).status_code == 401
        assert (await client.get("/metrics")).status_code == 401
        assert (await client.get(UNKNOWN, headers=bearer)).status_code == 401  # metrics only
    redis_client.flushdb()  # API_KEYS above armed auth in Redis: start afresh
    async with make_client() as client:  # no keys ever (a laptop): open, as before
        assert (await client.get("/metrics")).status_code == 200


async def test_failed_key_checks_are_limited_per_address(
    make_client: ClientFactory, redis_client: redis.Redis
) -> None:
    async with make_client(api_keys=KEYS, auth_failure_limit="5/minute") as client:
        wrong = [await client.get(UNKNOWN, headers=key(f"guess-{i}")) for i in range(5)]
        assert [r.status_code for r in wrong] == [401] * 5
        blocked = await client.get(UNKNOWN, headers=key("guess-6"))
        assert blocked.status_code == 429
        assert blocked.json()["type"] == "/problems/rate-limited"
        assert "AUTH_FAILURE_LIMIT" in blocked.json()["detail"]
        assert 1 <= int(blocked.headers["retry-after"]) <= 60
        # while blocked, the right key teaches nothing either
        assert (await client.get(UNKNOWN, headers=key(ALICE))).status_code == 429
        redis_client.delete("gb:authfail:testclient")  # the window over
        assert (await client.get(UNKNOWN, headers=key(ALICE))).status_code == 404


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return settings.replace(rate_limit="2/minute")


def statuses(base_url: str, forwarded: list[str]) -> list[int]:
    with httpx.Client(base_url=base_url) as http:
        return [
            http.get(UNKNOWN, headers={"X-Forwarded-For": address}).status_code
            for address in forwarded
        ]


@pytest.fixture
def untrusting(limited: Settings) -> Iterator[str]:
    with serve(limited) as base_url:
        yield base_url


@pytest.fixture
def trusting(limited: Settings) -> Iterator[str]:
    with serve(limited.replace(trusted_proxies=("127.0.0.0/8",))) as base_url:
        yield base_url


def test_x_forwarded_for_is_ignored_from_an_untrusted_peer(
    untrusting: str, redis_client: redis.Redis
) -> None:
    """Anonymous callers are limited by address: a new X-Forwarded-For each time does not
    buy a new budget (uvicorn's default believed any local peer)."""
    assert statuses(untrusting, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) == [404, 404, 429]


def test_x_forwarded_for_counts_from_a_trusted_proxy(
    trusting: str, redis_client: redis.Redis
) -> None:
    forwarded = ["203.0.113.1", "203.0.113.2", "203.0.113.1", "203.0.113.1"]
    assert statuses(trusting, forwarded) == [404, 404, 404, 429]
    assert redis_client.exists("gb:ratelimit:ip:203.0.113.1")


async def test_a_tenant_cannot_learn_that_another_sent_an_article(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    """One LLM call for both tenants (the shared cache), but Bob's first answer is a miss
    with his own `computed_at`, exactly as if he were first; only his own repeats are hits.
    Alice's briefing, and the article it shows, are a 404 to Bob by id until he has had it."""
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client(api_keys=KEYS, admin_clients=("ops",)) as client:
        alice = await client.post("/v1/briefings", json=seed, headers=key(ALICE))
        assert (alice.status_code, alice.headers["x-cache"]) == (200, "miss")
        briefing_id = alice.json()["id"]
        by_id = f"/v1/briefings/{briefing_id}"
        for path in (
            by_id,
            f"{by_id}/events.csv",
            f"{by_id}/events.jsonl",
            f"{by_id}/quotes.csv",
            f"{by_id}/quotes.jsonl",
            f"/briefings/{briefing_id}",
        ):
            assert (await client.get(path, headers=key(BOB))).status_code == 404, path
            assert (await client.get(path, headers=key(ALICE))).status_code == 200, path
            assert (await client.get(path, headers=key(OPS))).status_code == 200, path
        bob = await client.post("/v1/briefings", json=seed, headers=key(BOB))
        assert (bob.status_code, bob.headers["x-cache"]) == (200, "miss")
        assert bob.json()["id"] == briefing_id
        assert bob.json()["meta"]["cached"] is False
        assert bob.json()["meta"]["computed_at"] > alice.json()["meta"]["computed_at"]
        again = await client.post("/v1/briefings", json=seed, headers=key(BOB))
        assert (again.headers["x-cache"], again.json()["meta"]["cached"]) == ("hit", True)
        assert again.json()["meta"]["computed_at"] == bob.json()["meta"]["computed_at"]
        mine = (await client.get(by_id, headers=key(BOB))).json()
        assert mine["meta"]["computed_at"] == bob.json()["meta"]["computed_at"]
        assert {k: v for k, v in mine.items() if k != "meta"} == {
            k: v for k, v in alice.json().items() if k != "meta"
        }
        streamed = await client.post("/v1/briefings/stream", json=seed, headers=key(OPS))
        assert streamed.headers["x-cache"] == "miss"  # the admin's first time too
        assert '"cached":false' in streamed.text
    assert llm.calls == 1


async def test_a_job_item_is_cached_only_if_its_tenant_had_the_article(
    make_client: ClientFactory, llm: ScriptedLLM, settings: Settings
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    async with make_client(api_keys=KEYS) as client:
        first = await client.post("/v1/briefings", json=JOB["articles"][0], headers=key(ALICE))
        assert first.status_code == 200
        async with in_process_worker(settings.replace(api_keys=KEYS)):
            ids = {}
            for name, secret in (("bob", BOB), ("alice", ALICE)):
                made = await client.post("/v1/jobs", json=JOB, headers=key(secret))
                ids[name] = made.json()["id"]
                job = await finished(AsHttp(client, secret), ids[name])
                assert job["counts"]["failed"] == 0, job
            bob_job = await client.get(f"/v1/jobs/{ids['bob']}", headers=key(BOB))
            alice_job = await client.get(f"/v1/jobs/{ids['alice']}", headers=key(ALICE))
        assert bob_job.json()["items"][0]["status"] == "done"  # not "cached": Alice's
        assert alice_job.json()["items"][0]["status"] == "cached"  # her own, from before
        lines = (await client.get(f"/v1/jobs/{ids['bob']}/results", headers=key(BOB))).text
        assert '"cached":true' in lines and first.json()["meta"]["computed_at"] not in lines
        briefing = bob_job.json()["items"][0]["briefing_id"]
        assert (await client.get(f"/v1/briefings/{briefing}", headers=key(BOB))).status_code == 200
    assert llm.calls == 1


class AsHttp:
    """The test client, always with one tenant's key (what `finished` polls with)."""

    def __init__(self, client: Any, secret: str) -> None:
        self.client, self.secret = client, secret

    async def get(self, url: str, **kwargs: Any) -> Any:
        return await self.client.get(url, headers=key(self.secret), **kwargs)
