"""The app factory: the one place that wires settings, clients, routes and plugins.

It also renders the OpenAPI document as committed in schemas/openapi.json: clients are
generated from the committed file, so it must be exactly what the code serves
(tests/api/test_openapi.py fails when they drift; `python -m service openapi` regenerates it).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Router
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from service.briefing import BriefingService
from service.jobs import JobService
from service.logs import configure_logging
from service.runtime import Runtime, open_runtime
from service.settings import Settings
from service.store.access import Caller
from service.tenancy import Tenancy
from service.web._drain import LIMIT_SETTING, body_limit_middleware, drain_middleware
from service.web._edges import cut_middleware, head_middleware
from service.web._input import JsonRequest, json_body_guard
from service.web._observe import prometheus, request_id_middleware
from service.web._slow import slow_body_middleware
from service.web._validation import ModelStrictnessPlugin
from service.web.gate import caller_of, gate_middleware
from service.web.openapi import assets_routers, openapi_config
from service.web.problems import problem_details_plugin
from service.web.routes.bench import BenchController
from service.web.routes.briefings import BriefingController
from service.web.routes.events import EventsController
from service.web.routes.health import HealthController
from service.web.routes.job_events import JobEventsController
from service.web.routes.jobs import JobController
from service.web.routes.pages import PagesController, template_config
from service.web.routes.quotes import QuotesController
from service.web.routes.session import SessionController
from service.web.routes.stream import BriefingStreamController

API_VERSION = "0.1.0"
COMMITTED = Path(__file__).resolve().parents[2] / "schemas" / "openapi.json"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with open_runtime(settings) as runtime:
            app.state.runtime = runtime
            yield

    def provide_runtime(state: State) -> Runtime:
        return state.runtime  # type: ignore[no-any-return]

    def provide_briefings(runtime: NamedDependency[Runtime]) -> BriefingService:
        return runtime.briefings

    def provide_jobs(runtime: NamedDependency[Runtime]) -> JobService:
        return runtime.jobs

    def provide_tenancy(runtime: NamedDependency[Runtime]) -> Tenancy:
        return runtime.tenancy

    def provide_caller(request: Request[Any, Any, Any]) -> Caller:
        return caller_of(request)  # the tenant the gate let in (service/web/gate.py)

    configure_logging(settings.log_format, settings.log_level)
    metrics_config, metrics_controller = prometheus()
    app = Litestar(
        route_handlers=[
            BriefingController,
            BriefingStreamController,
            EventsController,
            QuotesController,
            JobEventsController,
            # A job carries many articles: its own body limit (MAX_JOB_BODY_BYTES)
            Router(
                "/",
                route_handlers=[JobController],
                request_max_body_size=settings.max_job_body_bytes,
                opt={LIMIT_SETTING: "MAX_JOB_BODY_BYTES"},
            ),
            HealthController,
            PagesController,  # HTML for people: /briefings/{id}, /jobs/{id}
            SessionController,  # their sign-in: /login, /logout
            metrics_controller,
            *assets_routers(),
            *([BenchController] if settings.bench_routes else []),
        ],
        middleware=[metrics_config.middleware, gate_middleware, body_limit_middleware],
        guards=[json_body_guard],  # JSON routes take only JSON (service/web/_input.py)
        request_class=JsonRequest,
        request_max_body_size=settings.max_body_bytes,  # larger bodies: a 413 problem
        opt={LIMIT_SETTING: "MAX_BODY_BYTES"},  # named in that problem (service/web/_drain.py)
        logging_config=None,  # ours (service/logs.py), not Litestar's default text handler
        dependencies={
            "runtime": Provide(provide_runtime, sync_to_thread=False),
            "briefings": Provide(provide_briefings, sync_to_thread=False),
            "jobs": Provide(provide_jobs, sync_to_thread=False),
            "caller": Provide(provide_caller, sync_to_thread=False),
            "tenancy": Provide(provide_tenancy, sync_to_thread=False),
        },
        lifespan=[lifespan],
        plugins=[problem_details_plugin(), ModelStrictnessPlugin()],
        openapi_config=openapi_config(API_VERSION),
        template_config=template_config(),
    )
    # HEAD is GET without a body; a request the stopping server cuts is a 503 problem.
    app.asgi_handler = cut_middleware(head_middleware(app.asgi_handler))
    # An error answered before the body was read drains it, so no reset eats it.
    app.asgi_handler = drain_middleware(app.asgi_handler, settings.max_drain_bytes)
    # Around the drain, whose reads it bounds too: a body that does not come, or too many.
    app.asgi_handler = slow_body_middleware(
        app.asgi_handler, settings.body_timeout_s, settings.max_pending_bodies
    )
    # Outermost (Litestar wraps CORS inside), so 404s, 405s and 503s get an id and a log line.
    app.asgi_handler = request_id_middleware(app.asgi_handler)
    return app


def render_openapi(settings: Settings | None = None) -> str:
    """The served document, with sorted keys so diffs stay readable."""
    app = create_app(settings or Settings())
    schema = app.openapi_schema.to_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_openapi(path: Path = COMMITTED) -> Path:
    path.write_text(render_openapi(), encoding="utf-8")
    return path
