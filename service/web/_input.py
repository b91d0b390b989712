"""JSON request bodies: only JSON, only UTF-8, and a 400 for what the decoder cannot take.

- `json_body_guard` (an app guard, so it runs before any route's `before_request`, the body
  memo of POST /v1/briefings included): a route that takes a JSON body answers 415 to any
  other `Content-Type`, a missing one included. `text/plain`, `multipart/form-data` and
  `application/x-www-form-urlencoded` are what a browser may send cross-site without a CORS
  preflight; none of them is parsed as JSON. A JSON type with a `charset` other than UTF-8
  is a 400: JSON exchanged between systems is UTF-8 (RFC 8259 §8.1).
- `JsonRequest.json`: the decoder's own failures become a 400 that names the body and the
  reason. Bytes that are not UTF-8 (msgspec raises UnicodeDecodeError) and nesting deeper
  than the decoder recurses (RecursionError: a ~1,000-deep array) were 500s.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from service.web.openapi import problem_responses

JSON_ONLY = problem_responses(
    (
        415,
        "The body is not sent as JSON: `Content-Type` must be `application/json` (or a "
        "`+json` type), and missing is not JSON.",
        {
            "type": "about:blank",
            "title": "Unsupported Media Type",
            "status": 415,
            "detail": "the body must be sent as Content-Type: application/json; got text/plain",
        },
    )
)
"""The answer the guard adds to every operation that takes a JSON body."""


class UnsupportedMediaType(HTTPException):
    status_code = HTTP_415_UNSUPPORTED_MEDIA_TYPE


def _bad_body(reason: str) -> ValidationException:
    return ValidationException(
        detail=f"the request body is not usable JSON: {reason}",
        extra=[{"key": "body", "message": reason}],
    )


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def takes_json(handler: BaseRouteHandler) -> bool:
    return "data" in handler.parsed_fn_signature.parameters


def json_body_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    if not takes_json(handler):
        return
    raw = connection.headers.get("content-type")
    media_type, _, params = (raw or "").partition(";")
    media_type = media_type.strip().lower()
    if not _is_json(media_type):
        got = f"got {media_type}" if media_type else "it has none"
        raise UnsupportedMediaType(
            detail=f"the body must be sent as Content-Type: application/json; {got}"
        )
    for param in params.split(";"):
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise _bad_body(f"charset={charset} is not accepted; JSON bodies are UTF-8 (RFC 8259)")


class JsonRequest(Request[Any, Any, Any]):
    """Litestar's request, whose JSON decoding fails as a 400 problem, never a 500."""

    async def json(self) -> Any:
        try:
            return await super().json()
        except UnicodeDecodeError as exc:
            raise _bad_body(f"it is not valid UTF-8 ({exc.reason})") from None
        except RecursionError:
            raise _bad_body("it is nested too deeply for the decoder") from None
