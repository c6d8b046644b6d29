"""Archiving, restoring, deleting, importing and exporting: moving whole sessions between the active store, the
archive and the backups, without ever having neither.

The policy lives here: what leaves the active store is redacted first (archives and backups never hold a usable
secret), every destructive step keeps a backup before it removes anything, and everything is audited. The store
only moves what it is given, and refuses (SessionChanged) when the session moved on since it was read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional, Union

from ..clock import day, ts_iso
from .core import Core
from .documents import build_document, load_document_source, validate_document
from .errors import ArchiveDamaged, SessionError, SessionExists, SessionNotFound, StorageError
from .events import activated
from .ids import check_day, validate_session_id
from .model import ConversationContext
from .store import Archived, ArchiveItem, Location, Outcome, SessionChanged

ROUNDS = 3  # a session that changes under an operation this many times in a row is reported, not retried forever


class Archiver:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    # --- archiving ------------------------------------------------------------------------------------------------
    def archive_session(self, session_id: str, reason: str = "manual", *,
                        only_if_expired: bool = False) -> Optional[Location]:
        """Move an active session to the archive (redacted, compressed, optionally encrypted); returns where.

        With only_if_expired, expiry is checked on the session as it is now (an index may lag) and a session that is
        still live is left alone (returns None)."""
        session_id = validate_session_id(session_id)
        outcome = self.archive_sessions([session_id], reason=reason, only_if_expired=only_if_expired)[session_id]
        if isinstance(outcome, Exception):
            raise outcome
        if outcome is None:
            return None
        self.core.say(f"archived session {session_id} -> {outcome.location}")
        return outcome.location

    def archive_sessions(
        self, session_ids: Iterable[str], *, reason: str = "manual", only_if_expired: bool = False
    ) -> dict[str, Outcome]:
        """Archive many sessions (the store moves a batch behind one durability barrier); per id: Archived, None
        (left active) or the error. A session that receives a message meanwhile is read again and retried."""
        core = self.core
        results: dict[str, Outcome] = {}
        pending = [validate_session_id(sid) for sid in session_ids]
        for _ in range(ROUNDS):
            if not pending:
                break
            now = core.now()
            items = []
            views = self.store.read_logs(pending)  # one read for the batch (one query on PostgreSQL)
            for session_id in pending:
                view = views.get(session_id)
                if isinstance(view, Exception):
                    results[session_id] = view
                    continue
                if view is None:
                    results[session_id] = SessionNotFound(core.not_active_message(session_id))
                elif only_if_expired and core.is_expired(view.ctx) is None:
                    results[session_id] = None
                else:
                    document = build_document(view.ctx, view.events, now, redacted=True)
                    items.append(ArchiveItem(session_id, document, view.version))
            outcomes = self.store.archive(items, day(now)) if items else {}
            pending = []
            for session_id, outcome in outcomes.items():
                if isinstance(outcome, SessionChanged):
                    pending.append(session_id)
                    continue
                results[session_id] = outcome
                if isinstance(outcome, Archived):
                    core.record("archive", session_id, reason=reason, path=str(outcome.location))
        for session_id in pending:
            results[session_id] = SessionError(f"session {session_id!r} kept changing; not archived")
        return results

    def list_archived_sessions(self) -> list[dict]:
        """Archived sessions, most recently archived first."""
        rows = [
            {
                "session_id": session_id,
                "archived_at": ts_iso(entry.get("archived_at")),
                "path": entry.get("archive_path"),
                "owner": entry.get("owner"),
                "title": entry.get("title"),
                "message_count": entry.get("message_count", 0),
                "size": entry.get("size", 0),
            }
            for session_id, entry in self.store.entries("archived")
        ]
        rows.sort(key=lambda r: r["archived_at"] or "", reverse=True)
        if self.core.echo:
            self.core.say(f"{len(rows)} archived session(s)")
            for row in rows:
                self.core.say(f"  {row['session_id']}  archived {row['archived_at']}  {row['message_count']} messages"
                              f"  {row['path']}")
        return rows

    def list_backups(self) -> list[dict]:
        """What destructive operations kept, newest first: on either store `name` is what `import_session` takes
        back (the file store's backups are also files in archive/backups/; the database store's are rows)."""
        rows = [{"name": b.name, "session_id": b.session_id, "reason": b.reason, "created_at": ts_iso(b.created_at)}
                for b in self.store.backups()]
        rows.reverse()
        return rows

    # --- restoring ------------------------------------------------------------------------------------------------
    def restore_session(self, session_id: str, date: Optional[str] = None, *,
                        force: bool = False) -> ConversationContext:
        """Bring an archived session back to the active store. Its duration limit restarts from now.
        force replaces an active copy (which is backed up first)."""
        core = self.core
        session_id = validate_session_id(session_id)
        if date is not None:
            check_day(date)
        found = self.store.read_archive(session_id, date)
        if found is None:
            where = f" dated {date}" if date else ""
            raise SessionNotFound(f"no archive{where} for session {session_id!r}")
        document, source = found
        events = validate_document(document, core.settings.max_conversation_history, expected_id=session_id)
        if force:
            view = self.store.read_log(session_id)
            if view is not None:
                self.store.write_backup(build_document(view.ctx, view.events, core.now(), redacted=True), "restore")
        elif self.store.locate(session_id) == "active":
            raise SessionExists(f"session {session_id!r} is already active")
        ctx = self.store.install(session_id, events + [activated(core.now())], replace=force)
        core.record("restore", session_id, source=str(source))
        core.say(f"restored session {session_id} from {source}")
        return ctx

    # --- removing -------------------------------------------------------------------------------------------------
    def backup_and_remove(self, session_id: str, reason: str) -> Location:
        """Keep a complete (redacted) copy among the backups, then remove every copy of the session."""
        for _ in range(ROUNDS):
            view = self.store.read_log(session_id)
            document: Optional[dict]
            if view is not None:
                document = build_document(view.ctx, view.events, self.core.now(), redacted=True)
                version = view.version
            else:
                try:
                    found = self.store.read_archive(session_id)
                except ArchiveDamaged:  # set aside in quarantine: nothing left to back up, only its entry
                    found, document = None, None
                else:
                    if found is None:
                        raise SessionNotFound(f"no session {session_id!r}")
                    document = found[0]  # archives were redacted when they were written
                version = None
            try:
                return self.store.remove(session_id, document, reason, version)
            except SessionChanged:
                continue
        raise SessionError(f"session {session_id!r} kept changing; not removed")

    def delete_session(self, session_id: str) -> Location:
        """Remove a session (active and archived copies) after backing it up; returns where the backup is."""
        session_id = validate_session_id(session_id)
        backup = self.backup_and_remove(session_id, "delete")
        self.core.record("delete", session_id, backup=str(backup))
        self.core.say(f"deleted session {session_id} (backup: {backup})")
        return backup

    # --- documents ------------------------------------------------------------------------------------------------
    def stored_document(self, session_id: str) -> tuple[dict, str]:
        """The whole session as a document, from the active store or the archive; (document, state)."""
        view = self.store.read_log(session_id)
        if view is not None:
            return build_document(view.ctx, view.events, self.core.now(), redacted=False), "active"
        found = self.store.read_archive(session_id)
        if found is None:
            raise SessionNotFound(f"no session {session_id!r} (neither active nor archived)")
        return found[0], "archived"

    def _stored_backup(self, source: Union[dict, bytes, str, Path]) -> Optional[dict]:
        """The backup this store keeps under `source`, when that is not a file: the name a delete or a forced import
        reported (on the database store a backup is a row, `postgres:backups/<name>`, so only this can reach it),
        or a backup's bare name on either store. None when it names no backup: then it is read as a file."""
        try:
            if not isinstance(source, (str, Path)) or Path(source).exists():
                return None
            return self.store.read_backup(str(source))
        except StorageError:  # the store itself failed: say so, not "no such file"
            raise
        except (SessionError, OSError, ValueError):  # not one of this store's backup names, or no such backup
            return None

    def import_session(self, source: Union[dict, bytes, str, Path], *, force: bool = False) -> str:
        """Install an exported session. Refuses to replace an existing one unless force (which backs it up first)."""
        core = self.core
        document = self._stored_backup(source)
        if document is None:
            document = load_document_source(source)
        events = validate_document(document, core.settings.max_conversation_history, now=core.now())
        session_id = document["session_id"]
        state = self.store.locate(session_id)
        if state and not force:
            raise SessionExists(f"session {session_id!r} already exists ({state}); use --force to replace it")
        backup = self.backup_and_remove(session_id, "import") if state else None
        self.store.install(session_id, events, replace=True)
        core.record("import", session_id, replaced=bool(backup), backup=str(backup or ""))
        core.say(f"imported session {session_id}" + (f" (previous copy backed up to {backup})" if backup else ""))
        return session_id
