"""Conversational turns: a question and its answer, recorded together as one durable write.

`begin_turn` decides which session the turn belongs to (continuing, creating, restoring or re-activating it as the
caller's rules say) and hands back what answering needs: recent history, language, sequence knowledge. It writes
nothing, except bringing an archived thread back. `finish_turn` then records the question, the answer and the code
it gave in one append and one fsync (one commit on PostgreSQL). So:

- a turn is acknowledged only when both messages are durable, and a crash while answering leaves nothing behind,
  in particular no empty session (a chat opened and never used is never stored);
- two tabs on one session can never interleave their questions and answers (U1 U2 A1 A2): each pair is written
  whole, and each answer also records the id of the question it answers (`reply_to`).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from . import events
from .archiving import Archiver
from .core import Core
from .errors import SessionExists, SessionNotFound, storage_error
from .ids import new_session_id, validate_session_id
from .lifecycle import Lifecycle
from .model import ConversationContext, apply_event, replay

NEW_SESSION_FIELDS = ("preferred_language", "sequence_knowledge", "use_sequence_knowledge")
MIN_FREE_BYTES = 256 * 1024  # below this a turn is refused before it is answered


@dataclass
class TurnStart:
    """What answering a turn needs, and what `finish_turn` will write."""

    session_id: str
    created: bool  # the turn starts this session (it is written, with the turn, by finish_turn)
    history: list[dict]  # the messages before this one, oldest first: {"role", "content", "metadata"}
    preferred_language: str
    sequence_knowledge: Optional[str]
    owner: Optional[str]
    message_id: str  # the question's id: the answer's `reply_to`
    pending: list[dict] = field(default_factory=list, repr=False)  # events finish_turn writes before the answer

    @classmethod
    def of(cls, preview: ConversationContext, created: bool, history: int, pending: list[dict]) -> "TurnStart":
        recent = preview.conversation_history[-(history + 1): -1] if history > 0 else []
        return cls(preview.session_id, created,
                   [{"role": m.role, "content": m.content, "metadata": m.metadata} for m in recent],
                   preview.preferred_language, preview.active_sequence_knowledge, preview.owner,
                   pending[-1]["id"], pending)


class Turns:
    def __init__(self, core: Core, archiver: Archiver, lifecycle: Lifecycle) -> None:
        self.core = core
        self.store = core.store
        self.archiver = archiver
        self.lifecycle = lifecycle

    def begin_turn(
        self,
        session_id: Optional[str],
        text: str,
        *,
        owner: Optional[str] = None,
        message_id: Optional[str] = None,
        resume: bool = False,
        history: int = 12,
        new_session: Optional[dict] = None,
    ) -> TurnStart:
        """Resolve the turn's session and prepare the question; nothing is recorded until `finish_turn`.

        resume=False (run_pulsepal, REST): a missing, unknown, expired or someone else's id gets a new session.
        resume=True (the chat, where a thread is one session for good): an archived session is restored, an
        expired one re-activated, an unknown id created, all under the same id; someone else's id raises
        PermissionError. `new_session` holds the settings a session created by this turn starts with
        (preferred_language, sequence_knowledge, use_sequence_knowledge)."""
        core = self.core
        question = events.message("user", text, core.now(), message_id=message_id)
        free = self.store.space().get("free_bytes")
        if free is not None and free < MIN_FREE_BYTES:  # do not make the user read an answer that cannot be kept
            self.store.note_full()
            raise storage_error(OSError(errno.ENOSPC, "no space left for a turn"))
        if session_id is not None:
            validate_session_id(session_id)
        target, ctx, prefix = self._resolve(session_id, owner, resume, dict(new_session or {}))
        if ctx is None:
            preview = replay(prefix, core.settings.max_conversation_history)
            prefix_left: list[dict] = []
        else:
            preview = ctx.snapshot()
            prefix_left = prefix
        for event in prefix_left + [question]:
            apply_event(preview, event, core.settings.max_conversation_history)
        return TurnStart.of(preview, ctx is None, history, prefix + [question])

    def _resolve(self, session_id: Optional[str], owner: Optional[str], resume: bool,
                 new_session: dict) -> tuple[str, Optional[ConversationContext], list[dict]]:
        """(session id, its current state or None when the turn creates it, events to write before the question)."""
        core = self.core
        if session_id is not None and resume:
            ctx = self.lifecycle.bring_back(session_id, owner)
            if ctx is not None:
                return session_id, ctx, [events.activated(core.now())] if core.is_expired(ctx) else []
            return session_id, None, self._creation(session_id, owner, new_session)
        if session_id is not None:
            ctx = self.store.load(session_id)
            mine = ctx is not None and (owner is None or ctx.owner in (None, owner))
            if ctx is not None and mine and core.is_expired(ctx) is None:
                return session_id, ctx, []
            if mine:
                self.archiver.archive_session(session_id, reason="expired", only_if_expired=True)
        new_id = new_session_id()
        return new_id, None, self._creation(new_id, owner, new_session)

    def _creation(self, session_id: str, owner: Optional[str], new_session: dict) -> list[dict]:
        now = self.core.now()
        unknown = set(new_session) - set(NEW_SESSION_FIELDS)
        if unknown:
            raise ValueError(f"a new session cannot start with {', '.join(sorted(unknown))}")
        language = new_session.pop("preferred_language", None)
        created = [events.created(session_id, now, owner=owner, preferred_language=language)]
        settings = {k: v for k, v in new_session.items() if v is not None}
        return created + ([events.update(settings, now)] if settings else [])

    def finish_turn(
        self,
        start: TurnStart,
        text: str,
        *,
        metadata: Optional[dict] = None,
        code_examples: Iterable[dict] = (),
        message_id: Optional[str] = None,
        updates: Optional[dict[str, Any]] = None,
        want_context: bool = False,
        durable: bool = True,
    ) -> Optional[ConversationContext]:
        """Record the whole turn in one write and (unless durable=False) one fsync; the turn is complete when this
        returns. `updates` are settings the turn changed (a language command). durable=False leaves the fsync to a
        following `sync_session`, so an event loop can do this quick part itself and send only the wait for the
        disk to a worker thread. With want_context, return a read-only snapshot of the session after the turn."""
        core = self.core
        now = core.now()
        answer = events.message("assistant", text, now, metadata={**(metadata or {}), "reply_to": start.message_id},
                                message_id=message_id)
        code = [events.code_example(c["code"], c["language"], now, sequence_type=c.get("sequence_type"),
                                    description=c.get("description", "")) for c in code_examples]
        written = list(start.pending) + ([events.update(updates, now)] if updates else []) + [answer] + code
        view = (lambda ctx: ctx.snapshot()) if want_context else (lambda ctx: None)
        commit = dict(create=start.created, sync=durable, added_messages=events.counts_messages(written), view=view)
        try:
            result = self.store.commit(start.session_id, written, **commit)  # type: ignore[arg-type]
        except SessionNotFound:
            # archived (or re-archived by another process) while the answer was written: the turn belongs to this
            # session, so bring it back under its id and record the turn there
            try:
                self.archiver.restore_session(start.session_id)
            except SessionExists:
                pass
            result = self.store.commit(start.session_id, written, **commit)  # type: ignore[arg-type]
        core.record("write", start.session_id, kind="turn", role="assistant", message_id=answer["id"],
                    user_message_id=start.message_id, code_examples=len(code),
                    created=start.created)
        return result
