"""Creating sessions and deciding which session a caller continues: the lifecycle rules of policy.py, applied.

- `create_session` makes room first when MAX_ACTIVE_SESSIONS is reached (the least recently active are archived,
  never dropped), so users are never refused.
- `get_or_create_session` is the spec's rule (run_pulsepal, REST): a missing, unknown, expired or someone else's id
  gets a new session.
- `resume_session` is the chat's rule, where a thread is one session for good: an archived session is restored,
  an expired one re-activated, an unknown id created, all under the same id; someone else's id raises
  PermissionError. `turns.py` applies the same rules to a turn without writing anything before the answer.
"""

from __future__ import annotations

from typing import Optional

from . import events, policy
from .archiving import Archiver
from .core import Core
from .errors import SessionExists, SessionNotFound
from .ids import new_session_id, validate_session_id
from .model import ConversationContext


class Lifecycle:
    def __init__(self, core: Core, archiver: Archiver) -> None:
        self.core = core
        self.store = core.store
        self.archiver = archiver

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
        created = events.created(session_id, self.core.now(), owner=owner, preferred_language=preferred_language,
                                 metadata=metadata)
        self.make_room()
        self.store.commit(session_id, [created], create=True, exclusive=True, view=lambda ctx: None)
        self.core.record("create", session_id, owner=owner)
        return session_id

    def make_room(self) -> list[str]:
        """Archive the least recently active sessions when one more would exceed MAX_ACTIVE_SESSIONS."""
        batch = policy.eviction_batch(self.store.aggregates().counts["active"], self.core.settings.max_active_sessions)
        if not batch:
            return []
        outcomes = self.archiver.archive_sessions(self.store.least_recently_active(batch), reason="capacity")
        return [sid for sid, outcome in outcomes.items() if outcome is not None and not isinstance(outcome, Exception)]

    def get_or_create_session(
        self, session_id: Optional[str] = None, owner: Optional[str] = None
    ) -> tuple[ConversationContext, bool]:
        """The session to continue, or a new one when the id is missing, unknown, expired or someone else's.

        Returns (context, created). An invalid id raises InvalidSessionId: it is a caller error, not a new user."""
        if session_id:
            ctx = self.load(validate_session_id(session_id))
            if ctx is not None and (owner is None or ctx.owner in (None, owner)):
                if self.core.is_expired(ctx) is None:
                    return ctx, False
                try:
                    self.archiver.archive_session(session_id, reason="expired")
                except SessionNotFound:
                    pass
        new_id = self.create_session(owner)
        ctx = self.load(new_id)
        if ctx is None:
            raise SessionNotFound(self.core.not_active_message(new_id))
        return ctx, True

    def load(self, session_id: str) -> Optional[ConversationContext]:
        ctx = self.store.load(session_id)
        if ctx is not None:
            self.core.record("read", session_id)
        return ctx

    # --- the chat's rule ------------------------------------------------------------------------------------------
    def bring_back(self, session_id: str, owner: Optional[str]) -> Optional[ConversationContext]:
        """The session, active under its own id if it exists at all (restored from the archive if need be), or
        None when it does not exist. Someone else's session raises PermissionError, whether active or archived."""
        ctx = self.store.load(session_id)
        if ctx is None:
            state = self.store.locate(session_id)
            if state is None:
                return None
            entry = self.store.entry(session_id)
            stored_owner = entry.get("owner") if entry else None
            if entry is None and state == "archived":  # an index that lags: ask the archive itself
                found = self.store.read_archive(session_id)
                stored_owner = found[0].get("session", {}).get("owner") if found else None
            if owner is not None and stored_owner not in (None, owner):
                raise PermissionError("this conversation belongs to another user")
            if state == "archived":
                try:
                    self.archiver.restore_session(session_id)
                except SessionExists:
                    pass  # restored meanwhile (another tab, another process)
            ctx = self.store.load(session_id)
            if ctx is None:
                return None
        if owner is not None and ctx.owner not in (None, owner):
            raise PermissionError("this conversation belongs to another user")
        return ctx

    def resume_session(self, session_id: str, owner: Optional[str] = None,
                       preferred_language: Optional[str] = None) -> ConversationContext:
        """The chat's session for a thread, active under the thread's id; a new one gets `preferred_language`.
        Returns a read-only snapshot."""
        session_id = validate_session_id(session_id)
        ctx = self.bring_back(session_id, owner)
        if ctx is None:
            try:
                self.create_session(owner, session_id=session_id, preferred_language=preferred_language)
            except SessionExists:
                pass
            ctx = self.bring_back(session_id, owner)
            if ctx is None:
                raise SessionNotFound(self.core.not_active_message(session_id))
        if self.core.is_expired(ctx) is not None:
            return self.store.commit(session_id, [events.activated(self.core.now())])
        return ctx
