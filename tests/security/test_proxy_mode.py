"""Proxy mode trusts the user header only from TRUSTED_PROXY_IPS, and the header is the identity on every request
and on the chat socket (issue 9, item 2). The "proxy" is a client connecting from 127.0.0.2; everyone else
connects from 127.0.0.1, which uvicorn would trust to rewrite its address from X-Forwarded-For by default."""

from __future__ import annotations

import subprocess

import httpx
import pytest
import socketio
from chat_harness import ChatClient

from .conftest import OTHER_HOST, ChatServer, client_from

PROXY = OTHER_HOST
HEADER = "X-Forwarded-User"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ChatServer(tmp_path_factory.mktemp("proxy"), env={"AUTH_MODE": "proxy", "TRUSTED_PROXY_IPS": PROXY,
                                                            "ADMIN_USERS": "boss"}).start()
    yield srv
    srv.kill()


@pytest.fixture
def proxy(server):
    with client_from(PROXY, base_url=server.base) as c:
        yield c


@pytest.fixture
def direct(server):
    with client_from("127.0.0.1", base_url=server.base) as c:
        yield c


def _threads(client: httpx.Client, **kwargs) -> httpx.Response:
    return client.post("/project/threads", json={"pagination": {"first": 20}, "filter": {}}, **kwargs)


def test_refuses_to_start_without_trusted_proxies(tmp_path):
    srv = ChatServer(tmp_path, env={"AUTH_MODE": "proxy"}, host="0.0.0.0")
    proc = srv.spawn()
    try:
        code = proc.wait(60)
    except subprocess.TimeoutExpired:
        srv.proc = proc
        srv.kill()
        pytest.fail("proxy mode started without TRUSTED_PROXY_IPS")
    assert code == 2 and "TRUSTED_PROXY_IPS" in srv.log() and "refuses to start" in srv.log()


def test_forged_header_from_an_untrusted_address_is_nobody(server, proxy, direct):
    assert proxy.get("/admin/api/stats", headers={HEADER: "boss"}).status_code == 200  # the real proxy
    forged = {HEADER: "boss"}
    assert direct.get("/admin/api/stats", headers=forged).status_code == 401
    assert direct.get("/user", headers=forged).status_code == 401
    login = direct.post("/auth/header", headers=forged)
    assert login.status_code == 401 and "access_token" not in login.cookies
    assert direct.post("/query", json={"text": "hi"}, headers=forged).status_code == 401
    # claiming to come through the proxy does not make it so (uvicorn's own X-Forwarded-For trust is off)
    spoofed = {HEADER: "boss", "X-Forwarded-For": PROXY, "X-Real-IP": PROXY, "Forwarded": f"for={PROXY}"}
    assert direct.get("/admin/api/stats", headers=spoofed).status_code == 401
    assert direct.post("/auth/header", headers=spoofed).status_code == 401


async def test_forged_header_on_the_socket_from_an_untrusted_address(server):
    client = ChatClient(server.base, None, {HEADER: "boss", "X-Forwarded-For": PROXY}, local_address="127.0.0.1")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(wait_for="")
    await client.close()
    real = ChatClient(server.base, None, {HEADER: "boss"}, local_address=PROXY)
    await real.connect()
    await real.close()


async def test_the_header_is_the_identity_and_a_stale_cookie_never_stands_in(server, proxy):
    alice_cookie = proxy.post("/auth/header", headers={HEADER: "alice"}).cookies["access_token"]
    jar = {"access_token": alice_cookie}

    alice = ChatClient(server.base, alice_cookie, {HEADER: "alice"}, local_address=PROXY)
    await alice.connect()
    await alice.ask("alice's private spin echo question")
    thread_id = alice.thread_id
    await alice.close()
    listed = _threads(proxy, headers={HEADER: "alice"}, cookies=jar).json()["data"]
    assert thread_id in [t["id"] for t in listed]

    # bob signs in at the proxy in the same browser: alice's cookie is still there, the header says bob
    as_bob = {"headers": {HEADER: "bob"}, "cookies": jar}
    assert proxy.get("/user", **as_bob).json()["identifier"] == "bob"
    assert _threads(proxy, **as_bob).json()["data"] == []
    assert proxy.get(f"/project/thread/{thread_id}", **as_bob).status_code == 401
    assert proxy.get(f"/pulsepal/conversations/{thread_id}.json", **as_bob).status_code == 404
    # no header at all (the proxy signed her out): the cookie alone is nobody
    assert proxy.get("/user", cookies=jar).status_code == 401
    assert _threads(proxy, cookies=jar).status_code == 401

    bob = ChatClient(server.base, alice_cookie, {HEADER: "bob"}, local_address=PROXY)
    with pytest.raises(socketio.exceptions.ConnectionError):  # bob's socket may not resume alice's thread
        await bob.connect(thread_id, wait_for="")
    await bob.close()
    bob = ChatClient(server.base, alice_cookie, {HEADER: "bob"}, local_address=PROXY)
    await bob.connect()
    await bob.ask("bob's question")
    bobs_thread = bob.thread_id
    await bob.close()
    assert [t["id"] for t in _threads(proxy, **as_bob).json()["data"]] == [bobs_thread]
    assert bobs_thread not in [t["id"] for t in _threads(proxy, headers={HEADER: "alice"}).json()["data"]]

    nobody = ChatClient(server.base, alice_cookie, {}, local_address=PROXY)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await nobody.connect(wait_for="")
    await nobody.close()
