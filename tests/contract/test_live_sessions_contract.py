"""A live session's rules on every store: persistence, the history and code-example caps, the prompt, language and
sequence-knowledge settings, refused updates, get-or-create, expiry, listing, and writes from other managers.
Everything is checked through the public API, so the same rule holds on files and on PostgreSQL; what leaves
the active store (archive, retention, capacity, delete, import/export) is
tests/contract/test_archive_and_transfer_contract.py; where the file store keeps sessions on disk is
tests/engine/test_lifecycle.py."""

from __future__ import annotations

import pytest

from pulsepal.sessions import InvalidSessionId


def test_messages_persist_and_reload_in_a_new_manager(manager, make_manager):
    sid = manager.create_session()
    manager.add_message(sid, "user", "How do I use mr.makeTrapezoid?")
    manager.add_message(sid, "assistant", "Like this.", metadata={"topic": "make_trapezoid"})
    manager.add_code_example(sid, "gx = mr.makeTrapezoid('x', sys)", "matlab", sequence_type="gre")
    fresh = make_manager()
    ctx = fresh.get_session(sid)
    assert [m.content for m in ctx.conversation_history] == ["How do I use mr.makeTrapezoid?", "Like this."]
    assert ctx.conversation_history[1].metadata == {"topic": "make_trapezoid"}
    assert ctx.code_examples[0].sequence_type == "gre"
    assert ctx.conversation_count == 2
    assert ctx.title == "How do I use mr.makeTrapezoid?"
    assert fresh.get_session(sid) == manager.get_session(sid)


def test_history_is_capped_but_full_transcript_is_kept(make_manager):
    sm = make_manager(max_conversation_history=5)
    sid = sm.create_session()
    for i in range(12):
        sm.add_message(sid, "user", f"message {i}")
    ctx = make_manager(max_conversation_history=5).get_session(sid)
    assert [m.content for m in ctx.conversation_history] == [f"message {i}" for i in range(7, 12)]
    assert ctx.conversation_count == 12
    exported = [e["content"] for e in sm.export_session(sid)["events"] if e["type"] == "message"]
    assert exported == [f"message {i}" for i in range(12)]


def test_code_examples_are_capped(make_manager):
    sm = make_manager()
    sid = sm.create_session()
    for i in range(55):
        sm.add_code_example(sid, f"x = {i}", "python")
    codes = [c.code for c in make_manager().get_session(sid).code_examples]
    assert codes == [f"x = {i}" for i in range(5, 55)]


def test_recent_messages_and_prompt_format(manager):
    sid = manager.create_session()
    for i in range(4):
        manager.add_message(sid, "user" if i % 2 == 0 else "assistant", f"turn {i}")
    ctx = manager.get_session(sid)
    assert [m.content for m in ctx.get_recent_messages(2)] == ["turn 2", "turn 3"]
    assert ctx.format_history_for_prompt(3) == "Assistant: turn 1\nUser: turn 2\nAssistant: turn 3"


def test_language_detected_from_user_text_unless_chosen(manager, make_manager):
    sid = manager.create_session()
    assert manager.get_session(sid).preferred_language == "matlab"
    manager.add_message(sid, "user", "import pypulseq as pp\nseq = pp.Sequence()")
    assert manager.get_session(sid).preferred_language == "python"
    assert manager.list_sessions()[1][0]["language"] == "python"  # the index follows the detection
    manager.update_session(sid, preferred_language="Octave")
    manager.add_message(sid, "user", "gx = pp.make_trapezoid(channel='x', system=system)")
    for reader in (manager, make_manager()):
        ctx = reader.get_session(sid)
        assert ctx.preferred_language == "octave" and ctx.language_explicit


def test_sequence_knowledge_switch(manager, make_manager):
    sid = manager.create_session()
    manager.update_session(sid, sequence_knowledge="3T, GRE, TR 10 ms")
    assert manager.get_session(sid).active_sequence_knowledge is None
    manager.update_session(sid, use_sequence_knowledge=True)
    for reader in (manager, make_manager()):
        assert reader.get_session(sid).active_sequence_knowledge == "3T, GRE, TR 10 ms"


def test_bad_updates_are_refused_and_not_logged(manager):
    sid = manager.create_session()
    before = manager.export_session(sid)["events"]
    with pytest.raises(ValueError):
        manager.update_session(sid, preferred_language="fortran")
    with pytest.raises(ValueError):
        manager.update_session(sid, colour="red")
    with pytest.raises(ValueError):
        manager.update_session(sid, use_sequence_knowledge="maybe")
    with pytest.raises(ValueError):
        manager.add_message(sid, "robot", "hi")
    assert manager.export_session(sid)["events"] == before


def test_values_json_cannot_hold_are_refused_before_anything_is_written(manager):
    with pytest.raises(ValueError, match="JSON"):
        manager.create_session(metadata={"big": 2**70})
    assert manager.get_active_session_count() == 0
    sid = manager.create_session()
    with pytest.raises(ValueError, match="JSON"):
        manager.add_message(sid, "user", "hi", metadata={"big": 2**70})
    assert manager.get_session(sid).conversation_count == 0
    assert len(manager.export_session(sid)["events"]) == 1


def test_get_or_create_rules(manager, clock):
    ctx, created = manager.get_or_create_session(None)
    assert created
    same, created = manager.get_or_create_session(ctx.session_id)
    assert not created and same.session_id == ctx.session_id
    other, created = manager.get_or_create_session("does-not-exist")
    assert created and other.session_id != "does-not-exist"
    with pytest.raises(InvalidSessionId):
        manager.get_or_create_session("../etc/passwd")
    clock.advance(hours=2, minutes=1)  # idle past SESSION_INACTIVE_TIMEOUT_HOURS
    fresh, created = manager.get_or_create_session(ctx.session_id)
    assert created and fresh.session_id != ctx.session_id
    assert manager.get_session(ctx.session_id) is None
    assert any(r["session_id"] == ctx.session_id for r in manager.list_archived_sessions())


def test_owner_mismatch_gets_a_new_session(manager):
    sid = manager.create_session(owner="alice")
    ctx, created = manager.get_or_create_session(sid, owner="bob")
    assert created and ctx.session_id != sid and ctx.owner == "bob"


def test_expiry_by_inactivity_and_by_duration(manager, clock):
    idle = manager.create_session()
    busy = manager.create_session()
    clock.advance(minutes=110)
    manager.add_message(busy, "user", "still here")
    clock.advance(minutes=11)
    assert manager.is_expired(manager.get_session(idle)) == "inactive"
    assert manager.is_expired(manager.get_session(busy)) is None
    for _ in range(14):  # busy talks every 99 minutes: never idle, but past 24 h in the end
        clock.advance(minutes=99)
        manager.add_message(busy, "user", "still here")
    assert manager.is_expired(manager.get_session(busy)) == "max_duration"
    archived = manager.archive_expired_sessions()
    assert sorted(archived) == sorted([idle, busy])
    assert manager.get_active_session_count() == 0


def test_unexpired_sessions_stay(manager, clock):
    sid = manager.create_session()
    clock.advance(hours=1, minutes=59)
    assert manager.archive_expired_sessions() == []
    assert manager.get_session(sid) is not None


def test_list_sessions_filters_and_sorts(manager, clock):
    a = manager.create_session(owner="alice")
    clock.advance(hours=1)
    b = manager.create_session(owner="bob")
    manager.add_message(b, "user", "spin echo template")
    total, rows = manager.list_sessions(owner="alice")
    assert total == 1 and rows[0]["session_id"] == a
    total, rows = manager.list_sessions(search="spin echo")
    assert [r["session_id"] for r in rows] == [b]
    total, rows = manager.list_sessions(search="SPIN_")  # no wildcard: an underscore is a character
    assert total == 0
    total, rows = manager.list_sessions(sort="created_at", descending=False, limit=1)
    assert total == 2 and rows[0]["session_id"] == a
    total, rows = manager.list_sessions(older_than_hours=0.5)
    assert [r["session_id"] for r in rows] == [a]
    with pytest.raises(ValueError):
        manager.list_sessions(sort="colour")


def test_owner_listing_follows_changes_and_other_processes(manager, make_manager):
    a = manager.create_session(owner="alice")
    b = manager.create_session(owner="alice")
    manager.update_session(b, owner="bob")
    observer = make_manager()
    assert [r["session_id"] for r in observer.list_sessions(owner="alice")[1]] == [a]
    assert [r["session_id"] for r in observer.list_sessions(owner="bob")[1]] == [b]
    manager.delete_session(a)
    assert observer.list_sessions(owner="alice")[0] == 0
    manager.archive_session(b)
    assert observer.list_sessions(state=None, owner="bob")[1][0]["state"] == "archived"


def test_a_write_from_another_manager_is_seen_and_not_overwritten(manager, make_manager):
    """Two processes (two replicas) writing one session: each write lands after the other, none is lost."""
    sid = manager.create_session()
    other = make_manager()
    manager.add_message(sid, "user", "one")
    other.add_message(sid, "assistant", "two")
    manager.add_message(sid, "user", "three")  # its cached copy is stale: it must notice
    other.update_session(sid, title="renamed")
    for reader in (manager, other, make_manager()):
        ctx = reader.get_session(sid)
        assert [m.content for m in ctx.conversation_history] == ["one", "two", "three"]
        assert ctx.title == "renamed" and ctx.conversation_count == 3
    assert manager.describe(sid)["message_count"] == 3

