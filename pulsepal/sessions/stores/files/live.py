"""The file store's live sessions: an in-memory cache of recently used sessions, kept honest across processes.

Each cached session remembers the byte offset of its log it reflects and the log's inode. Before anything reads or
changes a session (under its lock) the log is stat'ed: the same inode and size means nothing happened elsewhere;
otherwise the session is reloaded from its checkpoint plus whatever was appended after it. So a second app process
or the CLI never has its change overwritten, and a replaced log (import, restore) is noticed.

Loading repairs what it can and never crashes: a corrupt checkpoint is quarantined and the session rebuilt from its
log; unreadable log lines are skipped (a copy of the damaged log is quarantined first); an archive document unpacked
into active/ by hand is adopted.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ....clock import Clock
from ...documents import events_from_context, validate_document
from ...errors import SessionNotFound
from ...model import ConversationContext, EventError, apply_event, replay
from ...store import entry_of
from . import journal
from .audit import AuditLog
from .index import SessionIndex
from .layout import CorruptFile, Layout, Snapshot

CHECKPOINT_EVERY = 64
CACHE_SIZE = 512


@dataclass
class Live:
    ctx: ConversationContext
    offset: int  # bytes of the log that ctx reflects
    inode: int  # identity of the log file, to notice it being replaced (import, restore)
    since_checkpoint: int
    snapshot_size: int
    unsynced: list[Path] = field(default_factory=list)  # files a sync=False commit created (made durable by sync)


class LiveSessions:
    def __init__(self, layout: Layout, index: SessionIndex, audit: AuditLog, clock: Clock, max_history: int,
                 actor: str) -> None:
        self.layout = layout
        self.index = index
        self.audit = audit
        self.clock = clock
        self.max_history = max_history
        self.actor = actor
        self._cache: OrderedDict[str, Live] = OrderedDict()
        self._guard = threading.Lock()

    # --- the cache -----------------------------------------------------------------------------------------------
    def cached(self, session_id: str) -> Optional[Live]:
        with self._guard:
            return self._cache.get(session_id)

    def forget(self, session_id: str) -> None:
        with self._guard:
            self._cache.pop(session_id, None)

    def remember(self, session_id: str, live: Live) -> None:
        with self._guard:
            self._cache[session_id] = live
            self._cache.move_to_end(session_id)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    # --- loading (the caller holds the session lock) ---------------------------------------------------------------
    def get_locked(self, session_id: str) -> Optional[Live]:
        """The up-to-date session, or None when there is no active session with this id."""
        try:
            return self.require_locked(session_id)
        except SessionNotFound:
            return None

    def require_locked(self, session_id: str) -> Live:
        jpath = self.layout.journal_path(session_id)
        live = self.cached(session_id)
        try:
            st: Optional[os.stat_result] = os.stat(jpath)
        except FileNotFoundError:
            st = None
        if live is not None and st is not None and st.st_ino == live.inode and st.st_size == live.offset:
            return live
        self.forget(session_id)
        live = self._read_from_disk(session_id)
        self.remember(session_id, live)
        return live

    def _read_from_disk(self, session_id: str) -> Live:
        layout = self.layout
        jpath = layout.journal_path(session_id)
        try:
            found: Snapshot | dict | None = layout.read_snapshot(session_id)
        except FileNotFoundError:
            found = None
        except CorruptFile as exc:
            layout.quarantine(exc.path, exc.reason, self.clock.now())
            self.audit.record(self.actor, "quarantine", session_id, reason=exc.reason)
            found = None
        if isinstance(found, dict):  # an archive document unpacked into active/ by hand
            return self._adopt_document(session_id, found)
        snapshot = found
        if not jpath.exists():
            if snapshot is None:
                raise SessionNotFound(f"no active session {session_id!r}")
            events = events_from_context(snapshot.context)
            end = journal.write_log(jpath, events)
            return self.new_checkpoint(replay(events, self.max_history), end)
        size = os.stat(jpath).st_size
        if snapshot is not None and 0 <= snapshot.journal_offset <= size:
            log = journal.read_log(jpath, snapshot.journal_offset)
            ctx = snapshot.context
            applied, bad = self.apply_all(ctx, log.events)
            if not bad and not log.bad_lines:
                live = Live(ctx, log.end_offset, os.stat(jpath).st_ino, applied, layout.active_size(session_id))
                if applied >= CHECKPOINT_EVERY:
                    self.checkpoint(live)
                return live
        return self._rebuild_from_log(session_id, snapshot)

    def _rebuild_from_log(self, session_id: str, snapshot: Optional[Snapshot]) -> Live:
        """No usable checkpoint (or a damaged log): rebuild the whole session from its log."""
        layout = self.layout
        jpath = layout.journal_path(session_id)
        log = journal.read_log(jpath, 0)
        if not log.events:
            if snapshot is not None:
                events = events_from_context(snapshot.context)
                end = journal.write_log(jpath, events)
                return self.new_checkpoint(snapshot.context, end)
            layout.quarantine(jpath, "conversation log holds no events", self.clock.now())
            raise SessionNotFound(f"session {session_id!r} is corrupt and could not be rebuilt (see quarantine/)")
        try:
            ctx = replay(log.events[:1], self.max_history)
        except EventError as exc:
            layout.quarantine(jpath, f"conversation log unusable: {exc}", self.clock.now())
            raise SessionNotFound(f"session {session_id!r} is corrupt and could not be rebuilt: {exc}") from None
        _, bad = self.apply_all(ctx, log.events[1:])
        if bad or log.bad_lines:
            # Keep the damaged original in quarantine; continue with the readable events only.
            good = [log.events[0]] + [e for i, e in enumerate(log.events[1:]) if i not in bad]
            layout.quarantine(jpath, f"{len(bad) + len(log.bad_lines)} unreadable log lines skipped",
                              self.clock.now(), copy=True)
            end = journal.write_log(jpath, good)
        else:
            end = log.end_offset
        return self.new_checkpoint(ctx, end)

    def apply_all(self, ctx: ConversationContext, events: list[dict]) -> tuple[int, set[int]]:
        bad = set()
        for i, event in enumerate(events):
            try:
                apply_event(ctx, event, self.max_history)
            except EventError:
                bad.add(i)
        return len(events) - len(bad), bad

    def _adopt_document(self, session_id: str, document: dict) -> Live:
        events = validate_document(document, self.max_history, expected_id=session_id)
        end = journal.write_log(self.layout.journal_path(session_id), events)
        live = self.new_checkpoint(replay(events, self.max_history), end)
        self.index.put(session_id, entry_of(live.ctx, size=self.layout.active_size(session_id)))
        self.audit.record(self.actor, "adopt", session_id)
        return live

    # --- checkpoints ---------------------------------------------------------------------------------------------
    def new_checkpoint(self, ctx: ConversationContext, offset: int, *, durable: bool = True) -> Live:
        jpath = self.layout.journal_path(ctx.session_id)
        live = Live(ctx, offset, os.stat(jpath).st_ino, 0, 0)
        self.checkpoint(live, durable=durable)
        if not durable:
            live.unsynced = [jpath, self.layout.snapshot_path(ctx.session_id)]
        return live

    def checkpoint(self, live: Live, *, durable: bool = True) -> None:
        live.snapshot_size = self.layout.write_snapshot(live.ctx, live.offset, durable=durable)
        live.since_checkpoint = 0
