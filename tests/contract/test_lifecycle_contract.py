"""The lifecycle rules on every store: creation, persistence, expiry, archive/restore, retention, capacity, delete,
import/export, listing. Everything is checked through the public API or a protocol call (`manager.store`), so the
same rule holds on files and on PostgreSQL; where the file store keeps these sessions on disk (active/, archive/<day>/,
backups/, file modes) is tests/engine/test_lifecycle.py."""

from __future__ import annotations

import json

import pytest

from pulsepal.sessions import ImportFormatError, InvalidSessionId, SessionExists, SessionNotFound

STATE_DOCUMENTS = ("cleanup", "alerts", "clock", "shares", "feedback")


def _stored(manager) -> dict:
    """Everything a store holds, as the protocol shows it (for "changes nothing" checks): entries, logs, archives,
    backups, totals, state documents and the audit trail."""
    store = manager.store
    entries = sorted((sid, sorted(e.items())) for sid, e in store.entries())
    logs = {sid: store.read_log(sid).events for sid, e in store.entries("active")}
    archives = {sid: store.read_archive(sid)[0] for sid, _ in store.entries("archived")}
    return {"entries": entries, "logs": logs, "archives": archives, "aggregates": store.aggregates(),
            "backups": {b.name: store.read_backup(b.name) for b in store.backups()},
            "states": {name: store.read_state(name) for name in STATE_DOCUMENTS},
            "audit": manager.audit.tail(1000)}


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


def test_archive_and_restore(manager, make_manager, clock):
    sid = manager.create_session(owner="ann")
    manager.add_message(sid, "user", "hello")
    location = manager.archive_session(sid)
    assert location is not None and "2026-01-15" in str(location)
    document, where = manager.store.read_archive(sid)
    assert document["events"][1]["content"] == "hello" and "2026-01-15" in str(where)
    assert manager.store.locate(sid) == "archived" and manager.get_session(sid) is None
    assert manager.describe(sid)["state"] == "archived" and manager.describe(sid)["owner"] == "ann"
    with pytest.raises(SessionNotFound, match="archived"):
        manager.add_message(sid, "user", "too late")
    clock.advance(days=1)
    ctx = make_manager().restore_session(sid, date="2026-01-15")
    assert [m.content for m in ctx.conversation_history] == ["hello"]
    assert manager.is_expired(ctx) is None  # a restored session gets a fresh duration
    manager.add_message(sid, "user", "back again")
    assert manager.get_session(sid).conversation_count == 2
    assert manager.store.read_archive(sid) is None and manager.store.locate(sid) == "active"


def test_uncompressed_archives_are_plain_documents(make_manager):
    sm = make_manager(session_compression=False)
    sid = sm.create_session()
    sm.archive_session(sid)
    assert sm.store.read_archive(sid)[0]["session_id"] == sid
    assert sm.restore_session(sid).session_id == sid


def test_restore_errors(manager):
    sid = manager.create_session()
    with pytest.raises(SessionNotFound):
        manager.restore_session(sid)
    manager.archive_session(sid)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        manager.restore_session(sid, date="18-01-2025")
    with pytest.raises(SessionNotFound, match="2020-01-01"):
        manager.restore_session(sid, date="2020-01-01")
    manager.restore_session(sid)
    manager.archive_session(sid)
    manager.restore_session(sid)
    with pytest.raises(SessionNotFound):
        manager.restore_session(sid)


def test_retention_removes_old_archives_only(manager, clock):
    old = manager.create_session()
    manager.archive_session(old)
    clock.advance(days=5)
    recent = manager.create_session()
    manager.archive_session(recent)
    clock.advance(days=3)  # old: 8 days in the archive, recent: 3
    report = manager.cleanup()
    assert {a["session_id"] for a in report.done if a["action"] == "remove_archive"} == {old}
    assert [r["session_id"] for r in manager.list_archived_sessions()] == [recent]
    assert manager.store.read_archive(old) is None and manager.store.locate(old) is None
    assert manager.cleanup(days=2).counts() == {"remove_archive": 1}
    assert manager.list_archived_sessions() == []
    assert manager.get_session_stats()["archived_count"] == 0


def test_retention_of_part_of_a_day(manager, clock):
    """Two archives of one day, one of them restored and archived again later: retention takes only what is old."""
    first, second = manager.create_session(), manager.create_session()
    manager.archive_sessions([first, second])
    clock.advance(hours=1)
    manager.restore_session(second)
    manager.archive_session(second)
    clock.advance(days=7, minutes=-29)  # first: 7 d 31 min in the archive (old), second: 6 d 23 h 31 min
    report = manager.cleanup()
    removed = {a["session_id"] for a in report.done if a["action"] == "remove_archive"}
    assert removed == {first}
    assert manager.store.read_archive(second) is not None


def test_dry_run_changes_nothing(manager, clock):
    for _ in range(3):
        manager.create_session()
    manager.archive_session(manager.create_session())
    manager.delete_session(manager.create_session())  # a backup, kept longer than the archive
    clock.advance(days=9)
    before = _stored(manager)
    assert before["backups"] and before["archives"] and before["audit"]
    report = manager.cleanup(dry_run=True)
    assert report.counts() == {"archive": 3, "remove_archive": 1}
    assert _stored(manager) == before


def test_capacity_archives_least_recently_active(make_manager, clock):
    sm = make_manager(max_active_sessions=3)
    ids = []
    for _ in range(3):
        ids.append(sm.create_session())
        clock.advance(minutes=1)
    sm.add_message(ids[0], "user", "I'm the oldest but I just spoke")
    newcomer = sm.create_session()
    assert sm.get_active_session_count() == 3
    assert sm.get_session(ids[1]) is None  # least recently active went to the archive, not lost
    assert [r["session_id"] for r in sm.list_archived_sessions()] == [ids[1]]
    assert sm.get_session(ids[0]) is not None and sm.get_session(newcomer) is not None


def test_delete_backs_up_first(manager):
    sid = manager.create_session()
    manager.add_message(sid, "user", "keep me somewhere")
    location = manager.delete_session(sid)
    backups = manager.store.backups()
    assert [(b.reason, b.session_id) for b in backups] == [("delete", sid)]
    assert backups[0].name in str(location)
    document = manager.store.read_backup(backups[0].name)
    assert document["events"][1]["content"] == "keep me somewhere"
    assert manager.get_session(sid) is None and manager.store.locate(sid) is None
    with pytest.raises(SessionNotFound):
        manager.delete_session(sid)
    manager.import_session(document)  # a backup is a valid export
    assert manager.get_session(sid).conversation_history[0].content == "keep me somewhere"


def test_delete_archived_session(manager):
    sid = manager.create_session()
    manager.archive_session(sid)
    manager.delete_session(sid)
    assert manager.list_archived_sessions() == []
    assert manager.store.read_archive(sid) is None and manager.store.locate(sid) is None


def test_export_import_roundtrip_identical(manager, make_manager, other_settings):
    sid = manager.create_session(owner="alice")
    manager.add_message(sid, "user", "Python please: pp.make_trapezoid")
    manager.add_code_example(sid, "print(1)", "python")
    manager.update_session(sid, sequence_knowledge="EPI at 3T", use_sequence_knowledge=True)
    document = manager.export_session(sid)
    other = make_manager(settings=other_settings())
    assert other.import_session(json.dumps(document).encode()) == sid
    again = other.export_session(sid)
    assert {k: v for k, v in again.items() if k != "exported_at"} == {
        k: v for k, v in document.items() if k != "exported_at"
    }
    assert manager.get_session(sid) == other.get_session(sid)


def test_import_refuses_existing_unless_forced(manager):
    sid = manager.create_session()
    document = manager.export_session(sid)
    manager.add_message(sid, "user", "newer message")
    with pytest.raises(SessionExists):
        manager.import_session(document)
    assert manager.get_session(sid).conversation_count == 1
    manager.import_session(document, force=True)
    assert manager.get_session(sid).conversation_count == 0
    backups = manager.store.backups()
    assert len(backups) == 1 and backups[0].reason == "import"
    assert manager.store.read_backup(backups[0].name)["events"][-1]["content"] == "newer message"


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"format": "other"}', "format"),
        (b'{"format": "pulsepal-session", "version": 9}', "version"),
        (b'{"format": "pulsepal-session", "version": 1, "session_id": "../x", "events": []}', "invalid session id"),
        (b'{"format": "pulsepal-session", "version": 1, "session_id": "abc", "events": []}', "non-empty"),
        (
            b'{"format": "pulsepal-session", "version": 1, "session_id": "abc", "events": [{"type": "message"}]}',
            "created",
        ),
    ],
)
def test_import_rejects_bad_documents(manager, payload, message):
    with pytest.raises(ImportFormatError, match=message):
        manager.import_session(payload)
    assert manager.get_active_session_count() == 0


def test_import_rejects_bad_event_and_names_it(manager):
    sid = manager.create_session()
    document = manager.export_session(sid)
    document["events"].append({"type": "message", "role": "user", "id": "x", "timestamp": "yesterday"})
    manager.delete_session(sid)
    with pytest.raises(ImportFormatError, match="event 2"):
        manager.import_session(document)
    assert manager.get_session(sid) is None


def test_markdown_export(manager):
    sid = manager.create_session()
    manager.add_message(sid, "user", "What is a spoiler?")
    manager.add_message(sid, "assistant", "A gradient that dephases.")
    text = manager.export_markdown(sid)
    assert text.startswith("# What is a spoiler?")
    assert "### You" in text and "### PulsePal" in text and "A gradient that dephases." in text


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


def test_an_archive_is_named_the_same_way_wherever_it_is_shown(manager):
    """What archiving says (`archived session X -> ...`), the index (`sessions show`, the admin page) and the
    cleanup's plan all name an archive alike (PostgreSQL said `postgres:archive/DAY/ID` and `db:DAY`)."""
    sid = manager.create_session(owner="ann")
    where = str(manager.archive_session(sid))
    shown = manager.describe(sid)["archive_path"]
    day = manager.describe(sid)["archived_at"][:10]
    assert where.endswith(shown) and day in shown and sid in shown
    assert [a["path"] for a in manager.cleanup_runner.plan(purge=True) if a.get("session_id") == sid] == [shown]
