"""A request's article as text: what every briefing is made from and keyed on.

`text` is briefed as sent. `html` is read (service/ingest/page.py) and its fields fill the
ones the client left out: the client's win. A `url` alone is fetched first
(service/ingest/fetch.py, only when the server allows it) and read the same way. The cache
key is then the text and the metadata used, so one story saved from two page layouts, or
sent once as a page and once as its text with the same fields, is one briefing.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from schemas import Article, BriefingArticle, BriefingRequest, LinkArticle, PageArticle
from service.ingest.fetch import Fetcher, fetch_body
from service.ingest.page import Page, extract_page
from service.nlp.language import article_language


async def prepare(request: BriefingRequest, fetcher: Fetcher | None) -> BriefingRequest:
    """The request with its article as text. Raises FetchFailed or PageUnreadable (422)."""
    article = request.article
    if isinstance(article, Article):
        return request
    if isinstance(article, PageArticle):
        html: str | bytes = article.html
    else:
        html = await fetch_body(fetcher, article.url, "the article's text or html")
    # tens of milliseconds of parsing for a large page: off the event loop, whose other
    # requests (cache hits among them) would wait behind it
    page = await asyncio.to_thread(extract_page, html, article.url)
    return request.model_copy(update={"article": _filled(article, page)})


def text_of(request: BriefingRequest) -> Article:
    """The article of a prepared request (`prepare`)."""
    if not isinstance(request.article, Article):
        raise TypeError("the request's article is not text yet: prepare it first")
    return request.article


def _filled(article: PageArticle | LinkArticle, page: Page) -> Article:
    """The page's text, and its metadata where the client sent none."""
    published: datetime | date | None = article.published_at or page.published_at
    return Article(
        text=page.text,
        title=article.title or page.title,
        author=article.author or page.author,
        url=article.url or page.canonical_url,
        source=article.source or page.site_name,
        published_at=published,
        language=article.language or page.language,
    )


def reported(article: Article) -> BriefingArticle:
    """The response's `article`: the language detected when none was given or found."""
    return BriefingArticle(
        text=article.text,
        title=article.title,
        author=article.author,
        source=article.source,
        url=article.url,
        published_at=article.published_at,
        language=article_language(article.text, article.language),
        language_detected=not article.language,
    )
