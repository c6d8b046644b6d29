"""The time the engine stamps on what it writes: the wall clock, unless the cleanup guard knows it to be wrong.

Retention and expiry compare stamps with "now", so a stamp written while the wall clock is wrong outlives the skew:
an archive written while the date was set 10 days back carries a date 10 days old, and the first trusted pass after
NTP corrects the clock would remove it as "archived more than 7 days ago". So the engine never stamps a time earlier
than what it already knows to be true, which is the guard's last trusted reference (guard.py):

- on the same boot, the reference's wall time plus the since-boot time elapsed since it, whenever the wall clock
  disagrees with that estimate by more than the guard's tolerance (a jump either way);
- on another boot or another replica, where the since-boot clocks cannot be compared, never earlier than the
  reference's wall time;
- otherwise the wall clock itself, unchanged.

The guard keeps judging the raw wall clock (`Clock.wall_clock`), so it still sees and reports the jump. The reference
lives in the store's state ("clock"), which every process and replica reads; a process keeps the one it read, with
the since-boot time it read it at, and reads it again at most every REFRESH_SECONDS (a pass in this process hands
over its new one at once), so stamping a message never reads state.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Callable, Optional

from ..clock import Clock, from_timestamp
from .errors import StorageError

JUMP_TOLERANCE_SECONDS = 300.0
JUMP_TOLERANCE_SHARE = 0.01
REFRESH_SECONDS = 60.0


def tolerance(boot_elapsed: float) -> float:
    """How far the wall clock may drift from the since-boot clock before the guard calls it a jump."""
    return max(JUMP_TOLERANCE_SECONDS, JUMP_TOLERANCE_SHARE * abs(boot_elapsed))


def same_boot_drift(reference: dict, wall: float, since_boot: float, boot_id: str) -> Optional[tuple[float, float]]:
    """(wall time elapsed minus since-boot time elapsed, since-boot time elapsed) since the reference, or None when
    the reference was taken on another boot (or machine), where the two clocks cannot be compared."""
    if reference.get("boot_id") != boot_id:
        return None
    boot_elapsed = since_boot - float(reference.get("since_boot", 0.0))
    return wall - float(reference.get("wall", 0.0)) - boot_elapsed, boot_elapsed


def trusted_time(reference: Optional[dict], wall: float, since_boot: float, boot_id: str) -> float:
    """The engine's best knowledge of the true time (epoch seconds); `wall` itself whenever it is consistent."""
    if not isinstance(reference, dict):
        return wall  # no pass has run yet: nothing is known beyond the clock
    known = float(reference.get("wall", 0.0))
    drift = same_boot_drift(reference, wall, since_boot, boot_id)
    if drift is not None and abs(drift[0]) > tolerance(drift[1]):
        return known + drift[1]
    return max(wall, known)


class _Shared:
    """The reference one process knows, shared by the engine's clock and the store's view of it."""

    def __init__(self) -> None:
        self.read: Optional[Callable[[], dict]] = None
        self.reference: Optional[dict] = None
        self.read_at: Optional[float] = None
        self.lock = threading.Lock()  # guards the two fields above
        self.reading = threading.Lock()  # one reader at a time; the others stamp with what is known


class EngineClock(Clock):
    """The clock every engine service and store stamps with; it wraps the injected clock (`wall_clock`).

    Only the engine's own clock reads the reference again when it is due; the store gets `for_store()`, a view
    that stamps with the same reference and never reads it: a store calls its clock while it holds a database
    connection (a backup's name, an archive's day), where reading state would ask the pool for a second one."""

    def __init__(self, wall_clock: Clock, shared: Optional[_Shared] = None, *, reads: bool = True) -> None:
        self._wall = wall_clock.wall_clock  # never a correction of a correction
        self._boot_id = self._wall.boot_id()  # a process does not change boot; reading /proc once is enough
        self._shared = shared or _Shared()
        self._reads = reads

    @property
    def wall_clock(self) -> Clock:
        return self._wall

    def for_store(self) -> "EngineClock":
        """The same time, for the store: it never reads the reference itself (see the class docstring)."""
        return EngineClock(self._wall, self._shared, reads=False)

    def attach(self, read_state: Callable[[], dict]) -> None:
        """Where the shared reference is read from (the store's "clock" state); read it now."""
        self._shared.read = read_state
        self._refresh(self._wall.since_boot())

    def adopt(self, reference: dict) -> None:
        """A pass (or a confirmation) in this process has just written this reference."""
        shared = self._shared
        with shared.lock:
            shared.reference, shared.read_at = dict(reference), self._wall.since_boot()

    def _refresh(self, since_boot: float) -> None:
        shared = self._shared
        if shared.read is None or not shared.reading.acquire(blocking=False):
            return  # nowhere to read from, or another thread is reading it right now
        try:
            try:
                reference = shared.read().get("reference")
            except (StorageError, OSError, ValueError):
                reference = shared.reference  # keep what is known; try again after the next interval
            with shared.lock:
                shared.reference = reference if isinstance(reference, dict) else None
                shared.read_at = since_boot
        finally:
            shared.reading.release()

    def now(self) -> datetime:
        wall = self._wall.now()
        since_boot = self._wall.since_boot()
        shared = self._shared
        read_at = shared.read_at
        if self._reads and (read_at is None or not 0 <= since_boot - read_at < REFRESH_SECONDS):
            self._refresh(since_boot)
        true = trusted_time(shared.reference, wall.timestamp(), since_boot, self._boot_id)
        return wall if true == wall.timestamp() else from_timestamp(true)

    def since_boot(self) -> float:
        return self._wall.since_boot()

    def boot_id(self) -> str:
        return self._boot_id
