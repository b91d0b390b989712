"""RSS 2.0 and Atom feeds as entries (service/ingest/feeds.py); nothing is fetched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import feedparser
import feedparser.http
import pytest

from service.errors import FeedUnreadable, problem
from service.ingest.feeds import parse_feed

PAGES = Path(__file__).parent.parent / "pages"


def _feed(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_rss_with_full_content() -> None:
    feed = parse_feed(_feed("rss_full.xml"))
    assert feed.title == "Harbour Wire – World"
    first, second = feed.entries
    assert first.key == "hw-2026-11-03-0042"  # the GUID, though not a permalink
    assert first.link == "https://news.example.com/world/2026/11/port-workers-end-strike"
    assert first.title == "Port workers end nine-day strike after pay deal"
    assert first.published_at == datetime(2026, 11, 3, 7, 15, tzinfo=UTC)
    assert first.author == "Maria Keller"
    assert first.html is not None
    assert "Dock workers at the port of Rotterdam voted on Monday" in first.html
    assert "raises wages by 6.5 percent" in first.html
    assert second.key == "https://news.example.com/world/2026/11/freight-rates"
    assert second.published_at == datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    assert second.html is not None and "third week running" in second.html


def test_rss_with_links_only() -> None:
    feed = parse_feed(_feed("rss_links.xml").decode("utf-8"))  # str works as bytes do
    first, second = feed.entries
    assert first.key == first.link == "https://valleycourier.example.org/local/library-reopens"
    assert first.html is None  # a description is a summary: the link must be fetched
    assert first.published_at == datetime(2026, 10, 21, 22, 40, tzinfo=UTC)
    assert first.author is not None and "Dana Whitfield" in first.author
    assert second.key == "https://valleycourier.example.org/business/bakery"
    assert second.published_at is None
    assert second.html is None


def test_atom() -> None:
    feed = parse_feed(_feed("atom.xml"), url="https://quotidien.example.fr/sports.atom")
    assert feed.title == "Le Quotidien du Nord – Sports"
    first, second = feed.entries
    assert first.key == "tag:quotidien.example.fr,2026:article-8812"
    assert first.link == "https://quotidien.example.fr/sports/tour-lille-2028"
    assert first.published_at == datetime(2026, 9, 14, 9, 30, tzinfo=UTC)
    assert first.author == "Camille Durand"
    assert first.html is not None and "le grand départ du Tour de France 2028" in first.html
    assert second.key == "tag:quotidien.example.fr,2026:article-8790"
    assert second.link == "https://quotidien.example.fr/sports/paves"  # the feed URL is the base
    assert second.published_at == datetime(2026, 9, 12, 8, 0, tzinfo=UTC)  # <updated>
    assert second.html is None  # a summary only


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"<rss><channel><item><title>cut",
        b"<html><body>Not a feed</body></html>",
        "\x00\x01 not xml",
    ],
)
def test_a_malformed_feed_is_unreadable(junk: str | bytes) -> None:
    with pytest.raises(FeedUnreadable) as caught:
        parse_feed(junk)
    assert problem(caught.value)["status"] == 422


def test_an_empty_but_valid_feed_has_no_entries() -> None:
    feed = parse_feed(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    )
    assert feed.title == "Quiet" and feed.entries == []


def test_a_url_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document that is a URL is parsed as text (and is no feed), not opened."""

    def no_fetch(*args: object, **kwargs: object) -> None:
        raise AssertionError("feedparser tried to fetch")

    monkeypatch.setattr(feedparser.http, "get", no_fetch)
    with pytest.raises(FeedUnreadable):
        parse_feed("http://127.0.0.1:9/feed.xml")
    with pytest.raises(FeedUnreadable):
        parse_feed("/etc/passwd")
