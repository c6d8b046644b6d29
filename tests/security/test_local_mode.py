"""Local mode against an outsider on the same machine or a page in the same browser (issue 9, items 1 and 5, and
the HTTP half of 11; issue 14 item 17). One real `chainlit run` serves the whole module."""

from __future__ import annotations

import os
import stat
from urllib.parse import urlsplit

import httpx
import pytest
import socketio
from chat_harness import ChatClient, login_local  # (tests/chat is on pytest.ini's pythonpath)

from .conftest import ChatServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ChatServer(tmp_path_factory.mktemp("local")).start()
    yield srv
    srv.kill()


@pytest.fixture(scope="module")
def cookie(server) -> dict:
    return {"access_token": login_local(server.base)}


def _sessions(server: ChatServer) -> set[str]:
    logs = server.storage.parent / "conversationLogs"
    return {p.name for p in logs.iterdir()} if logs.exists() else set()


# ---------------------------------------------------------------------------------------------- the token
def test_printed_link_signs_in_with_one_click_and_the_token_is_private(server):
    url = server.printed_url()
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port == server.port and parts.path == "/"
    token_file = server.storage / "local_token"
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    assert parts.query == "token=" + token_file.read_text().strip()

    with httpx.Client(base_url=server.base, timeout=20) as browser:  # keeps cookies, follows like a browser
        response = browser.get(url, follow_redirects=True)
        assert response.status_code == 200 and "token=" not in str(response.url)
        assert response.history and response.history[0].status_code == 303
        assert browser.cookies.get("access_token")
        assert browser.get("/user").json()["identifier"] == "local"


def test_without_the_token_nothing_is_granted(server):
    response = httpx.post(server.base + "/auth/header", timeout=10)
    assert response.status_code == 401 and "access_token" not in response.cookies
    assert httpx.get(server.base + "/user", timeout=10).status_code == 401
    page = httpx.get(server.base + "/", timeout=10)
    assert page.status_code == 401 and "start-up link" in page.text and "access_token" not in page.cookies
    wrong = httpx.get(server.base + "/", params={"token": "not-the-token"}, timeout=10)
    assert wrong.status_code == 401 and "access_token" not in wrong.cookies
    assert httpx.get(server.base + "/admin/api/stats", timeout=10).status_code == 401
    bad = httpx.post(server.base + "/auth/header", headers={"Authorization": "Token not-the-token"}, timeout=10)
    assert bad.status_code == 401
    # programs may show the token itself
    token = server.local_token()
    assert httpx.get(server.base + "/user", headers={"Authorization": f"Token {token}"}, timeout=10).status_code == 200


def test_exchange_redirects_only_to_this_server(server):
    token = server.local_token()
    response = httpx.get(server.base + "//evil.example/x", params={"token": token}, timeout=10)
    assert response.status_code == 303 and response.headers["location"] == "/"
    response = httpx.get(server.base + "/thread/abc", params={"token": token, "x": "1"}, timeout=10)
    assert response.status_code == 303 and response.headers["location"] == "/thread/abc?x=1"


# ------------------------------------------------------------------------------------- DNS rebinding (Host)
@pytest.mark.parametrize("method,path", [("GET", "/"), ("POST", "/auth/header"), ("GET", "/admin/api/stats"),
                                         ("GET", "/user"), ("POST", "/query"), ("GET", "/project/settings")])
def test_foreign_host_header_is_refused(server, cookie, method, path):
    token = server.local_token()
    headers = {"Host": f"rebind.evil.example:{server.port}", "Authorization": f"Token {token}"}
    response = httpx.request(method, server.base + path, headers=headers, cookies=cookie, json={"text": "hi"},
                             timeout=10)
    assert response.status_code == 400 and "access_token" not in response.cookies
    assert "Host" in response.text


async def test_foreign_host_on_the_socket_handshake_is_refused(server, cookie):
    client = ChatClient(server.base, cookie["access_token"], {"Host": f"rebind.evil.example:{server.port}"})
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect()
    await client.close()


# --------------------------------------------------------------------------------------------- Origin checks
@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:1", "http://localhost:3000", "null"])
async def test_cross_origin_socket_handshake_is_refused(server, cookie, origin):
    client = ChatClient(server.base, cookie["access_token"], {"Origin": origin})
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect()
    await client.close()
    same = ChatClient(server.base, cookie["access_token"], {"Origin": server.base})
    await same.connect()  # the app's own origin still works
    await same.close()


def test_cross_site_simple_post_creates_nothing(server, cookie):
    before = _sessions(server)
    simple = {"Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
    anonymous = httpx.post(server.base + "/query", content="What is mr.makeTrapezoid?", headers=simple, timeout=20)
    assert anonymous.status_code in (401, 403) and "response" not in anonymous.text
    # even if the browser did attach the cookie (same-site page on another port), the Origin gives it away
    same_site = {"Content-Type": "text/plain", "Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"}
    with_cookie = httpx.post(server.base + "/query", content="What is mr.makeTrapezoid?", headers=same_site,
                             cookies=cookie, timeout=20)
    assert with_cookie.status_code == 403
    no_origin = httpx.post(server.base + "/query", content="hello", headers={"Content-Type": "text/plain",
                                                                             "Sec-Fetch-Site": "cross-site"},
                           cookies=cookie, timeout=20)
    assert no_origin.status_code == 403
    assert _sessions(server) == before


def test_state_changing_chainlit_routes_check_the_origin(server, cookie):
    headers = {"Origin": "http://evil.example"}
    rename = httpx.put(server.base + "/project/thread", json={"threadId": "x", "name": "y"}, headers=headers,
                       cookies=cookie, timeout=10)
    logout = httpx.post(server.base + "/logout", headers=headers, cookies=cookie, timeout=10)
    assert rename.status_code == 403 and logout.status_code == 403


# -------------------------------------------------------------------------------------- /query bad input
@pytest.mark.parametrize("body,content_type,reason", [
    (b'{"text": "\\ud800"}', "application/json", "surrogate"),
    (b"[" * 20_000 + b"]" * 20_000, "application/json", "depth"),
    (b'{"text": "caf\xe9"}', "application/json", "UTF-8"),
    (b"caf\xe9 \xff", "text/plain", "UTF-8"),
    (b"text=caf%E9", "application/x-www-form-urlencoded", "UTF-8"),
])
def test_query_bad_input_is_400_with_a_reason(server, cookie, body, content_type, reason):
    before = _sessions(server)
    response = httpx.post(server.base + "/query", content=body, headers={"Content-Type": content_type},
                          cookies=cookie, timeout=20)
    assert response.status_code == 400, response.text
    assert reason.lower() in response.json()["detail"].lower()
    assert _sessions(server) == before


@pytest.mark.parametrize("bad_id", ["garbage", "1234", "3F2B8C1E-9D4A-4C5B-8E7F-0A1B2C3D4E5F",
                                    "{3f2b8c1e-9d4a-4c5b-8e7f-0a1b2c3d4e5f}", "3f2b8c1e9d4a4c5b8e7f0a1b2c3d4e5f"])
def test_query_refuses_ids_the_engine_never_makes(server, cookie, bad_id):
    before = _sessions(server)
    response = httpx.post(server.base + "/query", json={"text": "hello"}, headers={"session-id": bad_id},
                          cookies=cookie, timeout=20)
    assert response.status_code == 400 and "invalid session id" in response.json()["detail"]
    assert _sessions(server) == before


def test_get_query_is_405_with_allow(server, cookie):
    response = httpx.get(server.base + "/query", cookies=cookie, timeout=10)
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert "<html" not in response.text.lower()
