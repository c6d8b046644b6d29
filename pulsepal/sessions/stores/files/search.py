"""The file store's full-text search: a derived SQLite FTS5 index of every stored message (active and archived).

It is never the source of truth, only a faster way to find what the logs hold:
- updated off the hot path: a commit only names the session to a background thread, which (a moment later, so
  that a burst of changes is read once) reads the log bytes appended since the offset it recorded and indexes
  the new messages in one transaction;
- crash-safe: a transaction either adds a session's new rows together with its new offset or nothing, so after a
  SIGKILL the index may lag (the next look catches up from the offset) but never holds half a batch or a row twice;
- honest: it holds redacted text (as the archives do, so a search never surfaces a pasted secret), and every hit is
  re-checked against the store's own entry (owner, existence) before it is shown;
- rebuilt from the logs and archives when it is missing, damaged, or of another schema version;
- forgetful: a deleted conversation's words leave the file, not just the results. SQLite's secure_delete zeroes
  the deleted rows' text at once; FTS5, which only marks index entries as deleted, is then rewritten by the
  indexer thread (an incremental merge of all segments, in short steps), and the WAL is truncated. Deletions that
  arrive meanwhile share the next rewrite. One owed is recorded in the index (meta 'purge_pending', in the
  deleting transaction), so a process that ends first leaves it to the next one that opens the index.

Owners are indexed as a single opaque token so that a user's search intersects two posting lists instead of ranking
everyone's messages; the query is the user's words, each quoted (no query syntax reaches FTS5) and prefix-matched.
"""

from __future__ import annotations

import logging
import os
import queue
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from ...ids import is_valid_session_id
from ...redaction import redact_text
from ...store import ANY, SearchHit
from . import journal, search_query

if TYPE_CHECKING:
    from .store import FileStore

log = logging.getLogger("pulsepal.search")
FRESH_WAIT_SECONDS = 2.0
SCHEMA_VERSION = "2"  # 2: message_rows (a session's rows without scanning the index) and title rows
_STOP = "\0stop"  # not a session id: tells the indexer thread to finish
MAX_PURGE_STEPS = 100_000  # a bound, never reached: a step merges PURGE_STEP_PAGES pages
PURGE_STEP_PAGES = 500  # tens of milliseconds of work per step
_PURGE = "\0purge"  # ... and this one: rows were deleted, rewrite the index so their words leave the file
OPEN_WAIT_SECONDS = 60.0  # opening is a schema check and quick_check: seconds even for a large index
READY_WAIT = 10.0  # seconds a search waits for the catch-up that follows opening the index
BATCH_SECONDS = 0.05  # the indexer waits this long after a change, so a burst of turns costs one catch-up
_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS messages USING fts5(
    content, owner, session_id UNINDEXED, message_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TABLE IF NOT EXISTS progress (session_id TEXT PRIMARY KEY, owner TEXT, inode INTEGER, offset INTEGER);
CREATE TABLE IF NOT EXISTS message_rows (row INTEGER PRIMARY KEY, session_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS message_rows_by_session ON message_rows (session_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


class SearchIndex:
    def __init__(self, store: "FileStore") -> None:
        self.store = store
        self.path: Path = store.root / "search.sqlite"
        self._local = threading.local()
        self._queue: "queue.Queue[str | threading.Event]" = queue.Queue()
        self._pending: set[str] = set()
        self._pending_guard = threading.Lock()
        self._opened = threading.Event()  # the worker has opened (or replaced) the index: other threads may connect
        self._ready = threading.Event()  # ... and caught up with the logs
        self._worker: Optional[threading.Thread] = None
        self._start_guard = threading.Lock()
        self._rebuild_needed = False

    def _start(self) -> None:
        """The index's thread is started when something needs it (a write, a search): a command that only reads
        never touches (or pays for) the index. The thread opens it (schema, quick_check, a rebuild if damaged), so
        the first turn of a process, which starts it while holding its session's lock, never waits for that."""
        if self._worker is None:
            with self._start_guard:
                if self._worker is None:
                    self._worker = threading.Thread(target=self._run, name="pulsepal-search-index", daemon=True)
                    self._worker.start()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, once the worker has opened the index (callers other than the worker)."""
        self._start()
        if not self._opened.wait(OPEN_WAIT_SECONDS):
            raise sqlite3.OperationalError(f"the search index {self.path} did not open in {OPEN_WAIT_SECONDS:g} s")
        return self._connect()

    # --- the database ---------------------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if not self.path.exists():  # created private; SQLite gives its -wal and -shm files the same mode
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=True)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # derived data: a lost last transaction is caught up again
            conn.execute("PRAGMA secure_delete=ON")  # a deleted message's text is overwritten, not just unlinked
            self._local.conn = conn
        return conn

    def _open(self) -> None:
        """Open the index; if it is damaged or from another schema, set it aside and start a fresh one (rebuilt in
        the background from the logs and archives)."""
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        try:
            conn = self._connect()
            conn.executescript(_SCHEMA)
            version = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if version is None and not fresh:
                raise sqlite3.DatabaseError("no schema version")
            if version is not None and version[0] != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"schema version {version[0]}")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
        except sqlite3.DatabaseError as exc:
            log.warning("search index %s unusable (%s): rebuilding it", self.path, exc)
            self._discard()
            fresh = True
            conn = self._connect()
            conn.executescript(_SCHEMA)
        if fresh:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (SCHEMA_VERSION,))
        self._rebuild_needed = fresh

    def _discard(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass

    # --- keeping up -----------------------------------------------------------------------------------------------
    def changed(self, session_id: str) -> None:
        """A session's log grew or was replaced: index it soon (called on the hot path; it only queues)."""
        self._start()
        with self._pending_guard:
            if session_id in self._pending:
                return
            self._pending.add(session_id)
        self._queue.put(session_id)

    def index_now(self, session_id: str) -> None:
        """Index what the session's log holds now, in the caller's thread: the store calls this (under the
        session's lock) just before archiving moves the log away, so a conversation archived before the indexer
        came round to it is searchable all the same."""
        try:
            self._connection()
            self._catch_up(session_id)
        except Exception:  # noqa: BLE001 - the index is derived: a rebuild restores what this missed
            log.exception("indexing %s before archiving failed", session_id)

    def forget(self, session_ids: Iterable[str]) -> None:
        """The sessions were removed from the store (deleted, pruned): drop their rows now."""
        ids = list(session_ids)
        if ids:
            try:
                conn = self._connection()
                with _transaction(conn):
                    for sid in ids:
                        _delete_rows(conn, sid)
                    conn.executemany("DELETE FROM progress WHERE session_id = ?", [(sid,) for sid in ids])
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('purge_pending', '1')")
            except sqlite3.Error:  # the removal itself is done and durable; searches filter by the store anyway
                log.exception("dropping %d removed session(s) from the search index failed; a reindex drops them",
                              len(ids))
                return
            self._queue.put(_PURGE)

    def replace(self, session_id: str, owner: Optional[str], events: list[dict], inode: Optional[int],
                offset: int) -> None:
        """Index a whole log (or an archive's events) afresh: a new session, a replaced log, a rebuild."""
        conn = self._connect()
        with _transaction(conn):
            _delete_rows(conn, session_id)
            self._insert(conn, session_id, owner, events)
            conn.execute("INSERT OR REPLACE INTO progress VALUES (?, ?, ?, ?)", (session_id, owner, inode, offset))

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until what was queued so far is indexed (tests, benchmarks, a search that must see a change)."""
        self._start()
        if not self._ready.wait(timeout):
            return False
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def _run(self) -> None:
        try:
            self._open()
        except Exception:  # noqa: BLE001 - searching then fails plainly; writing never depends on the index
            log.exception("search index %s could not be opened", self.path)
        finally:
            self._opened.set()
        try:
            if self._rebuild_needed:
                self._rebuild()
            self._catch_up_all()
            if self._connect().execute("SELECT 1 FROM meta WHERE key = 'purge_pending'").fetchone():
                self._purge()  # owed by a process that ended before its indexer got round to it
        except Exception:  # noqa: BLE001 - the index is optional: searching falls back to what it has
            log.exception("search index catch-up failed")
        self._ready.set()
        while True:
            batch = [self._queue.get()]
            if isinstance(batch[0], str) and batch[0] != _STOP:
                time.sleep(BATCH_SECONDS)  # let the next moment's turns join: a busy session is read once
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            sessions = [item for item in batch if isinstance(item, str) and item not in (_STOP, _PURGE)]
            with self._pending_guard:
                self._pending.difference_update(sessions)
            for session_id in dict.fromkeys(sessions):
                try:
                    self._catch_up(session_id)
                except Exception:  # noqa: BLE001 - one session's trouble must not stop the indexer
                    log.exception("indexing %s failed", session_id)
            if _PURGE in batch:
                self._purge()
            for item in batch:
                if isinstance(item, threading.Event):  # wait_idle: everything queued before it is indexed
                    item.set()
            if _STOP in batch:
                conn = getattr(self._local, "conn", None)
                if conn is not None:
                    conn.close()
                return

    def _purge(self) -> None:
        """Rewrite the full-text index without the entries of deleted rows (FTS5 keeps them, marked, until its
        segments merge), then fold the WAL into the file and truncate it: afterwards no byte of the file holds a
        deleted message's words. The rewrite is FTS5's incremental merge of all segments (a negative 'merge'),
        repeated until it has nothing left to do, each step its own short transaction: writers (a turn's
        indexing, another process's delete) wait for one step, never for the whole rewrite."""
        try:
            conn = self._connect()
            for _ in range(MAX_PURGE_STEPS):
                before = conn.total_changes
                with _transaction(conn):
                    conn.execute("INSERT INTO messages(messages, rank) VALUES ('merge', ?)", (-PURGE_STEP_PAGES,))
                if conn.total_changes - before < 2:  # a step that changed nothing: one segment, no deleted entries
                    break
            conn.execute("DELETE FROM meta WHERE key = 'purge_pending'")
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if busy:  # a reader kept old pages in use: the WAL may still hold them, so the purge stays owed
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('purge_pending', '1')")
                log.warning("search index %s: the WAL could not be truncated (readers busy); purge retried later",
                            self.path)
        except sqlite3.Error:  # the rows are gone from every search already; 'purge_pending' stays for a retry
            log.exception("purging deleted rows from the search index failed")

    def _catch_up_all(self) -> None:
        """Index whatever the logs hold beyond the recorded offsets (after a crash, or writes by other processes):
        one read of the progress table and one listing of the log folder, then only the logs that grew."""
        done = {sid: offset for sid, offset in self._connect().execute("SELECT session_id, offset FROM progress")}
        grown = []
        with os.scandir(self.store.layout.log_dir) as entries:
            for entry in entries:
                if not (entry.name.startswith("session_") and entry.name.endswith(".jsonl")):
                    continue
                session_id = entry.name[len("session_"):-len(".jsonl")]
                try:
                    size = entry.stat().st_size
                except FileNotFoundError:  # archived or deleted while we list: nothing left to index
                    continue
                if done.get(session_id) != size and is_valid_session_id(session_id):
                    grown.append(session_id)
        for session_id in grown:
            try:
                self._catch_up(session_id)
            except Exception:  # noqa: BLE001 - one session's trouble must not leave the others unindexed
                log.exception("indexing %s failed", session_id)

    def _catch_up(self, session_id: str) -> None:
        """Index what the session's log holds beyond the recorded offset (all of it if the log was replaced)."""
        path = self.store.layout.journal_path(session_id)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return  # archived or deleted: forget()/archived() took care of it
        conn = self._connect()
        row = conn.execute("SELECT owner, inode, offset FROM progress WHERE session_id = ?", (session_id,)).fetchone()
        if row is None or row[1] != st.st_ino or row[2] > st.st_size:
            read = journal.read_log(path, 0)
            self.replace(session_id, _first_owner(read.events), read.events, st.st_ino, read.end_offset)
            return
        owner, _, done = row
        if done == st.st_size:
            return
        read = journal.read_log(path, done)
        with _transaction(conn):
            current = conn.execute("SELECT offset FROM progress WHERE session_id = ?", (session_id,)).fetchone()
            if current is None or current[0] != done:
                return  # another process indexed it meanwhile
            self._insert(conn, session_id, owner, read.events)
            conn.execute("UPDATE progress SET offset = ? WHERE session_id = ?", (read.end_offset, session_id))

    def _insert(self, conn: sqlite3.Connection, session_id: str, owner: Optional[str], events: list[dict]) -> None:
        token = search_query.owner_token(owner)
        rows = [(redact_text(str(e.get("content") or "")), token, session_id, e.get("id"))
                for e in events if e.get("type") == "message" and e.get("role") in ("user", "assistant")]
        titles = [(redact_text(str(e["fields"]["title"])), token, session_id, None)  # a rename: titles are found
                  for e in events if e.get("type") == "update" and (e.get("fields") or {}).get("title")]
        if titles:  # the current title only: a renamed conversation is no longer found by the name it dropped
            _delete_title_rows(conn, session_id)
            rows += titles[-1:]
        if not rows:
            return
        # explicit row numbers, recorded per session: removing a session's rows then reads only its own (the
        # session_id column of the full-text table is not indexed). Safe under BEGIN IMMEDIATE: one writer.
        first = conn.execute("SELECT coalesce(max(row), 0) + 1 FROM message_rows").fetchone()[0]
        numbered = [(first + i, *row) for i, row in enumerate(rows)]
        conn.executemany("INSERT INTO messages(rowid, content, owner, session_id, message_id) VALUES (?, ?, ?, ?, ?)",
                         numbered)
        conn.executemany("INSERT INTO message_rows VALUES (?, ?)", [(row[0], session_id) for row in numbered])

    def _rebuild(self) -> None:
        layout = self.store.layout
        for session_id, _day, path in layout.archived_files():
            try:
                document = layout.read_document(path)
            except Exception:  # noqa: BLE001 - an unreadable archive is verify's business
                continue
            self.replace(session_id, document.get("session", {}).get("owner"), document.get("events") or [], None, 0)

    # --- asking ---------------------------------------------------------------------------------------------------
    def close(self, timeout: float = 10.0) -> None:
        """Index what is queued, then stop the thread (a process that ends without this only leaves the index
        lagging; the next process catches up). While the thread is still rebuilding a missing index, it is not
        waited for: the next process that opens the index goes on with it."""
        worker = self._worker
        if worker is not None and worker.is_alive():
            ready = self._ready.is_set()
            if ready:
                self.wait_idle(timeout)
            self._queue.put(_STOP)
            worker.join(timeout if ready else 0.1)
        self._worker = None
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def search(self, text: str, *, owner=ANY, limit: int = 20, offset: int = 0) -> tuple[int, list[SearchHit]]:
        """Ranked sessions (messages and titles) and the page asked for, each with a snippet of its best match.
        Right after the index was opened it may still be catching up with the logs: a search waits for that a
        few seconds (READY_WAIT), then answers with what is indexed."""
        conn = self._connection()
        self._ready.wait(READY_WAIT)
        if self._pending:  # this process's own changes are seen by its next search (a message, then a search)
            self.wait_idle(FRESH_WAIT_SECONDS)
        if not getattr(self._local, "vocabulary", False):
            conn.execute(search_query.VOCABULARY)  # per connection (a temp table): the terms, for word_query
            self._local.vocabulary = True
        index = self.store.index
        index.refresh()  # the store decides what exists and whose it is; the index only suggests
        return search_query.ranked(conn, text, owner, limit, offset, index.get)


def _delete_rows(conn: sqlite3.Connection, session_id: str) -> None:
    conn.execute("DELETE FROM messages WHERE rowid IN (SELECT row FROM message_rows WHERE session_id = ?)",
                 (session_id,))
    conn.execute("DELETE FROM message_rows WHERE session_id = ?", (session_id,))


def _delete_title_rows(conn: sqlite3.Connection, session_id: str) -> None:
    gone = [row for (row,) in conn.execute(
        "SELECT rowid FROM messages WHERE rowid IN (SELECT row FROM message_rows WHERE session_id = ?) "
        "AND message_id IS NULL", (session_id,))]
    conn.executemany("DELETE FROM messages WHERE rowid = ?", [(row,) for row in gone])
    conn.executemany("DELETE FROM message_rows WHERE row = ?", [(row,) for row in gone])


def _first_owner(events: list[dict]) -> Optional[str]:
    return events[0].get("owner") if events else None


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, so two processes indexing the same session serialise on the database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind, exc, tb) -> None:
        self.conn.execute("ROLLBACK" if kind else "COMMIT")
