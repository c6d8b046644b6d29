"""The read side of /admin/api against sessions seeded on disk: the numbers are the engine's, the sessions list
filters, sorts and pages correctly, and bad input gets a clear 400/404."""

from __future__ import annotations

import orjson
import pytest

from .conftest import ADMIN


def get(client, path, **params):
    response = client.get(path, headers=ADMIN, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_stats_are_the_seeded_numbers(client, store):
    stats = get(client, "/admin/api/stats")
    assert stats["active_count"] == 6
    assert stats["archived_count"] == 1
    assert stats["messages_total"] == 4 + 2 + 6 + 3 + 2 + 1 + 2
    assert stats["max_active_sessions"] == 10 and stats["active_percent"] == 60.0
    assert stats["oldest_session_id"] == store.ids["ancient"]
    assert stats["oldest_age_hours"] == 60.0
    assert stats["quarantined_files"] == 0
    assert stats["storage_bytes"] > 0 and stats["storage_limit_mb"] == 1024


def test_age_activity_and_storage_reports(client, store):
    ages = get(client, "/admin/api/ages")
    assert ages["buckets"] == {"<1h": 2, "1-6h": 1, "6-12h": 0, "12-24h": 1, "24-48h": 1, ">48h": 1}
    activity = get(client, "/admin/api/activity")
    assert len(activity["hourly_last_24h"]) == 24 and len(activity["hourly_last_7d"]) == 168
    # within the last 24 h: "day" (6, 20 h ago), "recent" (3), "fresh" (2), "newest" (1)
    assert activity["messages_last_24h"] == 12
    assert sum(p["messages"] for p in activity["hourly_last_7d"]) == 20
    storage = get(client, "/admin/api/storage")
    assert {"active", "archive", "logs", "quarantine", "backups", "index"} <= set(storage["by_area_bytes"])
    assert storage["by_area_bytes"]["archive"] > 0 and storage["by_area_bytes"]["active"] > 0


def test_sessions_list_filters_by_state_and_search(client, store):
    everything = get(client, "/admin/api/sessions")
    assert everything["total"] == 7
    archived = get(client, "/admin/api/sessions", state="archived")
    assert [s["session_id"] for s in archived["sessions"]] == [store.ids["gone"]]
    active = get(client, "/admin/api/sessions", state="active")
    assert active["total"] == 6 and all(s["state"] == "active" for s in active["sessions"])
    found = get(client, "/admin/api/sessions", search="SPOILING")
    assert {s["session_id"] for s in found["sessions"]} == {store.ids["day"]}
    by_id = get(client, "/admin/api/sessions", search=store.ids["recent"][:13])
    assert [s["session_id"] for s in by_id["sessions"]] == [store.ids["recent"]]
    assert get(client, "/admin/api/sessions", owner="carol")["total"] == 2


def test_sessions_sort_by_age_activity_and_size(client, store):
    ids = store.ids
    oldest_first = get(client, "/admin/api/sessions", sort="age", order="desc", state="active")
    assert [s["session_id"] for s in oldest_first["sessions"]] == [
        ids["ancient"], ids["old"], ids["day"], ids["recent"], ids["fresh"], ids["newest"]]
    newest_first = get(client, "/admin/api/sessions", sort="age", order="asc", state="active")
    newest = [s["session_id"] for s in newest_first["sessions"]]
    assert newest == [s["session_id"] for s in oldest_first["sessions"]][::-1]
    recent = get(client, "/admin/api/sessions", sort="last_activity")
    assert recent["sessions"][0]["session_id"] == ids["newest"]
    sizes = [s["size"] for s in get(client, "/admin/api/sessions", sort="size")["sessions"]]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) > 1


def test_paging_covers_every_session_exactly_once(client, store):
    whole = [s["session_id"] for s in get(client, "/admin/api/sessions", sort="size", limit=50)["sessions"]]
    pages = []
    for offset in range(0, 8, 3):
        page = get(client, "/admin/api/sessions", sort="size", limit=3, offset=offset)
        assert page["total"] == 7 and page["offset"] == offset and len(page["sessions"]) <= 3
        pages += [s["session_id"] for s in page["sessions"]]
    assert pages == whole
    assert get(client, "/admin/api/sessions", offset=100)["sessions"] == []


@pytest.mark.parametrize("params, word", [
    ({"state": "deleted"}, "state"),
    ({"sort": "owner"}, "sort"),
    ({"order": "sideways"}, "order"),
    ({"limit": "0"}, "limit"),
    ({"limit": "100000"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"offset": "ten"}, "offset"),
    ({"search": "x" * 201}, "search"),
])
def test_sessions_list_rejects_bad_parameters(client, store, params, word):
    response = client.get("/admin/api/sessions", headers=ADMIN, params=params)
    assert response.status_code == 400
    assert word in response.json()["detail"]


def test_session_detail_and_transcript(client, store):
    sid = store.ids["day"]
    detail = get(client, f"/admin/api/sessions/{sid}")
    assert detail["session_id"] == sid and detail["owner"] == "bob" and detail["message_count"] == 6
    transcript = get(client, f"/admin/api/sessions/{sid}/transcript")
    assert [m["role"] for m in transcript["messages"]] == ["user", "assistant"] * 3
    assert transcript["messages"][0]["content"] == "Gradient echo with spoiling: message 0 about mr.makeTrapezoid"
    archived = get(client, f"/admin/api/sessions/{store.ids['gone']}/transcript")
    assert archived["state"] == "archived" and len(archived["messages"]) == 2


@pytest.mark.parametrize("suffix", ["", "/transcript", "/export"])
def test_unknown_and_invalid_ids(client, store, suffix):
    missing = client.get(f"/admin/api/sessions/0a1b2c3d-0000-4000-8000-000000000000{suffix}", headers=ADMIN)
    assert missing.status_code == 404
    not_a_uuid = client.get(f"/admin/api/sessions/0a1b2c3d-no-such-session{suffix}", headers=ADMIN)
    assert not_a_uuid.status_code == 400  # the engine creates UUIDs: anything else is a malformed id
    invalid = client.get(f"/admin/api/sessions/..%2F..%2Fetc{suffix}", headers=ADMIN)
    assert invalid.status_code in (400, 404)
    bad = client.get(f"/admin/api/sessions/bad.id{suffix}", headers=ADMIN)
    assert bad.status_code == 400 and "invalid session id" in bad.json()["detail"]


def test_export_json_and_markdown(client, store):
    sid = store.ids["recent"]
    response = client.get(f"/admin/api/sessions/{sid}/export", headers=ADMIN, params={"format": "json"})
    assert response.status_code == 200
    assert f'filename="pulsepal-session-{sid}.json"' in response.headers["content-disposition"]
    document = orjson.loads(response.content)
    assert document["format"] == "pulsepal-session" and document["session_id"] == sid
    assert sum(1 for e in document["events"] if e["type"] == "message") == 3
    md = client.get(f"/admin/api/sessions/{sid}/export", headers=ADMIN, params={"format": "markdown"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "makeTrapezoid flat time: message 2" in md.text
    bad = client.get(f"/admin/api/sessions/{sid}/export", headers=ADMIN, params={"format": "pdf"})
    assert bad.status_code == 400


def test_alerts_and_quarantine_reports(client, store):
    manager = store.manager
    assert get(client, "/admin/api/alerts")["alerts"] == []
    victim = store.ids["recent"]
    manager.store.layout.snapshot_path(victim).write_bytes(b"{not json")
    restarted = type(manager)(manager.settings, clock=manager.clock)  # a new process finds the damaged file
    assert restarted.get_session(victim) is not None  # rebuilt from its log, the bad file quarantined
    for extra in range(4):  # 10 active of MAX_ACTIVE_SESSIONS=10: above the 90 % alert line
        manager.create_session(f"extra{extra}")
    alerts = {a["code"]: a for a in get(client, "/admin/api/alerts")["alerts"]}
    assert alerts["corrupted_files"]["level"] == "warning"
    assert alerts["high_active_sessions"]["level"] == "critical"
    assert alerts["high_active_sessions"]["since"] == store.clock.now().isoformat()
    quarantine = get(client, "/admin/api/quarantine")
    assert quarantine["count"] == 1 and "not valid JSON" in quarantine["files"][0]["reason"]
    assert get(client, "/admin/api/stats")["quarantined_files"] == 1


def test_scheduler_report(client, store):
    data = get(client, "/admin/api/scheduler")
    assert data["scheduler"]["configured"] and data["scheduler"]["running"]
    assert data["scheduler"]["next_run"] == "2026-01-15T12:42:00+00:00"
    assert data["cleanup"] == {}
