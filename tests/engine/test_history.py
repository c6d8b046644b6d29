"""History features on the engine: whole-history search (and its derived index), pins, shares, feedback,
export-all and erase-all (history.py; the file store's search index is stores/files/search.py)."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile

import pytest

from pulsepal.sessions import SessionExists, SessionNotFound
from pulsepal.sessions.errors import InvalidInput

HERE = os.path.dirname(__file__)


def _conversation(sm, owner, *texts):
    sid = sm.create_session(owner)
    for i, text in enumerate(texts):
        sm.add_message(sid, "user" if i % 2 == 0 else "assistant", text)
    return sid


def _search(sm, text, owner=None):
    sm.store.search_index.wait_idle()
    return [hit["session_id"] for hit in sm.search_sessions(text, owner=owner)["hits"]]


def test_search_covers_archived_history_of_the_owner_only(manager, clock):
    spoil = _conversation(manager, "ann", "How do I spoil transverse magnetisation?", "Use a crusher gradient.")
    other = _conversation(manager, "ann", "What is a trapezoid?", "A gradient shape.")
    bobs = _conversation(manager, "bob", "crusher gradients for bob")
    manager.archive_session(spoil)
    assert _search(manager, "crusher", owner="ann") == [spoil]  # found in an archived conversation's answer
    assert _search(manager, "crush", owner="ann") == [spoil]  # words match their beginnings
    assert set(_search(manager, "gradient", owner="ann")) == {spoil, other}
    assert set(_search(manager, "crusher")) == {spoil, bobs}  # the admin's search: everyone's
    hit = manager.search_sessions("crusher gradient", owner="ann")["hits"][0]
    assert hit["state"] == "archived" and "crusher" in hit["snippet"].lower()
    assert _search(manager, "trapezoid", owner="bob") == []
    assert _search(manager, "   ", owner="ann") == [] and _search(manager, '" OR * NEAR(', owner="ann") == []
    with pytest.raises(InvalidInput):
        manager.search_sessions("x" * 501)


def test_search_never_shows_secrets_or_removed_conversations(manager):
    leaky = _conversation(manager, "ann", "my key is api_key=sk-proj-abcdefghijklmnopqrstuvwx please help")
    assert _search(manager, "abcdefghijklmnopqrstuvwx", owner="ann") == []  # the index holds redacted text
    assert _search(manager, "please help", owner="ann") == [leaky]
    manager.delete_session(leaky)
    assert _search(manager, "please", owner="ann") == []
    renamed = _conversation(manager, "ann", "hello")
    manager.update_session(renamed, title="Diffusion weighting notes")
    assert _search(manager, "diffusion notes", owner="ann") == [renamed]  # titles, renamed ones included


def test_a_lost_or_damaged_index_is_rebuilt_from_the_logs_and_archives(make_manager, tmp_path):
    sm = make_manager()
    live = _conversation(sm, "ann", "echo planar imaging readout")
    archived = _conversation(sm, "ann", "inversion recovery preparation")
    sm.archive_session(archived)
    sm.store.search_index.wait_idle()
    sm.close()
    index = tmp_path / "sessions" / "search.sqlite"
    for suffix in ("-wal", "-shm"):
        (tmp_path / "sessions" / f"search.sqlite{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"this is not a database")
    rebuilt = make_manager()
    assert _search(rebuilt, "planar", owner="ann") == [live]
    assert _search(rebuilt, "inversion", owner="ann") == [archived]
    index.unlink()
    assert _search(make_manager(), "recovery", owner="ann") == [archived]


INDEXER = """
import sys
from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings
sm = SessionManager(Settings(_env_file=None, session_storage_path=sys.argv[1]), actor="crash")
print("INDEXING", flush=True)
sm.store.search_index.wait_idle(600)
print("DONE", flush=True)
"""


def _bulk(sm, owner: str, count: int, messages: int) -> list[str]:
    """Many conversations quickly: each installed as one complete log (one write each, not one per message)."""
    from pulsepal.sessions import events
    from pulsepal.sessions.ids import new_session_id

    ids = []
    now = sm.clock.now()
    for n in range(count):
        sid = new_session_id()
        log = [events.created(sid, now, owner=owner)]
        log += [events.message("user", f"topic{n}end question {i} about gradient spoiling", now)
                for i in range(messages)]
        sm.store.install(sid, log)
        ids.append(sid)
    return ids


def test_killed_while_indexing_the_index_lags_but_never_lies(make_manager, tmp_path):
    sm = make_manager()
    ids = _bulk(sm, "ann", 300, 40)
    sm.store.search_index.wait_idle()
    sm.close()
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    partial = []
    for delay in (0.02, 0.1, 0.3, 0.6):
        (tmp_path / "sessions" / "search.sqlite").unlink(missing_ok=True)  # a full catch-up in the child
        for suffix in ("-wal", "-shm"):
            (tmp_path / "sessions" / f"search.sqlite{suffix}").unlink(missing_ok=True)
        child = subprocess.Popen([sys.executable, "-c", INDEXER, str(tmp_path / "sessions")], env=env,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "INDEXING"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        db = sqlite3.connect(tmp_path / "sessions" / "search.sqlite")
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        rows, offsets = {}, {}
        if {"messages", "progress"} <= tables:  # a kill may land before the indexer thread made its tables
            rows = dict(db.execute("SELECT session_id, count(*) FROM messages GROUP BY session_id").fetchall())
            offsets = dict(db.execute("SELECT session_id, offset FROM progress").fetchall())
        db.close()
        assert set(rows) == set(offsets) <= set(ids)
        assert all(count == 40 for count in rows.values())  # each session whole or not at all: no half batches
        partial.append(0 < len(offsets) < len(ids))
    assert any(partial), "no kill landed while the index was catching up (the machine was too fast or slow)"
    reopened = make_manager()
    assert reopened.search_sessions("spoiling", owner="ann")["total"] == 300  # it catches up
    assert _search(reopened, "topic7end", owner="ann") == [ids[7]]


def test_pinned_conversations_are_kept(make_manager, clock):
    sm = make_manager(max_active_sessions=3)
    pinned = _conversation(sm, "ann", "keep this one")
    sm.pin_session(pinned, owner="ann")
    others = [_conversation(sm, "ann", f"chat {i}") for i in range(3)]  # over capacity: others make room
    assert sm.get_session(pinned) is not None and sm.describe(pinned)["pinned"]
    clock.advance(hours=30)
    sm.cleanup()
    assert sm.describe(pinned)["state"] == "active"  # never archived for inactivity
    assert all(sm.describe(sid)["state"] == "archived" for sid in others if sm.describe(sid))
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


def test_shares_expire_and_are_revoked(manager, clock, tmp_path):
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
    actions = [line for line in (tmp_path / "sessions" / "audit.log").read_text().splitlines()]
    assert sum('"share"' in a for a in actions) == 2 and any('"share_view"' in a for a in actions)
    assert any('"unshare"' in a for a in actions)


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


def test_export_all_reimports_identically_and_erase_keeps_only_the_operators_backup(make_manager, clock, tmp_path):
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
