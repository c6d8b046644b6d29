"""Stats come from the index and agree with what is on disk; alerts carry level, message and since-when."""

from __future__ import annotations

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


def test_index_sizes_match_disk_after_checkpoint(manager, tmp_path):
    sid = manager.create_session()
    for i in range(70):  # crosses a checkpoint
        manager.add_message(sid, "user", f"message number {i}")
    entry = manager.describe(sid)
    assert entry["size"] == manager.store.layout.active_size(sid)
    assert entry["message_count"] == 70


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
    sm.create_session()  # 10 > 90% of 10... 9 is the threshold
    first = sm.get_alerts()
    assert [a["code"] for a in first] == ["high_active_sessions"]
    assert first[0]["level"] == "critical" and "10 active" in first[0]["message"]
    clock.advance(minutes=30)
    assert sm.get_alerts()[0]["since"] == first[0]["since"] == "2026-01-15T12:00:00+00:00"


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


def test_concurrent_cleanup_is_skipped_not_doubled(manager):
    from pulsepal.sessions import files

    with files.locked(manager.store.layout.named_lock("cleanup")):
        import threading

        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", manager.cleanup(wait=False)))
        t.start()
        t.join()
    assert result["r"].skipped


def test_cleanup_records_when_an_alert_began(make_manager, clock):
    import json

    sm = make_manager(max_active_sessions=2)
    sm.create_session()
    sm.create_session()
    sm.cleanup()  # no stats call: the pass itself notes the alert
    since = json.loads(sm.store.layout.alerts_path.read_text())
    assert since == {"high_active_sessions": "2026-01-15T12:00:00+00:00"}
    clock.advance(hours=1)
    assert sm.get_alerts()[0]["since"] == "2026-01-15T12:00:00+00:00"
