"""ConversationContext: what PulsePal remembers about one conversation.

The context is a fold over the session's journal events (`apply_event`), so the same code builds it when a
message arrives, when a session is reloaded after a crash, when it is rebuilt from its conversation log, and when
an export is imported. There is no second way to reach a state, and replaying a log can never disagree with the
live object.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..language import LANGUAGES, detect_language

Role = Literal["user", "assistant", "system"]
MAX_CODE_EXAMPLES = 50
TITLE_LENGTH = 80


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    role: Role
    content: str
    timestamp: datetime
    metadata: dict[str, Any] = Field(default_factory=dict)


class CodeExample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    language: str
    sequence_type: Optional[str] = None
    description: str = ""
    timestamp: datetime


class ConversationContext(BaseModel):
    """One conversation's state. `conversation_history` holds only the most recent MAX_CONVERSATION_HISTORY
    messages (what prompts and the active file carry); the full transcript stays in the conversation log."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    session_id: str
    owner: Optional[str] = None
    created_at: datetime
    activated_at: datetime  # creation or last restore: the session's duration limit counts from here
    last_activity: datetime
    conversation_history: list[Message] = Field(default_factory=list)
    conversation_count: int = 0
    code_examples: list[CodeExample] = Field(default_factory=list)
    preferred_language: str = "matlab"
    language_explicit: bool = False  # chosen by the user: detection no longer overrides it
    sequence_knowledge: Optional[str] = None
    use_sequence_knowledge: bool = False
    title: Optional[str] = None
    pinned: bool = False  # the user's "keep this": never archived for inactivity, never pruned by retention
    metadata: dict[str, Any] = Field(default_factory=dict)

    # --- reading ----------------------------------------------------------------------------------------------
    def get_recent_messages(self, count: int = 10) -> list[Message]:
        return self.conversation_history[-count:] if count > 0 else []

    def format_history_for_prompt(self, count: int = 10, max_chars: int = 6000) -> str:
        """Recent turns as plain text, newest last, trimmed from the oldest side to fit a prompt budget."""
        lines: list[str] = []
        used = 0
        for message in reversed(self.get_recent_messages(count)):
            line = f"{message.role.capitalize()}: {message.content.strip()}"
            if used + len(line) > max_chars and lines:
                break
            lines.append(line)
            used += len(line) + 1
        return "\n".join(reversed(lines))

    def snapshot(self) -> "ConversationContext":
        """A cheap read-only copy: new lists, shared Message objects (the engine never changes a stored message)."""
        return self.model_copy(update={
            "conversation_history": list(self.conversation_history),
            "code_examples": list(self.code_examples),
            "metadata": dict(self.metadata),
        })

    @property
    def active_sequence_knowledge(self) -> Optional[str]:
        return self.sequence_knowledge if self.use_sequence_knowledge and self.sequence_knowledge else None

    # --- the fold ---------------------------------------------------------------------------------------------
    def add_message(
        self,
        role: Role,
        content: str,
        *,
        message_id: str,
        timestamp: datetime,
        metadata: Optional[dict[str, Any]] = None,
        max_history: int = 100,
    ) -> Message:
        message = Message(id=message_id, role=role, content=content, timestamp=timestamp, metadata=metadata or {})
        self.conversation_history.append(message)
        overflow = len(self.conversation_history) - max_history
        if overflow > 0:
            del self.conversation_history[:overflow]
        self.conversation_count += 1
        self.last_activity = max(self.last_activity, timestamp)
        if role == "user":
            if self.title is None and content.strip():
                self.title = " ".join(content.split())[:TITLE_LENGTH]
            if not self.language_explicit:
                detected = detect_language(content)
                if detected:
                    self.preferred_language = detected
        return message

    def add_code_example(
        self,
        code: str,
        language: str,
        *,
        timestamp: datetime,
        sequence_type: Optional[str] = None,
        description: str = "",
    ) -> CodeExample:
        example = CodeExample(
            code=code, language=language, sequence_type=sequence_type, description=description, timestamp=timestamp
        )
        self.code_examples.append(example)
        if len(self.code_examples) > MAX_CODE_EXAMPLES:
            del self.code_examples[: len(self.code_examples) - MAX_CODE_EXAMPLES]
        return example


UPDATABLE_FIELDS = {
    "pinned",
    "preferred_language",
    "language_explicit",
    "sequence_knowledge",
    "use_sequence_knowledge",
    "title",
    "metadata",
    "owner",
}


class EventError(ValueError):
    """A journal event that cannot be applied (unknown type, missing or mistyped field)."""


def context_from_created(event: dict) -> ConversationContext:
    if event.get("type") != "created":
        raise EventError("a session log must start with a 'created' event")
    try:
        created = event["created_at"]
        ctx = ConversationContext(
            session_id=event["session_id"],
            owner=event.get("owner"),
            created_at=created,
            activated_at=created,
            last_activity=created,
            preferred_language=event.get("preferred_language") or "matlab",
            language_explicit=bool(event.get("language_explicit", False)),
            metadata=event.get("metadata") or {},
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise EventError(f"bad 'created' event: {exc}") from None
    if ctx.preferred_language not in LANGUAGES:
        raise EventError(f"bad 'created' event: unknown language {ctx.preferred_language!r}")
    return ctx


def apply_event(ctx: ConversationContext, event: dict, max_history: int) -> None:
    """Advance the context by one journal event. Raises EventError for an event that cannot be applied."""
    kind = event.get("type")
    try:
        if kind == "message":
            ctx.add_message(
                event["role"],
                event["content"],
                message_id=event["id"],
                timestamp=_dt(event["timestamp"]),
                metadata=event.get("metadata") or {},
                max_history=max_history,
            )
        elif kind == "code_example":
            ctx.add_code_example(
                event["code"],
                event["language"],
                timestamp=_dt(event["timestamp"]),
                sequence_type=event.get("sequence_type"),
                description=event.get("description", ""),
            )
        elif kind == "update":
            fields = event["fields"]
            unknown = set(fields) - UPDATABLE_FIELDS
            if unknown:
                raise EventError(f"cannot update {sorted(unknown)}")
            if "preferred_language" in fields and fields["preferred_language"] not in LANGUAGES:
                raise EventError(f"unknown language {fields['preferred_language']!r}")
            checked = ConversationContext.model_validate({**ctx.model_dump(), **fields})  # refuse mistyped values
            for name in fields:
                setattr(ctx, name, getattr(checked, name))
        elif kind == "activated":
            when = _dt(event["timestamp"])
            ctx.activated_at = when
            ctx.last_activity = max(ctx.last_activity, when)
        elif kind == "feedback":
            _apply_feedback(ctx, event)
        elif kind == "created":
            raise EventError("'created' may only be the first event")
        else:
            raise EventError(f"unknown event type {kind!r}")
    except EventError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise EventError(f"bad {kind!r} event: {exc}") from None


FEEDBACK_VALUES = (0, 1)  # Chainlit's thumbs: 0 = not helpful, 1 = helpful


def _apply_feedback(ctx: ConversationContext, event: dict) -> None:
    """A rating of one answer, kept on that message (a later rating replaces it; value None removes it). A rating
    of a message that left the kept history is still in the log, so exports and the admin page see it."""
    value, message_id = event["value"], event["message_id"]
    if value is not None and value not in FEEDBACK_VALUES:
        raise EventError(f"feedback value must be 0 or 1, not {value!r}")
    if not isinstance(message_id, str):
        raise EventError("feedback must name the message it rates")
    comment = event.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise EventError("a feedback comment must be text")
    _dt(event["timestamp"])
    for message in reversed(ctx.conversation_history):
        if message.id == message_id:
            if value is None:
                message.metadata.pop("feedback", None)
            else:
                message.metadata["feedback"] = {"value": value, "comment": comment or "", "at": event["timestamp"]}
            break


def _dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise TypeError(f"timestamp must be an ISO string, got {type(value).__name__}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no time zone")
    return parsed


def replay(events: list[dict], max_history: int) -> ConversationContext:
    """Build a context from a complete event list (first event 'created')."""
    if not events:
        raise EventError("no events")
    ctx = context_from_created(events[0])
    for event in events[1:]:
        apply_event(ctx, event, max_history)
    return ctx
