"""Batch jobs through the API, with a SAQ worker in the test's loop: real Redis, real SAQ,
the real openai client against the scripted LLM. Processes and killed workers: test_jobs_workers.py.
"""

from __future__ import annotations

import json
from typing import Any

import redis

from schemas import Job
from schemas.merged import JobEvents
from service.jobs.queue import TASK, article_job, article_key, open_queue
from service.settings import Settings
from service.web.app import COMMITTED
from tests.support.drafts import EMPTY_DRAFT, good_draft
from tests.support.jobs import article, finished, in_process_worker
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM
from tests.support.sse import eventually

FAIL = "FAIL-ME"  # the scripted LLM answers 500 to an article containing this
SEED_MARKER = "Some 20,000 households were affected"
BRIDGE = article("Officials said on Monday that the bridge reopened.")


def answers(delay_s: float = 0.3) -> Any:
    def reply(request: dict[str, Any]) -> Reply:
        text = json.dumps(request, ensure_ascii=False)
        if FAIL in text:
            return Reply(status=500)
        draft = good_draft() if SEED_MARKER in text else EMPTY_DRAFT
        return Reply(arguments=draft, delay_s=delay_s)

    return reply


def counts(**nonzero: int) -> dict[str, int]:
    zero = dict.fromkeys(("queued", "running", "done", "cached", "failed", "cancelled"), 0)
    return zero | nonzero


async def test_a_job_briefs_each_article_once_and_records_what_failed(
    client: Any, settings: Settings, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(answers())
    assert (await client.post("/v1/briefings", json=seed)).status_code == 200  # now cached
    llm.reset(answers())
    articles = [
        seed,  # cached: no LLM call
        BRIDGE,
        article(f"{FAIL}: the storm cut power to 20,000 homes."),  # the LLM fails on it
        BRIDGE,  # the same article again: shares the LLM call of index 1
        article("The council approved the budget on Tuesday.", max_events=3),
    ]
    submitted = await client.post("/v1/jobs", json={"articles": articles})
    assert submitted.status_code == 202, submitted.text
    job = Job.model_validate(submitted.json())
    assert submitted.headers["location"] == f"/v1/jobs/{job.id}" == job.links.self
    assert (job.status, job.total, job.started_at, job.finished_at) == ("queued", 5, None, None)
    assert job.counts.model_dump() == counts(queued=5)
    assert [(i.index, i.status, i.attempts) for i in job.items] == [
        (i, "queued", 0) for i in range(5)
    ]

    async with in_process_worker(settings, concurrency=4):
        done = Job.model_validate(await finished(client, job.id))

    assert done.status == "done"
    assert done.counts.model_dump() == counts(done=3, cached=1, failed=1)
    assert [i.status for i in done.items] == ["cached", "done", "failed", "done", "done"]
    assert [i.attempts for i in done.items] == [1] * 5
    assert llm.calls == 3  # the bridge once for both, the failure, the council
    assert done.started_at and done.finished_at and done.created_at <= done.started_at
    assert done.started_at <= done.finished_at
    failed = done.items[2]
    assert failed.briefing_id is None and failed.briefing_url is None
    assert failed.problem is not None
    assert (failed.problem.status, failed.problem.type) == (503, "/problems/llm-unavailable")
    assert failed.problem.title == "LLM backend unavailable" and failed.problem.detail
    assert done.items[1].briefing_id == done.items[3].briefing_id

    results = await client.get(f"/v1/jobs/{job.id}/results")
    assert results.status_code == 200
    assert results.headers["content-type"].startswith("application/x-ndjson")
    lines = results.content.split(b"\n")
    assert lines[-1] == b"" and len(lines) == 5  # four results, each ending in a newline
    for line, index in zip(lines[:-1], (0, 1, 3, 4), strict=True):
        answer = await client.post("/v1/briefings", json=articles[index])
        assert answer.headers["x-cache"] == "hit"
        assert line == answer.content  # byte for byte what POST /v1/briefings answers
        item = done.items[index]
        assert json.loads(line)["id"] == item.briefing_id
        assert item.briefing_url == f"/v1/briefings/{item.briefing_id}"
        assert (await client.get(item.briefing_url)).content == line
    assert llm.calls == 3


async def test_too_many_articles_or_bytes_is_a_413(make_client: ClientFactory) -> None:
    async with make_client(max_job_articles=2, max_job_body_bytes=2_000) as client:
        three = await client.post("/v1/jobs", json={"articles": [BRIDGE] * 3})
        assert three.status_code == 413
        assert three.headers["content-type"] == "application/problem+json"
        assert three.json()["type"] == "/problems/too-many-articles"
        assert "the limit is 2 (MAX_JOB_ARTICLES)" in three.json()["detail"]
        big = await client.post("/v1/jobs", json={"articles": [article("x" * 3_000)]})
        assert big.status_code == 413
        assert big.headers["content-type"] == "application/problem+json"
        assert (await client.post("/v1/jobs", json={"articles": [BRIDGE] * 2})).status_code == 202


async def test_an_invalid_article_is_a_400_naming_its_index(client: Any) -> None:
    cases = [
        ({"articles": [BRIDGE, {"article": {"text": 5}}]}, "articles.1.article.text"),
        (
            {"articles": [BRIDGE, {"article": {"text": "x"}, "options": {"max_events": "3"}}]},
            "articles.1.options.max_events",
        ),
        ({"articles": [{"article": {"text": "x", "tone": "dry"}}]}, "articles.0.article.tone"),
        ({"articles": []}, "articles"),
        ({"articles": BRIDGE}, "articles"),
        ({"articles": [BRIDGE], "callback": "http://example.com"}, "callback"),
    ]
    for body, key in cases:
        response = await client.post("/v1/jobs", json=body)
        assert response.status_code == 400, (body, response.text)
        problem = response.json()
        assert problem["type"] == "/problems/invalid-request"
        assert [e["key"] for e in problem["extra"]] == [key], problem


async def test_unknown_jobs_are_404_and_malformed_ids_400(client: Any) -> None:
    unknown = "0123456789abcdef0123456789abcdef"
    for method, path in [("GET", ""), ("GET", "/results"), ("POST", "/cancel"), ("DELETE", "")]:
        response = await client.request(method, f"/v1/jobs/{unknown}{path}")
        assert response.status_code == 404, (method, path)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == f"no job {unknown}"
        assert (await client.request(method, f"/v1/jobs/NOT-AN-ID{path}")).status_code == 400


async def test_items_are_paged(client: Any) -> None:
    articles = [article(f"Story number {i} happened on Monday.") for i in range(5)]
    job = (await client.post("/v1/jobs", json={"articles": articles})).json()
    page = (await client.get(f"/v1/jobs/{job['id']}", params={"offset": 2, "limit": 2})).json()
    assert [i["index"] for i in page["items"]] == [2, 3]
    assert page["links"]["next"] == f"/v1/jobs/{job['id']}?offset=4&limit=2"
    last = (await client.get(f"/v1/jobs/{job['id']}", params={"offset": 4, "limit": 2})).json()
    assert [i["index"] for i in last["items"]] == [4] and last["links"]["next"] is None
    bare = (await client.get(f"/v1/jobs/{job['id']}", params={"limit": 0})).json()
    assert bare["items"] == [] and bare["counts"]["queued"] == 5
    assert (await client.get(f"/v1/jobs/{job['id']}", params={"limit": 1001})).status_code == 400


async def test_cancel_stops_queued_articles_before_the_llm(
    client: Any, settings: Settings, llm: ScriptedLLM
) -> None:
    llm.reset(answers(delay_s=1.0))
    articles = [article(f"Story number {i} happened on Monday.") for i in range(4)]
    job_id = (await client.post("/v1/jobs", json={"articles": articles})).json()["id"]
    async with in_process_worker(settings, concurrency=1):
        assert await eventually(lambda: llm.calls == 1)  # one is with the LLM; three wait
        cancelled = (await client.post(f"/v1/jobs/{job_id}/cancel")).json()
        assert cancelled["status"] == "cancelled"
        assert cancelled["counts"] == counts(running=1, cancelled=3)
        assert cancelled["finished_at"] is None  # the running one still finishes
        (running,) = [i["index"] for i in cancelled["items"] if i["status"] == "running"]
        done = await finished(client, job_id)
    assert done["status"] == "cancelled"
    assert done["counts"] == counts(done=1, cancelled=3)
    expected = ["cancelled"] * 4
    expected[running] = "done"
    assert [i["status"] for i in done["items"]] == expected
    assert [i["attempts"] for i in done["items"]] == [int(s == "done") for s in expected]
    assert llm.calls == 1  # the cancelled articles never reached the LLM
    again = await client.post(f"/v1/jobs/{job_id}/cancel")
    assert again.status_code == 200
    assert again.json() | {"limit": 1000} == done  # idempotent: nothing changed
    results = (await client.get(f"/v1/jobs/{job_id}/results")).content
    assert json.loads(results)["id"] == done["items"][running]["briefing_id"]


async def test_a_job_cancelled_before_any_worker_runs_nothing(
    client: Any, settings: Settings, llm: ScriptedLLM, redis_client: redis.Redis
) -> None:
    llm.reset(answers())
    job_id = (await client.post("/v1/jobs", json={"articles": [BRIDGE] * 3})).json()["id"]
    cancelled = (await client.post(f"/v1/jobs/{job_id}/cancel")).json()
    assert (cancelled["status"], cancelled["counts"]) == ("cancelled", counts(cancelled=3))
    assert cancelled["finished_at"] is not None
    async with in_process_worker(settings):  # takes the three off the queue, and skips them
        assert await eventually(
            lambda: (
                redis_client.llen("saq:gb:articles:queued") == 0
                and redis_client.llen("saq:gb:articles:active") == 0
            )
        )
    assert llm.calls == 0
    assert (await client.get(f"/v1/jobs/{job_id}")).json() == cancelled


async def test_delete_removes_the_job_and_its_queued_articles_never_run(
    client: Any, settings: Settings, llm: ScriptedLLM, redis_client: redis.Redis
) -> None:
    """DELETE is not a cancel: the job is gone (every read answers 404, a second DELETE
    too), its queued articles never reach the LLM, and the one running when it was deleted
    finishes (its briefing is stored) without bringing the record back."""
    llm.reset(answers(delay_s=1.0))
    articles = [article(f"Story number {i} happened on Monday.") for i in range(4)]
    job_id = (await client.post("/v1/jobs", json={"articles": articles})).json()["id"]
    async with in_process_worker(settings, concurrency=1):
        assert await eventually(lambda: llm.calls == 1)  # one is with the LLM; three wait
        deleted = await client.delete(f"/v1/jobs/{job_id}")
        assert (deleted.status_code, deleted.content) == (204, b"")
        assert await eventually(
            lambda: (
                redis_client.llen("saq:gb:articles:queued") == 0
                and redis_client.llen("saq:gb:articles:active") == 0
                and len(redis_client.keys("gb:briefing:*")) == 1  # the running one's
            ),
            timeout_s=10,
        )
    assert llm.calls == 1  # the three queued articles were skipped
    for method, path in [("GET", ""), ("GET", "/results"), ("POST", "/cancel"), ("DELETE", "")]:
        response = await client.request(method, f"/v1/jobs/{job_id}{path}")
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["detail"] == f"no job {job_id}"
    assert redis_client.keys(f"gb:job:{{{job_id}}}*") == []  # nothing recreated it


async def test_an_article_that_keeps_crashing_its_worker_fails_after_its_attempts(
    make_client: ClientFactory, settings: Settings, llm: ScriptedLLM, redis_client: redis.Redis
) -> None:
    """Not a briefing error (those are recorded at once) but an unexpected one: SAQ retries
    it `JOB_ATTEMPTS` times (as the API stamped it when queueing), then the queue reports it
    and the item fails with a 500."""
    llm.reset(answers())
    async with make_client(job_attempts=2) as client:
        job_id = (await client.post("/v1/jobs", json={"articles": [BRIDGE, BRIDGE]})).json()["id"]
        redis_client.hset(f"gb:job:{{{job_id}}}:requests", "0", b'{"not": "a request"}')
        async with in_process_worker(settings):
            done = await finished(client, job_id)
    assert done["counts"] == counts(done=1, failed=1)
    broken = done["items"][0]
    assert (broken["status"], broken["attempts"]) == ("failed", 2)
    assert broken["problem"]["type"] == "/problems/article-abandoned"
    assert broken["problem"]["status"] == 500
    assert "2 attempt(s)" in broken["problem"]["detail"]


def test_documented_job_examples_are_jobs() -> None:
    spec = json.loads(COMMITTED.read_text(encoding="utf-8"))
    examples = [
        example["value"]
        for path, item in spec["paths"].items()
        if path.startswith("/v1/jobs") and not path.endswith("/events")
        for operation in item.values()
        for status, response in operation["responses"].items()
        if status < "300" and "application/json" in response.get("content", {})
        for example in response["content"]["application/json"]["examples"].values()
    ]
    assert len(examples) == 3  # createJob, getJob, cancelJob
    for example in examples:
        job = Job.model_validate(example)
        assert sum(job.counts.model_dump().values()) == job.total
    merged = spec["paths"]["/v1/jobs/{job_id}/events"]["get"]["responses"]["200"]["content"]
    example = JobEvents.model_validate(
        merged["application/json"]["examples"]["jobevents-example-1"]["value"]
    )
    # the seed from two outlets: every event of it merged with its twin
    assert example.events and {m.num_articles for m in example.events} == {2}
    assert {m.num_sources for m in example.events} == {2}


async def test_without_redis_jobs_are_a_503_problem(make_client: ClientFactory) -> None:
    """Jobs live in Redis; the briefing cache fails open, jobs cannot. (A key from API_KEYS,
    as without Redis the gate cannot tell that no keys are kept there.)"""
    unknown = "0123456789abcdef0123456789abcdef"
    async with make_client(redis_url="redis://127.0.0.1:1/0", api_keys=("k",)) as client:
        client.headers["X-API-Key"] = "k"
        for method, path, body in [
            ("POST", "/v1/jobs", {"articles": [BRIDGE]}),
            ("GET", f"/v1/jobs/{unknown}", None),
            ("GET", f"/v1/jobs/{unknown}/results", None),
            ("POST", f"/v1/jobs/{unknown}/cancel", None),
            ("DELETE", f"/v1/jobs/{unknown}", None),
        ]:
            response = await client.request(method, path, json=body)
            assert response.status_code == 503, (method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"] == "/problems/jobs-unavailable"


async def test_many_articles_are_queued_in_pipelines_and_only_once(
    settings: Settings, redis_client: redis.Redis
) -> None:
    """enqueue_many: 2,500 articles (three pipelines) all on SAQ's queue with their
    arguments; enqueueing them again adds none (a reconciler racing the API is harmless)."""
    queue = open_queue(settings)
    try:
        jobs = [article_job("f" * 32, i, heartbeat_s=2.5, attempts=2) for i in range(2_500)]
        assert await queue.enqueue_many(jobs) == 2_500
        again = [article_job("f" * 32, i, heartbeat_s=2.5, attempts=2) for i in range(2_500)]
        assert await queue.enqueue_many(again) == 0
        assert redis_client.llen("saq:gb:articles:queued") == 2_500
        last = await queue.job(article_key("f" * 32, 2_499))
        assert last is not None
        assert (last.function, last.kwargs) == (TASK, {"job_id": "f" * 32, "index": 2_499})
        assert (last.heartbeat, last.retries, last.timeout) == (3, 2, 0)
    finally:
        await queue.disconnect()
