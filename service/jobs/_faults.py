"""Fault-injection points: where a test can make the process die as a kill would.

`FAULT_INJECT=<point>` in a process's environment makes `fault_point(<point>)` end it at
once (`os._exit`: no cleanup, no answer), so a test can check that what the process was in
the middle of is recovered by someone else. Unset in production, it costs one dict lookup.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)

KILLED = 137  # the exit status of a SIGKILLed process, which is what this imitates


def fault_point(name: str) -> None:
    if os.environ.get("FAULT_INJECT") == name:
        log.critical("FAULT_INJECT=%s: dying here", name)
        os._exit(KILLED)
