"""`python -m service brief PATH...`: folders of articles, in-process and against a server.

The CLI reads its settings from the environment, so each test points the environment at the
scripted LLM and the test Redis; `main()` runs its own event loop, so the tests are sync.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from service.cli.commands import main
from service.settings import Settings
from tests.support.drafts import SEED_TEXT, good_draft
from tests.support.jobs import in_process_worker
from tests.support.scripted_llm import Reply, ScriptedLLM

FAIL_MARK = "Nothing in this sentence should ever reach a briefing."


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, llm: ScriptedLLM, redis_client: redis.Redis, redis_url: str
) -> ScriptedLLM:
    for name, value in {
        "OPENAI_BASE_URL": llm.base_url,
        "OPENAI_API_KEY": "test-key",
        "LLM_MODEL": "scripted-model",
        "LLM_MAX_RETRIES": "1",
        "LLM_HTTP_RETRIES": "0",
        "LLM_TIMEOUT_S": "10",
        "REDIS_URL": redis_url,
        "CACHE_PREFIX": "gb",
        "MAX_ARTICLE_CHARS": "100000",
        "COLUMNS": "200",  # rich wraps at 80 columns when not on a terminal
    }.items():
        monkeypatch.setenv(name, value)
    llm.reset(default=Reply(arguments=good_draft()))
    return llm


def write_article(folder: Path, name: str, text: str = SEED_TEXT, **meta: Any) -> Path:
    """NAME.txt with NAME.json beside it; titles differ, so each article has its own key."""
    path = folder / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    meta = {"title": f"Article {name}", "published_at": "2025-11-09", **meta}
    path.with_suffix(".json").write_text(json.dumps({"file": path.name, **meta}))
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three articles, one in a subfolder, plus JSON files that are not articles."""
    root = tmp_path / "articles"
    for name in ("b", "a", "sub/c"):
        write_article(root, name)
    (root / "a.gold.json").write_text('{"annotator": "x", "events": []}')
    (root / "notes.json").write_text("{}")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "skip.txt").write_text("not an article")
    return root


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_folder_in_process_writes_jsonl_then_everything_is_cached(
    cli_env: ScriptedLLM, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "runs" / "briefings.jsonl"
    assert main(["brief", str(folder), "--out", str(out)]) == 0
    first = lines(out.read_text())
    expected = {str(folder / "a.txt"), str(folder / "b.txt"), str(folder / "sub" / "c.txt")}
    assert {r["path"] for r in first} == expected and len(first) == 3
    assert all(r["ok"] is True and r["cached"] is False for r in first)
    for record in first:
        body = record["briefing"]
        assert re.fullmatch(r"[0-9a-f]{64}", body["id"])
        assert [e["type"] for e in body["events"]] == ["attack", "interception", "diplomacy"]
        assert body["meta"]["model"] == "scripted-model" and body["meta"]["cached"] is False
    assert cli_env.calls == 3
    # the metadata beside each file reached the model
    prompts = " ".join(json.dumps(r["messages"]) for r in cli_env.requests)
    assert all(f"Article {n}" in prompts for n in ("a", "b", "sub/c"))
    table = capsys.readouterr().out
    assert "3 article(s): 3 ok (0 cached), 0 failed" in table
    assert "a.txt" in table and "c.txt" in table

    assert main(["brief", str(folder), "--out", str(out)]) == 0
    both = lines(out.read_text())
    assert len(both) == 6  # appended, not overwritten
    second = {r["path"]: r for r in both[3:]}
    assert all(r["ok"] is True and r["cached"] is True for r in second.values())
    assert cli_env.calls == 3
    for record in first:
        again = second[record["path"]]["briefing"]
        assert again["id"] == record["briefing"]["id"]
        assert again["events"] == record["briefing"]["events"]
        assert again["meta"]["cached"] is True
    assert "3 ok (3 cached)" in capsys.readouterr().out


def test_a_failing_article_is_a_problem_line_and_exit_1(
    cli_env: ScriptedLLM, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_article(folder, "d", SEED_TEXT + "\n\n" + FAIL_MARK)

    def reply(request: dict[str, Any]) -> Reply:
        if FAIL_MARK in json.dumps(request["messages"]):
            return Reply(status=500)
        return Reply(arguments=good_draft())

    cli_env.reset(default=reply)
    assert main(["brief", str(folder), "--json"]) == 1
    captured = capsys.readouterr()
    records = lines(captured.out)  # stdout is nothing but JSON lines: no bar, no table
    by_path = {Path(r["path"]).name: r for r in records}
    assert sorted(by_path) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    failed = by_path.pop("d.txt")
    assert failed["ok"] is False and "briefing" not in failed
    assert failed["error"]["status"] == 503
    assert failed["error"]["type"] == "/problems/llm-unavailable"
    assert failed["error"]["title"] == "LLM backend unavailable"
    assert all(r["ok"] for r in by_path.values())
    assert "articles/s" in captured.err  # the summary table's caption, on stderr
    assert "4/4" not in captured.err  # no progress bar when stderr is not a terminal
    assert "503 LLM backend unavailable" in captured.err


def test_progress_can_be_forced_in_a_pipe(
    cli_env: ScriptedLLM, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", str(folder), "--json", "--progress"]) == 0
    captured = capsys.readouterr()
    assert len(lines(captured.out)) == 3
    assert "3/3" in captured.err and "articles/s" in captured.err and "eta" in captured.err


def test_server_mode_turns_problems_into_failed_lines(
    cli_env: ScriptedLLM,
    live_url: str,
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_article(folder, "huge", "word " * 20_100)  # over the server's 100,000 characters
    out = tmp_path / "server.jsonl"
    argv = ["brief", str(folder), "--url", live_url, "--api-key", "k", "--out", str(out)]
    assert main(argv) == 1
    by_name = {Path(r["path"]).name: r for r in lines(out.read_text())}
    huge = by_name.pop("huge.txt")
    assert huge["ok"] is False
    assert huge["error"]["status"] == 413
    assert huge["error"]["title"] == "Article too large"
    assert "100,000" in huge["error"]["detail"]
    assert [r["cached"] for r in by_name.values()] == [False, False, False]
    assert cli_env.calls == 3
    assert "413 Article too large" in capsys.readouterr().out

    out.unlink()
    assert main(argv) == 1
    again = {Path(r["path"]).name: r for r in lines(out.read_text()) if r["ok"]}
    assert [r["cached"] for r in again.values()] == [True, True, True]
    assert cli_env.calls == 3
    stored = httpx.get(f"{live_url}/v1/briefings/{again['a.txt']['briefing']['id']}").json()
    assert again["a.txt"]["briefing"] == stored  # the response object, unchanged


def concurrency_meter(delay_s: float) -> tuple[Callable[[dict[str, Any]], Reply], list[int]]:
    """A default reply that holds each request for `delay_s` and records how many overlap."""
    lock = threading.Lock()
    active = [0]
    peaks: list[int] = []

    def reply(_: dict[str, Any]) -> Reply:
        with lock:
            active[0] += 1
            peaks.append(active[0])
        time.sleep(delay_s)
        with lock:
            active[0] -= 1
        return Reply(arguments=good_draft())

    return reply, peaks


@pytest.mark.parametrize("mode", ["in-process", "server"])
@pytest.mark.parametrize("limit", [1, 3])
def test_concurrency_is_bounded(
    cli_env: ScriptedLLM,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
    mode: str,
    limit: int,
) -> None:
    for name in "abcdef":
        write_article(tmp_path, name)
    reply, peaks = concurrency_meter(0.3)
    cli_env.reset(default=reply)
    url = ["--url", request.getfixturevalue("live_url")] if mode == "server" else []
    argv = ["brief", str(tmp_path), "--json", "--concurrency", str(limit), *url]
    assert main(argv) == 0
    assert len(lines(capsys.readouterr().out)) == 6 and len(peaks) == 6
    assert max(peaks) <= limit
    if limit > 1:
        assert max(peaks) > 1, peaks


@pytest.mark.parametrize("value", ["0", "33", "two"])
def test_concurrency_out_of_range_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    write_article(tmp_path, "a")
    with pytest.raises(SystemExit) as exit_:
        main(["brief", str(tmp_path), "--concurrency", value])
    assert exit_.value.code == 2
    assert f"--concurrency: must be a whole number from 1 to 32, not '{value}'" in (
        capsys.readouterr().err
    )


def test_no_articles_or_missing_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "only.json").write_text("{}")
    with pytest.raises(SystemExit) as exit_:
        main(["brief", str(tmp_path)])
    assert exit_.value.code == 2
    assert "no articles (*.txt) found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["brief", str(tmp_path / "nope.txt")])
    assert exit_.value.code == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_one_file_prints_the_briefing_or_the_raw_json(
    cli_env: ScriptedLLM, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(folder / "a.txt")
    assert main(["brief", path, "--json"]) == 0
    raw = capsys.readouterr().out
    body = json.loads(raw)
    assert raw.startswith('{"id":"')  # the payload as the service serialised it
    assert main(["brief", path]) == 0
    shown = capsys.readouterr().out
    assert body["briefing"]["headline"] in shown
    assert "Key points" in shown and body["briefing"]["key_points"][0]["text"] in shown
    for event in body["events"]:
        assert event["id"] in shown and event["type"] in shown
    assert "Belgorod" in shown and "2025-11-08" in shown  # place and resolved date
    assert "Quotes (6)" in shown and "serious damage" in shown  # the seed's quotes
    assert all(quote["id"] in shown for quote in body["quotes"])
    assert "model scripted-model" in shown and "120 tokens" in shown and "cached" in shown
    assert cli_env.calls == 1


def test_one_failing_file_reports_the_problem(
    cli_env: ScriptedLLM, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_article(tmp_path, "a", published_at="last Sunday")
    assert main(["brief", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    problem = json.loads(captured.out)
    assert problem["status"] == 400
    assert any(p["key"].startswith("article.published_at") for p in problem["extra"])
    assert "400 Bad Request" in captured.err
    assert cli_env.calls == 0


FEED = Path(__file__).parent.parent / "pages" / "rss_full.xml"


def test_a_feed_in_process_briefs_its_entries_once(
    cli_env: ScriptedLLM, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "feed.jsonl"
    assert main(["brief", "--feed", str(FEED), "--out", str(out)]) == 0
    records = lines(out.read_text())
    assert [r["path"] for r in records] == [
        "https:/news.example.com/world/2026/11/port-workers-end-strike",  # a Path of the link
        "https:/news.example.com/world/2026/11/freight-rates",
    ]
    first = records[0]["briefing"]["article"]
    assert first["text"].startswith("Dock workers at the port of Rotterdam voted on Monday")
    assert first["title"] == "Port workers end nine-day strike after pay deal"
    assert first["published_at"] == "2026-11-03T07:15:00Z"  # the feed's date, in UTC
    assert "2 entries, 2 new, 0 skipped" in capsys.readouterr().err
    assert main(["brief", "--feed", str(FEED), "--out", str(out)]) == 0
    assert len(lines(out.read_text())) == 2  # nothing new the second time
    assert "2 entries, 0 new, 2 skipped" in capsys.readouterr().err


def test_a_feed_entry_that_failed_is_tried_again_by_the_next_run(
    cli_env: ScriptedLLM, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its page could not be had (a link, and this process fetches none): not briefed, so
    not remembered; the entry briefed beside it is."""
    lines_of_feed = FEED.read_text(encoding="utf-8").splitlines()
    link_only = "<item><guid>l-1</guid><link>https://news.example.com/later</link></item>"
    feed = tmp_path / "feed.xml"
    feed.write_text("\n".join([*lines_of_feed[:15], link_only, *lines_of_feed[23:]]))
    out = tmp_path / "feed.jsonl"
    assert main(["brief", "--feed", str(feed), "--out", str(out)]) == 1
    assert "2 entries, 2 new, 0 skipped" in capsys.readouterr().err
    failed = [r for r in lines(out.read_text()) if "briefing" not in r]
    assert [r["error"]["type"] for r in failed] == ["/problems/fetch-failed"], failed
    assert main(["brief", "--feed", str(feed)]) == 1
    assert "2 entries, 1 new, 1 skipped" in capsys.readouterr().err


def test_a_feed_through_a_server_is_a_job(
    cli_env: ScriptedLLM,
    live_url: str,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stop = threading.Event()

    async def work() -> None:
        async with in_process_worker(settings):
            await asyncio.to_thread(stop.wait)

    worker = threading.Thread(target=lambda: asyncio.run(work()))
    worker.start()
    try:
        out = tmp_path / "job.jsonl"
        argv = ["brief", "--feed", str(FEED), "--url", live_url, "--api-key", "k"]
        assert main([*argv, "--out", str(out)]) == 0
        results = lines(out.read_text())
        assert [r["article"]["title"] for r in results] == [
            "Port workers end nine-day strike after pay deal",
            "Freight rates climb as European ports clog",
        ]
        assert "2 entries, 2 new, 0 skipped" in capsys.readouterr().err
        assert main([*argv, "--out", str(tmp_path / "again.jsonl")]) == 0
        assert "2 entries, 0 new, 2 skipped" in capsys.readouterr().err
    finally:
        stop.set()
        worker.join()


def test_feed_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["brief", "--feed", str(tmp_path / "nope.xml")])
    assert exit_.value.code == 2
    assert "no such file, and not an http(s) URL" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["brief", "--feed", str(FEED), str(FEED)])
    assert "give no PATH beside it" in capsys.readouterr().err


def test_an_unreadable_feed_exits_1_saying_why(
    cli_env: ScriptedLLM, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "feed.xml"
    garbage.write_text("this is no feed at all")
    assert main(["brief", "--feed", str(garbage)]) == 1
    assert "feed not read:" in capsys.readouterr().err
    assert cli_env.calls == 0
