"""The chat socket over a real `chainlit run`: a message too long for the transport gets words, not a dead socket;
an edit of a sent message is refused while `edit_message = false`; a deleted conversation's id, claimed by
someone else's socket, shows nothing of the old conversation."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timezone

from pulsepal.main_agent import MAX_QUERY_CHARS

TOO_LONG = f"too long (limit {MAX_QUERY_CHARS:,} characters)"


def _message(text: str, message_id: str = "") -> dict:
    return {"threadId": "", "id": message_id or str(uuid.uuid4()), "name": "User", "type": "user_message",
            "output": text, "createdAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}


def _said(client, since: int) -> list[str]:
    return [d.get("output") or "" for e, d in client.events[since:]
            if e in ("new_message", "update_message") and isinstance(d, dict)]


async def test_a_message_too_long_for_the_socket_gets_a_clear_refusal(site):
    client = site.chat("alice")
    await client.connect()
    try:
        for size in (300_000, MAX_QUERY_CHARS + 1):  # over the transport's frame limit; over the question limit
            mark = len(client.events)
            await client.sio.emit("client_message", {"message": _message("x" * size), "fileReferences": []})
            await client.wait_for(lambda at=mark: any(TOO_LONG in text for text in _said(client, at)), timeout=20)
            assert client.sio.connected
        answer = await client.ask("What does mr.makeTrapezoid return?")  # the same socket still chats
        assert answer and TOO_LONG not in answer
    finally:
        await client.close()
    stored = site.engine().export_session(client.thread_id)
    said = [e["content"] for e in stored["events"] if e.get("type") == "message" and e.get("role") == "user"]
    assert said == ["What does mr.makeTrapezoid return?"]  # the refused messages were not kept


async def test_editing_a_sent_message_is_refused(site):
    client = site.chat("alice")
    await client.connect()
    try:
        question = _message("How do I make a sinc pulse?")
        mark = len(client.events)
        await client.sio.emit("client_message", {"message": question, "fileReferences": []})
        await client.wait_for(lambda: client._reply_done(mark))
        thread = client.thread_id
        mark = len(client.events)
        await client.sio.emit("edit_message", {"message": {**question, "output": "How do I spoil?"}})
        await client.wait_for(lambda: any("cannot be edited" in text for text in _said(client, mark)), timeout=20)
        await asyncio.sleep(1.0)  # what a new turn would send comes within this
        names = [event for event, _ in client.events[mark:]]
        assert "delete_message" not in names and "task_start" not in names, names
        assert not any(isinstance(d, dict) and d.get("type") == "assistant_message" and "cannot be edited"
                       not in (d.get("output") or "") for d in client.find("new_message", mark))
    finally:
        await client.close()
    stored = site.engine().export_session(thread)
    said = [e["content"] for e in stored["events"] if e.get("type") == "message" and e.get("role") == "user"]
    assert said == ["How do I make a sinc pulse?"]  # no second turn was stored


async def test_a_deleted_conversations_id_claimed_by_another_user_shows_nothing_of_it(site):
    secret = "zebrafish-spoiler-7731"
    thread, client = await site.conversation("alice", f"How do I spoil with {secret}?")
    await client.close()
    with site.http("alice") as alice:
        assert alice.post(f"/pulsepal/pins/{thread}", json={"pinned": True}).status_code == 200
        assert alice.put("/project/thread/share", json={"threadId": thread, "isShared": True}).status_code == 200
        assert alice.request("DELETE", "/project/thread", json={"threadId": thread}).status_code == 200
    bob = site.chat("bob")
    await bob.connect(thread)  # bob's socket names the freed id
    try:
        answer = await bob.ask("What does mr.makeTrapezoid return?")
        assert secret not in answer
        assert not any(secret in text for text in _said(bob, 0))
    finally:
        await bob.close()
    with site.http("bob") as http:
        listed = http.post("/project/threads", json={"pagination": {"first": 50}, "filter": {}}).json()["data"]
        found = http.post("/project/threads", json={"pagination": {"first": 50},
                                                   "filter": {"search": secret}}).json()["data"]
        assert [t["id"] for t in listed] == [thread]  # the id is bob's now: what the old one had must not be
        assert not listed[0]["metadata"].get("is_shared")
        assert found == []
        assert thread not in [p["session_id"] for p in http.get("/pulsepal/pins").json()["pinned"]]
        for mine in [t["id"] for t in listed]:
            for ext in ("json", "md"):
                document = http.get(f"/pulsepal/conversations/{mine}.{ext}")
                assert secret not in document.text
    with site.http("carol") as carol:  # alice's old share link must not open bob's conversation
        assert carol.get(f"/project/share/{thread}").status_code == 404
    with site.http("alice") as alice:
        assert thread not in [t["id"] for t in alice.post("/project/threads", json={
            "pagination": {"first": 50}, "filter": {}}).json()["data"]]
        assert alice.get(f"/pulsepal/conversations/{thread}.json").status_code == 404
        assert thread not in [p["session_id"] for p in alice.get("/pulsepal/pins").json()["pinned"]]
