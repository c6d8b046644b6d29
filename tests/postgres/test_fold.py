"""The fold (schema version 2): a commit queues one `turn_queue` row and its activity and totals are folded in later.
Stats must be exact at every moment: with rows queued, after a fold, after a fold SIGKILLed mid-batch, with folds
racing each other and the writers; and a version-1 database with data in it upgrades and keeps its numbers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import psycopg

from pulsepal.sessions import SessionManager
from pulsepal.sessions.stores.postgres import schema
from pulsepal.sessions.stores.postgres.index import FOLD

from ..conftest import ROOT
from .test_schema_and_cli import _cli


def _truth(url: str) -> dict:
    """What the stats must say, counted from the tables themselves."""
    with psycopg.connect(url, autocommit=True) as conn:
        active, archived, size, messages = conn.execute(
            "SELECT count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE state = 'archived'), "
            "coalesce(sum(size), 0), coalesce(sum(message_count), 0) FROM sessions").fetchone()
    return {"active_count": active, "archived_count": archived, "storage_bytes": size, "messages_total": messages}


def _stats(manager: SessionManager) -> dict:
    stats = manager.get_session_stats()
    return {k: stats[k] for k in ("active_count", "archived_count", "storage_bytes", "messages_total")}


def _queued(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM turn_queue").fetchone()[0]


def _folded_only(url: str) -> tuple[int, int, int]:
    """The counters and activity alone (what a fold has taken in), without the queue."""
    with psycopg.connect(url, autocommit=True) as conn:
        size, messages = conn.execute("SELECT sum(active_size) + sum(archived_size), sum(messages_total) "
                                      "FROM counters").fetchone()
        hours = conn.execute("SELECT coalesce(sum(n), 0) FROM activity").fetchone()[0]
    return int(size), int(messages), int(hours)


def _chat(manager: SessionManager, sessions: int, turns: int) -> list[str]:
    ids = []
    for s in range(sessions):
        sid = manager.create_session()
        ids.append(sid)
        for t in range(turns):
            manager.finish_turn(manager.begin_turn(sid, f"how do I use mr.makeTrapezoid #{s}.{t}"), f"answer {t}")
    return ids


def _idle_folder(manager: SessionManager) -> None:
    manager.store.folder.stop()  # this test decides when to fold


def test_stats_are_exact_with_a_fold_pending_and_after_it(pg_manager, pg_url):
    manager = pg_manager()
    _idle_folder(manager)
    _chat(manager, 3, 2)
    assert _queued(pg_url) > 0  # nothing folded yet
    assert _stats(manager) == _truth(pg_url)
    assert manager.get_activity_metrics()["messages_last_hour"] == 12
    assert manager.get_session_stats()["messages_last_hour"] == 12
    size, messages, hours = _folded_only(pg_url)
    assert (messages, hours) != (_truth(pg_url)["messages_total"], 12)  # the queue really carries part of it

    assert manager.store.index.catch_up() > 0
    assert _queued(pg_url) == 0
    assert _stats(manager) == _truth(pg_url)
    assert _folded_only(pg_url) == (_truth(pg_url)["storage_bytes"], _truth(pg_url)["messages_total"], 12)
    assert manager.get_activity_metrics()["messages_last_hour"] == 12
    assert manager.store.search("makeTrapezoid")[0] == 3


def test_archiving_and_deleting_with_rows_still_queued_stay_exact(pg_manager, pg_url, clock):
    manager = pg_manager()
    _idle_folder(manager)
    kept, gone, archived = _chat(manager, 3, 2)
    manager.delete_session(gone)
    clock.advance(hours=30)
    manager.cleanup()  # archives `archived` and `kept` (idle) with their commits still queued... or folded by it
    assert _stats(manager) == _truth(pg_url)
    manager.store.index.catch_up()
    assert _queued(pg_url) == 0
    assert _stats(manager) == _truth(pg_url)
    truth = _truth(pg_url)
    assert _folded_only(pg_url)[:2] == (truth["storage_bytes"], truth["messages_total"])
    assert manager.store.reindex()["active"] == truth["active_count"]
    assert manager.store.verify()["index_rebuilt"] is False  # the counters had not drifted


FOLD_AND_HANG = """
import sys, time, psycopg
conn = psycopg.connect(sys.argv[1])
taken = conn.execute(sys.argv[2], {"batch": 100000}).fetchone()[0]  # in a transaction: not committed
print(taken, flush=True)
time.sleep(120)
"""


def _gone(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'folder-under-test'"
                            ).fetchone()[0] == 0


def test_a_sigkilled_fold_loses_nothing_and_counts_nothing_twice(pg_manager, pg_url):
    manager = pg_manager()
    _idle_folder(manager)
    _chat(manager, 2, 3)
    queued = _queued(pg_url)
    url = pg_url + "?application_name=folder-under-test"
    child = subprocess.Popen([sys.executable, "-c", FOLD_AND_HANG, url, FOLD], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert int(child.stdout.readline()) == queued  # it took every row in, inside its transaction
        assert _stats(manager) == _truth(pg_url)  # the uncommitted fold is invisible
        assert manager.store.index.catch_up() == 0  # its rows are locked: another fold skips them, never waits
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + 30
    while not _gone(pg_url):  # the server rolls the dead client's transaction back
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert _queued(pg_url) == queued
    assert _stats(manager) == _truth(pg_url)
    assert manager.store.index.catch_up() == queued
    assert _stats(manager) == _truth(pg_url)
    truth = _truth(pg_url)
    assert _folded_only(pg_url) == (truth["storage_bytes"], truth["messages_total"], 12)


def test_two_folds_in_open_transactions_take_disjoint_rows(pg_manager, pg_url):
    manager = pg_manager()
    _idle_folder(manager)
    _chat(manager, 2, 2)
    queued = _queued(pg_url)
    with psycopg.connect(pg_url) as first, psycopg.connect(pg_url) as second:
        a = first.execute(FOLD, {"batch": 3}).fetchone()[0]
        b = second.execute(FOLD, {"batch": 100000}).fetchone()[0]  # skips the first one's rows
        assert (a, a + b) == (3, queued)
        first.commit()
        assert _stats(manager) == _truth(pg_url)
        second.commit()
    assert _queued(pg_url) == 0
    assert _stats(manager) == _truth(pg_url)
    truth = _truth(pg_url)
    assert _folded_only(pg_url) == (truth["storage_bytes"], truth["messages_total"], 8)


def test_folds_racing_writers_and_each_other_count_every_commit_once(pg_manager, pg_url):
    writers = [pg_manager() for _ in range(3)]
    folders = [pg_manager() for _ in range(2)]  # two more stores (own pools) folding as fast as they can
    sids = [writers[0].create_session() for _ in range(6)]
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: list[dict] = []

    def write(manager: SessionManager, n: int) -> None:
        try:
            for t in range(15):
                sid = sids[(n + t) % len(sids)]
                manager.finish_turn(manager.begin_turn(sid, f"question {n}.{t}"), f"answer {n}.{t}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def fold(manager: SessionManager) -> None:
        try:
            while not stop.is_set():
                manager.store.index.catch_up()
                seen.append(_stats(manager))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(m, n)) for n, m in enumerate(writers)]
    folding = [threading.Thread(target=fold, args=(m,)) for m in folders]
    for thread in threads + folding:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    for thread in folding:
        thread.join()
    assert not errors
    assert seen and all(s["active_count"] == 6 for s in seen)
    writers[0].store.index.catch_up()
    truth = _truth(pg_url)
    assert truth["messages_total"] == 3 * 15 * 2
    assert _stats(writers[0]) == truth
    assert _folded_only(pg_url) == (truth["storage_bytes"], truth["messages_total"], 90)


V1_DATA = """
INSERT INTO sessions (id, state, owner, created_at, activated_at, last_activity, message_count, title, language, size,
                      pinned, last_seq, version, state_doc)
VALUES ('v1-session', 'active', NULL, {now}, {now}, {now}, 2, 'gradient spoiler', 'matlab', 60, false, 3,
        nextval('pulsepal_versions'), '{{}}');
INSERT INTO events (session_id, seq, kind, body, search_text) VALUES
  ('v1-session', 1, 'created', '{{}}', NULL),
  ('v1-session', 2, 'message', '{{}}', 'how big is the gradient spoiler'),
  ('v1-session', 3, 'message', '{{}}', 'about four cycles');
INSERT INTO search_queue (session_id, first_seq, last_seq, title) VALUES ('v1-session', 1, 3, true);
INSERT INTO activity (hour, shard, n) VALUES ({hour}, 0, 2);
"""


def test_a_version_1_database_with_data_upgrades_and_keeps_its_numbers(pg_server, make_settings, clock):
    url = pg_server.fresh_database("v1", migrated=False)
    try:
        with psycopg.connect(url, autocommit=True) as conn:  # what version 1 of the schema and its code left
            conn.execute(f"CREATE TABLE {schema.SCHEMA_TABLE} (version integer PRIMARY KEY, name text NOT NULL, "
                         "applied_at timestamptz NOT NULL DEFAULT now())")
            conn.execute(schema.MIGRATIONS[0][2])
            conn.execute(f"INSERT INTO {schema.SCHEMA_TABLE} (version, name) VALUES (1, 'v1')")
            now = clock.timestamp()
            conn.execute(V1_DATA.format(now=now, hour=int(now // 3600)))
            before = conn.execute("SELECT sum(active_count), sum(active_size), sum(messages_total) FROM counters"
                                  ).fetchone()
        assert before == (1, 60, 2)
        out = _cli("db", "status", env={"SESSION_DATABASE_URL": url})
        assert out.returncode == 1 and "version 1" in out.stdout and "db upgrade" in out.stdout
        out = _cli("db", "upgrade", env={"SESSION_DATABASE_URL": url})
        assert out.returncode == 0 and out.stdout.startswith("schema upgraded"), out.stdout + out.stderr
        with psycopg.connect(url, autocommit=True) as conn:
            assert schema.current_version(conn) == schema.SCHEMA_VERSION
            assert conn.execute("SELECT hour, messages, grow, counted FROM turn_queue").fetchall() == [(0, 0, 0, 0)]
        manager = SessionManager(make_settings(session_database_url=url), clock=clock, actor="test")
        try:
            stats = manager.get_session_stats()
            assert (stats["active_count"], stats["storage_bytes"], stats["messages_total"]) == (1, 60, 2)
            assert manager.get_activity_metrics()["messages_last_24h"] == 2
            total, hits = manager.store.search("spoiler")  # the version-1 queue row is folded: its words indexed
            assert total == 1 and hits[0].session_id == "v1-session"
            stats = manager.get_session_stats()
            assert (stats["active_count"], stats["storage_bytes"], stats["messages_total"]) == (1, 60, 2)
            sid = manager.create_session()
            manager.finish_turn(manager.begin_turn(sid, "a new turn"), "on the new schema")
            assert _stats(manager) == _truth(url)
        finally:
            manager.close()
    finally:
        pg_server.drop_database(url)


def test_the_folder_thread_folds_what_this_process_committed_and_stops_with_the_store(pg_manager, pg_url):
    manager = pg_manager()
    assert manager.store.folder._thread is None  # a store that has not committed starts no thread
    _chat(manager, 1, 2)
    thread = manager.store.folder._thread
    assert thread is not None and thread.is_alive()
    deadline = time.monotonic() + 60  # folds every FOLD_SECONDS; the deadline only bounds a broken thread
    while _queued(pg_url):
        assert time.monotonic() < deadline, "the folder thread never folded the queue"
        time.sleep(0.1)
    assert _stats(manager) == _truth(pg_url)
    manager.close()
    assert not thread.is_alive()
