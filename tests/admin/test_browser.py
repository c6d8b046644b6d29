"""The page in a real browser (Debian's chromium through Playwright): an admin sees the cards and charts with the
seeded numbers, the sessions table fills from the API, and the dry-run preview lists what a cleanup would do
without doing it. A screenshot is kept as a test artifact."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import ADMIN

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(os.environ.get("PULSEPAL_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium at /usr/bin/chromium")


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:  # the page's CSP stays on: no eval-based waits below
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1360, "height": 900}, extra_http_headers=ADMIN)
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        pg.errors = errors
        yield pg
        browser.close()


def test_admin_page_in_browser(page, live_server, store):
    from playwright.sync_api import expect

    manager = store.manager
    stats = manager.get_session_stats()
    page.goto(live_server.url + "/admin")

    card = page.locator('[data-card="active"] .card-value')
    assert card.inner_text() == str(stats["active_count"]) == "6"
    assert page.locator('[data-card="archived"] .card-value').inner_text() == "1"
    assert "60% of 10" in page.locator('[data-card="active"] .card-sub').inner_text()
    assert page.locator('[data-card="oldest"] .card-value').inner_text() == "2.5 d"  # created 60 h ago

    buckets = manager.get_session_age_stats()["buckets"]
    bars = page.locator('[data-chart="ages"] rect.bar')
    assert bars.count() == len(buckets)
    shown = {bars.nth(i).get_attribute("data-label"): float(bars.nth(i).get_attribute("data-value"))
             for i in range(bars.count())}
    assert shown == {k: float(v) for k, v in buckets.items()}
    day = page.locator('[data-chart="activity24"] rect.bar')
    assert day.count() == 24
    assert sum(float(day.nth(i).get_attribute("data-value")) for i in range(24)) == \
        manager.get_activity_metrics()["messages_last_24h"]
    assert page.locator('[data-chart="storage"] rect.bar').count() >= 3

    # the table is filled by admin.js from the API
    page.wait_for_selector("#sessions-table tbody tr[data-session]")
    assert page.locator("#sessions-table tbody tr[data-session]").count() == 7
    rows = page.locator("#sessions-table tbody tr[data-session]")
    page.fill("#f-search", "Radial")
    expect(rows).to_have_count(1)
    assert "Radial trajectory" in rows.first.inner_text()
    page.fill("#f-search", "")
    expect(rows).to_have_count(7)

    # dry run: a preview of the plan, and nothing archived yet
    before = manager.get_session_stats()["active_count"]
    page.click("#cleanup-preview-btn")
    page.wait_for_selector("#cleanup-run-btn")
    preview = page.locator("#cleanup-preview").inner_text()
    assert "Dry run" in preview and "archive" in preview
    assert manager.get_session_stats()["active_count"] == before

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "admin-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # confirm: the run happens and the result is shown
    page.click("#cleanup-run-btn")
    page.wait_for_selector("#cleanup-result")
    assert manager.get_session_stats()["active_count"] < before
    assert not page.errors, page.errors
