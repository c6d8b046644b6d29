"""Issue 12 through the real server (password mode): whole-history search in the sidebar, agreeing with the CLI and
the admin page; pins; share links through Chainlit's own share routes; thumbs kept on the answer; export-all and
delete-all; the chat's history commands. Each refusal is a 4xx that says why, and changes nothing."""

from __future__ import annotations

import io
import json
import zipfile

from history_harness import run_of, send, sent_actions

from pulsepal.web.preferences import Preferences

UUID_NOBODY_HAS = "00000000-0000-4000-8000-000000000000"


# ------------------------------------------------------------------------------------------------------ search
async def test_sidebar_search_finds_archived_messages_and_agrees_with_cli_and_admin(site):
    spoil, c1 = await site.conversation("alice", "How do I spoil transverse magnetisation?",
                                        "Should the crusher go before the next RF pulse?")
    other, c2 = await site.conversation("alice", "What is an EPI readout?")
    bobs, c3 = await site.conversation("bob", "Where does the crusher go in a spin echo?")
    for client in (c1, c2, c3):
        await client.close()
    site.engine().archive_session(spoil)
    site.settle()

    found = site.threads("alice", search="crusher")
    assert [t["id"] for t in found] == [spoil]  # alice's only, from a later message of an archived conversation
    assert found[0]["tags"] == ["archived"]
    title, _, snippet = found[0]["name"].partition(" — ")  # the title, then the words around the match
    assert title == "How do I spoil transverse magnetisation?" and "crusher" in snippet.lower()
    assert [t["id"] for t in site.threads("alice", search="magnetisat")] == [spoil]  # words match their beginnings
    assert [t["id"] for t in site.threads("bob", search="crusher")] == [bobs]
    assert site.threads("alice", search='" OR * NEAR(') == []  # no query syntax reaches the index

    # the CLI and the admin page ask the same search and get the same conversations
    listed = site.cli("sessions", "list", "--search", "crusher", "--user", "alice", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [r["session_id"] for r in json.loads(listed.stdout)["sessions"]] == [spoil]
    everyone = json.loads(site.cli("sessions", "list", "--search", "crusher", "--json").stdout)["sessions"]
    with site.http("boss") as admin:
        hits = admin.get("/admin/api/search", params={"q": "crusher"}).json()["hits"]
        assert {h["session_id"] for h in hits} == {spoil, bobs} == {r["session_id"] for r in everyone}
        narrowed = admin.get("/admin/api/search", params={"q": "crusher", "owner": "alice"}).json()["hits"]
        assert [h["session_id"] for h in narrowed] == [spoil]
        assert admin.get("/admin/api/search").status_code == 400
        assert admin.get("/admin/api/search", params={"q": "x" * 201}).status_code == 400
    with site.http("alice") as alice:
        assert alice.get("/admin/api/search", params={"q": "crusher"}).status_code == 403  # admins only

    # opening the archived hit brings it back, under its own id, for its owner
    resumed = site.chat("alice")
    await resumed.connect(spoil)
    await resumed.wait_for(lambda: resumed.find("resume_thread"))
    await resumed.close()
    assert site.engine().describe(spoil)["state"] == "active"
    assert other in [t["id"] for t in site.threads("alice")]


# -------------------------------------------------------------------------------------------------------- pins
async def test_pins_are_the_owners_and_come_first(site):
    older, c1 = await site.conversation("carol", "First question about gradient spoiling")
    newer, c2 = await site.conversation("carol", "Second question about RF pulses")
    assert [t["id"] for t in site.threads("carol")][:2] == [newer, older]
    with site.http("carol") as carol:
        response = carol.post(f"/pulsepal/pins/{older}", json={"pinned": True})
        assert response.status_code == 200 and response.json()["pinned"] is True
        assert [p["session_id"] for p in carol.get("/pulsepal/pins").json()["pinned"]] == [older]
        assert carol.post(f"/pulsepal/pins/{older}", json={"pinned": "yes"}).status_code == 400
        assert carol.post("/pulsepal/pins/not-an-id", json={"pinned": True}).status_code == 400
        assert carol.post(f"/pulsepal/pins/{UUID_NOBODY_HAS}", json={}).status_code == 404
        assert carol.post(f"/pulsepal/pins/{older}", content=b"pinned=true",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 415
    listed = site.threads("carol")
    assert [t["id"] for t in listed][:2] == [older, newer]  # pinned first
    assert listed[0]["metadata"]["pinned"] is True and listed[1]["metadata"]["pinned"] is False
    with site.http("bob") as bob:
        assert bob.post(f"/pulsepal/pins/{newer}", json={"pinned": True}).status_code == 404  # not bob's
        assert bob.get("/pulsepal/pins").json()["pinned"] == []
    with site.http() as nobody:
        assert nobody.post(f"/pulsepal/pins/{newer}", json={"pinned": True}).status_code == 401
        assert nobody.get("/pulsepal/pins").status_code == 401
    with site.http("carol", Origin="http://evil.example") as forged:
        assert forged.post(f"/pulsepal/pins/{newer}", json={"pinned": True}).status_code == 403
    assert not site.engine().describe(newer)["pinned"]

    # the chat's commands do the same for the conversation they are typed in
    said = await send(c2, "/pin")
    assert "Pinned" in said[-1] and site.engine().describe(newer)["pinned"]
    said = await send(c2, "", command="unpin")
    assert "Unpinned" in said[-1] and not site.engine().describe(newer)["pinned"]
    assert site.engine().describe(newer)["message_count"] == 2  # commands are not turns
    for client in (c1, c2):
        await client.close()


# ------------------------------------------------------------------------------------------------------ shares
async def test_share_links_show_the_transcript_to_signed_in_users_until_revoked(site):
    shared, client = await site.conversation("alice", "How do I set the flip angle of a sinc pulse?",
                                             "And its duration?")
    private, other = await site.conversation("alice", "A private question about my scanner")
    with site.http("bob") as bob:
        assert bob.get(f"/project/share/{shared}").status_code == 404  # not shared yet: not found, no leak
        assert bob.put("/project/thread/share", json={"threadId": shared, "isShared": True}).status_code == 401
    with site.http("alice") as alice:  # what Chainlit's Share dialog sends
        assert alice.put("/project/thread/share", json={"threadId": shared, "isShared": True}).status_code == 200
    assert {t["id"]: t["metadata"]["is_shared"] for t in site.threads("alice")}[shared] is True

    with site.http("bob") as bob:
        response = bob.get(f"/project/share/{shared}")
        assert response.status_code == 200
        thread = response.json()
        texts = [s["output"] for s in thread["steps"] if s["type"] in ("user_message", "assistant_message")]
        assert texts[0] == "How do I set the flip angle of a sinc pulse?" and texts[2] == "And its duration?"
        assert len(texts) == 4 and "chat_settings" not in thread["metadata"]
        assert bob.get(f"/project/share/{private}").status_code == 404
        assert bob.get(f"/project/thread/{shared}").status_code == 401  # sharing is reading, not resuming
    with site.http() as anonymous:
        assert anonymous.get(f"/project/share/{shared}").status_code == 401  # a share is for signed-in users
    views = [a for a in site.audit() if a["action"] == "share_view" and a["session_id"] == shared]
    assert views and views[-1]["detail"]["viewer"] == "bob"

    with site.http("alice") as alice:  # the dialog's "unshare"
        assert alice.put("/project/thread/share", json={"threadId": shared, "isShared": False}).status_code == 200
    with site.http("bob") as bob:
        assert bob.get(f"/project/share/{shared}").status_code == 404

    # the chat's /share (with a lifetime) and the admin's revoke
    said = await send(client, "/share 2")
    assert f"/share/{shared}" in said[-1] and "until" in said[-1]
    assert "sign in to this PulsePal server" in said[-1]
    assert site.engine().share_of(shared)["expires_at"] is not None
    said = await send(client, "/share soon")
    assert "lifetime in hours" in said[-1]
    with site.http("boss") as admin:
        rows = admin.get("/admin/api/shares").json()["shares"]
        assert [r["owner"] for r in rows if r["session_id"] == shared] == ["alice"]
        csrf = admin.get("/admin/api/csrf").json()
        assert admin.post(f"/admin/api/shares/{shared}/revoke").status_code == 403  # no CSRF token
        revoked = admin.post(f"/admin/api/shares/{shared}/revoke", headers={csrf["header"]: csrf["token"]})
        assert revoked.status_code == 200
        again = admin.post(f"/admin/api/shares/{shared}/revoke", headers={csrf["header"]: csrf["token"]})
        assert again.status_code == 404
    with site.http("bob") as bob:
        assert bob.get(f"/project/share/{shared}").status_code == 404
    assert (await send(client, "/unshare"))[-1] == "This conversation was not shared."
    actions = [a["action"] for a in site.audit() if a["session_id"] == shared]
    assert actions.count("share") == 2 and actions.count("unshare") == 2
    for c in (client, other):
        await c.close()


# ---------------------------------------------------------------------------------------------------- feedback
async def test_thumbs_are_kept_on_the_answer_shown_again_on_resume_and_summarised(site):
    thread, client = await site.conversation("dave", "How do I make a Gaussian RF pulse?")
    run_id, answer_id = run_of(client)
    rating = {"forId": run_id, "threadId": thread, "value": 0, "comment": "that is a block pulse"}
    with site.http("dave") as dave:
        response = dave.put("/feedback", json={"feedback": rating, "sessionId": client.session_id})
        assert response.status_code == 200, response.text
        feedback_id = response.json()["feedbackId"]
        assert dave.put("/feedback", json={"feedback": {**rating, "value": 5}}).status_code == 400
        assert dave.put("/feedback", json={"feedback": {**rating, "forId": "no-such-step"}}).status_code == 400
        document = dave.get(f"/pulsepal/conversations/{thread}.json").json()
    kept = [e for e in document["events"] if e["type"] == "feedback"]
    assert kept and kept[-1]["message_id"] == answer_id and kept[-1]["value"] == 0  # exported with the session
    with site.http("bob") as bob:  # someone else's answer: not found, and nothing changes
        assert bob.put("/feedback", json={"feedback": {**rating, "value": 1}}).status_code == 404
        assert bob.request("DELETE", "/feedback", json={"feedbackId": feedback_id}).status_code == 404
    with site.http("boss") as admin:
        summary = admin.get("/admin/api/feedback").json()
        note = next(n for n in summary["recent_not_helpful"] if n["session_id"] == thread)
        assert note["question"] == "How do I make a Gaussian RF pulse?" and note["comment"] == "that is a block pulse"
        page = admin.get("/admin").text
        assert "that is a block pulse" in page and "How do I make a Gaussian RF pulse?" in page
    await client.close()

    resumed = site.chat("dave")  # on resume the rating is shown on the answer's run step, and can be changed
    await resumed.connect(thread)
    await resumed.wait_for(lambda: resumed.find("resume_thread"))
    steps = resumed.find("resume_thread")[0]["steps"]
    run = next(s for s in steps if s["type"] == "run")
    assert run["feedback"]["value"] == 0 and run["feedback"]["id"] == feedback_id
    assert next(s for s in steps if s["type"] == "assistant_message")["parentId"] == run["id"]
    with site.http("dave") as dave:
        changed = dave.put("/feedback", json={"feedback": {"forId": run["id"], "threadId": thread, "value": 1}})
        assert changed.status_code == 200 and changed.json()["feedbackId"] == feedback_id
        assert dave.request("DELETE", "/feedback", json={"feedbackId": feedback_id}).status_code == 200
        assert dave.request("DELETE", "/feedback", json={"feedbackId": "garbage"}).status_code == 400
    answer = site.engine().get_session(thread).conversation_history[-1]
    assert "feedback" not in answer.metadata  # taken back
    await resumed.close()


# ---------------------------------------------------------------------------------------- a user's whole history
async def test_export_all_and_delete_all_act_on_the_signed_in_users_conversations_only(own_users_site):
    """erin's whole history; frank is someone else on the same server."""
    site = own_users_site
    erased_before = {b.session_id for b in site.engine().store.backups() if b.reason == "erase"}  # a shared server
    mine = []
    for i in range(3):
        thread, chat = await site.conversation("erin", f"Question number {i} about TE")
        mine.append(thread)
        await chat.close()
    theirs, client = await site.conversation("frank", "Frank's own question")
    site.engine().archive_session(mine[0])
    site.settle()
    preferences = Preferences(site.storage / "preferences.json")  # what the chat keeps per user: the language
    preferences.set("erin", "language", "python")
    preferences.set("frank", "language", "octave")
    with site.http("erin") as erin:
        response = erin.get("/pulsepal/export-all.zip")
        assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert sorted(n for n in names if n.endswith(".json")) == sorted(f"conversations/{s}.json" for s in mine)
        assert erin.post("/pulsepal/delete-all", json={}).status_code == 400  # needs {"confirm": true}
    with site.http("erin", Origin="http://evil.example") as forged:
        assert forged.post("/pulsepal/delete-all", json={"confirm": True}).status_code == 403
    with site.http() as nobody:
        assert nobody.post("/pulsepal/delete-all", json={"confirm": True}).status_code == 401
        assert nobody.get("/pulsepal/export-all.zip").status_code == 401
    assert len(site.threads("erin")) == 3
    with site.http("erin") as erin:
        response = erin.post("/pulsepal/delete-all", json={"confirm": True})
        assert response.status_code == 200 and response.json() == {"ok": True, "removed": 3}
    assert site.threads("erin") == [] and [t["id"] for t in site.threads("frank")] == [theirs]
    assert preferences.get("erin", "language") is None and preferences.get("frank", "language") == "octave"
    backups = site.engine().store.backups()
    assert sorted(b.session_id for b in backups if b.reason == "erase" and b.session_id not in erased_before) \
        == sorted(mine)
    assert [a for a in site.audit() if a["action"] == "erase_user"][-1]["detail"]["owner"] == "erin"
    await client.close()


async def test_chat_commands_export_and_delete_with_a_confirmation(own_users_site):
    """grace's whole history; heidi is someone else on the same server."""
    site = own_users_site
    first, client = await site.conversation("grace", "What does mr.makeAdc do?")
    said = await send(client, "/export-all")
    assert "/pulsepal/export-all.zip" in said[-1] and "1 conversation(s)" in said[-1]
    said = await send(client, "", command="delete-all")
    assert "Delete all 1 of your conversations?" in said[-1]
    confirm = next(a for a in sent_actions(client) if a["name"] == "delete_all_confirm")
    with site.http("grace") as grace:  # a stale or forged confirmation deletes nothing
        forged = {**confirm, "payload": {"nonce": "guessed"}}
        assert grace.post("/project/action", json={"sessionId": client.session_id, "action": forged}).status_code == 200
        assert site.engine().describe(first) is not None
        with site.http("heidi") as heidi:  # another user cannot press grace's button
            assert heidi.post("/project/action", json={"sessionId": client.session_id,
                                                       "action": confirm}).status_code == 401
        said = await send(client, "/delete-all")
        confirm = next(a for a in reversed(sent_actions(client)) if a["name"] == "delete_all_confirm")
        pressed = grace.post("/project/action", json={"sessionId": client.session_id, "action": confirm})
        assert pressed.status_code == 200
    await client.wait_for(lambda: any("Deleted all 1" in t for t in _texts(client)))
    assert site.engine().describe(first) is None and site.threads("grace") == []

    # the settings panel's "Your data" does the same, and resets itself
    mark = len(client.events)
    await client.change_settings({"language": "matlab", "sequence_knowledge": "", "use_sequence_knowledge": False,
                                  "your_data": "export_all"})
    await client.wait_for(lambda: client.find("chat_settings", mark))
    assert any("export" in t.lower() for t in _texts(client, mark))
    widgets = {w["id"]: w for w in client.find("chat_settings", mark)[-1]}
    assert widgets["your_data"]["initial"] == "none"
    await client.close()


def _texts(client, since: int = 0) -> list[str]:
    return [d.get("output", "") for d in client.find("new_message", since) if isinstance(d, dict)]
