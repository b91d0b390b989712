"""Fault-injection points: where a test can make the process die, or freeze, at one line.

`FAULT_INJECT=<point>` in a process's environment makes `fault_point(<point>)` end it at
once (`os._exit`: no cleanup, no answer), so a test can check that what the process was in
the middle of is recovered by someone else.

`FAULT_INJECT=<point>:pause` makes it stop there instead: it writes the file named by
`FAULT_MARKER` (its pid) and blocks, event loop and all, until the test deletes that file
or `FAULT_PAUSE_S` (default 120) pass. Meanwhile the test can change the world under the
frozen process exactly at that point (kill Redis, say), which no timing could hit reliably;
then it lets the process carry on into what it has done.

Unset in production, a point costs one dict lookup.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

KILLED = 137  # the exit status of a SIGKILLed process, which is what dying imitates
PAUSE_LIMIT_S = 120.0  # a test that forgot its marker does not hang a worker for ever
_POLL_S = 0.05


def fault_point(name: str) -> None:
    """Dies or pauses here when `FAULT_INJECT` names this point; otherwise nothing."""
    wanted = os.environ.get("FAULT_INJECT")
    if wanted is None:
        return
    point, _, action = wanted.partition(":")
    if point != name:
        return
    if action == "pause":
        _pause(name)
        return
    log.critical("FAULT_INJECT=%s: dying here", name)
    os._exit(KILLED)


def _pause(name: str) -> None:
    """Blocks (deliberately: nothing else in the process may run meanwhile) until the
    marker is gone. A pause without `FAULT_MARKER` is a broken test: it fails loudly."""
    marker = Path(os.environ["FAULT_MARKER"])
    limit_s = float(os.environ.get("FAULT_PAUSE_S", PAUSE_LIMIT_S))
    marker.write_text(str(os.getpid()))
    log.critical("FAULT_INJECT=%s:pause: paused until %s is removed", name, marker)
    deadline = time.monotonic() + limit_s
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(_POLL_S)
    log.critical("FAULT_INJECT=%s:pause: carrying on", name)
