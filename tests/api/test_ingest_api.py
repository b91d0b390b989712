"""Articles as people have them, through the API (issue 25): a page's HTML, a URL the
service fetches from a loopback server, and feeds that become jobs. Real Redis, the real
openai client against the scripted LLM, a SAQ worker in the test's loop.

The pages are tests/pages (their extraction is tests/unit/test_ingest_page.py's); here it is
what the service does with them: the text briefed and reported, the metadata used, the key,
the problems, and what a feed posted twice adds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from service.ingest.page import extract_page
from service.settings import Settings
from service.web.routes._examples import PAGE_EXAMPLE
from tests.support.drafts import EMPTY_DRAFT
from tests.support.jobs import finished, in_process_worker
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM

PAGES = Path(__file__).parent.parent / "pages"
WIRE = (PAGES / "wire_story.html").read_text(encoding="utf-8")
FIRST = "Dock workers at the port of Rotterdam voted on Monday to end a nine-day strike"


class _Pages(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        name = self.path.strip("/").split("?")[0]
        path = PAGES / name
        if not name or not path.is_file():
            self.send_response(404)
            self.end_headers()
            return
        body = path.read_bytes()
        kind = "application/rss+xml" if name.endswith(".xml") else "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def pages() -> Iterator[str]:
    """tests/pages served on a loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _relaid(html: str) -> str:
    """The same story in another page layout: other menus, other ads, other comments."""
    return (
        html.replace("World Desk", "Global News")
        .replace("Markets Today", "Business Now")
        .replace("noise-cancelling headphones", "a new sofa")
        .replace("dockfan77", "harbourwatcher")
    )


async def test_a_page_is_briefed_as_its_story_with_the_pages_metadata(
    make_client: ClientFactory, llm: ScriptedLLM
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    page = extract_page(WIRE)
    async with make_client() as client:
        first = await client.post("/v1/briefings", json={"article": {"html": WIRE}})
        assert first.status_code == 200, first.text
        body = first.json()
        article = body["article"]
        assert article["text"] == page.text and article["text"].startswith(FIRST)
        for boilerplate in ("We use cookies", "Related stories", "dockfan77", "Advertisement"):
            assert boilerplate not in article["text"]
        assert article["title"] == "Port workers end nine-day strike after pay deal"
        assert article["published_at"] == "2026-11-03T08:15:00+01:00"
        assert article["source"] == "Harbour Wire" and article["author"] == "Maria Keller"
        assert article["url"] == "https://news.example.com/world/2026/11/port-workers-end-strike"
        assert (article["language"], article["language_detected"]) == ("en", False)
        stored = await client.get(f"/v1/briefings/{body['id']}")
        assert stored.json()["article"] == article  # GET reports the same article

        # the same story from another layout is the same briefing: a hit, no LLM call
        other = await client.post("/v1/briefings", json={"article": {"html": _relaid(WIRE)}})
        assert (other.json()["id"], other.headers["x-cache"]) == (body["id"], "hit")
        # and so is its text sent with the same metadata
        as_text = {k: v for k, v in article.items() if k != "language_detected"}
        same = await client.post("/v1/briefings", json={"article": as_text})
        assert (same.json()["id"], same.headers["x-cache"]) == (body["id"], "hit")
        assert llm.calls == 1

        # the client's fields win over the page's
        mine = {"html": WIRE, "title": "My title", "published_at": "2026-11-04"}
        answer = (await client.post("/v1/briefings", json={"article": mine})).json()
        assert answer["article"]["title"] == "My title"
        assert answer["article"]["published_at"] == "2026-11-04"
        assert answer["id"] != body["id"]


async def test_text_without_a_language_reports_the_detected_one(
    client: Any, llm: ScriptedLLM
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    text = extract_page(WIRE).text
    body = (await client.post("/v1/briefings", json={"article": {"text": text}})).json()
    assert (body["article"]["language"], body["article"]["language_detected"]) == ("en", True)
    assert body["article"]["title"] is None


async def test_a_paywall_stub_is_a_problem_and_nothing_is_cached(
    client: Any, llm: ScriptedLLM
) -> None:
    stub = (PAGES / "paywall_stub.html").read_text(encoding="utf-8")
    answer = await client.post("/v1/briefings", json={"article": {"html": stub}})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["type"] == "/problems/page-unreadable"
    assert problem["field"] == "article.html" and problem["chars"] < 300
    assert llm.calls == 0


@pytest.mark.parametrize(
    ("article", "words"),
    [
        ({"text": "A story.", "html": "<p>A story.</p>"}, "Extra inputs are not permitted"),
        ({"title": "Only a title"}, "an article needs its text, its html or its url"),
    ],
)
async def test_text_and_html_or_neither_is_a_400_naming_the_field(
    client: Any, article: dict[str, Any], words: str
) -> None:
    answer = await client.post("/v1/briefings", json={"article": article})
    assert answer.status_code == 400
    assert words in answer.text
    keys = {e["key"] for e in answer.json()["extra"]}
    assert keys <= {"article", "article.html"}  # the field as sent, not pydantic's form tag
    job = {"articles": [{"article": {"text": "A."}}, {"article": article}]}
    answer = await client.post("/v1/jobs", json=job)
    assert answer.status_code == 400 and '"key":"articles.1.article' in answer.text


@pytest.mark.parametrize(
    ("job", "field"),
    [
        ({}, "articles"),
        ({"articles": [{"article": {"text": "A."}}], "feed": {"xml": "<rss/>"}}, "articles"),
        ({"feed": {"url": "https://x.example/rss", "xml": "<rss/>"}}, "feed"),
        ({"feed": {}}, "feed"),
    ],
)
async def test_a_job_with_neither_or_both_forms_is_a_422_naming_the_field(
    client: Any, job: dict[str, Any], field: str
) -> None:
    answer = await client.post("/v1/jobs", json=job)
    assert answer.status_code == 422
    assert (answer.json()["type"], answer.json()["field"]) == ("/problems/job-incomplete", field)


async def test_a_url_is_fetched_only_when_the_server_allows_it(
    make_client: ClientFactory, llm: ScriptedLLM, pages: str
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    url = f"{pages}/wire_story.html"
    async with make_client() as client:  # FETCH_URLS off: nothing is fetched
        answer = await client.post("/v1/briefings", json={"article": {"url": url}})
        assert answer.status_code == 422
        assert (answer.json()["url"], answer.json()["cause"]) == (url, "disabled")
    async with make_client(fetch_urls=True) as client:  # on, but loopback is refused
        answer = await client.post("/v1/briefings", json={"article": {"url": url}})
        assert answer.status_code == 422
        assert answer.json()["cause"] == "blocked" and "127.0.0.1" in answer.json()["detail"]
        assert llm.calls == 0
    async with make_client(fetch_urls=True, fetch_allow_hosts="127.0.0.1") as client:
        answer = await client.post("/v1/briefings", json={"article": {"url": url}})
        assert answer.status_code == 200, answer.text
        article = answer.json()["article"]
        assert article["text"].startswith(FIRST) and article["url"] == url  # the client's
        missing = await client.post("/v1/briefings", json={"article": {"url": pages + "/no"}})
        assert (missing.status_code, missing.json()["cause"]) == (422, "status")


async def _post_feed(client: Any, feed: dict[str, Any]) -> dict[str, Any]:
    answer = await client.post("/v1/jobs", json={"feed": feed})
    assert answer.status_code == 202, answer.text
    job: dict[str, Any] = answer.json()
    return job


async def test_an_rss_feed_becomes_a_job_and_posting_it_again_adds_nothing(
    client: Any, settings: Settings, llm: ScriptedLLM
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    xml = (PAGES / "rss_full.xml").read_text(encoding="utf-8")
    job = await _post_feed(client, {"xml": xml})
    assert job["total"] == 2 and job["feed"]["new"] == 2 and job["feed"]["skipped"] == 0
    async with in_process_worker(settings):
        done = await finished(client, job["id"])
    assert done["counts"]["done"] + done["counts"]["cached"] == 2, done
    first = (await client.get(done["items"][0]["briefing_url"])).json()
    assert first["article"]["text"].startswith(FIRST)
    assert first["article"]["url"] == (
        "https://news.example.com/world/2026/11/port-workers-end-strike"
    )
    again = await _post_feed(client, {"xml": xml})
    assert (again["total"], again["status"]) == (0, "done")
    assert again["feed"] == {
        "title": job["feed"]["title"],
        "entries": 2,
        "new": 0,
        "skipped": 2,
        "failed": 0,
    }
    assert (await client.get(f"/v1/jobs/{again['id']}")).json()["feed"] == again["feed"]
    # new GUIDs on the same links are the same stories
    renewed = xml.replace("hw-2026-11-03-0042", "hw-renewed-1").replace(
        "<guid>https://news.example.com/world/2026/11/freight-rates</guid>", "<guid>x-2</guid>"
    )
    assert (await _post_feed(client, {"xml": renewed}))["feed"]["new"] == 0


async def test_a_feed_entry_the_llm_failed_is_briefed_by_the_next_post(
    client: Any, settings: Settings, llm: ScriptedLLM
) -> None:
    """Not a page problem (the report's `failed` stays 0), but the entry was not briefed
    either: it is not remembered."""
    llm.reset(default=Reply(status=500))
    xml = (PAGES / "rss_full.xml").read_text(encoding="utf-8")
    job = await _post_feed(client, {"xml": xml})
    async with in_process_worker(settings):
        done = await finished(client, job["id"])
    assert (done["counts"]["failed"], done["feed"]["failed"]) == (2, 0)
    assert done["items"][0]["problem"]["type"] == "/problems/llm-unavailable"
    again = await _post_feed(client, {"xml": xml})
    assert (again["total"], again["feed"]["new"], again["feed"]["skipped"]) == (2, 2, 0)


async def test_an_atom_feed_by_url_is_fetched_and_its_links_too(
    make_client: ClientFactory, settings: Settings, llm: ScriptedLLM, pages: str
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    allowed = settings.replace(fetch_urls=True, fetch_allow_hosts=("127.0.0.1",))
    async with make_client(fetch_urls=True, fetch_allow_hosts="127.0.0.1") as client:
        job = await _post_feed(client, {"url": f"{pages}/atom.xml"})
        assert job["feed"]["entries"] == 2 and job["total"] == job["feed"]["new"]
        async with in_process_worker(allowed):
            done = await finished(client, job["id"])
        assert done["counts"]["failed"] + done["counts"]["done"] == job["total"], done
        # a teaser of 190 characters (page-unreadable) and /sports/paves (fetch-failed: 404)
        assert done["feed"]["failed"] == done["counts"]["failed"] == 2
        # entries whose page was not had are not remembered: the next post tries them again
        again = await _post_feed(client, {"url": f"{pages}/atom.xml"})
        assert (again["total"], again["feed"]["new"], again["feed"]["skipped"]) == (2, 2, 0)


async def test_a_feed_posted_again_skips_what_was_briefed_and_retries_what_was_not_had(
    make_client: ClientFactory, settings: Settings, llm: ScriptedLLM, pages: str
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    xml = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
    <item><guid>w-1</guid><link>{pages}/wire_story.html</link><title>Strike ends</title></item>
    <item><guid>w-2</guid><link>{pages}/not-yet.html</link><title>Later</title></item>
    </channel></rss>"""
    allowed = settings.replace(fetch_urls=True, fetch_allow_hosts=("127.0.0.1",))
    async with make_client(fetch_urls=True, fetch_allow_hosts="127.0.0.1") as client:
        job = await _post_feed(client, {"xml": xml})
        async with in_process_worker(allowed):
            done = await finished(client, job["id"])
        assert (done["counts"]["done"], done["counts"]["failed"], done["feed"]["failed"]) == (
            1,
            1,
            1,
        )
        failed = next(i for i in done["items"] if i["status"] == "failed")
        assert failed["problem"]["type"] == "/problems/fetch-failed"
        again = await _post_feed(client, {"xml": xml})
        assert (again["total"], again["feed"]["new"], again["feed"]["skipped"]) == (1, 1, 1)
        async with in_process_worker(allowed):
            retried = await finished(client, again["id"])
        assert retried["items"][0]["problem"]["url"] == f"{pages}/not-yet.html"
        # failed again: still not remembered; the briefed entry stays skipped
        third = await _post_feed(client, {"xml": xml})
        assert (third["feed"]["new"], third["feed"]["skipped"]) == (1, 1)


async def test_the_documented_page_example_is_briefed(client: Any, llm: ScriptedLLM) -> None:
    # what Swagger UI's "Try it out" sends when the "a web page (html)" example is picked
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    answer = await client.post("/v1/briefings", json={"article": {"html": PAGE_EXAMPLE}})
    assert answer.status_code == 200, answer.text
    article = answer.json()["article"]
    assert article["text"].startswith("A storm cut power to 20,000 homes")
    assert "Related" not in article["text"] and "Cookies" not in article["text"]
    assert (article["title"], article["published_at"]) == (
        "Storm cuts power to 20,000 homes",
        "2025-11-09T07:30:00Z",
    )


@pytest.mark.parametrize(
    ("page", "sentence", "boilerplate", "title", "published", "language"),
    [
        (
            "wire_story.html",
            "The union said members accepted a two-year agreement that raises wages by 6.5 "
            "percent this year and by a further 4 percent in 2027.",
            ["We use cookies", "Related stories", "dockfan77", "Share on Facebook"],
            "Port workers end nine-day strike after pay deal",
            "2026-11-03T08:15:00+01:00",
            "en",
        ),
        (
            "opengraph_only.html",
            "Repairs cost 2.3 million dollars, most of it covered by a state disaster grant "
            "and the rest by a local fundraising drive.",
            ["Subscribe to the Courier", "Most read", "Sponsored", "12 Main Street"],
            "Town library reopens after two years of flood repairs",
            "2026-10-21T17:40:00-05:00",  # the page's own offset, kept
            "en",
        ),
        (
            "french_story.html",
            "La métropole lilloise accueillera trois étapes, dont un contre-la-montre "
            "individuel dans les rues du centre historique.",
            ["Tout accepter", "À lire aussi", "Mentions légales"],
            "Le Tour de France partira de Lille en 2028",
            "2026-09-14T11:30:00+02:00",
            "fr-FR",
        ),
        (
            "spanish_nolang.html",
            "Los vecinos de Triana celebraron la llegada del primer convoy con música y una "
            "pequeña fiesta en la plaza del Altozano.",
            ["Portada", "Publicidad"],
            "Sevilla inaugura una nueva línea de tranvía",
            "2026-08-02",
            "es",
        ),
    ],
)
async def test_pages_served_on_loopback_are_briefed_as_their_stories(
    make_client: ClientFactory,
    llm: ScriptedLLM,
    pages: str,
    page: str,
    sentence: str,
    boilerplate: list[str],
    title: str,
    published: str,
    language: str,
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    async with make_client(fetch_urls=True, fetch_allow_hosts="127.0.0.1") as client:
        answer = await client.post("/v1/briefings", json={"article": {"url": f"{pages}/{page}"}})
        assert answer.status_code == 200, answer.text
        article = answer.json()["article"]
        assert sentence in article["text"].split("\n\n")
        for words in boilerplate:
            assert words not in article["text"], words
        assert (article["title"], article["published_at"]) == (title, published)
        assert article["language"].startswith(language[:2])
        stub = await client.post(
            "/v1/briefings", json={"article": {"url": f"{pages}/paywall_stub.html"}}
        )
        assert (stub.status_code, stub.json()["type"]) == (422, "/problems/page-unreadable")
