"""How sessions leave and come back to the active store, on every store: archive and restore, retention, dry runs,
capacity, delete (with its backup), export and import, and how an archive is named. Everything is checked through
the public API or a protocol call (`manager.store`), so the same rule holds on files and on PostgreSQL; a live
session's own rules are tests/contract/test_live_sessions_contract.py, where the file store keeps these sessions on
disk (active/, archive/<day>/, backups/, file modes) is tests/engine/test_lifecycle.py."""

from __future__ import annotations

import json

import pytest

from pulsepal.sessions import ImportFormatError, SessionExists, SessionNotFound

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


def test_an_archive_is_named_the_same_way_wherever_it_is_shown(manager):
    """What archiving says (`archived session X -> ...`), the index (`sessions show`, the admin page) and the
    cleanup's plan all name an archive alike (PostgreSQL said `postgres:archive/DAY/ID` and `db:DAY`)."""
    sid = manager.create_session(owner="ann")
    where = str(manager.archive_session(sid))
    shown = manager.describe(sid)["archive_path"]
    day = manager.describe(sid)["archived_at"][:10]
    assert where.endswith(shown) and day in shown and sid in shown
    assert [a["path"] for a in manager.cleanup_runner.plan(purge=True) if a.get("session_id") == sid] == [shown]
