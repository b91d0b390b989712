"""`python -m service brief --url URL FOLDER --job`: one job on a live server and a worker."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from prometheus_client import REGISTRY

from service.cli.commands import main
from service.cli.folder import read_article
from service.settings import Settings
from tests.support.drafts import EMPTY_DRAFT
from tests.support.live import free_port, serve
from tests.support.odesa import CASES as ODESA
from tests.support.oracle import oracle_reply
from tests.support.processes import ROOT, service_env, worker_processes
from tests.support.scripted_llm import Reply, ScriptedLLM

FAIL = "FAIL-ME"


def wire(folder: Path, texts: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return [folder / f"{name}.txt" for name in sorted(texts)]


def answers(request: dict[str, Any]) -> Reply:
    if FAIL in json.dumps(request):
        return Reply(status=500)
    return Reply(arguments=EMPTY_DRAFT, delay_s=0.2)


def test_a_job_shows_progress_then_writes_the_results_in_order(
    live_url: str,
    llm: ScriptedLLM,
    redis_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    llm.reset(answers)
    paths = wire(
        tmp_path / "wire",
        {
            "a": "The mayor opened the bridge on Monday.",
            "b": "Rain closed two schools on Tuesday.",
            "c": f"{FAIL}: the council met on Wednesday.",
            "d": "The ferry resumed service on Thursday.",
        },
    )
    out = tmp_path / "runs" / "results.jsonl"
    argv = ["brief", str(tmp_path / "wire"), "--url", live_url, "--job", "--out", str(out)]
    port = free_port()
    with worker_processes(1, service_env(llm, redis_url, WORKER_METRICS_PORT=str(port))):
        assert main([*argv, "--progress"]) == 1  # one article failed
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    assert 'briefings_job_articles_total{outcome="done"} 3.0' in metrics
    assert 'briefings_job_articles_total{outcome="failed"} 1.0' in metrics
    err = capsys.readouterr().err
    assert "job" in err and "4/4" in err  # the bar, forced on in a pipe, got to the end
    assert "4 article(s): 3 done, 0 cached, 1 failed, 0 cancelled" in err
    assert f"{paths[2]}: 503 LLM backend unavailable" in err
    lines = out.read_bytes().splitlines()
    assert len(lines) == 3
    for line, path in zip(lines, [paths[0], paths[1], paths[3]], strict=True):
        answer = httpx.post(f"{live_url}/v1/briefings", json={"article": read_article(path)})
        assert answer.headers["x-cache"] == "hit"
        assert line == answer.content  # the stored briefing, byte for byte
    assert llm.calls == 4


def test_a_refused_job_names_the_file_at_fault(
    live_url: str, redis_client: redis.Redis, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = wire(tmp_path / "wire", {"a": "The mayor opened the bridge.", "b": "  \n  "})
    assert main(["brief", str(tmp_path / "wire"), "--url", live_url, "--job"]) == 1
    err = capsys.readouterr().err
    assert "job not submitted: 400 Invalid request" in err
    assert f"{paths[1]}: article.text:" in err  # articles.1.article.text, named by its file
    assert redis_client.keys("gb:job:*") == []


def test_job_needs_a_server(tmp_path: Path) -> None:
    wire(tmp_path, {"a": "The mayor opened the bridge."})
    with pytest.raises(SystemExit) as exited:
        main(["brief", str(tmp_path), "--job"])
    assert exited.value.code == 2


def test_ctrl_c_cancels_the_queued_articles(
    live_url: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    """No worker runs, so the job waits; SIGINT to the CLI cancels it on the server."""
    wire(tmp_path / "wire", {"a": "The mayor opened the bridge.", "b": "Rain closed schools."})
    command = [sys.executable, "-m", "service", "brief", str(tmp_path / "wire")]
    cli = subprocess.Popen([*command, "--url", live_url, "--job"], cwd=ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not (jobs := redis_client.keys("gb:job:*:status")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert jobs, "the job was never submitted"
    time.sleep(0.3)  # into the polling loop
    cli.send_signal(signal.SIGINT)
    _, err = cli.communicate(timeout=30)
    assert cli.returncode == 130, err
    job_id = jobs[0].decode().split("{")[1].split("}")[0]  # gb:job:{ID}:status
    assert f"job {job_id} cancelled".encode() in err
    job = httpx.get(f"{live_url}/v1/jobs/{job_id}").json()
    assert job["status"] == "cancelled"
    assert job["counts"]["cancelled"] == 2


def test_a_rate_limited_client_waits_and_still_gets_its_results(
    settings: Settings, llm: ScriptedLLM, redis_url: str, tmp_path: Path
) -> None:
    """Polling counts against the rate limit like any request: a 429 means wait
    `Retry-After` and ask again, not give up."""
    llm.reset(Reply(arguments=EMPTY_DRAFT))
    wire(tmp_path / "wire", {"a": "The mayor opened the bridge.", "b": "Rain closed schools."})
    out = tmp_path / "results.jsonl"
    limited = {"client": "anonymous", "outcome": "limited"}
    before = REGISTRY.get_sample_value("briefings_api_requests_total", limited) or 0.0
    with (
        serve(settings.replace(rate_limit="1/second")) as url,
        worker_processes(1, service_env(llm, redis_url)),
    ):
        argv = ["brief", str(tmp_path / "wire"), "--url", url, "--job", "--out", str(out)]
        assert main(argv) == 0
    assert (REGISTRY.get_sample_value("briefings_api_requests_total", limited) or 0.0) > before
    assert len(out.read_bytes().splitlines()) == 2


def test_merged_out_writes_the_jobs_events_merged_across_articles(
    live_url: str,
    llm: ScriptedLLM,
    redis_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Three outlets' reports of one strike (tests/support/odesa.py) as files with metadata:
    `--merged-out` writes the merged events, JSON or (by the name) CSV."""
    llm.reset(default=oracle_reply(ODESA))
    folder = tmp_path / "odesa"
    folder.mkdir()
    for case in ODESA:
        meta = case.article.model_dump(mode="json", exclude={"text"}, exclude_none=True)
        (folder / f"{case.name}.txt").write_text(case.article.text, encoding="utf-8")
        (folder / f"{case.name}.json").write_text(json.dumps(meta), encoding="utf-8")
    merged, table = tmp_path / "merged.json", tmp_path / "out" / "merged.csv"
    argv = ["brief", str(folder), "--url", live_url, "--job", "--out", str(tmp_path / "r.jsonl")]
    with worker_processes(1, service_env(llm, redis_url)):
        assert main([*argv, "--merged-out", str(merged)]) == 0
    err = capsys.readouterr().err
    assert (
        "merged: 6 events of 3 article(s) are 3 events, 2 reported by 2+ articles, 2 with " in err
    )
    events = json.loads(merged.read_text(encoding="utf-8"))["events"]
    strike = next(e for e in events if e["num_articles"] == 3)
    assert strike["casualties"]["killed"]["min"] == 3 and strike["casualties"]["killed"]["max"] == 5
    assert sorted(m["source"] for m in strike["members"]) == [
        "Black Sea Courier",
        "Continental Daily",
        "Northern Wire",
    ]
    calls = llm.calls
    with worker_processes(1, service_env(llm, redis_url)):  # all cached now: no LLM call
        assert main([*argv, "--merged-out", str(table)]) == 0
    assert llm.calls == calls
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert sorted(r["num_articles"] for r in rows) == ["1", "2", "3"]


def test_merged_out_needs_a_job(tmp_path: Path) -> None:
    wire(tmp_path, {"a": "The mayor opened the bridge."})
    with pytest.raises(SystemExit) as exited:
        main(["brief", str(tmp_path), "--merged-out", str(tmp_path / "m.json")])
    assert exited.value.code == 2
