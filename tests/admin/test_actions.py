"""Actions through the API change the real store: archive, restore, delete (with a backup kept), and a cleanup
that is previewed without effect and then run only when confirmed."""

from __future__ import annotations

from .conftest import ADMIN, post


def test_archive_then_restore(client, store, csrf):
    manager, sid = store.manager, store.ids["recent"]
    archived = post(client, f"/admin/api/sessions/{sid}/archive", csrf)
    assert archived.status_code == 200, archived.text
    assert archived.json()["state"] == "archived"
    assert manager.get_session(sid) is None and manager.store.layout.find_archives(sid)
    again = post(client, f"/admin/api/sessions/{sid}/archive", csrf)
    assert again.status_code == 404 and "archived" in again.json()["detail"]

    restored = post(client, f"/admin/api/sessions/{sid}/restore", csrf)
    assert restored.status_code == 200 and restored.json()["state"] == "active"
    ctx = manager.get_session(sid)
    assert ctx is not None and len(ctx.conversation_history) == 3
    assert post(client, f"/admin/api/sessions/{sid}/restore", csrf).status_code == 404


def test_delete_keeps_a_backup(client, store, csrf):
    manager, sid = store.manager, store.ids["ancient"]
    response = post(client, f"/admin/api/sessions/{sid}/delete", csrf)
    assert response.status_code == 200, response.text
    backup = manager.store.root / response.json()["backup"]
    assert backup.exists() and backup.parent == manager.store.layout.backups_dir
    assert manager.store.layout.read_document(backup)["session_id"] == sid
    assert client.get(f"/admin/api/sessions/{sid}", headers=ADMIN).status_code == 404
    assert post(client, f"/admin/api/sessions/{sid}/delete", csrf).status_code == 404
    assert manager.get_session_stats()["active_count"] == 5


def test_actions_reject_bad_ids(client, store, csrf):
    response = post(client, "/admin/api/sessions/bad.id/archive", csrf)
    assert response.status_code == 400 and "invalid session id" in response.json()["detail"]
    assert post(client, "/admin/api/sessions/no-such-session/delete", csrf).status_code == 400
    assert post(client, "/admin/api/sessions/0a1b2c3d-0000-4000-8000-000000000000/delete", csrf).status_code == 404


def test_cleanup_preview_changes_nothing(client, store, csrf):
    manager = store.manager
    before = manager.list_sessions(state=None)
    response = post(client, "/admin/api/cleanup/preview", csrf)
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["dry_run"] is True
    planned = {a["session_id"] for a in plan["planned"] if a["action"] == "archive"}
    # past MAX_SESSION_DURATION (24 h) or idle past 2 h
    assert planned == {store.ids[n] for n in ("ancient", "old", "day", "recent")}
    assert plan["counts"] == {"archive": 4}
    assert manager.list_sessions(state=None) == before
    assert client.get("/admin/api/scheduler", headers=ADMIN).json()["cleanup"] == {}


def test_cleanup_run_needs_confirmation_then_records_its_outcome(client, store, csrf, holder):
    manager = store.manager
    for body in ({}, {"confirm": "yes"}, {"confirm": False}):
        refused = post(client, "/admin/api/cleanup/run", csrf, body)
        assert refused.status_code == 400 and "confirm" in refused.json()["detail"]
    raw = client.post("/admin/api/cleanup/run", headers={**ADMIN, "X-PulsePal-CSRF": csrf},
                      content=b"not json", )
    assert raw.status_code == 400
    assert manager.get_session_stats()["active_count"] == 6 and holder.cleanup_calls == 0

    response = post(client, "/admin/api/cleanup/run", csrf, {"confirm": True})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["ok"] and result["dry_run"] is False and result["counts"] == {"archive": 4}
    assert holder.cleanup_calls == 1  # the scheduler's run function was used, not a second code path
    stats = manager.get_session_stats()
    assert stats["active_count"] == 2 and stats["archived_count"] == 5
    state = client.get("/admin/api/scheduler", headers=ADMIN).json()["cleanup"]
    assert state["runs"] == 1 and state["last_run"]["counts"] == {"archive": 4}
