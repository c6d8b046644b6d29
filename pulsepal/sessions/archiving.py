"""Archiving and restoring: moving sessions between active/ and archive/<day>/ without ever having neither.

Split out of manager.py; it works on the manager's own state (the mixin's `self`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional, Union

from ..clock import iso as _iso, ts_iso as _ts_iso
from . import files, journal
from .documents import validate_document
from .errors import SessionError, SessionExists, SessionNotFound
from .ids import validate_session_id
from .model import ConversationContext, replay
from .store import check_day


class ArchivingMixin:
    def archive_session(self, session_id: str, reason: str = "manual", *, only_if_expired: bool = False) -> Optional[Path]:
        """Move an active session to archive/<today>/ (redacted, compressed, optionally encrypted).

        With only_if_expired, expiry is re-checked under the session lock (the index may be stale) and a session
        that is still live is left alone (returns None)."""
        session_id = validate_session_id(session_id)
        outcome = self.archive_sessions([session_id], reason=reason, only_if_expired=only_if_expired)[session_id]
        if isinstance(outcome, Exception):
            raise outcome
        if outcome is not None:
            self._say(f"archived session {session_id} -> {outcome}")
        return outcome

    def archive_sessions(
        self, session_ids: Iterable[str], *, reason: str = "manual", only_if_expired: bool = False
    ) -> dict[str, Union[Path, None, Exception]]:
        """Archive many sessions behind one durability barrier; per id: the archive path, None (left active), or
        the error.

        1. Under each session's lock: write its archive (without fsync) and read it back.
        2. Barrier: fsync every archive and its folder. Nothing has been removed yet.
        3. Under each lock again: if the log is exactly as it was in step 1, remove the active files; if a message
           arrived in between, discard the staged archive and try that session again (up to three rounds).
        A crash anywhere leaves every session active, archived, or (briefly) both; never neither.
        """
        results: dict[str, Union[Path, None, Exception]] = {}
        pending = [validate_session_id(sid) for sid in session_ids]
        for _ in range(3):
            if not pending:
                break
            staged = self._stage_archives(pending, only_if_expired, results)
            files.sync_paths([item[1] for item in staged])
            pending = self._commit_archives(staged, reason, results)
        for session_id in pending:
            results.setdefault(session_id, SessionError(f"session {session_id!r} kept changing; not archived"))
        return results

    def _stage_archives(self, session_ids: list[str], only_if_expired: bool, results: dict) -> list[tuple]:
        day = self._now().strftime("%Y-%m-%d")
        staged = []
        for session_id in session_ids:
            try:
                with self._lock(session_id):
                    try:
                        live, events = self._full_events(session_id)
                    except SessionNotFound:
                        raise SessionNotFound(self._not_active_message(session_id)) from None
                    if only_if_expired and self.is_expired(live.ctx) is None:
                        results[session_id] = None
                        continue
                    document = self._document(live.ctx, events, redacted=True)
                    path = self.store.archive_path(session_id, day)
                    size = self.store.write_document(path, document, durable=False)
                    staged.append((session_id, path, size, document["session"], (live.inode, live.offset)))
            except (SessionError, OSError) as exc:
                results[session_id] = exc
        return staged

    def _commit_archives(self, staged: list[tuple], reason: str, results: dict) -> list[str]:
        now = self._now()
        retry, entries, touched = [], [], []
        existing = self.store.find_archives_many([item[0] for item in staged])
        for session_id, path, size, session, identity in staged:
            jpath, spath = self.store.journal_path(session_id), self.store.snapshot_path(session_id)
            with self._lock(session_id):
                try:
                    st = os.stat(jpath)
                    unchanged = (st.st_ino, st.st_size) == identity
                except FileNotFoundError:
                    unchanged = False
                if not unchanged:
                    self.store.remove_archives([path], durable=False)
                    retry.append(session_id)
                    continue
                older = [p for p in existing[session_id] if p != path]
                touched += files.remove_durable(spath, jpath, *older, durable=False)
                self.store.prune_empty_days(older)
                self._forget(session_id)
                entry = self._entry(ConversationContext.model_validate(session), size=size, state="archived",
                                    archived_at=now.timestamp(), archive_path=str(path.relative_to(self.store.root)))
                self.index.put(session_id, entry)  # under the lock: index changes keep the order of file changes
            entries.append((session_id, entry))
            results[session_id] = path
        files.sync_dirs(touched)
        for session_id, entry in entries:
            self.audit.record(self.actor, "archive", session_id, reason=reason, path=entry["archive_path"])
        return retry

    def archive_expired_sessions(self) -> list[str]:
        """Archive every session past its duration or idle limit; returns their ids."""
        from .rotation import archive_expired

        echo, self._echo = self._echo, None
        try:
            archived = archive_expired(self)
        finally:
            self._echo = echo
        self._say(
            f"archived {len(archived)} expired session(s)" + (": " + ", ".join(archived) if archived else "")
        )
        return archived

    def list_archived_sessions(self) -> list[dict]:
        """Archived sessions, most recently archived first."""
        self.index.refresh()
        rows = []
        for session_id, entry in self.index.items("archived"):
            rows.append(
                {
                    "session_id": session_id,
                    "archived_at": _ts_iso(entry.get("archived_at")),
                    "path": entry.get("archive_path"),
                    "owner": entry.get("owner"),
                    "title": entry.get("title"),
                    "message_count": entry.get("message_count", 0),
                    "size": entry.get("size", 0),
                }
            )
        rows.sort(key=lambda r: r["archived_at"] or "", reverse=True)
        if self._echo:
            self._say(f"{len(rows)} archived session(s)")
            for row in rows:
                self._say(f"  {row['session_id']}  archived {row['archived_at']}  {row['message_count']} messages  {row['path']}")
        return rows

    def restore_session(self, session_id: str, date: Optional[str] = None, *, force: bool = False) -> ConversationContext:
        """Bring an archived session back to active/. Its duration limit restarts from now."""
        session_id = validate_session_id(session_id)
        if date is not None:
            check_day(date)
        paths = self.store.find_archives(session_id, date)
        if not paths:
            where = f" dated {date}" if date else ""
            raise SessionNotFound(f"no archive{where} for session {session_id!r}")
        document = self.store.read_document(paths[0])
        events = validate_document(document, self.settings.max_conversation_history, expected_id=session_id)
        with self._lock(session_id):
            jpath = self.store.journal_path(session_id)
            if jpath.exists() or self.store.snapshot_path(session_id).exists():
                if not force:
                    raise SessionExists(f"session {session_id!r} is already active")
                self._backup_and_remove_locked(session_id, "restore")
            events = events + [{"type": "activated", "timestamp": _iso(self._now())}]
            end = journal.write_log(jpath, events)
            live = self._checkpoint_new(replay(events, self.settings.max_conversation_history), end)
            self._remember(session_id, live)
            self.store.remove_archives(self.store.find_archives(session_id))
            self.index.put(session_id, self._entry(live.ctx, size=live.snapshot_size + end))
        self.audit.record(self.actor, "restore", session_id, source=str(paths[0]))
        self._say(f"restored session {session_id} from {paths[0]}")
        return live.ctx.model_copy(deep=True)

    def delete_session(self, session_id: str) -> Path:
        """Remove a session (active and archived copies) after backing it up; returns the backup's path."""
        session_id = validate_session_id(session_id)
        with self._lock(session_id):
            backup = self._backup_and_remove_locked(session_id, "delete")
            self.index.delete(session_id)
        self.audit.record(self.actor, "delete", session_id, backup=str(backup))
        self._say(f"deleted session {session_id} (backup: {backup})")
        return backup
