"""The analyst pages: HTML for people, outside the /v1 JSON API (and its OpenAPI document).

`GET /briefings/{id}`: the briefing with its article, every evidence span marked, a timeline
and a map of its events, what verification dropped, and links to the JSON and the exports.
`GET /jobs/{id}`: a job's progress (the page refreshes itself until the job has finished),
its articles with links to their pages, and one timeline and map of all their events.

Jinja2 templates (service/web/templates/) with autoescape on; the data is prepared in
service/web/views.py. The pages work without script: static/pages/pages.js only adds
selecting an item's spans in place. A strict Content-Security-Policy allows nothing but this
server's own script, styles and images.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from schemas import BriefingResponse, Job
from service.briefing import BriefingService
from service.jobs import JobService
from service.web.atlas import map_view
from service.web.openapi import LOCAL_ASSETS, BriefingId, briefing_page_url, job_page_url
from service.web.routes.jobs import JobId, Limit, Offset
from service.web.views import Dated, Stored, briefing_page, located, timeline

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
REFRESH_S = 2
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["assets"] = LOCAL_ASSETS
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment))


def _page(name: str, status_code: int = 200, **context: Any) -> Template:
    return Template(name, context=context, headers=HEADERS, status_code=status_code)


def _not_found(what: str, ident: str) -> Template:
    return _page("not_found.html", 404, what=what, ident=ident)


class PagesController(Controller):
    include_in_schema = False  # pages for people; the API's operations link to them

    @get("/briefings/{briefing_id:str}")
    async def briefing(
        self, briefing_id: BriefingId, briefings: NamedDependency[BriefingService]
    ) -> Template:
        payload = await briefings.get(briefing_id)
        if payload is None:
            return _not_found("briefing", briefing_id)
        stored = await briefings.article(briefing_id)
        page = briefing_page(
            BriefingResponse.model_validate_json(payload),
            Stored.parse(stored) if stored is not None else None,
        )
        api = f"/v1/briefings/{briefing_id}"
        return _page(
            "briefing.html",
            page=page,
            links=[
                ("JSON", api),
                ("events.csv", f"{api}/events.csv"),
                ("events.jsonl", f"{api}/events.jsonl"),
            ],
        )

    @get("/jobs/{job_id:str}")
    async def job(
        self,
        job_id: JobId,
        jobs: NamedDependency[JobService],
        offset: Offset = 0,
        limit: Limit = 100,
    ) -> Template:
        job = await jobs.get(job_id, offset, limit)
        if job is None:
            return _not_found("job", job_id)
        return _page("job.html", **await _job_context(job, jobs))


async def _job_context(job: Job, jobs: JobService) -> dict[str, Any]:
    """The job, its listed articles (title and events from the store), and all their events
    on one timeline and map, each linking to its place on its article's page."""
    ids = [item.briefing_id for item in job.items if item.briefing_id]
    payloads = dict(zip(ids, await jobs.cache.get_many(ids), strict=True))
    articles = dict(zip(ids, await jobs.cache.get_many(ids, kind="article"), strict=True))
    rows, dated, places = [], [], []
    for item in job.items:
        payload = payloads.get(item.briefing_id or "")
        briefing = BriefingResponse.model_validate_json(payload) if payload else None
        stored = articles.get(item.briefing_id or "")
        title = Stored.parse(stored).title if stored else None
        rows.append((item, briefing, title or (briefing.briefing.headline if briefing else "")))
        if briefing is None:
            continue
        page = briefing_page_url(briefing.id)
        for event in briefing.events:
            key, href = f"a{item.index + 1}-{event.id}", f"{page}#at-{event.id}"
            label = f"#{item.index + 1} {event.id} {event.type.value}"
            dated.append(Dated(key, href, label, event))
            if (place := located(event, key, href, label)) is not None:
                places.append(place)
    return {
        "job": job,
        "rows": rows,
        "refresh": REFRESH_S if job.finished_at is None else None,
        "timeline": timeline(dated),
        "map": map_view(places),
        "json_url": job.links.self,
        "next_url": f"{job_page_url(job.id)}?offset={job.offset + job.limit}&limit={job.limit}"
        if job.links.next
        else None,
    }
