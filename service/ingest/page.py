"""A web page's article: its main text and what the page says about it.

trafilatura finds the main text and drops the rest of the page (navigation, menus, cookie
banners, ads, related links, comments). It runs with `favor_precision=True`: on the pages of
tests/pages the default settings kept "Read more: …" links inside the story and a paywall's
"Subscribe to keep reading" box, precision dropped both and lost no paragraph. The title, date,
author and site come from the page's own structured data first (JSON-LD, then OpenGraph and
`article:*` meta; service/ingest/_structured.py), trafilatura's metadata only after.

A page with too little text is refused (PageUnreadable), not briefed: a paywall stub's
teaser would otherwise be briefed as if it were the story.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

import trafilatura
from trafilatura.utils import load_html

from service.errors import PageUnreadable
from service.ingest._structured import Structured, json_ld, meta_tags, parse_when
from service.nlp.language import article_language

MIN_TEXT_CHARS = 300
"""Fewer characters of article text than this and the page is refused. A paywall teaser or a
standfirst runs 100–250 characters (one or two sentences); the shortest wire briefs that are
worth briefing run three short paragraphs, 400 characters and up. 300 sits between: a real
brief passes, a teaser with a "subscribe" box does not."""

_BYLINE_MAX_CHARS = 80  # a leading line this short that names the author is the byline

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Page:
    """An article read from a page. `published_at` is an aware datetime when the page gives a
    time with its offset, a date when it gives only a day (or a time without a zone), None when
    it gives nothing: never invented."""

    text: str  # paragraphs separated by blank lines
    title: str | None
    author: str | None
    site_name: str | None
    published_at: datetime | date | None
    language: str
    canonical_url: str | None


def decode(html: bytes) -> str:
    """Bytes as text: a byte-order mark, else the <meta> charset of the first 4 KB, else
    UTF-8; undecodable bytes become U+FFFD, so bad bytes never raise."""
    for bom, encoding in _BOMS:
        if html.startswith(bom):
            return html.decode(encoding, errors="replace")
    declared = _CHARSET.search(html[:4096])
    encoding = "utf-8"
    if declared:
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
    if encoding in ("latin-1", "iso8859-1", "ascii"):
        encoding = "cp1252"  # what browsers do (WHATWG Encoding): a superset, no loss
    return html.decode(encoding, errors="replace")


def _blocks(body: Any) -> list[str]:
    """trafilatura's body, one string per block (paragraph, heading, list, quote)."""
    blocks = []
    for element in body:
        if element.tag == "list":
            lines = [" ".join("".join(item.itertext()).split()) for item in element]
            block = "\n".join(line for line in lines if line)
        else:
            block = " ".join("".join(element.itertext()).split())
        if block:
            blocks.append(block)
    return blocks


def _without_header(blocks: list[str], title: str | None, author: str | None) -> list[str]:
    """Drops the headline and byline trafilatura keeps at the top: they are metadata, and the
    text is the story's paragraphs."""
    names = [name.strip().lower() for name in (author or "").split(",") if name.strip()]
    while blocks:
        first = blocks[0].lower()
        headline = bool(title) and first == (title or "").strip().lower()
        byline = len(first) <= _BYLINE_MAX_CHARS and any(name in first for name in names)
        if not (headline or byline):
            break
        blocks = blocks[1:]
    return blocks


def _first(*values: str | None) -> str | None:
    return next((value for value in values if value), None)


def extract_page(html: str | bytes, url: str | None = None) -> Page:
    """The article of `html` (fetched from `url`, which resolves a relative canonical link).

    Raises PageUnreadable when fewer than MIN_TEXT_CHARS of article text are found.
    """
    source = decode(html) if isinstance(html, bytes) else html
    # An XML declaration with an encoding is refused by lxml on a str; the text is decoded.
    source = re.sub(r"^\s*<\?xml[^>]*\?>", "", source, count=1)
    tree = load_html(source)
    if tree is None:
        raise PageUnreadable(f"{url or 'the page'} is not HTML", reason="not-html", chars=0)
    ld, meta = json_ld(tree), meta_tags(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=True,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    extracted: Any = doc
    body = getattr(extracted, "body", None)
    found = Structured(
        title=_first(ld.title, meta.title, getattr(extracted, "title", None)),
        author=_first(ld.author, meta.author, getattr(extracted, "author", None)),
        site_name=_first(ld.site_name, meta.site_name, getattr(extracted, "sitename", None)),
        published=_first(ld.published, meta.published, getattr(extracted, "date", None)),
        language=_first(meta.language, ld.language),
        canonical_url=_first(meta.canonical_url, ld.canonical_url),  # not trafilatura's: `url`
    )
    blocks = _blocks(body) if body is not None else []
    text = "\n\n".join(_without_header(blocks, found.title, found.author))
    if len(text) < MIN_TEXT_CHARS:
        raise PageUnreadable(
            f"{url or 'the page'} has {len(text)} characters of article text, fewer than "
            f"{MIN_TEXT_CHARS} (a paywall or teaser page?)",
            reason="too-little-text",
            chars=len(text),
        )
    canonical = found.canonical_url
    if canonical and url:
        canonical = urljoin(url, canonical)
    return Page(
        text=text,
        title=found.title,
        author=found.author,
        site_name=found.site_name,
        published_at=parse_when(found.published),
        language=article_language(text, found.language),
        canonical_url=canonical,
    )
