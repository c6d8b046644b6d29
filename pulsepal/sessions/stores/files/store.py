"""FileStore: the default session store, a folder of files (see layout.py for the tree).

The conversation log of each session is the truth: every commit is one `write()` of whole JSON lines to it, fsync'd
before it is acknowledged. The active file is a checkpoint of the log (rewritten every CHECKPOINT_EVERY events), and
`metadata.json` + `metadata.log` index every session so listings, stats and the cleanup pass never open session
files. Locks are flock stripes, so the app, the CLI and the scheduler can share one store.
"""

from __future__ import annotations

import heapq
import os
from contextlib import AbstractContextManager
from typing import Any, Callable, Iterable, Iterator, Optional

from ....clock import Clock
from ....settings import Settings
from ... import files
from ...codec import BlobCodec
from ...errors import (
    SessionError,
    SessionExists,
    SessionNotFound,
    StorageError,
    storage_error,
)
from ...model import ConversationContext, apply_event, replay
from ...notices import Listening
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
    entry_of,
    sort_key,
)
from ..failures import log as storage_log
from ..failures import translate_failures
from . import archive as archive_files
from . import journal, maintenance
from .audit import AuditLog
from .index import SessionIndex
from .layout import Layout
from .listing import SortedViews, due_for_cleanup, linear_page
from .live import CHECKPOINT_EVERY, Live, LiveSessions
from .notices import NoticeLog, Tail
from .search import SearchIndex


def _os_failure(exc: BaseException) -> Optional[StorageError]:
    return storage_error(exc) if isinstance(exc, OSError) else None


@translate_failures(_os_failure)
class FileStore:
    kind = "files"

    def __init__(self, settings: Settings, clock: Clock, codec: BlobCodec, *, actor: str = "app") -> None:
        self.settings = settings
        self.clock = clock
        self.codec = codec
        self.layout = Layout(settings.session_storage_path, settings.log_path, codec)
        self.root = self.layout.root
        self.audit = AuditLog(self.layout.audit_path, clock)
        self.notices = NoticeLog(self.root, self.layout.named_lock("notices"))  # to the other processes here
        self.index = SessionIndex(self.root, self.layout.named_lock("index"))
        self.views = SortedViews(self.index)
        self.live = LiveSessions(self.layout, self.index, self.audit, clock, settings.max_conversation_history, actor)
        self._max_history = settings.max_conversation_history
        self.full_since: Optional[float] = None  # when a write last failed for lack of space (cleared by a write)
        self._index_behind = False
        maintenance.open_index(self)
        self.search_index = SearchIndex(self)

    def lock(self, session_id: str) -> AbstractContextManager[None]:
        return files.locked(self.layout.lock_path(session_id))

    def not_active_message(self, session_id: str) -> str:
        entry = self.index.get(session_id)
        if entry and entry.get("state") == "archived":
            return f"session {session_id!r} is archived; restore it first"
        return f"no session {session_id!r}"

    # --- live sessions --------------------------------------------------------------------------------------------
    def load(self, session_id: str) -> Optional[ConversationContext]:
        with self.lock(session_id):
            live = self.live.get_locked(session_id)
            return live.ctx.model_copy(deep=True) if live is not None else None

    def commit(
        self,
        session_id: str,
        events: list[dict],
        *,
        create: bool = False,
        exclusive: bool = False,
        sync: bool = True,
        added_messages: int = 0,
        view: Optional[Callable[[ConversationContext], Any]] = None,
    ) -> Any:
        if self._index_behind:  # an index write failed earlier (a full disk): catch up before going on
            self._index_behind = False
            self.reconcile()
        jpath = self.layout.journal_path(session_id)
        with self.lock(session_id):
            live = self.live.get_locked(session_id)
            if live is None:
                if not create:
                    raise SessionNotFound(self.not_active_message(session_id))
                return self._create_locked(session_id, events, sync, added_messages, view)
            if create:
                if exclusive:
                    raise SessionExists(f"session {session_id!r} already exists")
                events = events[1:]  # someone else created it first: append the rest
            for event in events:
                if event["type"] == "update":  # refuse a bad update before it reaches the log
                    apply_event(live.ctx.model_copy(deep=True), event, self._max_history)
            try:
                start, end = journal.append_events(jpath, events, sync=sync)
            except FileNotFoundError:
                self.live.forget(session_id)
                raise SessionNotFound(f"session {session_id!r} was archived or deleted") from None
            if start != live.offset:  # a crashed writer's torn line was cut, or the log changed: reload it all
                self.live.forget(session_id)
                live = self.live.require_locked(session_id)
            else:
                for event in events:
                    apply_event(live.ctx, event, self._max_history)
                live.offset = end
                live.since_checkpoint += len(events)
                if live.since_checkpoint >= CHECKPOINT_EVERY and sync:  # unsynced callers: sync() does it
                    self.live.checkpoint(live)
            result = view(live.ctx) if view else live.ctx.snapshot()
            # Still under the session lock: two processes' index changes for one session must reach the index in
            # the order of their appends, or an older count could overwrite a newer one.
            self._index_touch(session_id, live, added_messages)
        self.full_since = None
        self.search_index.changed(session_id)
        return result

    def _create_locked(self, session_id: str, events: list[dict], sync: bool, added: int, view) -> Any:
        layout = self.layout
        if layout.snapshot_path(session_id).exists() or layout.journal_path(session_id).exists():
            raise SessionExists(f"session {session_id!r} already exists")
        if layout.find_archives(session_id):
            raise SessionExists(f"session {session_id!r} exists in the archive; restore it instead")
        ctx = replay(events, self._max_history)  # checks every event before anything is written
        _, end = journal.append_events(layout.journal_path(session_id), events, sync=sync, create=True)
        live = self.live.new_checkpoint(ctx, end, durable=sync)
        self.live.remember(session_id, live)
        self.index.put(session_id, entry_of(ctx, size=live.snapshot_size + end))
        if added:
            self.index.touch(session_id, {"last_activity": ctx.last_activity.timestamp()}, added)
        self.search_index.changed(session_id)
        return view(live.ctx) if view else live.ctx.snapshot()

    def _index_touch(self, session_id: str, live: Live, added: int) -> None:
        """Derived data: when it cannot be written (a full disk) the session write still stands, and the index is
        caught up with the files at the next write (reconcile)."""
        try:
            self._index_touch_or_raise(session_id, live, added)
        except OSError as exc:
            storage_log.warning("index update for %s deferred: %s", session_id, exc)
            self._index_behind = True

    def _index_touch_or_raise(self, session_id: str, live: Live, added: int) -> None:
        ctx = live.ctx
        indexed = self.index.get(session_id)
        if indexed is None or indexed.get("state") != "active":
            self.index.put(session_id, entry_of(ctx, size=live.snapshot_size + live.offset))
            fields: dict[str, Any] = {"last_activity": ctx.last_activity.timestamp()}
        else:
            fields = {
                "last_activity": ctx.last_activity.timestamp(),
                "activated_at": ctx.activated_at.timestamp(),
                "message_count": ctx.conversation_count,
                "size": live.snapshot_size + live.offset,
            }
            described = {"title": ctx.title, "language": ctx.preferred_language, "owner": ctx.owner,
                         "pinned": ctx.pinned}
            fields.update({k: v for k, v in described.items() if indexed.get(k) != v})
        self.index.touch(session_id, fields, added)

    def sync(self, session_id: str) -> None:
        jpath = self.layout.journal_path(session_id)
        try:
            files.fsync_file(jpath)
        except FileNotFoundError:
            if self.locate(session_id) == "archived":  # archived since: its archive was written durably
                return
            raise SessionNotFound(self.not_active_message(session_id)) from None
        live = self.live.cached(session_id)
        if live is None or not (live.unsynced or live.since_checkpoint >= CHECKPOINT_EVERY):
            return
        with self.lock(session_id):
            live = self.live.get_locked(session_id)
            if live is None:
                return
            if live.unsynced:  # created by an unsynced commit: its files and folder entries
                files.sync_paths([p for p in live.unsynced if p.exists()])
                live.unsynced = []
            if live.since_checkpoint >= CHECKPOINT_EVERY:
                try:
                    self.live.checkpoint(live)
                except OSError as exc:  # the log is durable; the checkpoint is tried again next time
                    storage_log.warning("checkpoint of %s deferred: %s", session_id, exc)

    def checkpoint(self, session_id: str) -> None:
        with self.lock(session_id):
            live = self.live.get_locked(session_id)
            if live is None:
                raise SessionNotFound(self.not_active_message(session_id))
            if live.since_checkpoint or live.unsynced:
                self.live.checkpoint(live)
                if live.unsynced:
                    files.sync_paths([p for p in live.unsynced if p.exists()])
                    live.unsynced = []

    def read_log(self, session_id: str, *, handed_over: bool = False) -> Optional[LogView]:
        """handed_over: the session is about to leave active/ (an archive batch), so its state leaves the cache
        and goes to the caller as it is, without the deep copy a shared cached object needs (a tenth of a pass)."""
        with self.lock(session_id):
            live = self.live.get_locked(session_id)  # repairs or rebuilds the log first if needed
            if live is None:
                self._drop_stale_entry(session_id)
                return None
            events = journal.read_log(self.layout.journal_path(session_id)).events
            if handed_over and not live.unsynced:  # files still to sync stay known to sync()
                self.live.forget(session_id)  # under the lock: nobody else holds this object now
                return LogView(live.ctx, events, (live.inode, live.offset))
            return LogView(live.ctx.model_copy(deep=True), events, (live.inode, live.offset))

    def read_logs(self, session_ids: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for session_id in session_ids:
            try:
                found[session_id] = self.read_log(session_id, handed_over=True)
            except (SessionError, OSError) as exc:
                found[session_id] = exc
        return found

    def install(self, session_id: str, events: list[dict], *, replace: bool = False) -> ConversationContext:
        layout = self.layout
        with self.lock(session_id):
            jpath = layout.journal_path(session_id)
            if not replace and (jpath.exists() or layout.snapshot_path(session_id).exists()):
                raise SessionExists(f"session {session_id!r} is already active")
            end = journal.write_log(jpath, events)
            live = self.live.new_checkpoint(replay(events, self._max_history), end)
            self.live.remember(session_id, live)
            layout.remove_archives(layout.find_archives(session_id))
            self.index.put(session_id, entry_of(live.ctx, size=live.snapshot_size + end))
        self.views.invalidate()
        self.search_index.changed(session_id)
        return live.ctx.model_copy(deep=True)

    def _drop_stale_entry(self, session_id: str) -> None:
        """An index entry that says active for a session with no files at all (a crash between removing the
        files and the entry) would be picked for archiving or eviction forever: drop it (caller holds the lock)."""
        entry = self.index.get(session_id)
        if entry is not None and entry.get("state") == "active" and self.locate(session_id) is None:
            self.index.delete(session_id)

    # --- the index ------------------------------------------------------------------------------------------------
    def entry(self, session_id: str) -> Optional[IndexEntry]:
        self.index.refresh()
        found = self.index.get(session_id)
        return dict(found) if found is not None else None  # type: ignore[return-value]

    def entries(self, state: Optional[State] = None, owner: Any = ANY) -> Iterator[tuple[str, IndexEntry]]:
        self.index.refresh()
        return self.index.items(state, owner)

    def list_entries(self, *, state, owner, created_before, search, sort, descending, offset, limit):
        sort_key(sort)  # refuse an unknown order before anything else
        if owner is ANY and created_before is None and limit is not None:  # the admin table: cached orderings
            self.index.refresh()
            return self.views.page(state=state, search=search, sort=sort, descending=descending, offset=offset,
                                   limit=limit)
        return self.list_linear(state=state, owner=owner, created_before=created_before, search=search, sort=sort,
                                descending=descending, offset=offset, limit=limit)

    def list_linear(self, *, state, owner, created_before, search, sort, descending, offset, limit):
        """The plain way: filter and rank every entry in scope (an owner's sessions, or an age filter)."""
        return linear_page(self.entries(state, owner), created_before=created_before, search=search, sort=sort,
                           descending=descending, offset=offset, limit=limit)

    def cleanup_candidates(self, *, activated_before: float, idle_before: float,
                           archived_before: float) -> Iterator[tuple[str, IndexEntry]]:
        return due_for_cleanup(self.entries(), activated_before, idle_before, archived_before)

    def aggregates(self) -> Aggregates:
        index = self.index
        index.refresh()
        return Aggregates(dict(index.counts), dict(index.sizes), index.created_sum_active, index.messages_total,
                          index.oldest_active(), index.activity)

    def least_recently_active(self, count: int) -> list[str]:
        candidates = (item for item in self.entries("active") if not item[1].get("pinned"))
        victims = heapq.nsmallest(count, candidates, key=lambda r: float(r[1].get("last_activity") or 0))
        return [session_id for session_id, _ in victims]

    # --- archive, backups, removal --------------------------------------------------------------------------------
    def archive(self, items: list[ArchiveItem], day: str) -> dict[str, Outcome]:
        return archive_files.archive(self, items, day)

    def read_archive(self, session_id: str, day: Optional[str] = None) -> Optional[tuple[dict, Location]]:
        return archive_files.read_archive(self, session_id, day)

    def locate(self, session_id: str) -> Optional[State]:
        return archive_files.locate(self, session_id)

    def remove_archives(self, session_ids: Iterable[str], *,
                        to_backups: bool = False) -> dict[str, Optional[Exception]]:
        return archive_files.remove_archives(self, session_ids, to_backups=to_backups)

    def remove(self, session_id: str, backup: Optional[dict], reason: str, version: Any = None) -> Location:
        return archive_files.remove(self, session_id, backup, reason, version)

    def write_backup(self, document: dict, reason: str) -> Location:
        return archive_files.write_backup(self, document, reason)

    def backups(self) -> list[Backup]:
        return archive_files.backups(self)

    def read_backup(self, name: str) -> dict:
        return archive_files.read_backup(self, name)

    def remove_backups(self, names: Iterable[str]) -> None:
        return archive_files.remove_backups(self, names)

    # --- maintenance ----------------------------------------------------------------------------------------------
    def cleanup_lock(self, blocking: bool = True, *, scheduled: bool = False) -> AbstractContextManager[None]:
        """One machine: the flock alone serialises every process's passes (a scheduled one needs nothing more)."""
        return files.locked(self.layout.named_lock("cleanup"), blocking=blocking)

    def after_pass(self) -> dict[str, list[str]]:
        swept = maintenance.sweep(self)
        self.index.compact()
        self.audit.rotate_if_large()
        self.notices.drop_if_idle()
        return swept

    def announce(self, messages: list[dict]) -> None:
        self.notices.append(messages)

    def listen(self, deliver: Callable[[dict], None], resync: Optional[Callable[[], None]] = None) -> Listening:
        tail = Tail(self.notices.path, deliver, resync)
        tail.start()
        return tail

    def erase_traces(self) -> None:
        self.index.compact()
        if not self.search_index.wait_idle(timeout=600):  # forget() queued the rewrite; it stays owed if slow
            storage_log.warning("the search index has not finished purging removed conversations yet")

    def read_state(self, name: str) -> dict:
        return maintenance.read_state(self, name)

    def update_state(self, name: str, change: Callable[[dict], dict]) -> dict:
        return maintenance.update_state(self, name, change)

    def quarantined(self) -> list[dict]:
        return self.layout.quarantined()

    def note_full(self) -> None:
        if self.full_since is None:
            self.full_since = self.clock.timestamp()

    def space(self) -> dict[str, Optional[float]]:
        try:
            st = os.statvfs(self.root)
            free: Optional[float] = float(st.f_bavail * st.f_frsize)
            total: Optional[float] = float(st.f_blocks * st.f_frsize)
        except OSError:
            free = total = None
        return {"free_bytes": free, "total_bytes": total, "full_since": self.full_since}

    def quarantine_count(self) -> int:
        return sum(1 for name in os.listdir(self.layout.quarantine_dir) if name.endswith(".reason.json"))

    def usage(self) -> dict[str, int]:
        return self.layout.folder_sizes()

    def reconcile(self) -> int:
        return maintenance.reconcile_index(self)

    def verify(self, *, deep: bool = False, progress: Progress = None) -> dict:
        return maintenance.verify(self, deep=deep, progress=progress)

    def reindex(self, progress: Progress = None) -> dict:
        return maintenance.reindex(self, progress=progress)

    def probe(self) -> dict[str, dict]:
        return maintenance.probe(self)

    def search(self, text: str, *, owner: Any = ANY, limit: int = 20, offset: int = 0) -> tuple[int, list[SearchHit]]:
        """Message text and titles (a title is the first message, or a rename, both indexed) through the index."""
        return self.search_index.search(text, owner=owner, limit=limit, offset=offset)

    def close(self) -> None:
        self.search_index.close()

    def rebuild_from_logs(self, log_dir: Optional[str], progress: Progress = None) -> dict:
        return maintenance.rebuild_from_logs(self, log_dir, progress)

