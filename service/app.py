"""The app factory: the one place that wires settings, clients, routes and plugins."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from service.briefing import BriefingService
from service.docs import assets_router, openapi_config
from service.problems import problem_details_plugin
from service.routes.briefings import BriefingController
from service.routes.health import HealthController
from service.routes.stream import BriefingStreamController
from service.runtime import Runtime, open_runtime
from service.settings import Settings

API_VERSION = "0.1.0"


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

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return Litestar(
        route_handlers=[
            BriefingController,
            BriefingStreamController,
            HealthController,
            assets_router(),
        ],
        dependencies={
            "runtime": Provide(provide_runtime, sync_to_thread=False),
            "briefings": Provide(provide_briefings, sync_to_thread=False),
        },
        lifespan=[lifespan],
        plugins=[problem_details_plugin()],
        openapi_config=openapi_config(API_VERSION),
    )
