"""The one place that reads the wall clock.

Expiry, archiving and retention all depend on "now"; routing every read through a Clock lets tests move time
forward by days without sleeping, and keeps the engine deterministic under test.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta, timezone

_BOOTTIME = getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC)


class Clock:
    """Real UTC time. Subclassed by FakeClock in tests.

    Besides the wall clock, `since_boot()` reads a clock that only ever moves forward at the rate time passes
    (CLOCK_BOOTTIME: it counts suspended time too, and setting the date does not move it). Comparing the two between
    cleanup passes is how the engine notices that the wall clock jumped (see sessions/guard.py)."""

    @property
    def wall_clock(self) -> "Clock":
        """The wall clock as the system reads it, uncorrected: what the cleanup guard judges. The engine stamps
        with sessions/engine_time.EngineClock, which wraps the injected clock and overrides this."""
        return self

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def timestamp(self) -> float:
        return self.now().timestamp()

    def since_boot(self) -> float:
        return time.clock_gettime(_BOOTTIME)

    def boot_id(self) -> str:
        """Which boot `since_boot()` counts from: readings of two boots (or two machines) are not comparable."""
        try:
            with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
                return handle.read().strip()
        except OSError:
            return f"unknown-{os.getpid()}"  # no boot id: never compare across processes


class FakeClock(Clock):
    """A clock that only moves when told to, so tests can age sessions instantly. `advance` is time passing (the
    wall clock and the since-boot clock move together); `jump` and `set` move only the wall clock, as an operator
    setting the date or a broken NTP server would."""

    def __init__(self, start: datetime | None = None, since_boot: float = 1000.0) -> None:
        self._now = start or datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)
        self._boot = since_boot  # another process of the same (fake) boot starts where the first one's count is
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def since_boot(self) -> float:
        with self._lock:
            return self._boot

    def boot_id(self) -> str:
        return "fake-boot"

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            step = timedelta(**delta)
            self._now = self._now + step
            self._boot += step.total_seconds()
            return self._now

    def jump(self, **delta: float) -> datetime:
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


def file_age(mtime: float) -> float:
    """Seconds since a file was last written, on the file system's own clock (the kernel's, which stamped it),
    so the answer is right whatever the engine's clock says (a test's FakeClock, or a wall clock that jumped)."""
    return time.time() - mtime
