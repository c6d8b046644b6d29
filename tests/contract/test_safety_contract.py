"""Redaction, encryption, the audit log, pins, backups, search, listing order and arbitrary text, on every store
(what the file store's archive and audit files hold on disk is tests/engine/test_safety_and_settings.py)."""

from __future__ import annotations

import itertools

import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pulsepal.sessions import ArchiveError
from pulsepal.sessions.store import ANY, SORT_KEYS, sort_key

from .ties import fill_with_ties


def test_archive_is_redacted_but_live_session_keeps_text(manager):
    sid = manager.create_session()
    manager.add_message(sid, "user", "my password=hunter2, please remember")
    assert "hunter2" in manager.get_session(sid).conversation_history[0].content
    manager.archive_session(sid)
    document = manager.store.read_archive(sid)[0]
    text = str(document)
    assert "hunter2" not in text and "[REDACTED]" in text


def test_encrypted_archives_and_wrong_key(make_manager):
    key = Fernet.generate_key().decode()
    sm = make_manager(session_encryption_key=key)
    sid = sm.create_session()
    sm.add_message(sid, "user", "secret sequence plans")
    location = sm.archive_session(sid)
    assert location is not None
    with pytest.raises(ArchiveError, match="not the key"):
        make_manager(session_encryption_key=Fernet.generate_key().decode()).restore_session(sid)
    with pytest.raises(ArchiveError, match="SESSION_ENCRYPTION_KEY is not set"):
        make_manager().restore_session(sid)
    assert sm.store.locate(sid) == "archived"  # failed restores leave the archive alone
    assert make_manager(session_encryption_key=key).restore_session(sid).conversation_count == 1


def test_audit_log_records_who_did_what(manager):
    sid = manager.create_session(owner="alice")
    manager.add_message(sid, "user", "secret text stays out of the audit log")
    manager.get_session(sid)
    manager.export_session(sid)
    manager.archive_session(sid)
    manager.restore_session(sid)
    manager.delete_session(sid)
    entries = manager.audit.tail(100)
    actions = [e["action"] for e in entries if e["session_id"] == sid]
    assert actions == ["create", "write", "read", "export", "archive", "restore", "delete"]
    assert all(e["actor"] == "test" and e["ts"].startswith("2026-01-15") for e in entries)
    assert "secret text" not in str(entries)


def test_audit_log_is_rotated_by_cleanup(manager, monkeypatch):
    sid = manager.create_session()
    assert [e["action"] for e in manager.audit.tail(10)] == ["create"]
    monkeypatch.setattr(type(manager.audit), "ROTATE_BYTES", 10)
    manager.cleanup()
    monkeypatch.undo()
    manager.get_session(sid)
    assert [e["action"] for e in manager.audit.tail(10)] == ["cleanup", "read"]  # the create was rotated away


def test_pinned_sessions_never_expire_are_never_evicted_or_pruned(make_manager, clock):
    sm = make_manager(max_active_sessions=2)
    pinned = sm.create_session()
    sm.update_session(pinned, pinned=True)
    clock.advance(minutes=1)
    other = sm.create_session()
    clock.advance(minutes=1)
    sm.create_session()  # at capacity: the least recently active *unpinned* session makes room
    assert sm.get_session(pinned) is not None and sm.get_session(other) is None
    clock.advance(days=3)
    assert pinned not in sm.archive_expired_sessions()
    assert sm.get_session(pinned) is not None and sm.describe(pinned)["pinned"]
    sm.archive_session(pinned)  # a user may still archive it by hand; retention keeps it
    clock.advance(days=30)
    sm.cleanup()
    assert sm.store.locate(pinned) == "archived"
    assert sm.store.locate(other) is None  # the unpinned archive went after SESSION_ARCHIVE_DAYS


def test_backups_carry_reasons_and_are_pruned_by_age(manager, clock):
    doomed = manager.create_session()
    manager.add_message(doomed, "user", "delete me")
    manager.delete_session(doomed)
    erased = manager.create_session()
    manager.store.write_backup(manager.export_session(erased), "erase")
    names = {b.reason: b.name for b in manager.store.backups()}
    assert set(names) == {"delete", "erase"}
    assert manager.store.read_backup(names["erase"])["session_id"] == erased
    with pytest.raises(ValueError):
        manager.store.read_backup("../../etc/passwd")
    clock.advance(days=8)  # past SESSION_ARCHIVE_DAYS (erase) but not SESSION_BACKUP_DAYS (delete)
    report = manager.cleanup()
    assert [a["path"] for a in report.done if a["action"] == "remove_backup"] == [names["erase"]]
    assert [b.reason for b in manager.store.backups()] == ["delete"]
    clock.advance(days=23)
    manager.cleanup()
    assert manager.store.backups() == []


def test_purge_moves_everything_into_backups(manager):
    active = manager.create_session()
    archived = manager.create_session()
    manager.archive_session(archived)
    report = manager.cleanup(purge=True)
    assert report.ok and manager.get_session_stats()["active_count"] == 0
    assert manager.list_archived_sessions() == []
    assert sorted(b.session_id for b in manager.store.backups()) == sorted([active, archived])
    for backup in manager.store.backups():
        assert manager.store.read_backup(backup.name)["session_id"] in (active, archived)


def test_search_finds_words_in_active_and_archived_history_of_one_user(manager):
    mine = manager.create_session(owner="ann")
    manager.add_message(mine, "user", "How do I build a spin echo with mr.makeTrapezoid?")
    manager.add_message(mine, "assistant", "Use a refocusing pulse between the two gradients.")
    old = manager.create_session(owner="ann")
    manager.add_message(old, "user", "Gradient spoiler after the echo train")
    manager.archive_session(old)
    theirs = manager.create_session(owner="bob")
    manager.add_message(theirs, "user", "spin echo for bob")
    total, hits = manager.store.search("spin echo", owner="ann")
    assert total == 1 and [h.session_id for h in hits] == [mine]
    assert "spin echo" in hits[0].snippet.lower()
    total, hits = manager.store.search("ECHO", owner="ann")  # archived history too, any case
    assert total == 2 and {h.session_id for h in hits} == {mine, old}
    assert manager.store.search("maketrap", owner="ann")[0] == 1  # the beginning of a word
    assert manager.store.search("echo nonexistentword", owner="ann")[0] == 0  # every word must match
    assert manager.store.search("echo", owner="bob")[0] == 1
    for hostile in ["'", "(", "\\", "%", "_"]:  # plain text: no syntax error, no injection, no wildcard
        assert manager.store.search(hostile, owner="ann")[0] == 0, hostile
    assert manager.store.search("a & | !", owner="ann")[0] == manager.store.search("a", owner="ann")[0]  # operators
    assert manager.store.search("echo:*", owner="ann")[0] == 2  # the word, not a prefix-query operator


@pytest.fixture
def busy(make_manager, clock):
    sm = make_manager(max_active_sessions=100)
    fill_with_ties(sm, clock, sessions=24, archive=5, by="messages")
    return sm


def test_pages_are_sorted_complete_and_consistent(busy):
    for state, sort, descending in itertools.product([None, "active", "archived"], SORT_KEYS, [True, False]):
        everything = [(sid, e) for sid, e in busy.store.entries(state)]
        total, rows = busy.store.list_entries(state=state, owner=ANY,
                                              created_before=None, search=None, sort=sort, descending=descending,
                                              offset=0, limit=None)
        assert total == len(everything) == len(rows)
        assert sorted(sid for sid, _ in rows) == sorted(sid for sid, _ in everything)
        keys = [sort_key(sort)(row) for row in rows]
        assert keys == sorted(keys, reverse=descending), (state, sort, descending)
        paged = []
        for offset in range(0, total, 7):
            page_total, page = busy.store.list_entries(state=state, owner=ANY,
                                                       created_before=None, search=None, sort=sort,
                                                       descending=descending, offset=offset, limit=7)
            assert page_total == total
            paged += page
        assert [sort_key(sort)(row) for row in paged] == keys and len({s for s, _ in paged}) == total


def test_search_filter_of_listings(busy):
    total, rows = busy.list_sessions(state=None, search="EPI QUESTION 1", limit=100)
    assert total == len(rows) and {r["title"] for r in rows} == {"EPI question 12", "EPI question 15",
                                                                 "EPI question 18"}
    assert busy.list_sessions(state=None, search="no such title")[0] == 0


def test_cleanup_candidates_are_the_expired_and_old(busy, clock):
    clock.advance(hours=3)
    activated_before, idle_before = clock.timestamp() - 24 * 3600, clock.timestamp() - 2 * 3600
    due = dict(busy.store.cleanup_candidates(activated_before=activated_before, idle_before=idle_before,
                                             archived_before=clock.timestamp() - 3600))
    expected = {sid for sid, e in busy.store.entries() if not e.get("pinned") and (
        (e["state"] == "active" and (e["activated_at"] < activated_before or e["last_activity"] < idle_before))
        or (e["state"] == "archived" and e["archived_at"] < clock.timestamp() - 3600))}
    assert set(due) == expected and expected


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=2000)


@pytest.fixture
def two_installations(make_manager, other_settings):
    """One store to write in and another to import into, shared by a property's examples (hypothesis runs them all
    in one call of the test, so a fixture is made once for all of them)."""
    return make_manager(), make_manager(settings=other_settings())


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])
@given(messages=st.lists(st.tuples(st.sampled_from(["user", "assistant", "system"]), TEXT), max_size=12),
       knowledge=st.one_of(st.none(), TEXT),
       metadata=st.dictionaries(st.text(max_size=10), st.integers(-(2**63), 2**63 - 1), max_size=3))
def test_any_text_survives_reload_and_export_import_roundtrip(two_installations, make_manager, messages, knowledge,
                                                              metadata):
    a, b = two_installations
    sid = a.create_session(owner="someone", metadata=metadata)
    for role, text in messages:
        a.add_message(sid, role, text)
    if knowledge is not None:
        a.update_session(sid, sequence_knowledge=knowledge, use_sequence_knowledge=True)
    reader = make_manager()  # a new process's view, given back at once (40 examples would hold 40 pools)
    try:
        reloaded = reader.get_session(sid)
    finally:
        reader.close()
    assert [(m.role, m.content) for m in reloaded.conversation_history] == messages
    document = a.export_session(sid)
    b.import_session(document)
    again = b.export_session(sid)
    assert again["events"] == document["events"] and again["session"] == document["session"]
    assert b.get_session(sid) == reloaded
