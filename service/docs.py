"""OpenAPI viewers (Swagger UI, ReDoc) served from local files: these machines have no CDN.

Every URL the viewer pages load is on this server; tests/test_browser.py fails on any other.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components
from litestar.static_files import create_static_files_router

from service.routes._openapi import SECURITY_SCHEMES

SWAGGER_ASSETS = "/static/swagger"
LOCAL_ASSETS = "/static/docs"  # service/static: our favicon and the vendored ReDoc bundle
STATIC_DIR = Path(__file__).resolve().parent / "static"
FAVICON = f'<link rel="icon" type="image/svg+xml" href="{LOCAL_ASSETS}/favicon.svg">'


def swagger_assets_dir() -> Path:
    """Swagger UI 5.x as shipped by the swagger-ui-py package (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def openapi_config(version: str) -> OpenAPIConfig:
    swagger = SwaggerRenderPlugin(
        path="/swagger",
        js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
        css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{SWAGGER_ASSETS}/swagger-ui-standalone-preset.js",
        favicon=FAVICON,
    )
    redoc = RedocRenderPlugin(  # see service/static/redoc/VENDORED.md
        path="/redoc",
        js_url=f"{LOCAL_ASSETS}/redoc/redoc.standalone.js",
        google_fonts=False,
        favicon=FAVICON,
    )
    return OpenAPIConfig(
        title="Grounded news-briefing API",
        version=version,
        description="Briefings and event lists from news articles, every item verified "
        "against the article text.",
        path="/schema",
        render_plugins=[swagger, redoc],
        components=Components(security_schemes=SECURITY_SCHEMES),  # used by the /v1 controllers
    )


def assets_routers() -> list[Router]:
    return [
        create_static_files_router(path=path, directories=[directory], include_in_schema=False)
        for path, directory in ((SWAGGER_ASSETS, swagger_assets_dir()), (LOCAL_ASSETS, STATIC_DIR))
    ]
