"""Workers as separate processes (`python -m service worker`): a killed one loses nothing."""

from __future__ import annotations

import json
import signal
import time

import httpx
import pytest
import redis

from service.jobs._faults import KILLED
from tests.support.drafts import EMPTY_DRAFT
from tests.support.jobs import article, finished
from tests.support.live import ClientFactory
from tests.support.processes import service_env, service_processes, worker_processes
from tests.support.scripted_llm import Reply, ScriptedLLM
from tests.support.sse import eventually

# Fast enough for a test: an article not heartbeated for 2 s is stale, a sweep runs every
# second, and a dead worker's single-flight lock frees its article after 1.5 s.
FAST_RECOVERY = {"JOB_HEARTBEAT_S": "2", "JOB_SWEEP_S": "1", "LOCK_TTL_S": "1.5"}


@pytest.mark.parametrize(
    ("stop", "exit_code", "attempts"),
    [(signal.SIGKILL, -signal.SIGKILL, [1, 1, 2, 2]), (signal.SIGTERM, 0, [1, 1, 1, 1])],
    ids=["SIGKILL", "SIGTERM"],
)
async def test_a_stopped_worker_s_article_is_briefed_by_another_exactly_once(
    make_client: ClientFactory,
    llm: ScriptedLLM,
    redis_url: str,
    stop: signal.Signals,
    exit_code: int,
    attempts: list[int],
) -> None:
    """Two workers, two articles each in flight at a slow LLM; one worker is stopped mid-call.
    The survivor finishes its own and the stopped one's: a SIGKILLed worker's once the sweep
    finds them stale, a SIGTERMed worker's at once (with no grace, WORKER_GRACE_S=0, it puts
    them back on the queue as it stops, and those cut attempts are not counted). Every
    article is done once in the results, the counts exact."""
    llm.reset(Reply(arguments=EMPTY_DRAFT, delay_s=1.5))
    articles = [article(f"Story number {i} happened on Monday.") for i in range(4)]
    env = service_env(llm, redis_url, WORKER_GRACE_S="0", **FAST_RECOVERY)
    with worker_processes(2, env, args=["--concurrency", "2"]) as (doomed, survivor):
        # The heartbeat is stamped on each article by the API that queues it.
        async with make_client(job_heartbeat_s=2.0) as client:
            job_id = (await client.post("/v1/jobs", json={"articles": articles})).json()["id"]
            assert await eventually(lambda: llm.calls == 4)  # two calls in each worker
            doomed.send_signal(stop)
            killed_at = time.monotonic()
            assert await eventually(lambda: llm.calls == 6, timeout_s=30)
            redelivered_s = time.monotonic() - killed_at
            job = await finished(client, job_id, timeout_s=60)
            finished_s = time.monotonic() - killed_at
            results = (await client.get(f"/v1/jobs/{job_id}/results")).content.splitlines()
        assert doomed.wait(timeout=10) == exit_code
        assert survivor.poll() is None
    assert job["status"] == "done"
    assert job["counts"] == {
        "queued": 0, "running": 0, "done": 4, "cached": 0, "failed": 0, "cancelled": 0
    }  # fmt: skip
    assert sorted(item["attempts"] for item in job["items"]) == attempts
    assert llm.calls == 6  # the four articles, and the two calls that stopped with a worker
    ids = [item["briefing_id"] for item in job["items"]]
    assert len(set(ids)) == 4
    assert [json.loads(line)["id"] for line in results] == ids  # each once, in article order
    # shown with -s; README reports them
    print(
        f"{stop.name}: redelivered after {redelivered_s:.1f} s, job done after {finished_s:.1f} s"
    )


async def test_a_sigtermed_worker_finishes_what_it_holds_and_takes_nothing_new(
    make_client: ClientFactory, llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis
) -> None:
    """A rolling deploy: SIGTERM with WORKER_GRACE_S to spare. The worker finishes the two
    articles in flight (no LLM call repeated, no attempt burnt), takes none of the four
    still queued, and exits; the other worker does those."""
    llm.reset(Reply(arguments=EMPTY_DRAFT, delay_s=1.5))
    articles = [article(f"Story number {i} happened on Monday.") for i in range(8)]
    env = service_env(llm, redis_url, WORKER_GRACE_S="20", **FAST_RECOVERY)
    with worker_processes(2, env, args=["--concurrency", "2"]) as (stopping, staying):
        async with make_client(job_heartbeat_s=2.0) as client:
            job_id = (await client.post("/v1/jobs", json={"articles": articles})).json()["id"]
            assert await eventually(lambda: llm.calls == 4)
            stopping.send_signal(signal.SIGTERM)
            stopped_at = time.monotonic()
            assert stopping.wait(timeout=20) == 0
            stop_s = time.monotonic() - stopped_at
            job = await finished(client, job_id, timeout_s=60)
        assert staying.poll() is None
    assert job["counts"]["done"] == 8
    assert [item["attempts"] for item in job["items"]] == [1] * 8
    assert llm.calls == 8  # nothing cut, nothing repeated
    workers = [
        json.loads(redis_client.get(f"saq:job:gb:articles:{job_id}:{i}") or b"{}")["worker_id"]
        for i in range(8)
    ]
    by_stopping = [w for w in workers if int(w.split("-")[-2]) == stopping.pid]
    assert len(by_stopping) == 2, workers  # the two it held when told to stop, no more
    assert stop_s < 10, stop_s  # it waited for its two 1.5 s calls, not the whole 20 s grace


async def test_an_article_whose_worker_dies_on_its_last_attempt_fails(
    make_client: ClientFactory, llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis
) -> None:
    """With JOB_ATTEMPTS=1 nothing is redelivered: the sweep gives the article up, and the
    queue tells the job store, so the item fails instead of staying `running` forever."""
    llm.reset(Reply(arguments=EMPTY_DRAFT, delay_s=1.5))
    env = service_env(llm, redis_url, **FAST_RECOVERY)
    with worker_processes(2, env, args=["--concurrency", "1"]) as workers:
        async with make_client(job_heartbeat_s=2.0, job_attempts=1) as client:
            body = {"articles": [article("The mayor opened the bridge on Monday.")]}
            job_id = (await client.post("/v1/jobs", json=body)).json()["id"]
            assert await eventually(lambda: llm.calls == 1)
            saq_job = json.loads(redis_client.get(f"saq:job:gb:articles:{job_id}:0") or b"{}")
            pid = int(saq_job["worker_id"].split("-")[-2])  # host-pid-random
            (holder,) = [w for w in workers if w.pid == pid]
            holder.send_signal(signal.SIGKILL)
            job = await finished(client, job_id, timeout_s=60)
    (item,) = job["items"]
    assert (job["status"], item["status"], item["attempts"]) == ("done", "failed", 1)
    assert item["problem"]["type"] == "/problems/article-abandoned"
    assert "stopped responding" in item["problem"]["detail"]
    assert llm.calls == 1


async def test_a_job_whose_api_died_before_queueing_is_briefed_once_by_the_reconciler(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis
) -> None:
    """The API dies (a fault-injection point: os._exit, as a kill) after recording the job
    and before queueing its articles. No SAQ job exists for them; a worker's reconciler finds
    the job still marked unqueued and queues them: each article is briefed exactly once."""
    llm.reset(Reply(arguments=EMPTY_DRAFT))
    articles = [article(f"Story number {i} happened on Monday.") for i in range(5)]
    env = service_env(llm, redis_url, FAULT_INJECT="job-recorded", **FAST_RECOVERY)
    with service_processes(1, env) as [(url, api)]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            with pytest.raises(httpx.HTTPError):  # it dies before answering
                await http.post("/v1/jobs", json={"articles": articles})
        assert api.wait(timeout=10) == KILLED
    (key,) = redis_client.keys("gb:job:*:status")
    job_id = key.decode().split("{")[1].split("}")[0]
    assert redis_client.zrange("gb:jobs:unqueued", 0, -1) == [job_id.encode()]
    assert redis_client.llen("saq:gb:articles:queued") == 0  # nothing behind the items
    with worker_processes(1, service_env(llm, redis_url, **FAST_RECOVERY)):
        assert await eventually(
            lambda: redis_client.hget(f"gb:job:{{{job_id}}}", "done") == b"5", timeout_s=30
        )
    attempts = redis_client.hgetall(f"gb:job:{{{job_id}}}:attempts")
    assert sorted(int(v) for v in attempts.values()) == [1] * 5
    assert llm.calls == 5  # each article once
    assert redis_client.zcard("gb:jobs:unqueued") == 0
