"""The small shared records around cleanup passes: the last passes (what the admin page, /metrics and the
failed-cleanup alert read) and since when each alert has held. Kept in the store's state documents, so every
process (and, on PostgreSQL, every replica) sees the same."""

from __future__ import annotations

from typing import Any

from ..clock import Clock
from .errors import StorageError
from .store import SessionStore

HISTORY_KEPT = 20


def load_cleanup_state(store: SessionStore) -> dict:
    return store.read_state("cleanup")


def record_outcome(store: SessionStore, clock: Clock, report: Any) -> dict:
    """Fold one real pass (a rotation.CleanupReport) into the cleanup record."""
    summary = {
        "started_at": report.started_at,
        "finished_at": clock.now().isoformat(),
        "duration_seconds": report.duration_seconds,
        "ok": report.ok,
        "counts": report.counts(),
        "errors": report.errors[:20],
        "held": report.held[:20],
    }

    def change(state: dict) -> dict:
        state["runs"] = int(state.get("runs", 0)) + 1
        state["failures"] = int(state.get("failures", 0)) + (0 if report.ok else 1)
        state["total_duration_seconds"] = float(state.get("total_duration_seconds", 0.0)) + report.duration_seconds
        state["last_run"] = summary
        state["last_success" if report.ok else "last_failure"] = summary
        state["history"] = ([summary] + list(state.get("history", [])))[:HISTORY_KEPT]
        return state

    return store.update_state("cleanup", change)


def record_skip(store: SessionStore, clock: Clock, reason: str) -> None:
    """A replica or process that found another pass running notes that it stood aside."""

    def change(state: dict) -> dict:
        state["skipped"] = int(state.get("skipped", 0)) + 1
        state["last_skip"] = {"at": clock.now().isoformat(), "reason": reason}
        return state

    store.update_state("cleanup", change)


def alert_starts(store: SessionStore, clock: Clock, codes: list[str]) -> dict[str, str]:
    """Since when each of the alerts that hold now has held (remembered across processes); alerts that stopped
    holding are forgotten, so a recurrence starts afresh."""
    now = clock.now().isoformat()
    known = store.read_state("alerts")
    wanted = {code: known.get(code, now) for code in codes}
    if wanted != known:  # most calls change nothing: only then take the lock
        try:
            wanted = store.update_state("alerts", lambda state: {code: state.get(code, now) for code in codes})
        except StorageError:  # a full disk must not hide the alert that says so: report it unremembered
            pass
    return wanted
