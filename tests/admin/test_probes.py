"""/metrics in Prometheus text format with the engine's numbers, readable by loopback clients and admins only;
/healthz saying 200 when the store is writable, the index matches active/ and the scheduler runs, else 503;
and a cleanup that cannot start because another pass holds the lock answers 409."""

from __future__ import annotations

import os
import re

import httpx
import pytest

from pulsepal.sessions import files

from .conftest import ADMIN, USER, LiveServer, make_app, post

SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


def parse_metrics(text: str) -> dict[str, float]:
    values, typed = {}, set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("gauge", "counter")
            typed.add(name)
            continue
        if line.startswith("#") or not line:
            continue
        match = SAMPLE.match(line)
        assert match, f"not exposition format: {line!r}"
        assert match.group(1) in typed, f"{match.group(1)} has no TYPE line"
        values[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return values


def test_metrics_report_the_store(client, store, csrf):
    response = client.get("/metrics")  # the test client is on 127.0.0.1: loopback may scrape without signing in
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    m = parse_metrics(response.text)
    assert m["pulsepal_sessions_active"] == 6
    assert m["pulsepal_sessions_archived"] == 1
    assert m["pulsepal_messages_total"] == 20
    assert m["pulsepal_storage_bytes"] == store.manager.get_session_stats()["storage_bytes"]
    assert m["pulsepal_cleanup_runs_total"] == 0 and m["pulsepal_cleanup_failures_total"] == 0
    assert m["pulsepal_scheduler_up"] == 1
    assert not any(k.startswith("pulsepal_alerts{") for k in m)

    for extra in range(4):
        store.manager.create_session(f"extra{extra}")
    assert post(client, "/admin/api/cleanup/run", csrf, {"confirm": True}).status_code == 200
    m = parse_metrics(client.get("/metrics").text)
    assert m["pulsepal_cleanup_runs_total"] == 1
    assert m["pulsepal_cleanup_duration_seconds"] > 0
    assert m["pulsepal_sessions_active"] == 6  # 4 expired archived, 4 new ones created


def test_metrics_alert_labels(client, store):
    for extra in range(4):
        store.manager.create_session(f"extra{extra}")
    m = parse_metrics(client.get("/metrics").text)
    assert m['pulsepal_alerts{code="high_active_sessions",level="critical"}'] == 1


def test_metrics_through_a_proxy_need_an_admin(client, store):
    relayed = {"X-Forwarded-For": "203.0.113.7"}
    assert client.get("/metrics", headers=relayed).status_code == 401
    assert client.get("/metrics", headers={**relayed, **USER}).status_code == 403
    assert client.get("/metrics", headers={**relayed, **ADMIN}).status_code == 200


def test_healthz_ok(client, store):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {k: v["ok"] for k, v in body["checks"].items()} == {
        "storage_writable": True, "index_consistent": True, "locks_usable": True, "scheduler_alive": True}
    assert not [p for p in os.listdir(store.manager.store.root) if p.startswith(".healthz")]


def test_healthz_503_when_the_scheduler_stopped(client, store, holder):
    holder.scheduler["running"] = False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler_alive"]["ok"] is False


def test_healthz_503_when_the_index_disagrees_with_active(client, store):
    stray = store.manager.store.layout.snapshot_path("0000-not-indexed")
    stray.write_bytes(b"{}")
    response = client.get("/healthz")
    assert response.status_code == 503
    check = response.json()["checks"]["index_consistent"]
    assert check["ok"] is False and "reindex" in check["detail"]
    assert str(store.manager.store.root) not in response.text


def test_healthz_503_when_storage_is_not_writable(client, store, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "atomic_write_bytes", refuse)  # root ignores chmod, so fail the write itself
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage_writable"] == {
        "ok": False, "detail": "the session storage is not writable (Permission denied)"}


def test_healthz_without_a_scheduler(store, holder):
    with LiveServer(make_app(holder, with_scheduler=False)) as server, httpx.Client(base_url=server.url) as c:
        response = c.get("/healthz")
        assert response.status_code == 200
        assert response.json()["checks"]["scheduler_alive"]["ok"] is None
        assert "pulsepal_scheduler_up" not in c.get("/metrics").text
        assert c.get("/admin/api/scheduler", headers=ADMIN).json()["scheduler"] == {"configured": False}


def test_cleanup_while_another_pass_runs_is_409(client, store, csrf):
    before = store.manager.list_sessions(state=None)
    with files.locked(store.manager.store.layout.named_lock("cleanup")):
        for path in ("/admin/api/cleanup/preview", "/admin/api/cleanup/run"):
            response = post(client, path, csrf, {"confirm": True})
            assert response.status_code == 409, response.text
    assert store.manager.list_sessions(state=None) == before


@pytest.mark.parametrize("value, expected", [("a\"b", 'a\\"b'), ("a\\b", "a\\\\b"), ("a\nb", "a\\nb")])
def test_label_values_are_escaped(value, expected):
    from pulsepal.web.admin_probes import prometheus_text

    stats = {"active_count": 0, "archived_count": 0, "max_active_sessions": 1, "storage_bytes": 0,
             "messages_total": 0, "messages_last_hour": 0, "alerts": [{"code": value, "level": "warning"}]}
    text = prometheus_text(stats, {}, {"configured": False})
    assert f'pulsepal_alerts{{code="{expected}",level="warning"}} 1' in text
