"""What a page says about itself in structured data: JSON-LD and <meta> tags.

Publishers write the headline, the publication time and the author for search engines and
social cards (schema.org JSON-LD, OpenGraph, `article:published_time`), and these are the
page's own statements; trafilatura's heuristics (title from <title>, date from htmldate) are
only the fallback, because they guess: a <title> carries " | Site name", and a date found in
the text or the URL may be the date of something else. So page.py asks here first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

ARTICLE_TYPES = frozenset(
    {
        "NewsArticle",
        "Article",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "ReportageArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
    }
)
"""schema.org types that describe the article itself (not the site, breadcrumbs or a video)."""


@dataclass(frozen=True, slots=True)
class Structured:
    """The page's own claims; None where it makes none."""

    title: str | None = None
    author: str | None = None
    site_name: str | None = None
    published: str | None = None
    language: str | None = None
    canonical_url: str | None = None


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object in a block: top level, lists, and `@graph`, depth first."""
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)
    elif isinstance(value, dict):
        yield value
        yield from _nodes(value.get("@graph"))


def _is_article(node: dict[str, Any]) -> bool:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] in ARTICLE_TYPES for k in kinds)


def _names(value: Any) -> list[str]:
    """Names from a schema.org Person/Organization, a list of them, or a bare string."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _text(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("@value")
    return value.strip() or None if isinstance(value, str) else None


def json_ld(tree: Any) -> Structured:
    """The first article node of the page's JSON-LD blocks; bad JSON is skipped, not fatal."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for node in _nodes(data):
            if not _is_article(node):
                continue
            publisher = node.get("publisher")
            return Structured(
                title=_text(node.get("headline")) or _text(node.get("name")),
                author=", ".join(dict.fromkeys(_names(node.get("author")))) or None,
                site_name=", ".join(_names(publisher)) or None,
                published=_text(node.get("datePublished")) or _text(node.get("dateCreated")),
                language=_text(node.get("inLanguage")),
                canonical_url=_text(node.get("mainEntityOfPage")) or _text(node.get("url")),
            )
    return Structured()


def _meta(tree: Any, *names: str) -> str | None:
    """The first non-empty content of <meta property=…> or <meta name=…> among `names`."""
    for name in names:
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            for content in tree.xpath(f'//meta[@{attribute}="{name}"]/@content'):
                if content.strip():
                    return str(content).strip()
    return None


def meta_tags(tree: Any) -> Structured:
    """OpenGraph, article:* and the <html lang> / <link rel=canonical> of the page."""
    author = _meta(tree, "article:author", "author")
    if author and author.startswith(("http://", "https://")):
        author = None  # article:author is often a profile URL, not a name
    lang = tree.xpath("/html/@lang | /html/@xml:lang") or [None]
    canonical = tree.xpath('//link[@rel="canonical"]/@href') or [None]
    return Structured(
        title=_meta(tree, "og:title", "twitter:title"),
        author=author,
        site_name=_meta(tree, "og:site_name", "application-name"),
        published=_meta(
            tree, "article:published_time", "og:published_time", "datePublished", "pubdate", "date"
        ),
        language=(lang[0] or "").strip()
        or _meta(tree, "content-language", "language", "og:locale"),
        canonical_url=(canonical[0] or "").strip() or _meta(tree, "og:url"),
    )


def parse_when(value: str | None) -> datetime | date | None:
    """An ISO 8601 time with an offset as an aware datetime; a date, or a time without an
    offset, as the date alone (a time in an unknown zone is not a point in time). Anything
    unparseable is None: a date is never guessed."""
    if not value:
        return None
    value = value.strip()
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    if when.tzinfo is None or len(value) <= 10:
        return when.date()
    return when
