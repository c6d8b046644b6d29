"""`users remove carol` cuts carol off everywhere at once (issue 9, item 3): every Chainlit thread route, our own
routes and the chat socket (new chats, resume, and a chat already open), with her still-valid 15-day cookie.
Nothing of hers is deleted by it."""

from __future__ import annotations

import uuid

import httpx
import pytest
import socketio
from chat_harness import ChatClient, login_password

from .conftest import ChatServer, add_users, cli


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ChatServer(tmp_path_factory.mktemp("removed"), env={"AUTH_MODE": "password"})
    add_users(srv, {name: f"{name}-password-123" for name in ("carol", "alice")})
    yield srv.start()
    srv.kill()


def _threads(base: str, cookies: dict) -> httpx.Response:
    return httpx.post(f"{base}/project/threads", json={"pagination": {"first": 20}, "filter": {}}, cookies=cookies,
                      timeout=10)


def _chainlit_routes(base: str, thread_id: str, cookies: dict) -> dict[str, httpx.Response]:
    """Every Chainlit route that reads or changes a thread, as the sidebar and the thread page call them."""
    return {
        "user": httpx.get(f"{base}/user", cookies=cookies, timeout=10),
        "list": _threads(base, cookies),
        "read": httpx.get(f"{base}/project/thread/{thread_id}", cookies=cookies, timeout=10),
        "element": httpx.get(f"{base}/project/thread/{thread_id}/element/e1", cookies=cookies, timeout=10),
        "share-read": httpx.get(f"{base}/project/share/{thread_id}", cookies=cookies, timeout=10),
        "share": httpx.put(f"{base}/project/thread/share", json={"threadId": thread_id, "isShared": True},
                           cookies=cookies, timeout=10),
        "rename": httpx.put(f"{base}/project/thread", json={"threadId": thread_id, "name": "renamed"},
                            cookies=cookies, timeout=10),
        "delete": httpx.request("DELETE", f"{base}/project/thread", json={"threadId": thread_id}, cookies=cookies,
                                timeout=10),
        "download": httpx.get(f"{base}/pulsepal/conversations/{thread_id}.json", cookies=cookies, timeout=10),
        "query": httpx.post(f"{base}/query", json={"text": "hello", }, headers={"session-id": thread_id},
                            cookies=cookies, timeout=20),
    }


async def _next_message_is_refused(tab: ChatClient, text: str) -> None:
    """A tab opened before the account changed: its next message is refused (asked to sign in), not answered."""
    mark = len(tab.events)
    await tab.sio.emit("client_message", {"message": {
        "threadId": "", "id": str(uuid.uuid4()), "name": "User", "type": "user_message",
        "output": text, "createdAt": "2026-01-01T00:00:00Z"}, "fileReferences": []})
    await tab.wait_for(lambda: any(e == "task_end" for e, _ in tab.events[mark:]), 20)
    outputs = [d.get("output", "") for d in tab.find("new_message", mark) if isinstance(d, dict)]
    assert any("sign in" in out.lower() for out in outputs)


async def test_removed_user_is_cut_off_everywhere(server):
    base = server.base
    carol = {"access_token": login_password(base, "carol", "carol-password-123")}
    client = ChatClient(base, carol["access_token"])
    await client.connect()
    await client.ask("carol's gradient echo question")
    thread_id = client.thread_id
    assert thread_id and thread_id in [t["id"] for t in _threads(base, carol).json()["data"]]
    still_open = ChatClient(base, carol["access_token"])  # a second tab, open while she is removed
    await still_open.connect()

    done = cli(server, "users", "remove", "carol")
    assert done.returncode == 0, done.stderr

    refused = {name: r.status_code for name, r in _chainlit_routes(base, thread_id, carol).items()}
    assert refused == {name: 401 for name in refused}, refused

    resume = ChatClient(base, carol["access_token"])
    with pytest.raises(socketio.exceptions.ConnectionError):
        await resume.connect(thread_id, wait_for="")
    assert resume.find("resume_thread") == [] and not any(
        isinstance(d, dict) and "gradient echo" in str(d) for _, d in resume.events)
    await resume.close()
    fresh = ChatClient(base, carol["access_token"])
    with pytest.raises(socketio.exceptions.ConnectionError):
        await fresh.connect(wait_for="")
    await fresh.close()

    await _next_message_is_refused(still_open, "one more question")  # the tab that was already open
    await still_open.close()
    await client.close()

    # nothing of carol's was renamed or deleted by the refused calls; an admin still sees it
    alice = {"access_token": login_password(base, "alice", "alice-password-123")}
    assert _threads(base, alice).json()["data"] == []  # and alice never sees carol's
    done = cli(server, "sessions", "show", thread_id)
    assert done.returncode == 0 and "carol's gradient echo question" in done.stdout and "renamed" not in done.stdout
    assert "one more question" not in done.stdout

    # adding her back with a new password: the old cookie stays refused (it names the old password); she signs in
    # again and her conversation is there
    done = cli(server, "users", "add", "carol", "--password-stdin", stdin="carol-password-456\n")
    assert done.returncode == 0, done.stderr
    assert _threads(base, carol).status_code == 401
    again = {"access_token": login_password(base, "carol", "carol-password-456")}
    assert [t["id"] for t in _threads(base, again).json()["data"]] == [thread_id]


async def test_a_new_password_signs_out_the_old_cookies_and_open_chats(server):
    """`users add NAME --replace` (a reset after a leaked password) ends every sign-in made with the old one:
    Chainlit's routes, our routes and a chat socket already open; the new password works at once."""
    base = server.base
    old = {"access_token": login_password(base, "alice", "alice-password-123")}
    open_tab = ChatClient(base, old["access_token"])
    await open_tab.connect()
    await open_tab.ask("alice's spin echo question")
    assert _threads(base, old).status_code == 200

    done = cli(server, "users", "add", "alice", "--replace", "--password-stdin", stdin="alice-new-password-9\n")
    assert done.returncode == 0, done.stderr
    refused = {name: r.status_code for name, r in _chainlit_routes(base, open_tab.thread_id, old).items()}
    assert refused == {name: 401 for name in refused}, refused
    await _next_message_is_refused(open_tab, "and the refocusing pulse?")
    await open_tab.close()

    new = {"access_token": login_password(base, "alice", "alice-new-password-9")}
    assert _threads(base, new).status_code == 200
    assert login_password(base, "alice", "alice-password-123") is None  # last: a failure starts the back-off
