"""RSS 2.0 and Atom feeds as lists of entries to brief.

feedparser is handed the document itself, in a stream, never a URL: given a URL (or a
string it takes for one, as its docs warn) it would fetch it, past the SSRF guard of
fetch.py. Each entry has a `key`, the identity used to skip entries already briefed (the
GUID or Atom id, else the link), and its full HTML when the feed carries the whole article
(content:encoded, Atom <content>) rather than a summary; without it the link is fetched and
read with page.py.
"""

from __future__ import annotations

import calendar
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from service.errors import FeedUnreadable


@dataclass(frozen=True, slots=True)
class FeedEntry:
    key: str
    link: str | None
    title: str | None
    published_at: datetime | None  # aware (UTC), or None when the entry has no parsable date
    author: str | None
    html: str | None  # the full article when the feed carries it; None: fetch `link`


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    entries: list[FeedEntry]


def _when(entry: Any) -> datetime | None:
    """feedparser's parsed time (a UTC struct_time) as an aware datetime."""
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(name)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return None


def _full_html(entry: Any) -> str | None:
    """The entry's content when it is more than its summary: content:encoded in RSS, or an
    Atom <content> longer than the <summary>. A <content> that repeats the summary (or an
    RSS <description>, which feedparser also reports as content sometimes) is a teaser."""
    contents = entry.get("content") or []
    if not contents:
        return None
    value = str(contents[0].get("value") or "").strip()
    summary = str(entry.get("summary") or "").strip()
    if not value or len(value) <= len(summary):
        return None
    return value


def parse_feed(xml: str | bytes, url: str | None = None) -> Feed:
    """The feed in `xml` (the document, not its URL; `url`, where it was fetched from, is
    the base for relative links). Raises FeedUnreadable for a broken document with no usable
    entry (a feedparser "bozo"), or for one that is no feed at all."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    # A stream: feedparser takes a str or bytes that looks like a URL or a path for one, and
    # opens it; a stream it only reads.
    parsed = feedparser.parse(
        io.BytesIO(data),
        resolve_relative_uris=True,
        sanitize_html=True,
        response_headers={"content-location": url} if url else None,
    )
    entries = []
    for entry in parsed.entries:
        link = entry.get("link") or None
        if link and url:
            link = urljoin(url, link)
        key = entry.get("id") or link
        if not key:
            continue  # nothing to know it by, nothing to fetch
        entries.append(
            FeedEntry(
                key=str(key),
                link=link,
                title=entry.get("title") or None,
                published_at=_when(entry),
                author=entry.get("author") or None,
                html=_full_html(entry),
            )
        )
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        # A well-formed feed with no items is an empty Feed; a broken one, or a document
        # that is no feed at all (an HTML page), is an error.
        reason = parsed.get("bozo_exception") or "not an RSS or Atom document"
        raise FeedUnreadable(f"the feed could not be read: {reason}", extra={"url": url})
    return Feed(title=parsed.feed.get("title") or None, entries=entries)
