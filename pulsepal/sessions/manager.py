"""SessionManager: the engine's public API, composed of a store and the services that hold the policy.

    SessionManager ─┬─ store       (store.py protocol: stores/files or stores/postgres) — keeps bytes durable
                    ├─ lifecycle   creation, eviction at capacity, which session a caller continues
                    ├─ turns       a question and its answer, written together
                    ├─ archiver    archive / restore / delete / import / export, redaction, backups
                    ├─ cleanup     one rotation pass (expiry, retention, backups)
                    └─ stats       counts, ages, storage, activity, alerts

Every public method validates its arguments before anything is read or written and raises the engine's own errors
(errors.py), each with a message fit to show an operator. The manager itself only wires these together and adds the
few single-event writes (a message, a code example, a settings change).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Optional, Union

from ..clock import SYSTEM_CLOCK, Clock, ts_iso
from ..settings import Settings, get_settings
from . import cleanup_state, events, notices
from .archiving import Archiver
from .core import Core
from .documents import document_to_markdown
from .engine_time import EngineClock
from .errors import SessionNotFound
from .guard import future_stamps
from .history import History
from .ids import check_page, validate_session_id
from .lifecycle import Lifecycle
from .model import ConversationContext, EventError, Message
from .rotation import Cleanup, CleanupReport
from .stats import Stats
from .store import ANY, IndexEntry, Location, Progress, SessionStore
from .stores import open_store
from .turns import Turns, TurnStart

RECONCILE_EVERY_SECONDS = 3600


class SessionManager:
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
        store: Optional[SessionStore] = None,
    ) -> None:
        settings = settings or get_settings()
        if storage_path is not None:
            update: dict[str, Any] = {"session_storage_path": Path(storage_path)}
            if "conversation_log_path" not in settings.model_fields_set:
                update["conversation_log_path"] = Path(storage_path).parent / "conversationLogs"
            settings = settings.model_copy(update=update)
        self.settings = settings
        # Everything the engine writes is stamped with the guard's trusted time, never with a wall clock it knows
        # to be wrong (engine_time.py); `clock.wall_clock` is the injected clock itself.
        self.clock = EngineClock(clock or SYSTEM_CLOCK)
        self.actor = actor
        # `python -c "...SessionManager().archive_expired_sessions()"` shows no return value, so maintenance calls
        # say what they did when run that way (or when an echo function is given).
        if echo is None and sys.argv[:1] == ["-c"]:
            echo = print
            from .oneliner import install_error_hook

            install_error_hook()
        self.store: SessionStore = store or open_store(settings, self.clock.for_store(), actor=actor)
        self.clock.attach(lambda: self.store.read_state("clock"))
        self.core = Core(self.store, settings, self.clock, actor, echo)
        self.archiver = Archiver(self.core)
        self.lifecycle = Lifecycle(self.core, self.archiver)
        self.turns = Turns(self.core, self.archiver, self.lifecycle)
        self.history = History(self.core, self.archiver, self.lifecycle)
        self.stats = Stats(self.core)
        self.cleanup_runner = Cleanup(self.core, self.archiver, self.reconcile_if_due, self.stats.current_alerts)
        self._reconciled_at: Optional[float] = None
        self.reconcile_if_due()

    @property
    def audit(self):  # noqa: ANN201 - the store's audit sink
        return self.store.audit

    def reconcile_if_due(self, force: bool = False) -> int:
        """Catch the index up with sessions a crashed process left unindexed: at open, then at most hourly."""
        now = self.clock.timestamp()
        if not force and self._reconciled_at is not None and now - self._reconciled_at < RECONCILE_EVERY_SECONDS:
            return 0
        self._reconciled_at = now
        return self.store.reconcile()

    # --- creating and finding sessions ----------------------------------------------------------------------------
    def create_session(self, owner: Optional[str] = None, *, session_id: Optional[str] = None,
                       preferred_language: Optional[str] = None, metadata: Optional[dict] = None) -> str:
        """Start a new session and return its id (a new uuid4 unless one is given)."""
        return self.lifecycle.create_session(owner, session_id=session_id, preferred_language=preferred_language,
                                             metadata=metadata)

    def get_session(self, session_id: str) -> Optional[ConversationContext]:
        """A copy of the active session, or None if there is no active session with this id."""
        return self.lifecycle.load(validate_session_id(session_id))

    def require_session(self, session_id: str) -> ConversationContext:
        ctx = self.get_session(session_id)
        if ctx is None:
            raise SessionNotFound(self.core.not_active_message(session_id))
        return ctx

    def is_expired(self, ctx: ConversationContext) -> Optional[str]:
        return self.core.is_expired(ctx)

    def get_or_create_session(self, session_id: Optional[str] = None,
                              owner: Optional[str] = None) -> tuple[ConversationContext, bool]:
        return self.lifecycle.get_or_create_session(session_id, owner)

    def resume_session(self, session_id: str, owner: Optional[str] = None,
                       preferred_language: Optional[str] = None) -> ConversationContext:
        return self.lifecycle.resume_session(session_id, owner, preferred_language)

    def describe(self, session_id: str) -> Optional[dict]:
        """The session's listing row (state, owner, title, times, messages, size), or None: what the web layer
        needs to decide who may see a session, without loading it."""
        entry = self.store.entry(validate_session_id(session_id))
        return entry_row(session_id, entry) if entry is not None else None

    def owner_of(self, session_id: str) -> Optional[str]:
        """The owner of a stored session (active or archived); None when it has none or does not exist."""
        entry = self.store.entry(validate_session_id(session_id))
        return entry.get("owner") if entry else None

    # --- writing --------------------------------------------------------------------------------------------------
    def begin_turn(self, session_id: Optional[str], text: str, **options: Any) -> TurnStart:
        return self.turns.begin_turn(session_id, text, **options)

    def finish_turn(self, start: TurnStart, text: str, **options: Any) -> Optional[ConversationContext]:
        return self.turns.finish_turn(start, text, **options)

    def add_message(self, session_id: str, role: str, content: str, *, metadata: Optional[dict] = None,
                    message_id: Optional[str] = None) -> Message:
        """Append a message; it is on disk (fsync'd) when this returns."""
        session_id = validate_session_id(session_id)
        event = events.message(role, content, self.clock.now(), metadata=metadata, message_id=message_id)
        message = self.store.commit(session_id, [event], added_messages=1,
                                    view=lambda ctx: ctx.conversation_history[-1].model_copy())
        self.core.record("write", session_id, kind="message", role=role, message_id=event["id"])
        return message

    def add_code_example(self, session_id: str, code: str, language: str, *, sequence_type: Optional[str] = None,
                         description: str = "") -> None:
        session_id = validate_session_id(session_id)
        event = events.code_example(code, language, self.clock.now(), sequence_type=sequence_type,
                                    description=description)
        self.store.commit(session_id, [event], view=lambda ctx: None)
        self.core.record("write", session_id, kind="code_example", language=language)

    def update_session(self, session_id: str, **fields: Any) -> ConversationContext:
        """Change settings-like fields: preferred_language (makes it explicit), sequence_knowledge,
        use_sequence_knowledge, title, metadata, owner."""
        session_id = validate_session_id(session_id)
        event = events.update(fields, self.clock.now())
        try:
            ctx = self.store.commit(session_id, [event])
        except EventError as exc:
            raise ValueError(str(exc)) from None
        self.core.record("write", session_id, kind="update", fields=sorted(fields))
        return ctx

    def sync_session(self, session_id: str) -> None:
        """Everything written to the session so far is durable when this returns (after durable=False turns)."""
        self.store.sync(validate_session_id(session_id))

    def checkpoint(self, session_id: str) -> None:
        """Write deferred state now (e.g. when a chat disconnects) instead of waiting for the next interval."""
        self.store.checkpoint(validate_session_id(session_id))

    # --- archive, restore, delete, documents ----------------------------------------------------------------------
    def archive_session(self, session_id: str, reason: str = "manual", *,
                        only_if_expired: bool = False) -> Optional[Location]:
        return self.archiver.archive_session(session_id, reason, only_if_expired=only_if_expired)

    def archive_sessions(self, session_ids, *, reason: str = "manual", only_if_expired: bool = False) -> dict:
        return self.archiver.archive_sessions(session_ids, reason=reason, only_if_expired=only_if_expired)

    def archive_expired_sessions(self) -> list[str]:
        """Archive every session past its duration or idle limit; returns their ids."""
        echo, self.core.echo = self.core.echo, None
        try:
            archived = self.cleanup_runner.archive_expired()
        finally:
            self.core.echo = echo
        self.core.say(f"archived {len(archived)} expired session(s)" + (": " + ", ".join(archived) if archived else ""))
        return archived

    def list_archived_sessions(self) -> list[dict]:
        return self.archiver.list_archived_sessions()

    def list_backups(self) -> list[dict]:
        return self.archiver.list_backups()

    def restore_session(self, session_id: str, date: Optional[str] = None, *,
                        force: bool = False) -> ConversationContext:
        return self.archiver.restore_session(session_id, date, force=force)

    def delete_session(self, session_id: str) -> Location:
        return self.archiver.delete_session(session_id)

    def export_session(self, session_id: str, *, purpose: str = "export") -> dict:
        """The complete session (every message, not only the recent history) as a JSON-ready document.

        `purpose` is what the audit log records ("export", or "read" when it is only displayed)."""
        session_id = validate_session_id(session_id)
        document, state = self.archiver.stored_document(session_id)
        self.core.record(purpose, session_id, state=state)
        return document

    def export_markdown(self, session_id: str) -> str:
        return document_to_markdown(self.export_session(session_id))

    def import_session(self, source: Union[dict, bytes, str, Path], *, force: bool = False) -> str:
        return self.archiver.import_session(source, force=force)

    # --- listing --------------------------------------------------------------------------------------------------
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
        """Filtered, sorted page of sessions as (total matching, rows). Reads only the index; an owner filter
        walks only that owner's sessions."""
        if state not in (None, "active", "archived"):
            raise ValueError(f"state must be active or archived, not {state!r}")
        check_page(offset, limit)
        created_before = None if older_than_hours is None else self.clock.timestamp() - older_than_hours * 3600
        total, page = self.store.list_entries(state=state,  # type: ignore[arg-type]
                                              owner=ANY if owner is None else owner, created_before=created_before,
                                              search=search, sort=sort, descending=descending, offset=offset,
                                              limit=limit)
        return total, [entry_row(session_id, entry) for session_id, entry in page]

    # --- what people do with their history (history.py) ------------------------------------------------------------
    def search_sessions(self, text: str, *, owner: Optional[str] = None, limit: int = 20, offset: int = 0) -> dict:
        """Conversations whose messages (active and archived) or title hold the words; owner=None: everyone's."""
        return self.history.search(text, owner=owner, limit=limit, offset=offset)

    def pin_session(self, session_id: str, pinned: bool = True, *, owner: Optional[str] = None) -> dict:
        return self.history.pin(session_id, pinned, owner=owner)

    def share_session(self, session_id: str, *, owner: str, expires_at: Optional[float] = None) -> dict:
        return self.history.share(session_id, owner=owner, expires_at=expires_at)

    def unshare_session(self, session_id: str, *, owner: Optional[str] = None) -> bool:
        return self.history.unshare(session_id, owner=owner)

    def share_of(self, session_id: str) -> Optional[dict]:
        return self.history.share_of(session_id)

    def list_shares(self, *, owner: Optional[str] = None) -> list[dict]:
        return self.history.shares(owner=owner)

    def shared_view(self, session_id: str, viewer: Optional[str] = None) -> Optional[dict]:
        return self.history.shared_view(session_id, viewer)

    def rate_message(self, session_id: str, message_id: str, value: Optional[int], *, owner: Optional[str] = None,
                     comment: Optional[str] = None) -> None:
        self.history.rate(session_id, message_id, value, owner=owner, comment=comment)

    def feedback_summary(self) -> dict:
        return self.history.feedback_summary()

    def export_user(self, owner: str) -> bytes:
        return self.history.export_user(owner)

    def import_zip(self, data: bytes, *, force: bool = False) -> list[str]:
        return self.history.import_zip(data, force=force)

    def erase_user(self, owner: str) -> dict:
        return self.history.erase_user(owner)

    # --- stats ----------------------------------------------------------------------------------------------------
    def get_active_session_count(self) -> int:
        count = self.store.aggregates().counts["active"]
        self.core.say(f"{count} active session(s)")
        return count

    def get_session_age_stats(self) -> dict:
        return self.stats.age_stats()

    def get_storage_usage(self) -> dict:
        return self.stats.storage_usage()

    def get_activity_metrics(self) -> dict:
        return self.stats.activity_metrics()

    def get_session_stats(self) -> dict:
        return self.stats.session_stats()

    def get_alerts(self) -> list[dict]:
        return self.stats.current_alerts()

    def cleanup_record(self) -> dict:
        """The last cleanup passes (runs, failures, last run, history), as shared by every process."""
        return cleanup_state.load_cleanup_state(self.store)

    def quarantined(self) -> list[dict]:
        return self.store.quarantined()

    def health(self) -> dict[str, dict]:
        return self.store.probe()

    # --- maintenance ----------------------------------------------------------------------------------------------
    def cleanup(self, **options: Any) -> CleanupReport:
        return self.cleanup_runner.run(**options)

    def verify(self, *, deep: bool = False, progress: Progress = None) -> dict:
        report = self.store.verify(deep=deep, progress=progress)
        report["future_stamps"] = future_stamps(self.store.entries(), self.core.clock.timestamp())  # a warning only
        self.core.record("verify", None, ok=report.get("ok"), deep=deep)
        return report

    def reindex(self, progress: Progress = None) -> dict:
        report = self.store.reindex(progress=progress)
        self.core.record("reindex", None, active=report.get("active"), archived=report.get("archived"))
        return report

    def rebuild_from_logs(self, log_dir: Union[str, Path, None] = None, progress: Progress = None) -> dict:
        report = self.store.rebuild_from_logs(str(log_dir) if log_dir else None, progress)
        self.core.record("rebuild_from_logs", None, rebuilt=len(report["rebuilt"]), skipped=len(report["skipped"]))
        return report

    # --- notices to the other processes on this store (notices.py) -----------------------------------------------
    def announce_deletion(self, owner: str, deleted: Optional[list[str]]) -> None:
        """Tell every app process on this store that these conversations of `owner` (None: all of them) are gone,
        so the tabs they serve follow at once. Raises when the notices cannot go (the deletion stands)."""
        self.store.announce(notices.deletions(owner, deleted))

    def listen_for_deletions(self, deliver: Callable[[dict], None],
                             resync: Optional[Callable[[], None]] = None) -> notices.Listening:
        """Hand the other processes' notices to `deliver` (check them with `notices.read`), from a thread of its
        own; `resync` is called when some may have been missed."""
        return self.store.listen(deliver, resync)

    def close(self) -> None:
        self.store.close()


def entry_row(session_id: str, entry: IndexEntry) -> dict:
    """An index entry as the row shown by the CLI and the admin API (ISO times)."""
    return {
        "session_id": session_id,
        "state": entry.get("state"),
        "owner": entry.get("owner"),
        "title": entry.get("title"),
        "language": entry.get("language"),
        "created_at": ts_iso(entry.get("created_at")),
        "last_activity": ts_iso(entry.get("last_activity")),
        "message_count": entry.get("message_count", 0),
        "size": entry.get("size", 0),
        "pinned": bool(entry.get("pinned")),
        "archived_at": ts_iso(entry.get("archived_at")),
        "archive_path": entry.get("archive_path"),
    }
