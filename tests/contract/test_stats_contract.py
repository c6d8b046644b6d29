"""Stats, alerts, the cleanup record and the cleanup lock on every store (the file store's own side, index sizes
against the files, the flock and the alert file, is tests/engine/test_stats.py)."""

from __future__ import annotations

import threading

from pulsepal.sessions import cleanup_state, rotation


def test_session_stats_spec_keys_and_values(manager, clock):
    first = manager.create_session()
    clock.advance(hours=2)
    second = manager.create_session()
    manager.add_message(second, "user", "hi")
    manager.archive_session(manager.create_session())
    stats = manager.get_session_stats()
    assert stats["active_count"] == 2
    assert stats["archived_count"] == 1
    assert stats["avg_age_hours"] == 1.0
    assert stats["oldest_session_id"] == first
    assert stats["storage_mb"] > 0
    assert stats["messages_total"] == 1
    assert stats["alerts"] == []


def test_stats_seen_by_another_process_view(make_manager, manager):
    observer = make_manager()
    assert observer.get_session_stats()["active_count"] == 0
    sid = manager.create_session()
    manager.add_message(sid, "user", "x")
    stats = observer.get_session_stats()
    assert (stats["active_count"], stats["messages_total"]) == (1, 1)


def test_totals_follow_every_kind_of_change(manager, make_manager, clock):
    """The O(1) totals agree with a full walk after creates, writes, archive, restore, import, delete, retention."""
    ids = [manager.create_session(owner=f"u{i}") for i in range(5)]
    for i, sid in enumerate(ids):
        for n in range(i):
            manager.add_message(sid, "user", f"message {n} " + "x" * (50 * i))
    manager.archive_sessions(ids[:2])
    manager.restore_session(ids[0])
    document = manager.export_session(ids[3])
    manager.import_session(document, force=True)
    manager.delete_session(ids[4])
    clock.advance(days=8)
    manager.cleanup()
    observer = make_manager()
    aggregates = observer.store.aggregates()
    walk = list(observer.store.entries())
    for state in ("active", "archived"):
        assert aggregates.counts[state] == sum(1 for _, e in walk if e["state"] == state)
        assert aggregates.sizes[state] == sum(e["size"] for _, e in walk if e["state"] == state)
    assert aggregates.messages_total == sum(e["message_count"] for _, e in walk)
    assert aggregates.created_sum_active == sum(e["created_at"] for _, e in walk if e["state"] == "active")


def test_age_storage_activity_reports(manager, clock):
    a = manager.create_session()
    clock.advance(hours=7)
    manager.create_session()
    manager.add_message(a, "user", "one")
    manager.add_message(a, "user", "two")
    ages = manager.get_session_age_stats()
    assert ages["count"] == 2 and ages["buckets"]["6-12h"] == 1 and ages["buckets"]["<1h"] == 1
    usage = manager.get_storage_usage()
    assert usage["by_area_bytes"]["active"] > 0 and usage["by_area_bytes"]["logs"] > 0
    assert usage["total_bytes"] == sum(usage["by_area_bytes"].values())
    activity = manager.get_activity_metrics()
    assert activity["messages_last_hour"] == 2 and activity["sessions_active_last_hour"] == 2
    assert len(activity["hourly_last_24h"]) == 24 and activity["hourly_last_24h"][-1]["messages"] == 2
    clock.advance(hours=2)
    assert manager.get_activity_metrics()["messages_last_hour"] == 0
    assert manager.get_activity_metrics()["messages_last_24h"] == 2


def test_high_active_alert_with_since(make_manager, clock):
    sm = make_manager(max_active_sessions=10)
    for _ in range(9):
        sm.create_session()
    assert sm.get_alerts() == []
    sm.create_session()
    first = sm.get_alerts()
    assert [a["code"] for a in first] == ["high_active_sessions"]
    assert first[0]["level"] == "critical" and "10 active" in first[0]["message"]
    clock.advance(minutes=30)
    for reader in (sm, make_manager(max_active_sessions=10)):
        assert reader.get_alerts()[0]["since"] == first[0]["since"] == "2026-01-15T12:00:00+00:00"


def test_storage_and_failed_cleanup_alerts(make_manager, monkeypatch):
    sm = make_manager(session_storage_limit_mb=0.0001)
    sm.add_message(sm.create_session(), "user", "x" * 500)
    assert {a["code"] for a in sm.get_alerts()} == {"storage_limit"}

    def explode(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(rotation.Cleanup, "plan", explode)
    try:
        sm.cleanup()
    except OSError:
        pass
    alerts = {a["code"]: a for a in sm.get_alerts()}
    assert "disk on fire" in alerts["cleanup_failed"]["message"]
    monkeypatch.undo()
    report = sm.cleanup()
    assert report.ok
    assert "cleanup_failed" not in {a["code"] for a in sm.get_alerts()}
    state = cleanup_state.load_cleanup_state(sm.store)
    assert state["runs"] == 2 and state["failures"] == 1


def test_concurrent_cleanup_is_skipped_and_recorded(manager, make_manager):
    other = make_manager()  # another process (replica) holds the lock for a whole pass
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with other.store.cleanup_lock():
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(30)
        report = manager.cleanup(wait=False)
    finally:
        release.set()
        thread.join()
    assert report.skipped
    assert cleanup_state.load_cleanup_state(manager.store)["skipped"] == 1
    assert not manager.cleanup().skipped  # a waiting pass runs once the lock is free


def test_cleanup_records_when_an_alert_began(make_manager, clock):
    sm = make_manager(max_active_sessions=2)
    sm.create_session()
    sm.create_session()
    sm.cleanup()  # no stats call: the pass itself notes the alert
    assert sm.store.read_state("alerts") == {"high_active_sessions": "2026-01-15T12:00:00+00:00"}
    clock.advance(hours=1)
    assert sm.get_alerts()[0]["since"] == "2026-01-15T12:00:00+00:00"


def test_state_documents_are_updated_atomically(manager, make_manager):
    """Replicas incrementing one document at once lose no increment."""
    managers = [manager, make_manager(), make_manager()]

    def bump(sm) -> None:
        for _ in range(20):
            sm.store.update_state("clock", lambda state: {**state, "n": int(state.get("n", 0)) + 1})

    threads = [threading.Thread(target=bump, args=(sm,)) for sm in managers for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert manager.store.read_state("clock")["n"] == 120
