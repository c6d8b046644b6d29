"""SessionManager: the session lifecycle over the store.

Every change to a session is an event appended to its conversation log under the session's cross-process lock,
and is acknowledged only after fsync. The manager keeps recently used sessions in memory together with the log
offset they reflect; before each change it checks the log's identity and size, so a change made by another
process (a second app worker, the CLI) is replayed rather than overwritten. The active file is a checkpoint
rewritten every CHECKPOINT_EVERY events, which keeps the cost of one message flat in the length of the history.
"""

from __future__ import annotations

import heapq
import os
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Union

import orjson

from ..clock import SYSTEM_CLOCK, Clock, iso as _iso, ts_iso as _ts_iso
from ..language import normalise_language
from ..settings import Settings, get_settings
from . import files, journal, policy
from .errors import SessionExists, SessionNotFound
from .ids import new_session_id, validate_session_id
from .index import IndexCorrupt, SessionIndex
from .model import (
    UPDATABLE_FIELDS,
    ConversationContext,
    EventError,
    Message,
    apply_event,
    replay,
)
from .safety import AuditLog, BlobCodec, redact_events, redact_session
from .documents import (
    document_to_markdown,
    events_from_context,
    load_document_source,
    validate_document,
)
from .archiving import ArchivingMixin
from .store import DOCUMENT_FORMAT, DOCUMENT_VERSION, CorruptFile, SessionStore, Snapshot
from .turns import TurnsMixin

CHECKPOINT_EVERY = 64
CACHE_SIZE = 512
MAX_MESSAGE_CHARS = 1_000_000


@dataclass
class _Live:
    ctx: ConversationContext
    offset: int  # bytes of the log that ctx reflects
    inode: int  # identity of the log file, to notice it being replaced (import, restore)
    since_checkpoint: int
    snapshot_size: int
    unindexed_messages: int = 0  # appended with the index update deferred (the first half of a turn)


class SessionManager(TurnsMixin, ArchivingMixin):
    """Creates, persists, archives, restores, deletes, exports and imports sessions.

    `SessionManager()` reads settings from the environment and `.env`; tests pass `settings=`, `storage_path=`
    and `clock=`. `actor` names who acts in the audit log (app, cli, scheduler...).
    """

    def __init__(
        self,
        settings: Optional[Settings] = None,
        *,
        storage_path: Union[str, Path, None] = None,
        clock: Optional[Clock] = None,
        actor: str = "app",
        echo: Optional[Callable[[str], None]] = None,
    ) -> None:
        settings = settings or get_settings()
        if storage_path is not None:
            update: dict[str, Any] = {"session_storage_path": Path(storage_path)}
            if "conversation_log_path" not in settings.model_fields_set:
                update["conversation_log_path"] = Path(storage_path).parent / "conversationLogs"
            settings = settings.model_copy(update=update)
        self.settings = settings
        self.clock = clock or SYSTEM_CLOCK
        self.actor = actor
        # `python -c "...SessionManager().archive_expired_sessions()"` shows no return value, so maintenance calls
        # say what they did when run that way (or when an echo function is given).
        self._echo = echo if echo is not None else (print if sys.argv[:1] == ["-c"] else None)
        self.codec = BlobCodec(settings.session_compression, settings.session_encryption_key)
        self.store = SessionStore(settings.session_storage_path, settings.log_path, self.codec)
        self.audit = AuditLog(self.store.audit_path, self.clock)
        self.index = SessionIndex(self.store.root, self.store.named_lock("index"))
        self._cache: "OrderedDict[str, _Live]" = OrderedDict()
        self._cache_guard = threading.Lock()
        try:
            self.index.load_or_raise()
        except IndexCorrupt as exc:
            self.store.quarantine(self.index.path, str(exc), self.clock.now())
            self.reindex()
        if not self.index.path.exists():
            if any(self.store.active_ids()) or self.store.archive_days():
                self.reindex()  # sessions on disk but no index: it was lost
            else:
                self.index.compact()  # a new store starts with an (empty) index file
        self._reconciled_at: Optional[float] = None
        self.reconcile_if_due()

    RECONCILE_EVERY_SECONDS = 3600

    def reconcile_if_due(self, force: bool = False) -> int:
        """Catch the index up with sessions a crashed process left unindexed (see rotation.reconcile_index)."""
        from .rotation import reconcile_index

        now = self.clock.timestamp()
        if not force and self._reconciled_at is not None and now - self._reconciled_at < self.RECONCILE_EVERY_SECONDS:
            return 0
        self._reconciled_at = now
        return reconcile_index(self)

    # ------------------------------------------------------------------------------------------------ helpers
    def _say(self, text: str) -> None:
        if self._echo:
            self._echo(text)

    def _lock(self, session_id: str):
        return files.locked(self.store.lock_path(session_id))

    def _now(self):
        return self.clock.now()

    def _forget(self, session_id: str) -> None:
        with self._cache_guard:
            self._cache.pop(session_id, None)

    def _remember(self, session_id: str, live: _Live) -> None:
        with self._cache_guard:
            self._cache[session_id] = live
            self._cache.move_to_end(session_id)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def _entry(self, ctx: ConversationContext, *, size: int, state: str = "active", **extra) -> dict:
        entry = {
            "state": state,
            "owner": ctx.owner,
            "created_at": ctx.created_at.timestamp(),
            "activated_at": ctx.activated_at.timestamp(),
            "last_activity": ctx.last_activity.timestamp(),
            "message_count": ctx.conversation_count,
            "title": ctx.title,
            "language": ctx.preferred_language,
            "size": size,
        }
        entry.update(extra)
        return entry

    # --------------------------------------------------------------------------------------- loading (locked)
    def _live_locked(self, session_id: str) -> _Live:
        """The up-to-date in-memory session; the caller holds the session lock."""
        jpath = self.store.journal_path(session_id)
        with self._cache_guard:
            live = self._cache.get(session_id)
        try:
            st = os.stat(jpath)
        except FileNotFoundError:
            st = None
        if live is not None and st is not None and st.st_ino == live.inode and st.st_size == live.offset:
            return live
        self._forget(session_id)
        live = self._read_from_disk(session_id)
        self._remember(session_id, live)
        return live

    def _read_from_disk(self, session_id: str) -> _Live:
        store = self.store
        jpath = store.journal_path(session_id)
        snapshot: Optional[Snapshot] = None
        try:
            found = store.read_snapshot(session_id)
        except FileNotFoundError:
            found = None
        except CorruptFile as exc:
            store.quarantine(exc.path, exc.reason, self._now())
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
            return self._checkpoint_new(replay(events, self.settings.max_conversation_history), end)
        size = os.stat(jpath).st_size
        if snapshot is not None and 0 <= snapshot.journal_offset <= size:
            log = journal.read_log(jpath, snapshot.journal_offset)
            ctx = snapshot.context
            applied, bad = self._apply_all(ctx, log.events)
            if not bad and not log.bad_lines:
                live = _Live(ctx, log.end_offset, os.stat(jpath).st_ino, applied, store.active_size(session_id))
                if applied >= CHECKPOINT_EVERY:
                    self._checkpoint(live)
                return live
        # No usable checkpoint (or a damaged log): rebuild the whole session from its log.
        log = journal.read_log(jpath, 0)
        if not log.events:
            if snapshot is not None:
                events = events_from_context(snapshot.context)
                end = journal.write_log(jpath, events)
                return self._checkpoint_new(snapshot.context, end)
            store.quarantine(jpath, "conversation log holds no events", self._now())
            raise SessionNotFound(f"session {session_id!r} is corrupt and could not be rebuilt (see quarantine/)")
        try:
            ctx = replay(log.events[:1], self.settings.max_conversation_history)
        except EventError as exc:
            store.quarantine(jpath, f"conversation log unusable: {exc}", self._now())
            raise SessionNotFound(f"session {session_id!r} is corrupt and could not be rebuilt: {exc}") from None
        _, bad = self._apply_all(ctx, log.events[1:])
        if bad or log.bad_lines:
            # Keep the damaged original in quarantine; continue with the readable events only.
            good = [log.events[0]] + [e for i, e in enumerate(log.events[1:]) if i not in bad]
            damaged = store.quarantine_dir / f"{self._now().strftime('%Y%m%dT%H%M%S%fZ')}_{jpath.name}"
            files.atomic_write_bytes(damaged, files.read_bytes(jpath))
            note = {"file": str(jpath), "reason": f"{len(bad) + len(log.bad_lines)} unreadable log lines skipped",
                    "quarantined_at": _iso(self._now())}
            files.atomic_write_bytes(damaged.with_name(damaged.name + ".reason.json"), orjson.dumps(note))
            end = journal.write_log(jpath, good)
        else:
            end = log.end_offset
        return self._checkpoint_new(ctx, end)

    def _apply_all(self, ctx: ConversationContext, events: list[dict]) -> tuple[int, set[int]]:
        bad = set()
        for i, event in enumerate(events):
            try:
                apply_event(ctx, event, self.settings.max_conversation_history)
            except EventError:
                bad.add(i)
        return len(events) - len(bad), bad

    def _checkpoint_new(self, ctx: ConversationContext, offset: int) -> _Live:
        jpath = self.store.journal_path(ctx.session_id)
        live = _Live(ctx, offset, os.stat(jpath).st_ino, 0, 0)
        self._checkpoint(live)
        return live

    def _checkpoint(self, live: _Live) -> None:
        live.snapshot_size = self.store.write_snapshot(live.ctx, live.offset)
        live.since_checkpoint = 0

    def _adopt_document(self, session_id: str, document: dict) -> _Live:
        events = validate_document(document, self.settings.max_conversation_history, expected_id=session_id)
        end = journal.write_log(self.store.journal_path(session_id), events)
        live = self._checkpoint_new(replay(events, self.settings.max_conversation_history), end)
        self.index.put(session_id, self._entry(live.ctx, size=self.store.active_size(session_id)))
        self.audit.record(self.actor, "adopt", session_id)
        return live

    def _append(
        self,
        session_id: str,
        events: Union[dict, list[dict]],
        added_messages: int = 0,
        view=None,
        sync: bool = True,
        index: bool = True,
    ):
        """Durably append events (one write, one fsync) and fold them into the session.

        Returns the live context, or `view(ctx)` computed while the lock is still held (callers that need a
        consistent picture of the session right after their change)."""
        events = [events] if isinstance(events, dict) else events
        jpath = self.store.journal_path(session_id)
        with self._lock(session_id):
            try:
                live = self._live_locked(session_id)
            except SessionNotFound:
                raise SessionNotFound(self._not_active_message(session_id)) from None
            for event in events:
                if event["type"] == "update":  # refuse a bad update before it reaches the log
                    apply_event(live.ctx.model_copy(deep=True), event, self.settings.max_conversation_history)
            try:
                start, end = journal.append_events(jpath, events, sync=sync)
            except FileNotFoundError:
                self._forget(session_id)
                raise SessionNotFound(f"session {session_id!r} was archived or deleted") from None
            if start != live.offset:  # a crashed writer's torn line was cut, or the log changed: reload it all
                self._forget(session_id)
                live = self._live_locked(session_id)
            else:
                for event in events:
                    apply_event(live.ctx, event, self.settings.max_conversation_history)
                live.offset = end
                live.since_checkpoint += len(events)
                if live.since_checkpoint >= CHECKPOINT_EVERY and sync:  # unsynced callers: sync_session does it
                    self._checkpoint(live)
            ctx = live.ctx
            result = view(ctx) if view else ctx
            if not index:  # the caller's next append (the end of the turn) updates the index for both
                live.unindexed_messages += added_messages
                return result
            added_messages += live.unindexed_messages
            live.unindexed_messages = 0
            fields = {
                "last_activity": ctx.last_activity.timestamp(),
                "message_count": ctx.conversation_count,
                "size": live.snapshot_size + live.offset,
            }
            indexed = self.index.get(session_id) or {}
            described = {"title": ctx.title, "language": ctx.preferred_language, "owner": ctx.owner}
            fields.update({k: v for k, v in described.items() if indexed.get(k) != v})
            # Still under the session lock: two processes' touches for one session must reach the index in the
            # order of their appends, or an older count could overwrite a newer one.
            self.index.touch(session_id, fields, added_messages)
        return result

    def sync_session(self, session_id: str) -> None:
        """fsync the session's log: everything appended to it so far is durable when this returns. Also writes
        the checkpoint if one is due, so that disk work stays off the event loop that made the unsynced appends."""
        session_id = validate_session_id(session_id)
        try:
            files.fsync_file(self.store.journal_path(session_id))
        except FileNotFoundError:
            raise SessionNotFound(self._not_active_message(session_id)) from None
        with self._cache_guard:
            live = self._cache.get(session_id)
        if live is not None and live.since_checkpoint >= CHECKPOINT_EVERY:
            with self._lock(session_id):
                live = self._live_locked(session_id)
                if live.since_checkpoint >= CHECKPOINT_EVERY:
                    self._checkpoint(live)

    # ------------------------------------------------------------------------------------------------ creation
    def create_session(
        self,
        owner: Optional[str] = None,
        *,
        session_id: Optional[str] = None,
        preferred_language: Optional[str] = None,
        metadata: Optional[dict] = None,
    ) -> str:
        """Start a new session and return its id (a new uuid4 unless one is given)."""
        session_id = validate_session_id(session_id) if session_id is not None else new_session_id()
        language = normalise_language(preferred_language) if preferred_language else "matlab"
        self._make_room()
        now = self._now()
        event = {
            "type": "created",
            "session_id": session_id,
            "owner": owner,
            "created_at": _iso(now),
            "preferred_language": language,
            "language_explicit": bool(preferred_language),
            "metadata": metadata or {},
        }
        with self._lock(session_id):
            jpath = self.store.journal_path(session_id)
            if jpath.exists() or self.store.snapshot_path(session_id).exists():
                raise SessionExists(f"session {session_id!r} already exists")
            if self.store.find_archives(session_id):
                raise SessionExists(f"session {session_id!r} exists in the archive; restore it instead")
            _, end = journal.append_event(jpath, event, create=True)
            live = self._checkpoint_new(replay([event], self.settings.max_conversation_history), end)
            self._remember(session_id, live)
            self.index.put(session_id, self._entry(live.ctx, size=live.snapshot_size + end))
        self.audit.record(self.actor, "create", session_id, owner=owner)
        return session_id

    def _make_room(self) -> list[str]:
        self.index.refresh()
        batch = policy.eviction_batch(self.index.counts["active"], self.settings.max_active_sessions)
        if not batch:
            return []
        victims = heapq.nsmallest(
            batch, self.index.items("active"), key=lambda item: float(item[1].get("last_activity") or 0)
        )
        outcomes = self.archive_sessions([sid for sid, _ in victims], reason="capacity")
        for session_id, outcome in outcomes.items():
            if isinstance(outcome, SessionNotFound):
                self.index.delete(session_id)  # a stale entry: its files are gone
        return [sid for sid, outcome in outcomes.items() if isinstance(outcome, Path)]

    # ------------------------------------------------------------------------------------------------- reading
    def get_session(self, session_id: str) -> Optional[ConversationContext]:
        """A copy of the active session, or None if there is no active session with this id."""
        session_id = validate_session_id(session_id)
        with self._lock(session_id):
            try:
                live = self._live_locked(session_id)
            except SessionNotFound:
                return None
            ctx = live.ctx.model_copy(deep=True)
        self.audit.record(self.actor, "read", session_id)
        return ctx

    def require_session(self, session_id: str) -> ConversationContext:
        ctx = self.get_session(session_id)
        if ctx is None:
            raise SessionNotFound(self._not_active_message(session_id))
        return ctx

    def _not_active_message(self, session_id: str) -> str:
        entry = self.index.get(session_id)
        if entry and entry.get("state") == "archived":
            return f"session {session_id!r} is archived; restore it first"
        return f"no session {session_id!r}"

    def is_expired(self, ctx: ConversationContext) -> Optional[str]:
        return policy.expiry_reason(
            ctx.activated_at.timestamp(), ctx.last_activity.timestamp(), self.clock.timestamp(), self.settings
        )

    def get_or_create_session(
        self, session_id: Optional[str] = None, owner: Optional[str] = None
    ) -> tuple[ConversationContext, bool]:
        """The session to continue, or a new one when the id is missing, unknown, expired or someone else's.

        Returns (context, created). An invalid id raises InvalidSessionId: it is a caller error, not a new user.
        """
        if session_id:
            ctx = self.get_session(session_id)
            if ctx is not None and (owner is None or ctx.owner in (None, owner)):
                if self.is_expired(ctx) is None:
                    return ctx, False
                try:
                    self.archive_session(session_id, reason="expired")
                except SessionNotFound:
                    pass
        new_id = self.create_session(owner)
        return self.require_session(new_id), True

    # ------------------------------------------------------------------------------------------------- writing
    def _message_event(self, role: str, content: str, metadata: Optional[dict], message_id: Optional[str]) -> dict:
        if role not in ("user", "assistant", "system"):
            raise ValueError(f"role must be user, assistant or system, not {role!r}")
        if not isinstance(content, str):
            raise ValueError("message content must be text")
        if metadata is not None and not isinstance(metadata, dict):
            raise ValueError("message metadata must be a dict")
        if len(content) > MAX_MESSAGE_CHARS:
            raise ValueError(f"message too long ({len(content)} characters; at most {MAX_MESSAGE_CHARS})")
        return {
            "type": "message",
            "id": message_id or new_session_id(),
            "role": role,
            "content": content,
            "timestamp": _iso(self._now()),
            "metadata": metadata or {},
        }

    def _code_event(self, code: str, language: str, sequence_type: Optional[str], description: str) -> dict:
        return {
            "type": "code_example",
            "code": code,
            "language": language,
            "sequence_type": sequence_type,
            "description": description,
            "timestamp": _iso(self._now()),
        }

    def add_message(
        self,
        session_id: str,
        role: str,
        content: str,
        *,
        metadata: Optional[dict] = None,
        message_id: Optional[str] = None,
    ) -> Message:
        """Append a message; it is on disk (fsync'd) when this returns."""
        session_id = validate_session_id(session_id)
        event = self._message_event(role, content, metadata, message_id)
        message = self._append(session_id, event, added_messages=1,
                               view=lambda ctx: ctx.conversation_history[-1].model_copy())
        self.audit.record(self.actor, "write", session_id, kind="message", role=role, message_id=event["id"])
        return message

    def add_code_example(
        self,
        session_id: str,
        code: str,
        language: str,
        *,
        sequence_type: Optional[str] = None,
        description: str = "",
    ) -> None:
        session_id = validate_session_id(session_id)
        self._append(session_id, self._code_event(code, language, sequence_type, description))
        self.audit.record(self.actor, "write", session_id, kind="code_example", language=language)

    def update_session(self, session_id: str, **fields: Any) -> ConversationContext:
        """Change settings-like fields: preferred_language (makes it explicit), sequence_knowledge,
        use_sequence_knowledge, title, metadata, owner."""
        session_id = validate_session_id(session_id)
        unknown = set(fields) - UPDATABLE_FIELDS
        if unknown:
            raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
        if "preferred_language" in fields:
            fields["preferred_language"] = normalise_language(fields["preferred_language"])
            fields.setdefault("language_explicit", True)
        event = {"type": "update", "fields": fields, "timestamp": _iso(self._now())}
        try:
            ctx = self._append(session_id, event)
        except EventError as exc:
            raise ValueError(str(exc)) from None
        self.audit.record(self.actor, "write", session_id, kind="update", fields=sorted(fields))
        return ctx.model_copy(deep=True)

    def checkpoint(self, session_id: str) -> None:
        """Write the active file now (e.g. when a chat disconnects) instead of waiting for the next interval."""
        session_id = validate_session_id(session_id)
        with self._lock(session_id):
            live = self._live_locked(session_id)
            if live.since_checkpoint:
                self._checkpoint(live)

    # --------------------------------------------------------------------------------------------- documents
    def _full_events(self, session_id: str) -> tuple[_Live, list[dict]]:
        """The up-to-date session and all its events (caller holds the lock)."""
        live = self._live_locked(session_id)  # repairs or rebuilds the log first if needed
        return live, journal.read_log(self.store.journal_path(session_id)).events

    def _document(self, ctx: ConversationContext, events: list[dict], *, redacted: bool) -> dict:
        session = ctx.model_dump(mode="json")
        if redacted:
            events = redact_events(events)
            redact_session(session)
        return {
            "format": DOCUMENT_FORMAT,
            "version": DOCUMENT_VERSION,
            "session_id": ctx.session_id,
            "exported_at": _iso(self._now()),
            "redacted": redacted,
            "session": session,
            "events": events,
        }

    def _stored_document(self, session_id: str) -> tuple[dict, str]:
        """The whole session as a document, from the active store or the archive; (document, state)."""
        with self._lock(session_id):
            try:
                live, events = self._full_events(session_id)
                return self._document(live.ctx, events, redacted=False), "active"
            except SessionNotFound:
                pass
        paths = self.store.find_archives(session_id)
        if not paths:
            raise SessionNotFound(f"no session {session_id!r} (neither active nor archived)")
        return self.store.read_document(paths[0]), "archived"

    def export_session(self, session_id: str, *, purpose: str = "export") -> dict:
        """The complete session (every message, not only the recent history) as a JSON-ready document.

        `purpose` is what the audit log records ("export", or "read" when it is only displayed)."""
        session_id = validate_session_id(session_id)
        document, state = self._stored_document(session_id)
        self.audit.record(self.actor, purpose, session_id, state=state)
        return document

    def export_markdown(self, session_id: str) -> str:
        return document_to_markdown(self.export_session(session_id))

    def import_session(self, source: Union[dict, bytes, str, Path], *, force: bool = False) -> str:
        """Install an exported session. Refuses to replace an existing one unless force (which backs it up first)."""
        document = load_document_source(source)
        events = validate_document(document, self.settings.max_conversation_history)
        session_id = document["session_id"]
        backup = None
        with self._lock(session_id):
            exists = self.store.journal_path(session_id).exists() or self.store.snapshot_path(session_id).exists()
            archives = self.store.find_archives(session_id)
            if (exists or archives) and not force:
                where = "active" if exists else "archived"
                raise SessionExists(f"session {session_id!r} already exists ({where}); use --force to replace it")
            if exists or archives:
                backup = self._backup_and_remove_locked(session_id, "import")
            end = journal.write_log(self.store.journal_path(session_id), events)
            live = self._checkpoint_new(replay(events, self.settings.max_conversation_history), end)
            self._remember(session_id, live)
            self.index.put(session_id, self._entry(live.ctx, size=live.snapshot_size + end))
        self.audit.record(self.actor, "import", session_id, replaced=bool(backup), backup=str(backup or ""))
        self._say(f"imported session {session_id}" + (f" (previous copy backed up to {backup})" if backup else ""))
        return session_id

    def _backup_and_remove_locked(self, session_id: str, reason: str) -> Path:
        """Copy everything stored for a session to archive/backups/, verify it, then remove the originals."""
        document = None
        if self.store.journal_path(session_id).exists() or self.store.snapshot_path(session_id).exists():
            try:
                live, events = self._full_events(session_id)
                document = self._document(live.ctx, events, redacted=True)
            except SessionNotFound:
                document = None
        archives = self.store.find_archives(session_id)
        if document is None and archives:
            document = self.store.read_document(archives[0])  # already redacted when it was archived
        if document is None:
            raise SessionNotFound(f"no session {session_id!r}")
        path = self.store.backup_path(session_id, reason, self._now())
        self.store.write_document(path, document)
        files.remove_durable(self.store.snapshot_path(session_id), self.store.journal_path(session_id))
        self.store.remove_archives(archives)
        self._forget(session_id)
        return path

    # ------------------------------------------------------------------------------------------------ listing
    def list_sessions(
        self,
        *,
        state: Optional[str] = "active",
        owner: Optional[str] = None,
        older_than_hours: Optional[float] = None,
        search: Optional[str] = None,
        sort: str = "last_activity",
        descending: bool = True,
        offset: int = 0,
        limit: Optional[int] = None,
    ) -> tuple[int, list[dict]]:
        """Filtered, sorted page of index entries as (total matching, rows). Reads only the index, but walks all
        of it (about 0.1 s at 100,000 sessions; the admin page keeps sorted orders cached); an owner filter
        walks only that owner's sessions."""
        self.index.refresh()
        now = self.clock.timestamp()
        needle = search.lower() if search else None
        rows = []
        scope = self.index.items(state) if owner is None else self.index.items(state, owner=owner)
        for session_id, entry in scope:
            if older_than_hours is not None and now - float(entry.get("created_at") or now) < older_than_hours * 3600:
                continue
            if needle and needle not in session_id.lower() and needle not in (entry.get("title") or "").lower():
                continue
            rows.append((session_id, entry))
        keys = {
            "last_activity": lambda r: float(r[1].get("last_activity") or 0),
            "created_at": lambda r: float(r[1].get("created_at") or 0),
            "age": lambda r: -float(r[1].get("created_at") or 0),
            "size": lambda r: int(r[1].get("size") or 0),
            "messages": lambda r: int(r[1].get("message_count") or 0),
        }
        if sort not in keys:
            raise ValueError(f"cannot sort by {sort!r}; choose one of {', '.join(keys)}")
        total = len(rows)
        if limit is not None and offset + limit < total:
            picker = heapq.nlargest if descending else heapq.nsmallest
            page = picker(offset + limit, rows, key=keys[sort])[offset:]
        else:
            page = sorted(rows, key=keys[sort], reverse=descending)[offset:]
        return total, [entry_row(session_id, entry) for session_id, entry in page]

    # -------------------------------------------------------------------------------------------------- stats
    def get_active_session_count(self) -> int:
        self.index.refresh()
        count = self.index.counts["active"]
        self._say(f"{count} active session(s)")
        return count

    def get_session_age_stats(self) -> dict:
        from .stats import age_stats

        return age_stats(self)

    def get_storage_usage(self) -> dict:
        from .stats import storage_usage

        return storage_usage(self)

    def get_activity_metrics(self) -> dict:
        from .stats import activity_metrics

        return activity_metrics(self)

    def get_session_stats(self) -> dict:
        from .stats import session_stats

        return session_stats(self)

    def get_alerts(self) -> list[dict]:
        from .stats import current_alerts

        return current_alerts(self)

    # ------------------------------------------------------------------------------------------- maintenance
    def cleanup(self, **options: Any):
        from .rotation import run_cleanup

        return run_cleanup(self, **options)

    def verify(self, *, deep: bool = False, progress: Optional[Callable[[int, int], None]] = None) -> dict:
        from .repair import verify

        return verify(self, deep=deep, progress=progress)

    def reindex(self, progress: Optional[Callable[[int, int], None]] = None) -> dict:
        from .repair import reindex

        return reindex(self, progress=progress)

    def rebuild_from_logs(
        self, log_dir: Union[str, Path, None] = None, progress: Optional[Callable[[int, int], None]] = None
    ) -> dict:
        from .repair import rebuild_from_logs

        return rebuild_from_logs(self, log_dir, progress=progress)


# ------------------------------------------------------------------------------------------ module functions
def entry_row(session_id: str, entry: dict) -> dict:
    """An index entry as the row shown by the CLI and the admin API (ISO times)."""
    return {
        "session_id": session_id,
        "state": entry.get("state"),
        "owner": entry.get("owner"),
        "title": entry.get("title"),
        "language": entry.get("language"),
        "created_at": _ts_iso(entry.get("created_at")),
        "last_activity": _ts_iso(entry.get("last_activity")),
        "message_count": entry.get("message_count", 0),
        "size": entry.get("size", 0),
        "archived_at": _ts_iso(entry.get("archived_at")),
        "archive_path": entry.get("archive_path"),
    }


