"""The server-rendered page: real numbers in the cards, chart bars carrying the engine's figures, alerts with
level and since-when, the scheduler panel, and headers that keep the page out of frames and caches."""

from __future__ import annotations

import re
from html import unescape

from .conftest import ADMIN, post


def card(html: str, key: str) -> str:
    match = re.search(rf'data-card="{key}">.*?<div class="card-value">(.*?)</div>', html, re.S)
    assert match, key
    return match.group(1)


def chart_values(html: str, key: str) -> dict[str, float]:
    block = re.search(rf'data-chart="{key}">(.*?)</figure>', html, re.S).group(1)
    return {unescape(m.group(1)): float(m.group(2))
            for m in re.finditer(r'class="(?:bar|point)" data-label="([^"]*)" data-value="([^"]*)"', block)}


def test_cards_and_charts_show_the_store(client, store):
    response = client.get("/admin", headers=ADMIN)
    assert response.status_code == 200
    html = response.text
    assert card(html, "active") == "6" and card(html, "archived") == "1"
    assert "60% of 10" in html
    assert card(html, "avg_age") == "19.3 h" and card(html, "oldest") == "2.5 d"
    assert card(html, "messages_hour") == "3" and card(html, "messages_day") == "12"
    assert card(html, "quarantined") == "0"
    assert chart_values(html, "ages") == {"<1h": 2, "1-6h": 1, "6-12h": 0, "12-24h": 1, "24-48h": 1, ">48h": 1}
    day = chart_values(html, "activity24")
    assert len(day) == 24 and sum(day.values()) == 12
    assert sum(chart_values(html, "activity7d").values()) == 20
    storage = chart_values(html, "storage")
    usage = store.manager.get_storage_usage()["by_area_bytes"]
    assert storage["active"] == usage["active"] and storage["archive"] == usage["archive"]
    assert 'data-alert="none"' in html


def test_headers_lock_the_page_down(client, store):
    response = client.get("/admin", headers=ADMIN)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    assert "<script>" not in html and " style=" not in html  # nothing inline for the CSP to block
    assert not re.search(r'(src|href)="https?://', html)  # no network beyond this server


def test_alerts_are_highlighted_with_level_and_since(client, store):
    for extra in range(4):
        store.manager.create_session(f"extra{extra}")
    client.get("/admin/api/alerts", headers=ADMIN)  # the engine dates an alert from when it is first observed
    store.clock.advance(hours=2)
    html = client.get("/admin", headers=ADMIN).text
    alert = re.search(r'<div class="alert critical" data-alert="high_active_sessions".*?</div>', html, re.S).group(0)
    assert "critical" in alert and "10 active sessions" in alert
    assert "since 2026-01-15 12:00 UTC (2.0 h ago)" in alert


def test_scheduler_panel_before_and_after_a_run(client, store, csrf):
    html = client.get("/admin", headers=ADMIN).text
    panel = re.search(r'data-panel="scheduler">(.*?)</section>', html, re.S).group(1)
    assert "running" in panel and "every 60 min" in panel
    assert "2026-01-15 12:42 UTC (in 42 min)" in panel
    assert "no cleanup has run yet" in panel
    assert post(client, "/admin/api/cleanup/run", csrf, {"confirm": True}).status_code == 200
    page = client.get("/admin", headers=ADMIN).text
    panel = re.search(r'data-panel="scheduler">(.*?)</section>', page, re.S).group(1)
    assert "archive: <b>4</b>" in panel and '<span class="badge ok">ok</span>' in panel
    assert "1 runs · 0 failed" in panel


def test_titles_are_escaped(client, store):
    sid = store.manager.create_session("eve")
    store.manager.update_session(sid, title="<img src=x onerror=alert(1)>")
    for extra in range(3):
        store.manager.create_session(f"x{extra}")
    response = client.get("/admin/api/sessions", headers=ADMIN, params={"search": "onerror"})
    assert response.json()["sessions"][0]["title"] == "<img src=x onerror=alert(1)>"  # JSON, shown via textContent
    assert "<img src=x" not in client.get("/admin", headers=ADMIN).text


def test_static_files(client, store):
    js = client.get("/admin/static/admin.js", headers=ADMIN)
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "X-PulsePal-CSRF" in js.text
    # HTML is parsed in one place only: a transcript message the server rendered after escaping it
    assert js.text.count("innerHTML") == 1 and "body.innerHTML = m.html;" in js.text
    assert "outerHTML" not in js.text and "insertAdjacentHTML" not in js.text and "document.write" not in js.text
    assert client.get("/admin/static/admin.css", headers=ADMIN).headers["content-type"].startswith("text/css")
    assert client.get("/admin/static/nope.js", headers=ADMIN).status_code == 404
    assert client.get("/admin/static/..%2Fadmin.py", headers=ADMIN).status_code == 404
