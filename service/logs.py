"""Structured logs that can be joined to a request.

Every request gets an id (service/web/_observe.py assigns it, the client's `X-Request-ID`
when it is sane); it is stamped on every log line written while the request runs, including
lines from the LLM call and verification, so one grep finds a request's story.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
access_log = logging.getLogger("service.access")  # one line per request (service/web/_observe.py)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; `extra={...}` fields become top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if (rid := request_id.get()) is not None:
            entry["request_id"] = rid
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = request_id.get()
        return f"{line} [{rid}]" if rid else line


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler we install, so configuring twice replaces it and nothing else."""


def configure_logging(fmt: str = "json", level: str = "INFO") -> None:
    """Install our root handler (replacing an earlier one of ours, keeping anyone else's,
    e.g. pytest's capture); uvicorn's own access log is superseded by ours."""
    handler = _OurHandler()
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else _TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _OurHandler)] + [handler]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True
    # SAQ logs every job it enqueues, starts and finishes at INFO: three lines per article
    # of a 10,000-article job. Workers log one line per article themselves, and the queue
    # its retries (service/jobs/); SAQ's own lines come back with LOG_LEVEL=DEBUG.
    logging.getLogger("saq").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
