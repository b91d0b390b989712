"""Requests reshaped for what a backend accepts, below instructor.

instructor's JSON-schema mode sends OpenAI's structured-output format,
`{"type": "json_schema", "json_schema": {"name": …, "schema": S}}`. llama-cpp-python's server
answers that with a 500 and instead accepts `{"type": "json_object", "schema": S}`, which it
enforces with a grammar (docs/quality.md, "Measured facts"). Rewriting it here keeps instructor (its
validation, its retries, its hooks) and the schema the same for every backend.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


def as_json_object(response_format: Any) -> Any:
    if (
        isinstance(response_format, dict)
        and response_format.get("type") == "json_schema"
        and isinstance(schema := response_format.get("json_schema", {}).get("schema"), dict)
    ):
        return {"type": "json_object", "schema": schema}
    return response_format


def json_object_schemas(create: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """`create` with every `json_schema` response format sent as a `json_object` one."""

    async def create_json_object(*args: Any, **kwargs: Any) -> T:
        if "response_format" in kwargs:
            kwargs["response_format"] = as_json_object(kwargs["response_format"])
        return await create(*args, **kwargs)

    return create_json_object
