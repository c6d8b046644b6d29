"""Background rotation inside the app process: runs the engine's pass, never overlaps, stops cleanly."""

from __future__ import annotations

import asyncio
import threading
import time

from pulsepal.sessions import SessionManager, files
from pulsepal.settings import Settings
from pulsepal.web.scheduler import CleanupScheduler


def _manager(tmp_path, **extra):
    return SessionManager(Settings(_env_file=None, session_storage_path=tmp_path / "sessions", **extra), actor="test")


async def _until(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.05)


async def test_scheduled_pass_archives_expired_session_and_records_it(tmp_path):
    manager = _manager(tmp_path, session_inactive_timeout_hours=0.0001)  # idle for 0.36 s = expired
    sid = manager.create_session("alice")
    manager.add_message(sid, "user", "hello")
    scheduler = CleanupScheduler(lambda: manager, interval_minutes=0.005)  # every 0.3 s
    scheduler.start()
    try:
        assert scheduler.next_run_time() is not None
        await _until(lambda: (manager.describe(sid) or {}).get("state") == "archived")
        await _until(lambda: scheduler.passes >= 1)
    finally:
        await scheduler.stop()
    assert scheduler.next_run_time() is None and not scheduler.started
    state = manager.cleanup_record()
    assert state["runs"] >= 1 and state["history"]
    assert any(run["counts"].get("archive") for run in state["history"])


async def test_pass_is_skipped_while_another_process_rotates(tmp_path):
    manager = _manager(tmp_path)
    scheduler = CleanupScheduler(lambda: manager, interval_minutes=60)
    held, release = threading.Event(), threading.Event()

    def other_rotation():
        with files.locked(manager.store.layout.named_lock("cleanup")):
            held.set()
            release.wait(10)

    worker = threading.Thread(target=other_rotation)
    worker.start()
    held.wait(10)
    try:
        report = await scheduler.run_pass()
        assert report.skipped and scheduler.skipped == 1 and scheduler.passes == 0
    finally:
        release.set()
        worker.join()
    report = await scheduler.run_pass()
    assert not report.skipped and scheduler.passes == 1


async def test_failed_pass_is_kept_not_raised_by_the_job(tmp_path):
    class Broken:
        def cleanup(self, **_):
            raise OSError("disk on fire")

    scheduler = CleanupScheduler(lambda: Broken(), interval_minutes=60)
    result = await scheduler.run_once()
    assert result["ok"] is False and "disk on fire" in scheduler.last_error
    assert scheduler.status()["last_error"] == "OSError: disk on fire"
