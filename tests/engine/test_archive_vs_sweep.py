"""An archive pass and another process's cleanup sweep on one session: never neither active nor archived.

A staged archive of a session that is still active is what a killed pass leaves behind, so a sweep may remove it
(under the session's lock) before the pass that staged it gets that lock. The pass must then keep the session
active, not remove its files. Here the test holds the session's lock while the pass stages, and removes the staged
archive as the sweep would; the pass runs in a thread of its own."""

from __future__ import annotations

import threading
import time


def test_an_archive_removed_before_its_pass_gets_the_lock_leaves_the_session_active(manager, tmp_path):
    sid = manager.create_session(owner="ann")
    manager.add_message(sid, "user", "keep me")
    archive_dir = tmp_path / "sessions" / "archive"
    outcome: dict = {}
    item = _item(manager, sid)  # read as a pass reads it, before the lock is taken
    with manager.store.lock(sid):
        worker = threading.Thread(target=lambda: outcome.update(
            result=manager.store.archive([item], "2026-01-15")))
        worker.start()
        deadline = time.monotonic() + 30
        while not list(archive_dir.glob(f"*/session_{sid}.json*")):
            assert time.monotonic() < deadline and worker.is_alive(), "the pass never staged its archive"
            time.sleep(0.01)
        for staged in archive_dir.glob(f"*/session_{sid}.json*"):
            staged.unlink()  # what maintenance.sweep does to a leftover, under this same lock
    worker.join(30)
    assert type(outcome["result"][sid]).__name__ == "SessionChanged"
    assert manager.store.locate(sid) == "active"
    assert [m.content for m in manager.get_session(sid).conversation_history] == ["keep me"]
    assert manager.archive_session(sid) is not None  # read again, it archives as usual
    assert manager.store.read_archive(sid) is not None


def _item(manager, sid):
    from pulsepal.sessions.documents import build_document
    from pulsepal.sessions.store import ArchiveItem

    view = manager.store.read_log(sid)
    return ArchiveItem(sid, build_document(view.ctx, view.events, manager.clock.now(), redacted=True), view.version)
