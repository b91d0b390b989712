"""What streaming needs around instructor's `create_partial`: a permissive draft, the re-ask,
and the token usage a stream hides.

instructor validates every complete list item of a partial against the response model, so
streaming `Draft` itself runs its article validators on half an answer (and its enum and
date fields fail mid-stream). `DraftSketch` accepts any JSON in `Draft`'s four fields, yet
sends the model exactly `Draft`'s tool schema, so the model writes what it writes for the
non-streaming call; the finished sketch is then validated against `Draft` once.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from instructor import AsyncInstructor, Mode
from instructor.v2.core.registry import mode_registry
from openai import AsyncStream
from openai.types.chat import ChatCompletion, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_message_function_tool_call import (
    ChatCompletionMessageFunctionToolCall,
    Function,
)
from pydantic import BaseModel, ConfigDict

from service.grounding.draft import Draft

_TOOL_MODES = {Mode.TOOLS, Mode.TOOLS_STRICT}


class DraftSketch(BaseModel):
    """A draft as the model wrote it so far: any JSON in `Draft`'s fields, nothing checked."""

    model_config = ConfigDict(extra="allow")

    headline: Any = None
    summary: Any = None
    key_points: Any = None
    events: Any = None

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """`Draft`'s schema (and tool name): the model must not see a different question."""
        return Draft.model_json_schema(*args, **kwargs)


DraftSketch.__doc__ = Draft.__doc__  # the tool description instructor sends


def sketch_fields(sketch: DraftSketch) -> dict[str, Any]:
    """The four draft fields of a partial, for a `draft` frame (lists not begun are empty)."""
    return {
        "headline": sketch.headline,
        "summary": sketch.summary,
        "key_points": sketch.key_points or [],
        "events": sketch.events or [],
    }


def sketch_json(sketch: DraftSketch | None) -> str:
    """The fields the model wrote, as JSON: what the non-streaming path would validate."""
    return "" if sketch is None else json.dumps(sketch.model_dump(exclude_unset=True))


def reask_messages(
    client: AsyncInstructor, messages: Sequence[dict[str, Any]], raw: str, error: Exception
) -> list[dict[str, Any]]:
    """The messages instructor's own re-ask appends after a failed non-streaming answer.

    The streamed answer is replayed as the completion it amounts to (a tool call in the tool
    modes, text otherwise) and handed to the re-ask handler registered for the client's
    mode, so the model reads the same correction either path would give it.
    """
    tools = client.mode in _TOOL_MODES
    name = str(Draft.model_json_schema().get("title", "Draft"))
    call = ChatCompletionMessageFunctionToolCall(
        id="call_stream", type="function", function=Function(name=name, arguments=raw)
    )
    message = ChatCompletionMessage(
        role="assistant", content=None if tools else raw, tool_calls=[call] if tools else None
    )
    completion = ChatCompletion(
        id="chatcmpl-stream",
        object="chat.completion",
        created=0,
        model="",
        choices=[Choice(index=0, message=message, finish_reason="tool_calls" if tools else "stop")],
    )
    handlers = mode_registry.get_handlers(client.provider, client.mode)
    kwargs = handlers.reask_handler(
        kwargs={"messages": list(messages)}, response=completion, exception=error
    )
    return list(kwargs["messages"][len(messages) :])


def wrap_stream(response: Any, wrap: Callable[[AsyncIterator[Any]], AsyncIterator[Any]]) -> bool:
    """Pass an openai stream's chunks through `wrap` as they are read, whoever reads them.

    The stream's iterator is private to openai (pinned by uv.lock and by tests/api/test_stream.py,
    which asserts what goes through it). False when `response` is no stream.
    """
    inner = getattr(response, "_iterator", None)
    if not isinstance(response, AsyncStream) or inner is None:
        return False
    response._iterator = wrap(inner)
    return True


def tap_usage(response: Any, on_usage: Callable[[Any], None]) -> bool:
    """Report the usage chunk of an openai stream as instructor iterates it.

    instructor hands the stream to its `completion:response` hook before reading it and
    drops chunks without choices, which is where `stream_options.include_usage` puts the
    usage. False when `response` is no stream.
    """

    async def tapped(chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for chunk in chunks:
            if (usage := getattr(chunk, "usage", None)) is not None:
                on_usage(usage)
            yield chunk

    return wrap_stream(response, tapped)
