"""How a session becomes a `sessions` row and `events` rows, and back.

Events are stored as the exact orjson bytes of the journal event (bytea, not jsonb): an export after a round trip is
byte-for-byte the log that was written, big integers and key order included, and text PostgreSQL cannot hold in a
text column (a NUL character) survives. Only derived, searchable copies (titles, message text) go into text
columns, with NUL removed.

An active session's row carries its folded scalar state (`state_doc`: the context without its message history and
code examples). Loading it reads that and the tail of its log (the last MAX_CONVERSATION_HISTORY messages, the last
code examples and the feedback given since) and folds the tail with `model.apply_event`, the one fold there is.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

import orjson

from ...model import MAX_CODE_EXAMPLES, ConversationContext, apply_event
from ...store import IndexEntry

ROW_COLUMNS = ("id, state, owner, created_at, activated_at, last_activity, message_count, title, language, size, "
               "pinned, archived_at, archive_day")
FOLDED_BY_MESSAGES = ("conversation_count", "last_activity", "title", "preferred_language")
SEARCHABLE = "message"


class UnencodableEvent(ValueError):
    """An event holding something JSON cannot carry (an integer beyond 64 bits, a non-string key)."""


def encode_event(event: dict) -> bytes:
    try:
        return orjson.dumps(event)
    except TypeError as exc:
        raise UnencodableEvent(f"cannot store this value as JSON: {exc}") from None


def clean_text(value: Optional[str]) -> Optional[str]:
    """A copy PostgreSQL's text type accepts (it cannot hold NUL)."""
    return value.replace("\x00", "") if value and "\x00" in value else value


def event_rows(events: Iterable[dict]) -> tuple[list[str], list[bytes], list[Optional[str]]]:
    """(kinds, bodies, search texts) arrays for `unnest`, in log order."""
    kinds, bodies, texts = [], [], []
    for event in events:
        kind = str(event.get("type"))
        kinds.append(kind)
        bodies.append(encode_event(event))
        texts.append(clean_text(event.get("content")) if kind == SEARCHABLE else None)
    return kinds, bodies, texts


def state_doc(ctx: ConversationContext) -> bytes:
    return orjson.dumps(ctx.model_dump(mode="json", exclude={"conversation_history", "code_examples"}))


def context_from_tail(doc: bytes, tail: Iterable[tuple[int, bytes]], max_history: int) -> ConversationContext:
    """The active session from its row's folded state and the tail of its log (seq, body) in any order."""
    data = orjson.loads(doc)
    ctx = ConversationContext.model_validate({**data, "conversation_history": [], "code_examples": []})
    folded = {name: getattr(ctx, name) for name in FOLDED_BY_MESSAGES}
    for _seq, body in sorted(tail, key=lambda row: row[0]):
        apply_event(ctx, orjson.loads(body), max_history)
    for name, value in folded.items():  # the row already counts every message of the log, not only the tail
        setattr(ctx, name, value)
    return ctx


def row_values(ctx: ConversationContext) -> dict[str, Any]:
    """The index columns of an active session, from its context."""
    return {
        "owner": ctx.owner,
        "created_at": ctx.created_at.timestamp(),
        "activated_at": ctx.activated_at.timestamp(),
        "last_activity": ctx.last_activity.timestamp(),
        "message_count": ctx.conversation_count,
        "title": clean_text(ctx.title),
        "language": ctx.preferred_language,
        "pinned": ctx.pinned,
    }


def archive_location(day: Any, session_id: str) -> str:
    """Where an archive is kept, one spelling everywhere (the index, what archiving returns, verify): the file
    store's relative path has the same shape, `archive/DAY/...`."""
    return f"postgres:archive/{day}/{session_id}"


def entry_from_row(row: tuple) -> tuple[str, IndexEntry]:
    """(id, entry) from a row selected with ROW_COLUMNS."""
    (session_id, state, owner, created_at, activated_at, last_activity, message_count, title, language, size,
     pinned, archived_at, archive_day) = row
    entry: IndexEntry = {
        "state": state,
        "owner": owner,
        "created_at": created_at,
        "activated_at": activated_at,
        "last_activity": last_activity,
        "message_count": message_count,
        "title": title,
        "language": language,
        "size": size,
    }
    if pinned:
        entry["pinned"] = True
    if state == "archived":
        entry["archived_at"] = archived_at
        entry["archive_path"] = archive_location(archive_day, session_id)
    return session_id, entry


def tail_limits(max_history: int) -> dict[str, int]:
    return {"history": max_history, "code": MAX_CODE_EXAMPLES}


