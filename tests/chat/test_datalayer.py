"""The data layer: thread = session, per-user lists, search, rename, delete, resume of archived sessions."""

from __future__ import annotations

import pytest
from chainlit.types import Pagination, ThreadFilter

from pulsepal.web.datalayer import PulsePalDataLayer


@pytest.fixture
def layer(app_manager):
    return PulsePalDataLayer(lambda: app_manager)


def _chat(manager, owner, first, *more):
    sid = manager.create_session(owner)
    manager.add_message(sid, "user", first)
    manager.add_message(sid, "assistant", f"answer to {first}")
    for text in more:
        manager.add_message(sid, "user", text)
    return sid


async def _ids(layer, owner, search=None, first=20, cursor=None):
    page = await layer.list_threads(Pagination(first=first, cursor=cursor), ThreadFilter(userId=owner, search=search))
    return [t["id"] for t in page.data], page.pageInfo


async def test_lists_only_own_conversations_newest_first_active_and_archived(layer, app_manager):
    a1 = _chat(app_manager, "alice", "spin echo timing")
    b1 = _chat(app_manager, "bob", "bob's private question")
    a2 = _chat(app_manager, "alice", "gradient echo in python")
    app_manager.archive_session(a1)
    app_manager.create_session("alice")  # opened, never used: not history
    ids, info = await _ids(layer, "alice")
    assert ids == [a2, a1]
    assert not info.hasNextPage
    assert b1 not in ids
    assert (await _ids(layer, None))[0] == []  # no user filter: nothing, never everyone's


async def test_search_matches_title_and_message_text_of_own_sessions_only(layer, app_manager):
    a1 = _chat(app_manager, "alice", "spin echo timing", "what about the crusher gradients?")
    _chat(app_manager, "alice", "gradient echo in python")
    _chat(app_manager, "bob", "crusher question from bob")
    app_manager.store.search_index.wait_idle()  # the index follows writes in the background, a moment later
    assert (await _ids(layer, "alice", "SPIN ECHO"))[0] == [a1]
    assert (await _ids(layer, "alice", "crusher"))[0] == [a1]  # only in a later message, not the title
    assert (await _ids(layer, "alice", "answer to spin"))[0] == [a1]  # assistant text counts too
    assert (await _ids(layer, "alice", "no such words"))[0] == []
    app_manager.archive_session(a1)
    app_manager.store.search_index.wait_idle()
    assert (await _ids(layer, "alice", "crusher"))[0] == [a1]  # archived conversations are searched too
    app_manager.restore_session(a1)
    app_manager.add_message(a1, "user", "now about the zebra stripes")
    app_manager.store.search_index.wait_idle()  # the index follows each write in the background, a moment later
    assert (await _ids(layer, "alice", "zebra"))[0] == [a1]  # the index holds new messages


async def test_pagination_walks_every_thread_once(layer, app_manager):
    made = [_chat(app_manager, "alice", f"question {i}") for i in range(7)]
    seen, cursor = [], None
    while True:
        ids, info = await _ids(layer, "alice", first=3, cursor=cursor)
        seen += ids
        if not info.hasNextPage:
            break
        cursor = info.endCursor
    assert sorted(seen) == sorted(made) and len(seen) == 7


async def test_thread_maps_session(layer, app_manager):
    sid = _chat(app_manager, "alice", "spin echo timing")
    app_manager.update_session(sid, preferred_language="python", sequence_knowledge="EPI", use_sequence_knowledge=True)
    thread = await layer.get_thread(sid)
    assert thread["id"] == sid and thread["userIdentifier"] == "alice" and thread["name"] == "spin echo timing"
    assert [s["type"] for s in thread["steps"]] == ["user_message", "run", "assistant_message"]  # as live
    assert thread["steps"][0]["output"] == "spin echo timing"
    assert thread["metadata"]["chat_settings"] == {"language": "python", "sequence_knowledge": "EPI",
                                                   "use_sequence_knowledge": True, "your_data": "none"}
    assert await layer.get_thread_author(sid) == "alice"
    assert await layer.get_thread_author("00000000-0000-4000-8000-000000000000") == ""
    assert await layer.get_thread_author("../../etc/passwd") == ""
    assert await layer.get_thread("not a valid id!") is None


async def test_archived_thread_is_read_not_restored_outside_owners_chat(layer, app_manager, ws_chat):
    sid = _chat(app_manager, "alice", "spin echo timing")
    app_manager.archive_session(sid)
    thread = await layer.get_thread(sid)  # no chat context: Chainlit's author check, or an HTTP read
    assert thread["userIdentifier"] == "alice" and len(thread["steps"]) == 3  # question, run, answer
    assert app_manager.get_session(sid) is None

    ws_chat(user="bob")  # bob's chat asks for alice's thread: still no restore
    assert (await layer.get_thread(sid))["userIdentifier"] == "alice"
    assert app_manager.get_session(sid) is None

    ws_chat(user="alice")  # alice resumes it: restored first
    await layer.get_thread(sid)
    assert app_manager.get_session(sid) is not None


async def test_rename_sets_title_and_first_interaction_does_not(layer, app_manager):
    sid = _chat(app_manager, "alice", "spin echo timing")
    await layer.update_thread(sid, name="My SE project", user_id="alice")  # Chainlit's first-interaction call
    assert app_manager.get_session(sid).title == "spin echo timing"
    await layer.update_thread(sid, name="  My   SE project  ")  # the sidebar's rename
    assert app_manager.get_session(sid).title == "My SE project"
    before = app_manager.get_session(sid).preferred_language
    await layer.update_thread(sid, metadata={"chat_settings": {"language": "octave"}})  # disconnect: ignored
    assert app_manager.get_session(sid).preferred_language == before != "octave"
    app_manager.archive_session(sid)
    await layer.update_thread(sid, name="Renamed while archived")
    assert app_manager.get_session(sid).title == "Renamed while archived"


async def test_delete_removes_thread_but_keeps_backup(layer, app_manager):
    sid = _chat(app_manager, "alice", "spin echo timing")
    await layer.delete_thread(sid)
    assert await layer.get_thread(sid) is None
    assert (await _ids(layer, "alice"))[0] == []
    backups = list(app_manager.store.layout.backups())
    assert any(sid in p.name for p in backups)


async def test_users_are_their_identifiers(layer):
    user = await layer.get_user("alice")
    assert user.id == "alice" and user.identifier == "alice"
