"""History features on the engine: whole-history search (and its derived index), pins, shares, feedback,
export-all and erase-all (history.py; the file store's search index is stores/files/search.py)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

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



def test_catching_up_skips_a_log_that_goes_while_it_lists(make_manager, tmp_path):
    # A log archived (removed) between the folder listing and its stat must not stop the catch-up of the others;
    # a dangling link makes that moment happen every time: it is listed, and its stat finds nothing.
    sm = make_manager()
    kept = [_conversation(sm, "ann", f"balanced steady state number {i}") for i in range(5)]
    sm.store.search_index.wait_idle()
    sm.close()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / "sessions" / f"search.sqlite{suffix}").unlink(missing_ok=True)
    logs = next(p.parent for p in tmp_path.rglob(f"session_{kept[0]}.jsonl"))
    (logs / "session_gone-0001.jsonl").symlink_to(logs / "archived-meanwhile.jsonl")
    assert set(_search(make_manager(), "steady", owner="ann")) == set(kept)

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
    for delay in (0.02, 0.1, 0.3, 0.6, 1.0, 1.6, 2.5, 4.0):  # until a kill lands mid-way (a busy machine is slower)
        if any(partial):
            break
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
        try:
            rows = dict(db.execute("SELECT session_id, count(*) FROM messages GROUP BY session_id").fetchall())
            offsets = dict(db.execute("SELECT session_id, offset FROM progress").fetchall())
        except sqlite3.OperationalError:  # killed before it had even made its tables: nothing indexed
            rows, offsets = {}, {}
        db.close()
        assert set(rows) == set(offsets) <= set(ids)
        assert all(count == 40 for count in rows.values())  # each session whole or not at all: no half batches
        partial.append(0 < len(offsets) < len(ids))
    assert any(partial), "no kill landed while the index was catching up (the machine was too fast or slow)"
    reopened = make_manager()
    assert reopened.search_sessions("spoiling", owner="ann")["total"] == 300  # it catches up
    assert _search(reopened, "topic7end", owner="ann") == [ids[7]]


def test_a_turn_never_waits_for_the_search_index_to_open(make_manager, tmp_path):
    # Opening the index (schema, quick_check, a rebuild when damaged) is the indexer thread's job: a process's first
    # turn, which starts that thread while it holds its session's lock, must not wait for it. Here another process
    # holds the index locked, so opening it waits; the turn is written regardless, and the search catches up later.
    import sqlite3
    import threading

    first = make_manager()
    _conversation(first, "ann", "an earlier conversation")
    first.store.search_index.wait_idle()
    first.close()
    blocker = sqlite3.connect(tmp_path / "sessions" / "search.sqlite", isolation_level=None)
    blocker.execute("PRAGMA locking_mode=EXCLUSIVE")  # with WAL: nobody else may even read until it lets go
    blocker.execute("BEGIN EXCLUSIVE")
    done = threading.Event()
    later = make_manager()

    def turn():
        _conversation(later, "ann", "gradient spoiling after the readout")
        done.set()

    threading.Thread(target=turn, daemon=True).start()
    try:
        assert done.wait(20), "the turn waited for the search index"
    finally:
        blocker.rollback()
        blocker.close()
    assert _search(later, "spoiling", owner="ann")
