"""The analyst pages over HTTP: what the server renders, before any script runs.

tests/system/test_pages.py drives the same pages in a browser (clicks, no-JS, injection).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from html.parser import HTMLParser
from typing import Any

from schemas import BriefingResponse
from service.settings import Settings
from tests.support.articles import retitled
from tests.support.drafts import HOSTILE_TEXT, IMG_TAG, SCRIPT_TAG, hostile_draft, located_draft
from tests.support.jobs import finished, in_process_worker
from tests.support.scripted_llm import Reply, ScriptedLLM

CSP = "default-src 'none'; script-src 'self'"


class Page(HTMLParser):
    """What a rendered page holds: its marks, anchors, article text, markers, rows, links."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.marks: list[tuple[dict[str, str], str]] = []
        self.article = ""
        self._in_mark: dict[str, str] | None = None
        self._article_depth = 0
        self.source = html
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.tags.append((tag, found))
        if tag == "mark":
            self._in_mark = found
            self.marks.append((found, ""))
        if self._article_depth and tag in ("div", "span", "mark"):
            self._article_depth += tag == "div"
        elif found.get("class") == "article-text":
            self._article_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = None
        if tag == "div" and self._article_depth:
            self._article_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_mark is not None:
            attrs, text = self.marks[-1]
            self.marks[-1] = (attrs, text + data)
        if self._article_depth:
            self.article += data

    def spans(self) -> dict[str, str]:
        """Each span's text (`e2.1`), its marked pieces joined in page order."""
        joined: dict[str, str] = defaultdict(str)
        for attrs, text in self.marks:
            for key in attrs["data-spans"].split():
                joined[key] += text
        return dict(joined)

    def having(self, tag: str, css_class: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and css_class in a.get("class", "").split()]


async def brief(client: Any, llm: ScriptedLLM, body: dict[str, Any], draft: dict[str, Any]) -> str:
    llm.reset(default=Reply(arguments=draft))
    answer = await client.post("/v1/briefings", json=body)
    assert answer.status_code == 200, answer.text
    briefing_id: str = answer.json()["id"]
    assert (
        answer.headers["link"] == f'</briefings/{briefing_id}>; rel="alternate"; type="text/html"'
    )
    return briefing_id


async def test_briefing_page_marks_every_span_and_draws_events(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], article: str
) -> None:
    briefing_id = await brief(client, llm, seed, located_draft())
    stored = await client.get(f"/v1/briefings/{briefing_id}")
    assert (
        stored.headers["link"] == f'</briefings/{briefing_id}>; rel="alternate"; type="text/html"'
    )
    briefing = BriefingResponse.model_validate_json(stored.content)

    page = await client.get(f"/briefings/{briefing_id}")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"].startswith(CSP)
    html = Page(page.text)
    assert html.article == article  # the whole text, in order, marks and all
    items = {f"k{n}": p.evidence for n, p in enumerate(briefing.briefing.key_points, 1)}
    items |= {event.id: event.evidence for event in briefing.events}
    assert sorted(items) == ["e1", "e2", "e3", "e4", "k1", "k2"]
    items |= {quote.id: quote.evidence for quote in briefing.quotes}
    expected = {
        f"{item}.{i}": s.quote for item, spans in items.items() for i, s in enumerate(spans)
    }
    assert html.spans() == expected
    # e2's second span is k2's only one: the overlap is one mark naming both
    (shared,) = [a for a, _ in html.marks if a["data-items"] == "k2 e2"]
    assert shared["data-spans"] == "k2.0 e2.1"
    anchors = sorted(a["id"] for a in html.having("span", "anchor"))
    assert anchors == sorted(f"at-{item}" for item in items)
    selectors = [a["data-select"] for a in html.having("a", "select")]
    assert selectors == ["k1", "k2", "e1", "e2", "e3", "e4", "q1", "q2", "q3", "q4", "q5", "q6"]

    markers = html.having("a", "marker")
    assert [m["data-event"] for m in markers] == ["e1", "e2", "e3"]  # e4 (Lavrov) has no place
    assert [m["href"] for m in markers] == ["#at-e1", "#at-e2", "#at-e3"]
    rows = html.having("a", "timeline-row")
    assert [(r["data-select"], r["data-precision"]) for r in rows] == [
        ("e2", "day"),  # 8 Nov ("late on Saturday")
        ("e1", "day"),  # 8-9 Nov ("during the night")
        ("e3", "day"),
        ("e4", "day"),  # 9 Nov
    ]
    for title in ("Voronezh, Voronezh Oblast, Russia (city precision)", "Bryansk, Bryansk Oblast"):
        assert title in page.text

    api = f"/v1/briefings/{briefing_id}"
    nav = [a["href"] for t, a in html.tags if t == "a" and a["href"].startswith("/v1/")]
    assert nav == [
        api,
        f"{api}/events.csv",
        f"{api}/events.jsonl",
        f"{api}/quotes.csv",
        f"{api}/quotes.jsonl",
    ]
    assert (await client.get(api)).json()["id"] == briefing_id
    jsonl = (await client.get(f"{api}/events.jsonl")).text.splitlines()
    assert [json.loads(line)["id"] for line in jsonl] == ["e1", "e2", "e3", "e4"]
    exported = await client.get(f"{api}/events.csv")
    assert exported.status_code == 200
    rows = csv.DictReader(io.StringIO(exported.text, newline=""))
    assert [(r["event_id"], r["location"]) for r in rows] == [
        ("e1", "Voronezh"),
        ("e2", "Belgorod"),
        ("e3", "Bryansk"),
        ("e4", ""),
    ]


async def test_briefing_page_lists_the_seed_quotes_with_their_speakers(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    briefing_id = await brief(client, llm, seed, located_draft())
    html = Page((await client.get(f"/briefings/{briefing_id}")).text)
    quotes = html.having("li", "quote")
    assert [q["id"] for q in quotes] == [f"item-q{n}" for n in range(1, 7)]
    listed = Lister(html)
    assert listed.speakers == [
        "Vyacheslav Gladkov",
        "Andrii Sybiha",
        "Andrii Sybiha",
        "Andrii Sybiha",
        "Sergey Lavrov",
        "Sergey Lavrov",
    ]
    stored = BriefingResponse.model_validate_json(
        (await client.get(f"/v1/briefings/{briefing_id}")).content
    )
    assert listed.quoted == [q.text for q in stored.quotes]
    assert listed.quoted[0] == "serious damage"
    assert listed.quoted[5] == "taking Russian interests into account"
    # each quote's evidence is marked in the article under its own id, like an event's
    spans = html.spans()
    assert spans["q1.0"] == "serious damage"
    assert spans["q4.1"].startswith("Sybiha called for an urgent meeting")
    assert {"at-q1", "at-q6"} <= {a["id"] for a in html.having("span", "anchor")}


class Lister(HTMLParser):
    """The Quotes section: each quote's words (the `<q>` of its link) and its speaker."""

    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.quoted: list[str] = []
        self.speakers: list[str] = []
        self._item = False  # inside a quote's <li>
        self._link = False  # inside its selecting link
        self._now: list[str] | None = None
        self.feed(page.source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "li":
            self._item = found.get("class") == "quote"
        elif self._item and tag == "a":
            self._link = found.get("class") == "select"
        elif self._item and self._link and tag == "q":
            self._now = self.quoted
        elif self._item and tag == "dd" and found.get("class") == "speaker":
            self._now = self.speakers
        else:
            return
        if self._now is not None and tag in ("q", "dd"):
            self._now.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("q", "dd"):
            self._now = None
        if tag == "a":
            self._link = False

    def handle_data(self, data: str) -> None:
        if self._now is not None:
            self._now[-1] += data


async def test_dropped_items_are_listed_with_their_reasons(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    draft = located_draft()
    draft["key_points"].append({"evidence": [999], "text": "Invented: Kyiv surrendered."})
    briefing_id = await brief(client, llm, seed, draft)
    dropped = (await client.get(f"/v1/briefings/{briefing_id}")).json()["meta"]["dropped"]
    assert dropped, "verification dropped nothing"
    page = (await client.get(f"/briefings/{briefing_id}")).text
    for item in dropped:
        assert f'<span class="what">{item["what"]}</span>' in page
    assert "Nothing was dropped." not in page


async def test_unknown_briefing_is_a_404_page_and_a_bad_id_a_400_problem(client: Any) -> None:
    unknown = "0" * 64
    page = await client.get(f"/briefings/{unknown}")
    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert f"No briefing <code>{unknown}</code> is stored" in page.text
    bad = await client.get("/briefings/not-an-id")
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    assert (await client.get(f"/jobs/{'0' * 32}")).status_code == 404
    assert (await client.get("/jobs/nope")).status_code == 400


async def test_article_markup_is_rendered_as_text(client: Any, llm: ScriptedLLM) -> None:
    body = {"article": {"text": HOSTILE_TEXT, "title": f"Posts {SCRIPT_TAG}"}}
    briefing_id = await brief(client, llm, body, hostile_draft())
    page = (await client.get(f"/briefings/{briefing_id}")).text
    html = Page(page)
    assert html.article == HOSTILE_TEXT
    assert [a.get("src") for t, a in html.tags if t == "script"] == ["/static/docs/pages/pages.js"]
    assert [t for t, _ in html.tags if t == "img"] == []
    assert SCRIPT_TAG not in page and "<img" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # title, headline, text
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert IMG_TAG in html.spans()["e1.1"]


async def test_job_page_refreshes_until_done_then_links_each_article(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], settings: Settings
) -> None:
    llm.reset(default=Reply(arguments=located_draft()))
    bodies = [seed, retitled(seed, 2)]
    submitted = (await client.post("/v1/jobs", json={"articles": bodies})).json()
    job_id = submitted["id"]
    answer = await client.get(f"/v1/jobs/{job_id}")
    assert answer.headers["link"] == f'</jobs/{job_id}>; rel="alternate"; type="text/html"'

    waiting = await client.get(f"/jobs/{job_id}")
    assert waiting.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in waiting.text
    assert '<td data-count="queued">2</td>' in waiting.text
    rows = [a["data-status"] for t, a in Page(waiting.text).tags if "data-status" in a]
    assert rows == ["queued", "queued"]
    assert "No events so far: no article of this job has a briefing so far." in waiting.text

    async with in_process_worker(settings):
        job = await finished(client, job_id)
    done = await client.get(f"/jobs/{job_id}")
    assert 'http-equiv="refresh"' not in done.text
    assert '<td data-count="done">2</td>' in done.text
    html = Page(done.text)
    links = html.having("a", "briefing-link")
    assert [a["href"] for a in links] == [f"/briefings/{i['briefing_id']}" for i in job["items"]]
    for title in (seed["article"]["title"], "Energy strikes, part 2"):
        assert f">{title}</a>" in done.text
    # Both articles report the same four events (one text, two titles): merged, each is one
    # marker (three have a place) and one timeline row leading to its card, and the card's
    # reports lead to the event's place on each article's page. (Before the merge: a marker
    # and a row per article's event, 6 and 8, the same places drawn on top of each other.)
    merged = (await client.get(f"/v1/jobs/{job_id}/events")).json()["events"]
    assert [m["num_articles"] for m in merged] == [2, 2, 2, 2]
    markers = html.having("a", "marker")
    assert len(markers) == 3
    assert len(html.having("a", "timeline-row")) == 4
    (voronezh,) = [m for m in merged if m["members"][0]["event_id"] == "e1"]
    assert f"#merged-{voronezh['id']}" in [m["href"] for m in markers]
    assert f'id="merged-{voronezh["id"]}"' in done.text
    members = [a["href"] for a in html.having("a", "member-link")]
    for item in job["items"]:
        assert f"/briefings/{item['briefing_id']}#at-e1" in members
    for link in links:
        assert (await client.get(link["href"])).status_code == 200
