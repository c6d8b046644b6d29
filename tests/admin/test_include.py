"""The admin routes inside a Chainlit-shaped server, through `include_admin_routes` and the real auth module:
they must win over a GET catch-all registered earlier (as chainlit.server does), and resolve users from
Chainlit's JWT cookie in local and password modes."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from pulsepal.settings import Settings

from .conftest import LiveServer, post

auth = pytest.importorskip("pulsepal.web.auth")


@pytest.fixture
def chainlit_like(store, tmp_path, monkeypatch):
    """A server with a catch-all first, then our routes via include_admin_routes; auth reads `settings`."""
    import chainlit as cl
    from chainlit.auth import create_jwt

    from pulsepal.web import users
    from pulsepal.web.admin import include_admin_routes

    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "x" * 64)
    state = {"settings": Settings(_env_file=None, session_storage_path=store.manager.store.root, auth_mode="local")}
    monkeypatch.setattr(auth, "get_settings", lambda: state["settings"])
    users_file = tmp_path / "users.json"
    users.add_user(users_file, "boss", "correct horse battery", admin=True)
    users.add_user(users_file, "bob", "correct horse battery", admin=False)

    app = FastAPI()

    @app.get("/{full_path:path}")
    async def spa(full_path: str):
        return HTMLResponse("<html>chainlit spa</html>")

    include_admin_routes(app, manager_factory=lambda: store.manager)
    assert app.router.routes[-1].path == "/{full_path:path}"

    def token(name: str, password: str | None = None) -> dict:
        """A signed cookie; with a password, the one a sign-in through the password hook would issue."""
        user = asyncio.run(auth.password_login(name, password)) if password else cl.User(identifier=name)
        return {"Cookie": f"access_token={create_jwt(user)}"}

    def password_mode() -> None:
        state["settings"] = Settings(_env_file=None, session_storage_path=store.manager.store.root,
                                     auth_mode="password", users_file=users_file)

    with LiveServer(app) as server, httpx.Client(base_url=server.url) as client:
        yield client, token, password_mode


def test_local_mode_admin_through_the_real_auth(chainlit_like, store):
    client, token, _ = chainlit_like
    assert client.get("/admin/api/stats").status_code == 401
    assert client.get("/admin/api/stats", headers=token("mallory")).status_code == 401
    local = token("local")
    page = client.get("/admin", headers=local)
    assert page.status_code == 200 and "chainlit spa" not in page.text and 'data-card="active"' in page.text
    assert client.get("/admin/api/stats", headers=local).json()["active_count"] == 6
    # GET on an action is 405 from us, not the catch-all's 200
    assert client.get(f"/admin/api/sessions/{store.ids['day']}/archive", headers=local).status_code == 405
    csrf = client.get("/admin/api/csrf", headers=local).json()["token"]
    response = post(client, f"/admin/api/sessions/{store.ids['day']}/archive", csrf, headers=local)
    assert response.status_code == 200 and response.json()["state"] == "archived"
    assert client.get("/some/chat/page").text == "<html>chainlit spa</html>"


def test_password_mode_roles(chainlit_like):
    client, token, password_mode = chainlit_like
    password_mode()
    assert client.get("/admin/api/stats", headers=token("bob", "correct horse battery")).status_code == 403
    assert client.get("/admin/api/stats", headers=token("boss", "correct horse battery")).status_code == 200
    assert client.get("/admin/api/stats", headers=token("boss")).status_code == 401  # signed, but not by a sign-in
    assert client.get("/admin/api/stats", headers=token("ghost")).status_code == 401
    bearer = token("boss", "correct horse battery")["Cookie"].split("=", 1)[1]
    assert client.get("/admin/api/stats", headers={"Authorization": f"Bearer {bearer}"}).status_code == 200
