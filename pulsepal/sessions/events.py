"""The journal events a session's log is made of, built in one place so every writer produces the same shapes.

A session is the fold of its events (`model.apply_event`); both stores keep the events as the session's complete,
ordered log. The constructors check what a caller hands in (role, text, sizes) before anything is written, so a
bad argument never reaches a log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from ..clock import iso
from ..language import normalise_language
from .ids import new_session_id
from .model import UPDATABLE_FIELDS

MAX_MESSAGE_CHARS = 1_000_000
ROLES = ("user", "assistant", "system")


def created(
    session_id: str,
    now: datetime,
    *,
    owner: Optional[str] = None,
    preferred_language: Optional[str] = None,
    metadata: Optional[dict] = None,
) -> dict:
    """The first event of every log. A language given here is the user's choice (detection will not override it)."""
    language = normalise_language(preferred_language) if preferred_language else "matlab"
    return {
        "type": "created",
        "session_id": session_id,
        "owner": owner,
        "created_at": iso(now),
        "preferred_language": language,
        "language_explicit": bool(preferred_language),
        "metadata": metadata or {},
    }


def message(
    role: str,
    content: str,
    now: datetime,
    *,
    metadata: Optional[dict] = None,
    message_id: Optional[str] = None,
) -> dict:
    if role not in ROLES:
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
        "timestamp": iso(now),
        "metadata": metadata or {},
    }


def code_example(
    code: str, language: str, now: datetime, *, sequence_type: Optional[str] = None, description: str = ""
) -> dict:
    return {
        "type": "code_example",
        "code": code,
        "language": language,
        "sequence_type": sequence_type,
        "description": description,
        "timestamp": iso(now),
    }


def update(fields: dict[str, Any], now: datetime) -> dict:
    """A settings-like change. A language named here becomes the user's explicit choice."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
    fields = dict(fields)
    if "preferred_language" in fields:
        fields["preferred_language"] = normalise_language(fields["preferred_language"])
        fields.setdefault("language_explicit", True)
    return {"type": "update", "fields": fields, "timestamp": iso(now)}


def activated(now: datetime) -> dict:
    """A restored or re-activated session: its duration limit counts from here."""
    return {"type": "activated", "timestamp": iso(now)}


def feedback(message_id: str, value: Optional[int], now: datetime, *, comment: Optional[str] = None) -> dict:
    """A user's rating of one answer (1 helpful, 0 not helpful, None to take it back)."""
    if comment is not None and len(comment) > 10_000:
        raise ValueError("feedback comments are limited to 10,000 characters")
    return {"type": "feedback", "message_id": message_id, "value": value, "comment": comment, "timestamp": iso(now)}


def counts_messages(events: list[dict]) -> int:
    return sum(1 for event in events if event.get("type") == "message")
