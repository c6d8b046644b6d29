"""Conversational turns: the two halves of one question and its answer, each one lock hold and one append.

`begin_turn` finds the session (creating, restoring or re-activating it as the caller's rules say) and records the
user's message; `finish_turn` records the answer and the code it gave. The index and the audit log are updated
once per turn, at the end. Split out of manager.py; it works on the manager's own state (the mixin's `self`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from ..clock import iso as _iso
from .errors import SessionError, SessionExists, SessionNotFound
from .ids import validate_session_id
from .model import ConversationContext


@dataclass
class TurnStart:
    """What answering a turn needs, taken under the session lock right after the user's message was stored."""

    session_id: str
    created: bool
    history: list[dict]  # the messages before this one, oldest first: {"role", "content", "metadata"}
    preferred_language: str
    sequence_knowledge: Optional[str]
    owner: Optional[str]
    message_id: str  # the user's message, for finish_turn's audit record

    @classmethod
    def of(cls, ctx: ConversationContext, created: bool, history: int, message_id: str) -> "TurnStart":
        recent = ctx.conversation_history[-(history + 1) : -1] if history > 0 else []
        return cls(ctx.session_id, created, [{"role": m.role, "content": m.content, "metadata": m.metadata} for m in recent],
                   ctx.preferred_language, ctx.active_sequence_knowledge, ctx.owner, message_id)


class TurnsMixin:
    def begin_turn(
        self,
        session_id: Optional[str],
        text: str,
        *,
        owner: Optional[str] = None,
        message_id: Optional[str] = None,
        resume: bool = False,
        history: int = 12,
        durable: bool = True,
    ) -> "TurnStart":
        """Find the session for a conversational turn and durably record the user's message.

        resume=False (run_pulsepal, REST): a missing, unknown, expired or someone else's id gets a new session.
        resume=True (the chat, where a thread is one session for good): an archived session is restored, an
        expired one re-activated, an unknown id created, all under the same id; someone else's id raises
        PermissionError. Returns what the answer needs (recent history, language, sequence knowledge) without
        copying the whole session.

        durable=False writes the message without waiting for the disk; it becomes durable with finish_turn's
        fsync, which covers the whole log. A turn is acknowledged only when it completes, so one fsync per turn
        keeps the promise that nothing acknowledged is lost."""
        event = self._message_event("user", text, None, message_id)
        if session_id is not None:
            validate_session_id(session_id)
        for _ in range(3):  # the cleanup may archive the session between the check and the append: look again
            target, created, reactivate = self._turn_target(session_id, owner, resume)
            events = ([{"type": "activated", "timestamp": event["timestamp"]}] if reactivate else []) + [event]
            try:
                start = self._append(target, events, added_messages=1, sync=durable, index=durable,
                                     view=lambda ctx: TurnStart.of(ctx, created, history, event["id"]))
            except SessionNotFound:
                continue
            if durable:  # otherwise finish_turn records the whole turn
                self.audit.record(self.actor, "write", target, kind="message", role="user", message_id=event["id"])
            return start
        raise SessionError(f"session {session_id!r} kept changing under this turn; try again")

    def _turn_target(self, session_id: Optional[str], owner: Optional[str], resume: bool) -> tuple[str, bool, bool]:
        """(session to write to, created, needs re-activation) for begin_turn."""
        if session_id is None:
            return self.create_session(owner), True, False
        if resume:
            created, reactivate = self._resume_target(session_id, owner, None)
            return session_id, created, reactivate
        with self._lock(session_id):
            try:
                ctx = self._live_locked(session_id).ctx
            except SessionNotFound:
                ctx = None
        mine = ctx is not None and (owner is None or ctx.owner in (None, owner))
        if mine and self.is_expired(ctx) is None:
            return session_id, False, False
        if mine:
            self.archive_session(session_id, reason="expired", only_if_expired=True)
        return self.create_session(owner), True, False

    def _resume_target(self, session_id: str, owner: Optional[str], language: Optional[str]) -> tuple[bool, bool]:
        """Make `session_id` usable under its own id: (created, needs an "activated" event). The one rule for
        chat threads: restore an archived session, create an unknown one, flag an expired one for re-activation;
        someone else's id raises PermissionError (whether it is active or archived)."""
        with self._lock(session_id):
            try:
                ctx = self._live_locked(session_id).ctx
            except SessionNotFound:
                ctx = None
        if ctx is not None:
            if owner is not None and ctx.owner not in (None, owner):
                raise PermissionError("this conversation belongs to another user")
            return False, self.is_expired(ctx) is not None
        entry = self.index.get(session_id)
        if entry is not None and owner is not None and entry.get("owner") not in (None, owner):
            raise PermissionError("this conversation belongs to another user")
        if self.store.find_archives(session_id):
            try:
                self.restore_session(session_id)
            except SessionExists:
                pass
            return False, False
        try:
            self.create_session(owner, session_id=session_id, preferred_language=language)
            return True, False
        except SessionExists:
            return False, False

    def resume_session(self, session_id: str, owner: Optional[str] = None,
                       preferred_language: Optional[str] = None) -> ConversationContext:
        """The chat's session for a thread, active under the thread's id (see _resume_target); a new one gets
        `preferred_language`. Returns a read-only snapshot."""
        session_id = validate_session_id(session_id)
        _, reactivate = self._resume_target(session_id, owner, preferred_language)
        if reactivate:
            return self._append(session_id, {"type": "activated", "timestamp": _iso(self._now())},
                                view=lambda ctx: ctx.snapshot())
        with self._lock(session_id):
            return self._live_locked(session_id).ctx.snapshot()

    def finish_turn(
        self,
        session_id: str,
        text: str,
        *,
        metadata: Optional[dict] = None,
        code_examples: Iterable[dict] = (),
        message_id: Optional[str] = None,
        want_context: bool = False,
        durable: bool = True,
        user_message_id: Optional[str] = None,
    ) -> Optional[ConversationContext]:
        """Record the answer and the code it gave in one write and one fsync (the turn is complete when this
        returns). With want_context, also return a read-only snapshot of the session after the turn.

        durable=False leaves the fsync to a following `sync_session` call, so an event loop can do this quick
        part itself and send only the wait for the disk to a worker thread. `user_message_id` (from TurnStart)
        puts the whole turn in one audit record."""
        session_id = validate_session_id(session_id)
        events = [self._message_event("assistant", text, metadata, message_id)]
        events += [self._code_event(c["code"], c["language"], c.get("sequence_type"), c.get("description", ""))
                   for c in code_examples]
        result = self._append(session_id, events, added_messages=1,
                              view=(lambda ctx: ctx.snapshot()) if want_context else None, sync=durable)
        turn = {"user_message_id": user_message_id} if user_message_id else {}
        self.audit.record(self.actor, "write", session_id, kind="turn" if turn else "message", role="assistant",
                          message_id=events[0]["id"], code_examples=len(events) - 1, **turn)
        return result if want_context else None
