"""End to end against a real `chainlit run app.py` on 127.0.0.1, driven over socket.io like the browser does.

Each server runs in its own app root and store under tmp; SIGKILL is used for restarts so only what was durable
survives. Waits poll for an outcome with a generous deadline; nothing asserts on how long something took.
"""

from __future__ import annotations

import asyncio
import subprocess
import time

import httpx
import pytest
import socketio
from chat_harness import ChatClient, ChatServer, login_local, login_password


def _threads(base: str, token: str, search: str | None = None) -> list[dict]:
    body = {"pagination": {"first": 50}, "filter": {"search": search} if search else {}}
    response = httpx.post(base + "/project/threads", json=body, cookies={"access_token": token}, timeout=10)
    response.raise_for_status()
    return response.json()["data"]


def _settings_values(client: ChatClient) -> dict:
    """The settings the panel shows (not its "Your data" action, which always starts at "none")."""
    return {w["id"]: w["initial"] for w in client.find("chat_settings")[-1] if w["id"] != "your_data"}


@pytest.fixture(scope="module")
def local_server(tmp_path_factory):
    server = ChatServer(tmp_path_factory.mktemp("local")).start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def password_server(tmp_path_factory):
    from pulsepal.web.users import add_user

    server = ChatServer(tmp_path_factory.mktemp("password"), env={"AUTH_MODE": "password"})
    add_user(server.storage / "users.json", "alice", "alice-password")
    add_user(server.storage / "users.json", "bob", "bob-password")
    server.start()
    yield server
    server.kill()


async def test_chat_survives_sigkill_and_resumes_with_history_and_settings(local_server):
    server = local_server
    token = login_local(server.base)
    client = ChatClient(server.base, token)
    await client.connect()
    first = await client.ask("What does mr.makeTrapezoid do?")
    assert "makeTrapezoid" in first
    await client.change_settings({"language": "python", "sequence_knowledge": "Sequence type: EPI, 3 T",
                                  "use_sequence_knowledge": True})
    second = await client.ask("How do I make a sinc pulse?")
    assert "make_sinc_pulse" in second  # the language switch reached the answer
    thread_id = client.thread_id
    assert thread_id
    await client.close()

    server.kill()
    server.start()

    listed = _threads(server.base, token)  # the cookie still works: the secret was kept in the store
    assert [t["id"] for t in listed] == [thread_id]
    assert listed[0]["name"] == "What does mr.makeTrapezoid do?"

    resumed = ChatClient(server.base, token)
    await resumed.connect(thread_id)
    await resumed.wait_for(lambda: resumed.find("resume_thread"))
    steps = [s for s in resumed.find("resume_thread")[0]["steps"] if s["type"] != "run"]  # runs hold the thumbs
    assert [s["type"] for s in steps] == ["user_message", "assistant_message"] * 2
    assert steps[1]["output"] == first and steps[3]["output"] == second
    assert _settings_values(resumed) == {"language": "python", "sequence_knowledge": "Sequence type: EPI, 3 T",
                                         "use_sequence_knowledge": True}
    third = await resumed.ask("and a trapezoid?")
    assert "make_trapezoid" in third
    await resumed.close()

    document = httpx.get(f"{server.base}/pulsepal/conversations/{thread_id}.json",
                         cookies={"access_token": token}, timeout=10).json()
    messages = [e for e in document["events"] if e["type"] == "message"]
    assert len(messages) == 6 and document["session_id"] == thread_id
    assert messages[-1]["content"] == third

    # a new chat starts in the language chosen last time
    fresh = ChatClient(server.base, token)
    await fresh.connect()
    assert _settings_values(fresh)["language"] == "python"
    await fresh.close()

    assert [t["id"] for t in _threads(server.base, token, search="sinc pulse")] == [thread_id]  # message text
    assert _threads(server.base, token, search="no-such-text-anywhere") == []


async def test_downloads_are_durable_owner_checked_and_validated(local_server):
    server = local_server
    token = login_local(server.base)
    client = ChatClient(server.base, token)
    await client.connect()
    await client.ask("What is mr.makeSincPulse?")
    thread_id = client.thread_id
    await client.close()
    cookies = {"access_token": token}

    md = httpx.get(f"{server.base}/pulsepal/conversations/{thread_id}.md", cookies=cookies, timeout=10)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"] and "What is mr.makeSincPulse?" in md.text
    js = httpx.get(f"{server.base}/pulsepal/conversations/{thread_id}.json", cookies=cookies, timeout=10)
    assert js.status_code == 200 and js.json()["session_id"] == thread_id
    assert httpx.get(f"{server.base}/pulsepal/conversations/{thread_id}.json", timeout=10).status_code == 401
    bad = httpx.get(f"{server.base}/pulsepal/conversations/bad%20id!.json", cookies=cookies, timeout=10)
    assert bad.status_code == 400
    missing = "00000000-0000-4000-8000-000000000000"
    missing_md = httpx.get(f"{server.base}/pulsepal/conversations/{missing}.md", cookies=cookies, timeout=10)
    assert missing_md.status_code == 404


async def test_post_query_on_the_chat_server(local_server):
    base = local_server.base
    token = login_local(base)  # local mode: the start-up token's cookie (being on the loopback proves nothing)
    cookies = {"access_token": token}
    first = httpx.post(base + "/query", json={"text": "What is mr.makeTrapezoid?"}, cookies=cookies, timeout=20)
    assert first.status_code == 200, first.text
    sid = first.json()["session_id"]
    assert "makeTrapezoid" in first.json()["response"]
    again = httpx.post(base + "/query", json={"text": "and mr.makeSincPulse?"}, headers={"session-id": sid},
                       cookies=cookies, timeout=20)
    assert again.status_code == 200 and again.json()["session_id"] == sid
    unknown = httpx.post(base + "/query", json={"text": "hello"},
                         headers={"session-id": "00000000-0000-4000-8000-00000000abcd"}, cookies=cookies, timeout=20)
    assert unknown.status_code == 200
    assert unknown.json()["session_id"] not in (sid, "00000000-0000-4000-8000-00000000abcd")
    invalid = httpx.post(base + "/query", json={"text": "hello"}, headers={"session-id": "../../etc/passwd"},
                         cookies=cookies, timeout=20)
    assert invalid.status_code == 400
    empty = httpx.post(base + "/query", json={"text": "   "}, cookies=cookies, timeout=20)
    assert empty.status_code == 400
    # in local mode /query conversations belong to the local user: they show up in the sidebar
    assert sid in [t["id"] for t in _threads(base, token)]


async def test_user_b_can_neither_list_resume_nor_download_user_a(password_server):
    base = password_server.base
    alice = login_password(base, "alice", "alice-password")
    bob = login_password(base, "bob", "bob-password")
    assert alice and bob and login_password(base, "alice", "wrong-password") is None

    client = ChatClient(base, alice)
    await client.connect()
    await client.ask("alice's secret spin echo question")
    thread_id = client.thread_id
    await client.close()

    assert thread_id in [t["id"] for t in _threads(base, alice)]
    assert _threads(base, bob) == []
    assert _threads(base, bob, search="secret") == []

    intruder = ChatClient(base, bob)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await intruder.connect(thread_id)
    await intruder.close()
    anonymous = ChatClient(base, None)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await anonymous.connect()
    await anonymous.close()

    cookies = {"access_token": bob}
    assert httpx.get(f"{base}/pulsepal/conversations/{thread_id}.json", cookies=cookies, timeout=10).status_code == 404
    assert httpx.get(f"{base}/pulsepal/conversations/{thread_id}.md", cookies=cookies, timeout=10).status_code == 404
    assert httpx.get(f"{base}/project/thread/{thread_id}", cookies=cookies, timeout=10).status_code == 401
    rename = httpx.put(f"{base}/project/thread", json={"threadId": thread_id, "name": "pwned"}, cookies=cookies,
                       timeout=10)
    delete = httpx.request("DELETE", f"{base}/project/thread", json={"threadId": thread_id}, cookies=cookies,
                           timeout=10)
    assert rename.status_code == 401 and delete.status_code == 401
    # bob's /query with alice's id gets a new session of his own, not alice's conversation
    answer = httpx.post(f"{base}/query", json={"text": "hello"}, headers={"session-id": thread_id}, cookies=cookies,
                        timeout=20)
    assert answer.status_code == 200 and answer.json()["session_id"] != thread_id
    assert httpx.post(f"{base}/query", json={"text": "hello"}, timeout=20).status_code == 401

    # and alice still has her own, untouched
    own = httpx.get(f"{base}/pulsepal/conversations/{thread_id}.json", cookies={"access_token": alice}, timeout=10)
    assert own.status_code == 200
    first = [e["content"] for e in own.json()["events"] if e["type"] == "message"][0]
    assert first == "alice's secret spin echo question"
    # rename and delete through Chainlit's own routes, as the sidebar does
    cookies = {"access_token": alice}
    assert httpx.put(f"{base}/project/thread", json={"threadId": thread_id, "name": "Spin echo notes"},
                     cookies=cookies, timeout=10).status_code == 200
    assert _threads(base, alice)[0]["name"] == "Spin echo notes"
    assert httpx.request("DELETE", f"{base}/project/thread", json={"threadId": thread_id}, cookies=cookies,
                         timeout=10).status_code == 200
    assert _threads(base, alice) == []


async def test_scheduler_archives_expired_session_while_server_runs(tmp_path):
    server = ChatServer(tmp_path, env={"SESSION_CLEANUP_INTERVAL_MINUTES": "0.02",
                                       "SESSION_INACTIVE_TIMEOUT_HOURS": "0.0005"}).start()
    try:
        token = login_local(server.base)
        client = ChatClient(server.base, token)
        await client.connect()
        answer = await client.ask("What is mr.makeSincPulse?")
        thread_id = client.thread_id
        await client.close()

        deadline = time.monotonic() + 60
        while True:
            tags = {t["id"]: t["tags"] for t in _threads(server.base, token)}
            if tags.get(thread_id) == ["archived"]:
                break
            assert time.monotonic() < deadline, f"not archived; server log:\n{server.log()}"
            await asyncio.sleep(0.25)

        resumed = ChatClient(server.base, token)  # resuming brings it back to active, history intact
        await resumed.connect(thread_id)
        await resumed.wait_for(lambda: resumed.find("resume_thread"))
        steps = [s for s in resumed.find("resume_thread")[0]["steps"] if s["type"] != "run"]
        assert [s["output"] for s in steps] == ["What is mr.makeSincPulse?", answer]
        await resumed.ask("and mr.makeTrapezoid?")
        await resumed.close()
        document = httpx.get(f"{server.base}/pulsepal/conversations/{thread_id}.json",
                             cookies={"access_token": token}, timeout=10).json()
        assert len([e for e in document["events"] if e["type"] == "message"]) == 4
    finally:
        server.kill()


def test_local_mode_refuses_to_listen_on_all_interfaces(tmp_path):
    server = ChatServer(tmp_path, host="0.0.0.0")
    proc = server.spawn()
    try:
        code = proc.wait(60)
    except subprocess.TimeoutExpired:
        server.proc = proc
        server.kill()
        pytest.fail("the server started on 0.0.0.0 in local mode")
    assert code == 2
    assert "refuses to start" in server.log() and "AUTH_MODE=password" in server.log()
