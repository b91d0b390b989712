"""The analyst pages: HTML for people, outside the /v1 JSON API (and its OpenAPI document).

`GET /briefings/{id}`: the briefing with its article, every evidence span marked, a timeline
and a map of its events, what verification dropped, and links to the JSON and the exports.
`GET /jobs/{id}`: a job's progress (the page refreshes itself until the job has finished),
its articles with links to their pages, and its events merged across articles
(`JobService.events`, the same as `getJobEvents`): each happening once, with its reports,
their disagreements and the rule behind each join, on a timeline and a map.

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
from schemas.merged import JobEvents
from service.briefing import BriefingService
from service.jobs import JobService
from service.store.access import Caller
from service.tenancy import Tenancy
from service.web.merged_view import merged_section
from service.web.openapi import LOCAL_ASSETS, BriefingId, job_page_url
from service.web.routes.jobs import JobId, Limit, Offset
from service.web.views import Stored, briefing_page

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
        self,
        briefing_id: BriefingId,
        briefings: NamedDependency[BriefingService],
        tenancy: NamedDependency[Tenancy],
        caller: NamedDependency[Caller],
    ) -> Template:
        payload = await tenancy.stored(caller, briefing_id, await briefings.get(briefing_id))
        if payload is None:  # never stored, expired, or another tenant's
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
                ("quotes.csv", f"{api}/quotes.csv"),
                ("quotes.jsonl", f"{api}/quotes.jsonl"),
            ],
        )

    @get("/jobs/{job_id:str}")
    async def job(
        self,
        job_id: JobId,
        jobs: NamedDependency[JobService],
        caller: NamedDependency[Caller],
        offset: Offset = 0,
        limit: Limit = 100,
    ) -> Template:
        job = await jobs.get(job_id, offset, limit, caller)
        merged = await jobs.events(job_id, caller) if job is not None else None
        if job is None or merged is None:  # unknown, or deleted between the two reads
            return _not_found("job", job_id)
        return _page("job.html", **await _job_context(job, merged, jobs))


async def _job_context(job: Job, merged: JobEvents, jobs: JobService) -> dict[str, Any]:
    """The job, its listed articles (title and event count from the store), and the events
    of all its finished articles merged: one card, timeline row and marker per happening,
    however many articles report it (service/web/merged_view.py)."""
    ids = [item.briefing_id for item in job.items if item.briefing_id]
    payloads = dict(zip(ids, await jobs.cache.get_many(ids), strict=True))
    articles = dict(zip(ids, await jobs.cache.get_many(ids, kind="article"), strict=True))
    rows = []
    for item in job.items:
        payload = payloads.get(item.briefing_id or "")
        briefing = BriefingResponse.model_validate_json(payload) if payload else None
        stored = articles.get(item.briefing_id or "")
        title = Stored.parse(stored).title if stored else None
        rows.append((item, briefing, title or (briefing.briefing.headline if briefing else "")))
    section = merged_section(merged, partial=job.finished_at is None)
    return {
        "job": job,
        "rows": rows,
        "refresh": REFRESH_S if job.finished_at is None else None,
        "merged": section,
        "timeline": section.timeline,
        "map": section.map,
        "json_url": job.links.self,
        "next_url": f"{job_page_url(job.id)}?offset={job.offset + job.limit}&limit={job.limit}"
        if job.links.next
        else None,
    }
