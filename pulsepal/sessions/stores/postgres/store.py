"""PostgresStore: the session store for several replicas over one PostgreSQL database (SESSION_DATABASE_URL).

It implements the same protocol as the file store (../../store.py) and passes the same contract suite; the parts:

    live.py         load, the one-statement commit, the complete log, the per-process cache
    archive.py      archive / restore / remove in set-based statements, archives partitioned by day, backups
    index.py        entries, sorted pages, cleanup candidates, O(1) aggregates, full-text search, the fold
    folder.py       the background thread that folds what commits queued (search words, activity, totals)
    maintenance.py  the advisory cleanup lock, state documents, probes, usage, verify, reindex, rebuild
    audit.py        the audit table
    schema.py       the versioned migrations (`python -m pulsepal.cli db upgrade`); opening checks the version

What cannot happen in a database (a torn file, a corrupt checkpoint) has no counterpart here: `quarantined()` is
empty and `reconcile()` has nothing to catch up: every derived value is written in the same transaction as the data
it derives from, or (for a commit) queued in it and folded in later, counted exactly meanwhile.
"""

from __future__ import annotations

import os
import secrets
import socket
from contextlib import AbstractContextManager
from typing import Any, Callable, Iterable, Iterator, Optional

from ....clock import Clock
from ....settings import Settings
from ...codec import BlobCodec
from ...errors import SessionNotFound, StorageError, StorageFull
from ...model import ConversationContext
from ...notices import CHANNEL, Listening
from ...store import (
    ANY,
    Aggregates,
    ArchiveItem,
    Backup,
    IndexEntry,
    Location,
    LogView,
    Outcome,
    Progress,
    SearchHit,
    State,
)
from ..failures import translate_failures
from . import maintenance, notices, schema
from .archive import Archives
from .audit import AuditTable
from .folder import Folder
from .index import ACTIVITY_KEEP_HOURS, Index
from .live import LiveSessions
from .pool import connection, open_pool


def _database_failure(exc: BaseException) -> Optional[StorageError]:
    """psycopg's errors as the engine's: a full disk (SQLSTATE 53100) is StorageFull; a lost connection, a server
    that refuses, a failed statement are StorageError. Our own errors (SessionChanged, ...) pass through."""
    import psycopg

    if isinstance(exc, psycopg.errors.DiskFull):
        return StorageFull("the session database is full: this change was not saved (an operator has been alerted)")
    if isinstance(exc, psycopg.Error):
        return StorageError("the session database failed: this change was not saved (an operator has been alerted)")
    return None


@translate_failures(_database_failure)
class PostgresStore:
    kind = "postgres"

    def __init__(self, settings: Settings, clock: Clock, codec: BlobCodec, *, actor: str = "app",
                 pool: Any = None) -> None:
        self.settings = settings
        self.clock = clock
        self.codec = codec
        self.actor = actor
        url = settings.session_database_url
        if not url and pool is None:
            raise ValueError("PostgresStore needs SESSION_DATABASE_URL")
        self._own_pool = pool is None
        self.pool = pool or open_pool(str(url), size=settings.session_database_pool_size,
                                      timeout=settings.session_database_timeout_seconds)
        try:
            with connection(self.pool) as conn:
                schema.check(conn)
        except BaseException:
            self.close()
            raise
        max_history = settings.max_conversation_history
        self.identity = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"  # who claimed an interval
        self._consistency: Optional[tuple[float, dict]] = None  # the last counters check (maintenance.probe)
        self.live = LiveSessions(self.pool, clock, max_history)
        self.archives = Archives(self.pool, clock, codec, self.live, max_history)
        self.index = Index(self.pool)
        self.folder = Folder(self.index.catch_up, alive=lambda: not self.pool.closed)
        self.audit = AuditTable(self.pool, clock)
        self.full_since: Optional[float] = None

    def not_active_message(self, session_id: str) -> str:
        entry = self.index.entry(session_id)
        if entry and entry.get("state") == "archived":
            return f"session {session_id!r} is archived; restore it first"
        return f"no session {session_id!r}"

    # --- live sessions --------------------------------------------------------------------------------------------
    def load(self, session_id: str) -> Optional[ConversationContext]:
        return self.live.load(session_id)

    def commit(self, session_id: str, events: list[dict], *, create: bool = False, exclusive: bool = False,
               sync: bool = True, added_messages: int = 0,
               view: Optional[Callable[[ConversationContext], Any]] = None) -> Any:
        result = self.live.commit(session_id, events, create=create, exclusive=exclusive, sync=sync,
                                  added=added_messages, view=view, not_found=self.not_active_message)
        self.full_since = None
        self.folder.committed()
        return result

    def sync(self, session_id: str) -> None:
        if not self.live.sync(session_id):  # an archived one is durable already, as on the file store
            raise SessionNotFound(self.not_active_message(session_id))

    def checkpoint(self, session_id: str) -> None:
        if self.locate(session_id) != "active":
            raise SessionNotFound(self.not_active_message(session_id))

    def read_log(self, session_id: str) -> Optional[LogView]:
        return self.live.read_log(session_id)

    def read_logs(self, session_ids: list[str]) -> dict[str, Any]:
        return self.live.read_logs(session_ids)

    def install(self, session_id: str, events: list[dict], *, replace: bool = False) -> ConversationContext:
        ctx = self.archives.install(session_id, events, replace=replace)
        self.folder.committed()
        return ctx

    # --- the index ------------------------------------------------------------------------------------------------
    def entry(self, session_id: str) -> Optional[IndexEntry]:
        return self.index.entry(session_id)

    def entries(self, state: Optional[State] = None, owner: Any = ANY) -> Iterator[tuple[str, IndexEntry]]:
        return self.index.entries(state, owner)

    def list_entries(self, *, state: Optional[State], owner: Any, created_before: Optional[float],
                     search: Optional[str], sort: str, descending: bool, offset: int,
                     limit: Optional[int]) -> tuple[int, list[tuple[str, IndexEntry]]]:
        return self.index.list_entries(state=state, owner=owner, created_before=created_before, search=search,
                                       sort=sort, descending=descending, offset=offset, limit=limit)

    def cleanup_candidates(self, *, activated_before: float, idle_before: float,
                           archived_before: float) -> Iterator[tuple[str, IndexEntry]]:
        return self.index.due(activated_before=activated_before, idle_before=idle_before,
                              archived_before=archived_before)

    def aggregates(self) -> Aggregates:
        return self.index.aggregates()

    def least_recently_active(self, count: int) -> list[str]:
        return self.index.least_recently_active(count)

    def search(self, text: str, *, owner: Any = ANY, limit: int = 20, offset: int = 0) -> tuple[int, list[SearchHit]]:
        return self.index.search(text, owner=owner, limit=limit, offset=offset)

    # --- archive, backups, removal --------------------------------------------------------------------------------
    def archive(self, items: list[ArchiveItem], day: str) -> dict[str, Outcome]:
        return self.archives.archive(items, day)

    def read_archive(self, session_id: str, day: Optional[str] = None) -> Optional[tuple[dict, Location]]:
        return self.archives.read_archive(session_id, day)

    def locate(self, session_id: str) -> Optional[State]:
        with connection(self.pool) as conn:
            row = conn.execute("SELECT state FROM sessions WHERE id = %s", (session_id,)).fetchone()
        return row[0] if row else None

    def remove_archives(self, session_ids: Iterable[str], *,
                        to_backups: bool = False) -> dict[str, Optional[Exception]]:
        return self.archives.remove_archives(session_ids, to_backups=to_backups)

    def remove(self, session_id: str, backup: Optional[dict], reason: str, version: Any = None) -> Location:
        return self.archives.remove(session_id, backup, reason, version)

    def write_backup(self, document: dict, reason: str) -> Location:
        return self.archives.write_backup(document, reason)

    def backups(self) -> list[Backup]:
        return self.archives.backups()

    def read_backup(self, name: str) -> dict:
        return self.archives.read_backup(name)

    def remove_backups(self, names: Iterable[str]) -> None:
        self.archives.remove_backups(names)

    # --- notices to the other processes on this database (sessions/notices.py) ---------------------------------------
    def announce(self, messages: list[dict]) -> None:
        with connection(self.pool) as conn:
            notices.send(conn, CHANNEL, messages)

    def listen(self, deliver: Callable[[dict], None], resync: Optional[Callable[[], None]] = None) -> Listening:
        url = self.settings.session_database_url or self.pool.conninfo
        return notices.Listener(str(url), CHANNEL, deliver, resync).start()

    # --- maintenance ----------------------------------------------------------------------------------------------
    def cleanup_lock(self, blocking: bool = True, *, scheduled: bool = False) -> AbstractContextManager[None]:
        return maintenance.cleanup_lock(self, blocking, scheduled)

    def after_pass(self) -> dict[str, list[str]]:
        self.index.catch_up()
        maintenance.prune_activity(self, ACTIVITY_KEEP_HOURS)
        self.audit.rotate_if_large()
        return {}  # a killed writer leaves nothing behind in a database: its transaction was rolled back

    def erase_traces(self) -> None:
        """Nothing derived keeps the words here: the removed rows are gone from every query at commit, and the
        space their old versions held is reclaimed by autovacuum like any other update's."""

    def read_state(self, name: str) -> dict:
        return maintenance.read_state(self, name)

    def update_state(self, name: str, change: Callable[[dict], dict]) -> dict:
        return maintenance.update_state(self, name, change)

    def quarantined(self) -> list[dict]:
        return []

    def quarantine_count(self) -> int:
        return 0

    def note_full(self) -> None:
        if self.full_since is None:
            self.full_since = self.clock.timestamp()

    def space(self) -> dict[str, Optional[float]]:
        """The database's disk is not this process's to measure; a write it refused for lack of space is known."""
        return {"free_bytes": None, "total_bytes": None, "full_since": self.full_since}

    def usage(self) -> dict[str, int]:
        return maintenance.usage(self)

    def reconcile(self) -> int:
        return 0

    def verify(self, *, deep: bool = False, progress: Progress = None) -> dict:
        return maintenance.verify(self, deep=deep, progress=progress)

    def rebuild_from_logs(self, log_dir: Optional[str], progress: Progress = None) -> dict:
        return maintenance.rebuild_from_logs(self, log_dir, progress)

    def reindex(self, progress: Progress = None) -> dict:
        return maintenance.reindex(self, progress)

    def probe(self) -> dict[str, dict]:
        return maintenance.probe(self)

    def close(self) -> None:
        folder = getattr(self, "folder", None)
        if folder is not None:
            folder.stop()
        audit = getattr(self, "audit", None)
        if audit is not None:
            audit.close()  # what is queued is written before the connections go
        if self._own_pool and getattr(self, "pool", None) is not None:
            self.pool.close()
