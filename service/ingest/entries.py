"""A feed's new entries as the articles of a job (`POST /v1/jobs` with a `feed`).

Each entry not briefed before for the tenant (neither its GUID nor its link:
service/store/feeds.py) becomes an article: the feed's full content as `html` when it
carries it, else the entry's link as `url`, which the worker fetches and reads like any
page. The entry's title, date and author go with it; the page's own win only where the
feed said nothing, as for any client's fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas import BriefingRequest, LinkArticle, PageArticle
from schemas.job import FeedReport, FeedSource, JobRequest
from service.ingest.feeds import FeedEntry, parse_feed
from service.ingest.fetch import Fetcher, fetch_body
from service.store.feeds import SeenEntries


@dataclass(frozen=True, slots=True)
class FeedArticles:
    articles: list[BriefingRequest]
    claims: list[list[str]]  # each article's entry keys (GUID, link), claimed for the tenant
    report: FeedReport

    @property
    def keys(self) -> list[str]:
        """Every claimed key, to release if the job is not created."""
        return [k for keys in self.claims for k in keys]


@dataclass(slots=True)
class FeedReader:
    seen: SeenEntries
    fetcher: Fetcher | None = None  # None: a feed's url is refused (FETCH_URLS off)

    async def articles(self, request: JobRequest, tenant: str) -> FeedArticles:
        """The feed's new entries as articles, claimed for the tenant."""
        assert request.feed is not None
        feed = parse_feed(await self._document(request.feed), request.feed.url)
        usable = [e for e in feed.entries if e.html or e.link]
        # an entry is new when neither its GUID nor its link was seen: a feed that renews
        # its GUIDs, or moves a story to another link, does not brief it twice
        names = [list(dict.fromkeys(filter(None, (e.key, e.link)))) for e in usable]
        fresh = iter(await self.seen.claim(tenant, [k for keys in names for k in keys]))
        claimed = [all([next(fresh) for _ in keys]) for keys in names]
        new = [(e, keys) for e, keys, is_new in zip(usable, names, claimed, strict=True) if is_new]
        report = FeedReport(
            title=feed.title,
            entries=len(feed.entries),
            new=len(new),
            skipped=len(feed.entries) - len(new),
        )
        articles = [BriefingRequest(article=_article(e), options=request.options) for e, _ in new]
        return FeedArticles(articles, [keys for _, keys in new], report)

    async def release(self, tenant: str, claimed: FeedArticles) -> None:
        await self.seen.release(tenant, claimed.keys)

    async def _document(self, source: FeedSource) -> str | bytes:
        if source.xml is not None:
            return source.xml
        return await fetch_body(self.fetcher, source.url or "", "the feed's xml")


def _article(entry: FeedEntry) -> PageArticle | LinkArticle:
    title, author, published = entry.title, entry.author, entry.published_at
    if entry.html:
        return PageArticle(
            html=entry.html, url=entry.link, title=title, author=author, published_at=published
        )
    return LinkArticle(url=entry.link or "", title=title, author=author, published_at=published)
