"""The file store's side of stats and cleanup: index sizes agree with the files on disk, the cleanup lock is a flock
on a lock file, and a state document (alert start times) is a JSON file. The stats, alerts and
cleanup record themselves are specified once for every store in tests/contract/test_stats_contract.py."""

from __future__ import annotations

import json
import threading

from pulsepal.sessions import files


def test_index_sizes_match_disk_after_checkpoint(manager, tmp_path):
    sid = manager.create_session()
    for i in range(70):  # crosses a checkpoint
        manager.add_message(sid, "user", f"message number {i}")
    entry = manager.describe(sid)
    assert entry["size"] == manager.store.layout.active_size(sid)
    assert entry["message_count"] == 70


def test_concurrent_cleanup_is_skipped_not_doubled(manager):
    with files.locked(manager.store.layout.named_lock("cleanup")):
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", manager.cleanup(wait=False)))
        t.start()
        t.join()
    assert result["r"].skipped


def test_alert_start_times_are_a_json_file(make_manager):
    sm = make_manager(max_active_sessions=2)
    sm.create_session()
    sm.create_session()
    sm.cleanup()  # no stats call: the pass itself notes the alert
    since = json.loads(sm.store.layout.alerts_path.read_text())
    assert since == {"high_active_sessions": "2026-01-15T12:00:00+00:00"} == sm.store.read_state("alerts")
