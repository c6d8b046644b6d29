"""The admin page and API on the PostgreSQL store: every page and API route answers, and every action works.

The other admin tests seed a file store; the routes only talk to the engine, but one of them reached past it (the
delete answered with the backup's path below the store's folder, and the database store has no folder: a 500).
So the whole route table runs here once against a real database seeded the same way.
"""

from __future__ import annotations

import httpx
import pytest

from pulsepal.clock import FakeClock
from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings
from pulsepal.web.admin_routes import ROUTES

from ..postgres.pg_harness import server, why_unavailable
from .conftest import ADMIN, post, seed_sessions


@pytest.fixture
def pg_store(tmp_path, holder, live_server):
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    url = server().fresh_database("admin")
    clock = FakeClock()
    settings = Settings(_env_file=None, session_storage_path=tmp_path / "sessions", session_database_url=url,
                        max_active_sessions=10)
    manager = SessionManager(settings, clock=clock, actor="test")
    seeded = seed_sessions(manager, clock)
    holder.manager = manager
    holder.scheduler = {"running": True, "next_run": None, "interval_minutes": 60}
    yield seeded
    holder.manager = None
    manager.close()
    server().drop_database(url)


@pytest.fixture
def client(live_server, pg_store):  # this module's client talks to the database store, not conftest's file store
    with httpx.Client(base_url=live_server.url, timeout=30) as c:
        yield c


def _path(template: str, ids: dict[str, str]) -> str:
    path = template.replace("{session_id}", ids["day"]).replace("{name}", "admin.js")
    return path + "?q=trapezoid" if path.endswith("/search") else path


def test_every_admin_route_answers_on_postgres(client, pg_store):
    for path, _endpoint, methods, _schema in ROUTES:
        if methods != ["GET"]:
            continue
        response = client.get(_path(path, pg_store.ids), headers=ADMIN)
        assert response.status_code in (200, 404) and response.status_code < 500, (path, response.text[:300])
        if "{" not in path:  # nothing is missing on a route that names no session or file
            assert response.status_code == 200, (path, response.text[:300])
    detail = client.get(f"/admin/api/sessions/{pg_store.ids['day']}/transcript", headers=ADMIN)
    assert detail.status_code == 200 and "Gradient echo with spoiling" in detail.text


def test_admin_actions_work_on_postgres(client, pg_store, csrf):
    manager, ids = pg_store.manager, pg_store.ids
    archived = post(client, f"/admin/api/sessions/{ids['recent']}/archive", csrf)
    assert archived.status_code == 200 and archived.json()["state"] == "archived", archived.text
    restored = post(client, f"/admin/api/sessions/{ids['recent']}/restore", csrf)
    assert restored.status_code == 200 and restored.json()["state"] == "active", restored.text

    deleted = post(client, f"/admin/api/sessions/{ids['ancient']}/delete", csrf)
    assert deleted.status_code == 200, deleted.text  # was a 500: the backup has no path below a folder here
    assert deleted.json()["backup"].startswith("postgres:backups/")
    assert manager.describe(ids["ancient"]) is None
    assert post(client, f"/admin/api/sessions/{ids['ancient']}/delete", csrf).status_code == 404

    preview = post(client, "/admin/api/cleanup/preview", csrf)
    assert preview.status_code == 200 and preview.json()["dry_run"] is True, preview.text
    assert post(client, "/admin/api/cleanup/run", csrf).status_code == 400  # needs its confirmation
    ran = post(client, "/admin/api/cleanup/run", csrf, json={"confirm": True})
    assert ran.status_code == 200, ran.text
