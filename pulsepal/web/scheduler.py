"""Background rotation: the engine's cleanup pass, every SESSION_CLEANUP_INTERVAL_MINUTES, inside the chat app.

APScheduler's AsyncIOScheduler runs the job on the app's own event loop; the pass itself (file I/O with fsync) runs
in a worker thread so chats keep streaming meanwhile. Three guards keep passes from overlapping: max_instances=1
and coalesce (a slow pass is never stacked or replayed after a pause), and the engine's cross-process cleanup lock
taken with wait=False, so when another app process or a CLI cleanup is rotating, this pass is recorded as skipped
instead of queueing behind it. Every real pass is recorded by the engine in cleanup.json, which the admin page
reads; `status()` adds what only this process knows (next run, last outcome seen here).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, Callable, Optional

log = logging.getLogger("pulsepal.scheduler")
JOB_ID = "pulsepal-session-cleanup"


class CleanupScheduler:
    def __init__(self, manager_factory: Callable, interval_minutes: float) -> None:
        self._manager_factory = manager_factory
        self.interval_minutes = float(interval_minutes)
        self._scheduler: Any = None  # apscheduler's AsyncIOScheduler once started (the package has no types)
        self._running: Optional[asyncio.Task] = None
        self.last_report: Optional[dict] = None
        self.last_error: Optional[str] = None
        self.passes = 0
        self.skipped = 0

    @property
    def started(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def start(self) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        if self.started:
            return
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every run at INFO
        scheduler = self._scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            self._job,
            IntervalTrigger(seconds=self.interval_minutes * 60, timezone="UTC"),
            id=JOB_ID,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(self.interval_minutes * 60)),
            replace_existing=True,
        )
        scheduler.start()
        log.info("session cleanup every %g minute(s)", self.interval_minutes)

    async def _job(self) -> None:
        self._running = asyncio.current_task()
        try:
            await self.run_once(scheduled=True)
        finally:
            self._running = None

    async def run_pass(self, scheduled: bool = False):
        """One real pass now; returns the engine's CleanupReport (skipped=True when another process holds the cleanup
        lock, or, for the timer's pass, when another replica already ran this interval's) and raises when the pass
        fails (the engine has recorded the failure)."""
        manager = self._manager_factory()
        try:
            report = await asyncio.to_thread(manager.cleanup, wait=False, scheduled=scheduled)
        except Exception as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
            raise
        data = report.to_dict()
        self.last_report = data
        if report.skipped:
            self.skipped += 1
            log.info("session cleanup skipped: another process is rotating")
        else:
            self.passes += 1
            self.last_error = None if report.ok else f"{len(report.errors)} error(s)"
            if report.done or report.errors:
                log.info("session cleanup: %s, %d error(s)", data["counts"], len(report.errors))
        return report

    async def run_once(self, scheduled: bool = False) -> dict:
        """The job body: never raises, so one failed pass neither kills the scheduler nor floods the log."""
        try:
            return (await self.run_pass(scheduled=scheduled)).to_dict()
        except Exception:  # noqa: BLE001 - recorded in cleanup.json by the engine and in last_error here
            log.exception("session cleanup failed")
            return {"ok": False, "error": self.last_error}

    def next_run_time(self) -> Optional[datetime]:
        if not self.started:
            return None
        job = self._scheduler.get_job(JOB_ID)
        return job.next_run_time if job else None

    def status(self) -> dict:
        next_run = self.next_run_time()
        return {
            "running": self.started,
            "next_run": next_run.isoformat() if next_run else None,
            "interval_minutes": self.interval_minutes,
            "pass_in_progress": self._running is not None,
            "passes": self.passes,
            "skipped": self.skipped,
            "last_report": self.last_report,
            "last_error": self.last_error,
        }

    async def stop(self, timeout: float = 30.0) -> None:
        """Stop scheduling, then let a pass that is under way finish (it holds the cleanup lock and is midway
        through moving files; the engine makes that safe to interrupt, but finishing is cleaner)."""
        if self._scheduler is None:
            return
        scheduler, self._scheduler = self._scheduler, None
        scheduler.pause()
        running = self._running
        if running is not None and not running.done():
            try:
                await asyncio.wait_for(asyncio.shield(running), timeout)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - shutting down regardless
                log.warning("session cleanup still running at shutdown; leaving it to the engine's recovery")
        scheduler.shutdown(wait=False)


_instance: Optional[CleanupScheduler] = None


def start_scheduler(manager_factory: Optional[Callable] = None,
                    interval_minutes: Optional[float] = None) -> CleanupScheduler:
    global _instance
    if manager_factory is None or interval_minutes is None:
        from ..dependencies import get_session_manager
        from ..settings import get_settings

        manager_factory = manager_factory or get_session_manager
        interval_minutes = interval_minutes or get_settings().session_cleanup_interval_minutes
    if _instance is None or not _instance.started:
        _instance = CleanupScheduler(manager_factory, interval_minutes)
        _instance.start()
    return _instance


async def stop_scheduler() -> None:
    global _instance
    if _instance is not None:
        await _instance.stop()


def scheduler_info() -> dict:
    """For the admin page: whether this process rotates, when next, and what the last pass here did."""
    return _instance.status() if _instance else {"running": False, "next_run": None}


async def run_cleanup_now():
    """A real pass on demand (admin page), through the same path and lock as the scheduled job."""
    if _instance is not None:
        return await _instance.run_pass()
    from ..dependencies import get_session_manager
    from ..settings import get_settings

    return await CleanupScheduler(get_session_manager, get_settings().session_cleanup_interval_minutes).run_pass()
