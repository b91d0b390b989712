"""OpenAPI and Swagger UI served from local files: these machines have no CDN."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components
from litestar.static_files import create_static_files_router

from service.routes._openapi import SECURITY_SCHEMES

ASSETS = "/static/swagger"


def swagger_assets_dir() -> Path:
    """Swagger UI 5.x as shipped by the swagger-ui-py package (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def openapi_config(version: str) -> OpenAPIConfig:
    swagger = SwaggerRenderPlugin(
        path="/swagger",
        js_url=f"{ASSETS}/swagger-ui-bundle.js",
        css_url=f"{ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
        favicon=f'<link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">',
    )
    return OpenAPIConfig(
        title="Grounded news-briefing API",
        version=version,
        description="Briefings and event lists from news articles, every item verified "
        "against the article text.",
        path="/schema",
        render_plugins=[swagger],
        components=Components(security_schemes=SECURITY_SCHEMES),  # used by the /v1 controllers
    )


def assets_router() -> Router:
    return create_static_files_router(
        path=ASSETS,
        directories=[swagger_assets_dir()],
        include_in_schema=False,
    )
