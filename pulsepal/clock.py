"""The one place that reads the wall clock.

Expiry, archiving and retention all depend on "now"; routing every read through a Clock lets tests move time
forward by days without sleeping, and keeps the engine deterministic under test.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


class Clock:
    """Real UTC time. Subclassed by FakeClock in tests."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def timestamp(self) -> float:
        return self.now().timestamp()


class FakeClock(Clock):
    """A clock that only moves when told to, so tests can age sessions instantly."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now = self._now + timedelta(**delta)
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when


SYSTEM_CLOCK = Clock()


def from_timestamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


def iso(dt: datetime) -> str:
    return dt.isoformat()


def ts_iso(ts: "float | None") -> "str | None":
    """Epoch seconds (as the index keeps them) to ISO 8601 UTC, for people and JSON."""
    return None if ts is None else from_timestamp(float(ts)).isoformat()


def stamp(dt: datetime) -> str:
    """A sortable, file-name-safe instant (backup, quarantine and rotated-log names): 20260115T120000123456Z."""
    return dt.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def day(dt: datetime) -> str:
    """The archive day of an instant (YYYY-MM-DD, UTC)."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%d")
