"""History features as engine policy, on every store: pins that retention respects, share links with expiry and
revocation, feedback kept on the answer, export-all and erase-all (history.py). The file store's own search index
(crash safety, rebuilds) is tested in tests/engine/test_history.py."""

from __future__ import annotations

import io
import zipfile

import pytest

from pulsepal.sessions import SessionExists, SessionNotFound
from pulsepal.sessions.errors import InvalidInput


def _conversation(sm, owner, *texts):
    sid = sm.create_session(owner)
    for i, text in enumerate(texts):
        sm.add_message(sid, "user" if i % 2 == 0 else "assistant", text)
    return sid


def test_pinned_conversations_are_kept(make_manager, clock):
    sm = make_manager(max_active_sessions=3)
    pinned = _conversation(sm, "ann", "keep this one")
    sm.pin_session(pinned, owner="ann")
    others = [_conversation(sm, "ann", f"chat {i}") for i in range(3)]  # over capacity: others make room
    assert sm.get_session(pinned) is not None and sm.describe(pinned)["pinned"]
    clock.advance(hours=30)
    sm.cleanup()
    assert sm.describe(pinned)["state"] == "active"  # never archived for inactivity
    assert [sm.describe(sid)["state"] for sid in others] == ["archived"] * 3
    archived = others[-1]
    with pytest.raises(PermissionError):
        sm.pin_session(archived, owner="mallory")
    sm.pin_session(archived, owner="ann")  # pinning an archived conversation brings it back
    assert sm.describe(archived)["state"] == "active"
    clock.advance(days=40)
    sm.cleanup(confirm_held=True)
    assert sm.describe(pinned)["state"] == "active" and sm.describe(archived)["state"] == "active"
    sm.pin_session(pinned, False, owner="ann")
    sm.cleanup()
    assert sm.describe(pinned)["state"] == "archived"


def test_shares_expire_and_are_revoked(manager, clock):
    sid = _conversation(manager, "ann", "share me", "here is the answer")
    with pytest.raises(SessionNotFound):
        manager.share_session(sid, owner="bob")  # only the owner shares
    manager.share_session(sid, owner="ann", expires_at=clock.timestamp() + 3600)
    document = manager.shared_view(sid, "visitor")
    assert [e["content"] for e in document["events"] if e["type"] == "message"] == ["share me", "here is the answer"]
    clock.advance(hours=2)
    assert manager.share_of(sid) is None and manager.shared_view(sid, "visitor") is None  # expired
    manager.share_session(sid, owner="ann")
    assert manager.list_shares(owner="ann")[0]["session_id"] == sid
    assert not manager.unshare_session(sid, owner="bob") and manager.unshare_session(sid)  # an admin may revoke
    assert manager.shared_view(sid, "visitor") is None
    actions = [entry["action"] for entry in manager.audit.tail(200)]
    assert actions.count("share") == 2 and "share_view" in actions and "unshare" in actions


def test_a_share_dies_with_its_conversation_even_when_the_id_is_taken_again(manager):
    sid = _conversation(manager, "ann", "ann's secret protocol", "noted")
    manager.share_session(sid, owner="ann")
    manager.delete_session(sid)
    assert manager.share_of(sid) is None and manager.list_shares() == []
    manager.create_session("bob", session_id=sid)  # the freed id, now bob's (a chat may name any unused id)
    manager.add_message(sid, "user", "bob's own words, never shared")
    assert manager.share_of(sid) is None and manager.shared_view(sid, "carol") is None  # ann's old link is dead
    assert manager.list_shares() == [] and manager.list_shares(owner="ann") == []
    manager.share_session(sid, owner="bob")  # bob may share his own
    assert manager.shared_view(sid, "carol")["events"][-1]["content"] == "bob's own words, never shared"


def test_feedback_is_kept_on_the_answer_and_summarised(manager, clock):
    sid = manager.create_session("ann")
    manager.add_message(sid, "user", "How do I make a Gaussian pulse?")
    answer = manager.add_message(sid, "assistant", "Use mr.makeBlockPulse.")
    manager.rate_message(sid, answer.id, 0, owner="ann", comment="that is a block pulse")
    stored = manager.get_session(sid).conversation_history[-1].metadata["feedback"]
    assert stored["value"] == 0 and stored["comment"] == "that is a block pulse"
    summary = manager.feedback_summary()
    assert summary["rated"] == 1 and summary["helpful_rate"] == 0.0
    assert summary["recent_not_helpful"][0]["question"] == "How do I make a Gaussian pulse?"
    manager.rate_message(sid, answer.id, 1, owner="ann")  # changed their mind: counted once, as helpful
    summary = manager.feedback_summary()
    assert summary["rated"] == 1 and summary["helpful"] == 1 and summary["recent_not_helpful"] == []
    assert any(e["type"] == "feedback" for e in manager.export_session(sid)["events"])
    with pytest.raises(InvalidInput):
        manager.rate_message(sid, manager.get_session(sid).conversation_history[0].id, 1)  # a question
    with pytest.raises(PermissionError):
        manager.rate_message(sid, answer.id, 1, owner="mallory")


def test_export_all_reimports_identically_and_erase_keeps_only_the_operators_backup(make_manager, clock):
    sm = make_manager()
    mine = [_conversation(sm, "ann", f"question {i}", f"answer {i}") for i in range(3)]
    sm.archive_session(mine[0])
    theirs = _conversation(sm, "bob", "not ann's")
    data = sm.export_user("ann")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(n for n in names if n.endswith(".json")) == sorted(f"conversations/{s}.json" for s in mine)
    assert len([n for n in names if n.endswith(".md")]) == 3 and "README.txt" in names
    before = {sid: sm.export_session(sid)["events"] for sid in mine}
    result = sm.erase_user("ann")
    assert sorted(result["removed"]) == sorted(mine)
    assert sm.list_sessions(state=None, owner="ann") == (0, []) and sm.get_session(theirs) is not None
    assert {b.reason for b in sm.store.backups()} == {"erase"} and len(sm.store.backups()) == 3
    assert sorted(sm.import_zip(data)) == sorted(mine)
    with pytest.raises(SessionExists):  # a second time they exist: refused unless forced
        sm.import_zip(data)
    assert {sid: sm.export_session(sid)["events"] for sid in mine} == before
    clock.advance(days=sm.settings.session_archive_days + 1)
    sm.cleanup(confirm_held=True)
    assert sm.store.backups() == []  # the erase backups are gone after SESSION_ARCHIVE_DAYS


def test_a_renamed_conversation_is_found_by_its_new_title_only(manager):
    sid = _conversation(manager, "ann", "how long is the readout", "about 3 ms")
    manager.update_session(sid, title="Kumquat sequence plans")
    assert [h["session_id"] for h in manager.search_sessions("kumquat", owner="ann")["hits"]] == [sid]
    manager.update_session(sid, title="Persimmon notes")
    assert manager.search_sessions("kumquat", owner="ann")["hits"] == []  # the name it dropped finds nothing
    assert [h["session_id"] for h in manager.search_sessions("persimmon", owner="ann")["hits"]] == [sid]
    assert [h["session_id"] for h in manager.search_sessions("readout", owner="ann")["hits"]] == [sid]
