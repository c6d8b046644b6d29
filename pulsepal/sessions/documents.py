"""Session documents: the one format for export, import, archives and backups.

A document is `{"format": "pulsepal-session", "version": 1, "session_id", "exported_at", "redacted", "session",
"events"}`. `events` is the session's complete conversation log, so importing a document rebuilds exactly the
session that was exported; `session` is the folded state, there for people reading the file. Import trusts only
the events and checks every one of them.
"""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path
from typing import Optional, Union

import orjson

from ..clock import iso as _iso

from .errors import ImportFormatError, InvalidSessionId
from .ids import validate_session_id
from .model import ConversationContext, EventError, apply_event, replay
from .store import DOCUMENT_FORMAT, DOCUMENT_VERSION


def events_from_context(ctx: ConversationContext) -> list[dict]:
    """A log that rebuilds this context, for sessions whose log was lost (only the kept history survives)."""
    events: list[dict] = [
        {
            "type": "created",
            "session_id": ctx.session_id,
            "owner": ctx.owner,
            "created_at": _iso(ctx.created_at),
            "preferred_language": ctx.preferred_language,
            "language_explicit": ctx.language_explicit,
            "metadata": ctx.metadata,
        }
    ]
    if ctx.activated_at != ctx.created_at:
        events.append({"type": "activated", "timestamp": _iso(ctx.activated_at)})
    for m in ctx.conversation_history:
        events.append({"type": "message", "id": m.id, "role": m.role, "content": m.content,
                       "timestamp": _iso(m.timestamp), "metadata": m.metadata})
    for c in ctx.code_examples:
        events.append({"type": "code_example", "code": c.code, "language": c.language,
                       "sequence_type": c.sequence_type, "description": c.description, "timestamp": _iso(c.timestamp)})
    events.append({"type": "update", "timestamp": _iso(ctx.last_activity), "fields": {
        "preferred_language": ctx.preferred_language, "language_explicit": ctx.language_explicit,
        "sequence_knowledge": ctx.sequence_knowledge, "use_sequence_knowledge": ctx.use_sequence_knowledge,
        "title": ctx.title}})
    return events


def load_document_source(source: Union[dict, bytes, str, Path]) -> dict:
    """Accept a parsed document, raw bytes, or a path to a .json / .json.gz export."""
    if isinstance(source, dict):
        return source
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ImportFormatError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise ImportFormatError(f"{path}: is a folder, not an export file") from None
        if path.name.endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                raise ImportFormatError(f"{path}: not a valid gzip file ({exc})") from None
        elif path.name.endswith(".enc"):
            raise ImportFormatError(f"{path}: encrypted archives are restored with restore, not imported")
        source = data
    try:
        document = orjson.loads(source)
    except orjson.JSONDecodeError as exc:
        raise ImportFormatError(f"not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ImportFormatError("not a PulsePal session export: the top level must be a JSON object")
    return document


def validate_document(document: dict, max_history: int, expected_id: Optional[str] = None) -> list[dict]:
    """Check a session document completely; return its events. Raises ImportFormatError saying what is wrong."""
    if document.get("format") != DOCUMENT_FORMAT:
        raise ImportFormatError(f"not a PulsePal session export: 'format' must be {DOCUMENT_FORMAT!r}")
    if document.get("version") != DOCUMENT_VERSION:
        raise ImportFormatError(f"unsupported export version {document.get('version')!r} (expected {DOCUMENT_VERSION})")
    try:
        session_id = validate_session_id(document.get("session_id"))
    except InvalidSessionId as exc:
        raise ImportFormatError(str(exc)) from None
    if expected_id is not None and session_id != expected_id:
        raise ImportFormatError(f"document holds session {session_id!r}, expected {expected_id!r}")
    events = document.get("events")
    if not isinstance(events, list) or not events:
        raise ImportFormatError("'events' must be a non-empty list")
    for number, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            raise ImportFormatError(f"event {number} is not an object")
    if events[0].get("session_id") != session_id:
        raise ImportFormatError("the first event must be the 'created' event of this session")
    try:
        ctx = replay(events[:1], max_history)
    except EventError as exc:
        raise ImportFormatError(f"event 1: {exc}") from None
    for number, event in enumerate(events[1:], start=2):
        try:
            apply_event(ctx, event, max_history)
        except EventError as exc:
            raise ImportFormatError(f"event {number}: {exc}") from None
    return events


def _when(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError):
        return str(value)


def document_to_markdown(document: dict) -> str:
    session = document.get("session", {})
    title = session.get("title") or "PulsePal conversation"
    lines = [
        f"# {title}",
        "",
        f"- Session: `{document.get('session_id')}`",
        f"- Started: {_when(session.get('created_at'))}",
        f"- Last activity: {_when(session.get('last_activity'))}",
        f"- Language: {session.get('preferred_language', 'matlab')}",
        f"- Messages: {session.get('conversation_count', 0)}",
        "",
    ]
    if session.get("use_sequence_knowledge") and session.get("sequence_knowledge"):
        lines += ["## Sequence context", "", session["sequence_knowledge"].strip(), ""]
    lines += ["## Transcript", ""]
    speakers = {"user": "You", "assistant": "PulsePal", "system": "System"}
    for event in document.get("events", []):
        if event.get("type") != "message":
            continue
        lines.append(f"### {speakers.get(event.get('role'), event.get('role'))} — {_when(event.get('timestamp'))}")
        lines.append("")
        lines.append(str(event.get("content", "")).rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
