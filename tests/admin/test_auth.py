"""Who may use the admin surface: nobody without credentials (401), no signed-in non-admin (403), and an admin
(200). Refusals carry a generic message and nothing from the store."""

from __future__ import annotations

import pytest

from .conftest import ADMIN, OTHER_ADMIN, USER, post

READ_ROUTES = [
    "/admin",
    "/admin/api/csrf",
    "/admin/api/stats",
    "/admin/api/ages",
    "/admin/api/activity",
    "/admin/api/storage",
    "/admin/api/alerts",
    "/admin/api/quarantine",
    "/admin/api/scheduler",
    "/admin/api/sessions",
    "/admin/api/sessions/{old}",
    "/admin/api/sessions/{old}/transcript",
    "/admin/api/sessions/{old}/export?format=json",
    "/admin/api/sessions/{old}/export?format=markdown",
]
ACTION_ROUTES = [
    "/admin/api/sessions/{day}/archive",
    "/admin/api/sessions/{gone}/restore",
    "/admin/api/sessions/{old}/delete",
    "/admin/api/cleanup/preview",
    "/admin/api/cleanup/run",
]


def _fill(path: str, store) -> str:
    return path.format(**store.ids)


def _assert_no_leak(response, store) -> None:
    body = response.text
    for sid in store.ids.values():
        assert sid not in body
    assert str(store.manager.store.root) not in body
    assert "alice" not in body and "message 0" not in body


@pytest.mark.parametrize("path", READ_ROUTES)
def test_read_routes_refuse_anonymous_and_non_admins(client, store, path):
    url = _fill(path, store)
    anonymous = client.get(url)
    assert anonymous.status_code == 401, anonymous.text
    _assert_no_leak(anonymous, store)
    user = client.get(url, headers=USER)
    assert user.status_code == 403, user.text
    _assert_no_leak(user, store)
    admin = client.get(url, headers=ADMIN)
    assert admin.status_code == 200, admin.text


@pytest.mark.parametrize("path", ACTION_ROUTES)
def test_actions_refuse_anonymous_and_non_admins_before_anything_happens(client, store, path):
    url = _fill(path, store)
    before = store.manager.list_sessions(state=None)
    assert client.post(url, json={"confirm": True}).status_code == 401
    response = client.post(url, headers=USER, json={"confirm": True})
    assert response.status_code == 403
    _assert_no_leak(response, store)
    assert store.manager.list_sessions(state=None) == before


@pytest.mark.parametrize("path", ACTION_ROUTES)
def test_actions_need_the_csrf_token(client, store, csrf, path):
    url = _fill(path, store)
    before = store.manager.list_sessions(state=None)
    missing = post(client, url, None, {"confirm": True})
    assert missing.status_code == 403 and "CSRF" in missing.json()["detail"]
    wrong = post(client, url, "0" * 64, {"confirm": True})
    assert wrong.status_code == 403
    # a token is bound to its admin: another admin's token does not work for this one
    other = client.get("/admin/api/csrf", headers=OTHER_ADMIN).json()["token"]
    assert other != csrf
    assert post(client, url, other, {"confirm": True}).status_code == 403
    assert store.manager.list_sessions(state=None) == before


@pytest.mark.parametrize("path", ACTION_ROUTES)
def test_actions_are_never_get(client, store, path):
    url = _fill(path, store)
    before = store.manager.list_sessions(state=None)
    assert client.get(url).status_code == 401
    response = client.get(url, headers=ADMIN)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert store.manager.list_sessions(state=None) == before


def test_the_page_embeds_a_working_token(client, store):
    import re

    html = client.get("/admin", headers=ADMIN).text
    token = re.search(r'<meta name="csrf-token" content="([0-9a-f]{64})">', html).group(1)
    response = post(client, f"/admin/api/sessions/{store.ids['day']}/archive", token)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "archived"


def test_denied_page_is_html_and_generic(client, store):
    anonymous = client.get("/admin")
    assert anonymous.headers["content-type"].startswith("text/html")
    assert "Sign in to open the admin page" in anonymous.text
    denied = client.get("/admin", headers=USER)
    assert "Admins only" in denied.text and "bob" not in denied.text
    for response in (anonymous, denied):  # styled like the admin page, under the same strict policy
        assert '<link rel="stylesheet" href="/admin/static/admin.css">' in response.text
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "<script" not in response.text


def test_the_page_assets_are_public_and_nothing_else_is_served(client):
    """The sign-in page is styled with the admin stylesheet, so the assets need no sign-in; they hold no data."""
    css = client.get("/admin/static/admin.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/admin/static/admin.js").headers["content-type"].startswith("text/javascript")
    for name in ("missing.css", "..%2fadmin.py", "admin.py", "%2e%2e%2f%2e%2e%2fsettings.py"):
        assert client.get(f"/admin/static/{name}").status_code == 404, name


def test_a_failing_resolver_counts_as_no_credentials(live_server, store):
    """A resolver that raises (a malformed token, say) must give 401, not a 500 with a traceback."""
    import httpx
    from fastapi import FastAPI

    from pulsepal.web.admin import build_admin_router

    from .conftest import FakeUser, LiveServer

    async def broken(request):
        raise ValueError("token garbage at /secret/path")

    app = FastAPI()
    app.include_router(build_admin_router(broken, lambda: store.manager))
    with LiveServer(app) as server, httpx.Client(base_url=server.url) as c:
        response = c.get("/admin/api/stats")
        assert response.status_code == 401
        assert "secret" not in response.text
    assert FakeUser("x", True).is_admin
