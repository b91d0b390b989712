"""Signing in to the pages: `GET /login` (a form), `POST /login` (a key in, a cookie out),
`POST /logout`. Not in the OpenAPI document: these are for people with a browser.

The key travels once, in the form's POST body (never in a URL, so never in a log or a
history); Redis keeps only a session token's digest (service/store/sessions.py). The cookie
is HttpOnly (no script reads it), SameSite=Strict (no other site's page makes the browser
send it), Secure over HTTPS, and it authorises GET and HEAD only. A POST whose `Origin` is
another site's is refused (a forged sign-in). Failed sign-ins count against the address's
AUTH_FAILURE_LIMIT like any failed key check.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from service.runtime import Runtime
from service.store.apikeys import Unauthorized
from service.store.sessions import COOKIE, session_token
from service.web.routes.pages import HEADERS

# The pages' policy, but this form posts to this server, and says where from: under
# `no-referrer` a browser sends `Origin: null`, which the check below must refuse.
FORM_HEADERS = HEADERS | {
    "Content-Security-Policy": HEADERS["Content-Security-Policy"].replace(
        "form-action 'none'", "form-action 'self'"
    ),
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _next(target: str | None) -> str:
    """Where to go after signing in: a path on this server, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/schema/redoc"
    return target


def _form(runtime: Runtime, target: str, status_code: int = 200, failed: str = "") -> Template:
    hours = round(runtime.settings.session_ttl_s / 3600, 1)
    return Template(
        "login.html",
        context={"next": target, "failed": failed, "hours": f"{hours:g}"},
        headers=FORM_HEADERS,
        status_code=status_code,
    )


def _same_origin(request: Request[Any, Any, Any]) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


class SessionController(Controller):
    include_in_schema = False

    @get("/login")
    async def form(self, request: Request[Any, Any, Any]) -> Template:
        runtime: Runtime = request.app.state.runtime
        return _form(runtime, _next(request.query_params.get("next")))

    @post("/login", status_code=303)
    async def login(self, request: Request[Any, Any, Any]) -> Response[Any]:
        runtime: Runtime = request.app.state.runtime
        fields = await request.form()
        target = _next(fields.get("next"))
        if not _same_origin(request):
            return _form(runtime, target, 403, failed="This form was sent from another site.")
        gate, client = runtime.gate, request.client
        address = client.host if client else "unknown"
        key = str(fields.get("key") or "").strip()
        try:
            if gate.failures is not None:
                await gate.failures.check(address)
            caller = await gate.keys.authenticate(key or None) if key else None
            if caller is None:
                raise Unauthorized("no valid API key was given", invalid=bool(key))
        except Unauthorized:
            if gate.failures is not None:
                await gate.failures.failed(address)
            return _form(runtime, target, 401, failed="That key is not valid.")
        token = await runtime.gate.sessions.open(caller.name)  # type: ignore[union-attr]
        response = Redirect(path=target, status_code=303)
        response.set_cookie(
            COOKIE,
            token,
            max_age=runtime.settings.session_ttl_s,
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @post("/logout", status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[Any]:
        runtime: Runtime = request.app.state.runtime
        token = session_token(request.headers.get("cookie", ""))
        if token and runtime.gate.sessions is not None and _same_origin(request):
            await runtime.gate.sessions.close(token)
        response = Redirect(path="/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response
