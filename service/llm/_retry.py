"""Retrying one LLM call on transient failures, within that call's own timeout.

The openai client (3.3) retries by itself, but its bounds are not ours: every try gets the
whole timeout and a timed-out try is tried again, so LLM_TIMEOUT_S=300 with 2 retries can hold
a request for 15 minutes, and it waits out any `Retry-After` of up to 2 minutes whatever the
timeout. So the openai client is built with `max_retries=0` and every chat call goes through
`RetryPolicy.wrap`, which keeps openai's backoff curve but bounds the whole:

- Retried: HTTP 408, 409, 429 and 5xx, and failures to connect, at most LLM_HTTP_RETRIES
  times. Not timeouts: a try is given all the time that is left, so a timeout leaves none.
- Before retry n (from 0) it waits min(0.5 s × 2ⁿ, 8 s), less a random 0–25 % (jitter, so
  clients that failed together do not come back together): 0.38–0.5 s, 0.75–1 s, 1.5–2 s …
- A `retry-after-ms` or `Retry-After` (seconds or an HTTP date) from the backend replaces that
  wait when it is positive, at most MAX_RETRY_AFTER_S, and shorter than the time left. A longer
  one is not waited for: the error is raised at once, and the client is told the backend's
  Retry-After (service/llm/extraction.py). So is a backoff that would outlast the time left.
- The call's `timeout` (LLM_TIMEOUT_S) is the budget of all its tries and waits together; each
  try gets what is left of it.

A re-ask after invalid output (LLM_MAX_RETRIES) is a new call with its own budget: it is the
model's second answer, not the transport's second try.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import openai

log = logging.getLogger(__name__)

T = TypeVar("T")

BASE_S = 0.5
CAP_S = 8.0
MAX_RETRY_AFTER_S = 60.0  # a backend asking for more is rate limiting us for real: say so now


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """Seconds the backend asks us to wait (`retry-after-ms` first, as openai reads it), or
    None when it says nothing readable."""
    try:
        return float(headers["retry-after-ms"]) / 1000
    except (KeyError, ValueError):
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return seconds if math.isfinite(seconds) else None


def _retryable(exc: openai.APIError) -> bool:
    if isinstance(exc, openai.APIStatusError):
        code = exc.status_code
        return code in (408, 409, 429) or code >= 500
    return isinstance(exc, openai.APIConnectionError) and not isinstance(
        exc, openai.APITimeoutError
    )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = 2
    default_budget_s: float = 300.0  # for a call made without a `timeout`
    base_s: float = BASE_S
    cap_s: float = CAP_S
    max_retry_after_s: float = MAX_RETRY_AFTER_S

    def wait_s(self, exc: openai.APIError, retry: int, left_s: float) -> float | None:
        """How long to wait before retry number `retry` (from 0), or None: raise `exc`."""
        if retry >= self.retries or not _retryable(exc):
            return None
        asked = None
        if isinstance(exc, openai.APIStatusError):
            asked = retry_after_s(exc.response.headers)
        if asked is not None and asked > 0:
            return asked if asked <= self.max_retry_after_s and asked < left_s else None
        backoff = min(self.base_s * 2**retry, self.cap_s) * (1 - 0.25 * random.random())
        return backoff if backoff < left_s else None

    def wrap(self, create: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        """`create` (an openai `chat.completions.create`) with retries, for instructor."""

        @functools.wraps(create)
        async def create_with_retries(*args: Any, **kwargs: Any) -> T:
            timeout = kwargs.get("timeout")
            budget = timeout if isinstance(timeout, int | float) else self.default_budget_s
            deadline = time.monotonic() + budget
            retry = 0
            while True:
                left = deadline - time.monotonic()
                try:
                    return await create(*args, **{**kwargs, "timeout": left})
                except openai.APIError as exc:
                    wait = self.wait_s(exc, retry, deadline - time.monotonic())
                    if wait is None:
                        raise
                    log.info(
                        "LLM call failed (%s); retry %d of %d in %.2f s",
                        _describe(exc),
                        retry + 1,
                        self.retries,
                        wait,
                    )
                    await asyncio.sleep(wait)
                    retry += 1

        return create_with_retries


def _describe(exc: openai.APIError) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__
