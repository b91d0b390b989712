"""Fault-injection points (service/jobs/_faults.py): inert unless FAULT_INJECT names them,
and `:pause` holds the process until the test removes the marker. Dying is exercised by
the system tests (tests/system/test_job_recovery.py), which need a process to lose."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from service.jobs._faults import fault_point


def test_a_point_is_inert_unless_fault_inject_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("FAULT_INJECT", raising=False)
    fault_point("swept-before-requeue")  # would have died (os._exit) were it armed
    monkeypatch.setenv("FAULT_INJECT", "another-point")
    fault_point("swept-before-requeue")
    monkeypatch.setenv("FAULT_INJECT", "another-point:pause")
    monkeypatch.setenv("FAULT_MARKER", str(tmp_path / "marker"))
    fault_point("swept-before-requeue")
    assert not (tmp_path / "marker").exists()


def test_a_pause_holds_until_its_marker_is_removed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    marker = tmp_path / "paused"
    monkeypatch.setenv("FAULT_INJECT", "here:pause")
    monkeypatch.setenv("FAULT_MARKER", str(marker))

    def release() -> None:
        deadline = time.monotonic() + 10
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert marker.read_text() == str(os.getpid())
        time.sleep(0.3)
        marker.unlink()

    releaser = threading.Thread(target=release)
    started = time.monotonic()
    releaser.start()
    fault_point("here")
    releaser.join()
    assert 0.3 <= time.monotonic() - started < 5


def test_a_pause_gives_up_after_fault_pause_s(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FAULT_INJECT", "here:pause")
    monkeypatch.setenv("FAULT_MARKER", str(tmp_path / "paused"))
    monkeypatch.setenv("FAULT_PAUSE_S", "0.2")
    started = time.monotonic()
    fault_point("here")
    assert 0.2 <= time.monotonic() - started < 5
