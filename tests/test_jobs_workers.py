"""Workers as separate processes (`python -m service worker`): a killed one loses nothing."""

from __future__ import annotations

import json
import signal
import time

import pytest
import redis

from tests.conftest import ClientFactory
from tests.drafts import EMPTY_DRAFT
from tests.jobs import article, finished, job_when
from tests.processes import service_env, worker_processes
from tests.scripted_llm import Reply, ScriptedLLM
from tests.sse import eventually

# Fast enough for a test: an article not heartbeated for 2 s is stale, a sweep runs every
# second, and a dead worker's single-flight lock frees its article after 1.5 s.
FAST_RECOVERY = {"JOB_HEARTBEAT_S": "2", "JOB_SWEEP_S": "1", "LOCK_TTL_S": "1.5"}


@pytest.mark.parametrize(
    ("stop", "exit_code"),
    [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGTERM, 0)],
    ids=["SIGKILL", "SIGTERM"],
)
async def test_a_stopped_worker_s_article_is_briefed_by_another_exactly_once(
    make_client: ClientFactory,
    llm: ScriptedLLM,
    redis_url: str,
    stop: signal.Signals,
    exit_code: int,
) -> None:
    """Two workers, two articles each in flight at a slow LLM; one worker is stopped mid-call.
    The survivor finishes its own and the stopped one's: a SIGKILLed worker's once the sweep
    finds them stale, a SIGTERMed worker's at once (it puts them back on the queue as it
    stops). Every article is done once in the results, the counts exact."""
    llm.reset(Reply(arguments=EMPTY_DRAFT, delay_s=1.5))
    articles = [article(f"Story number {i} happened on Monday.") for i in range(4)]
    env = service_env(llm, redis_url, **FAST_RECOVERY)
    with worker_processes(2, env, args=["--concurrency", "2"]) as (doomed, survivor):
        # The heartbeat is stamped on each article by the API that queues it.
        async with make_client(job_heartbeat_s=2.0) as client:
            job_id = (await client.post("/v1/jobs", json={"articles": articles})).json()["id"]
            assert await eventually(lambda: llm.calls == 4)  # two calls in each worker
            doomed.send_signal(stop)
            killed_at = time.monotonic()
            await job_when(
                client, job_id, lambda job: any(i["attempts"] == 2 for i in job["items"])
            )
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
    attempts = sorted(item["attempts"] for item in job["items"])
    assert attempts == [1, 1, 2, 2]  # the stopped worker's two were delivered again, once
    assert llm.calls == 6  # the four articles, and the two calls that stopped with a worker
    ids = [item["briefing_id"] for item in job["items"]]
    assert len(set(ids)) == 4
    assert [json.loads(line)["id"] for line in results] == ids  # each once, in article order
    # shown with -s; README reports them
    print(
        f"{stop.name}: redelivered after {redelivered_s:.1f} s, job done after {finished_s:.1f} s"
    )


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
