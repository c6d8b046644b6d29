"""Session documents: the one format for export, import, archives and backups.

A document is `{"format": "pulsepal-session", "version": 1, "session_id", "exported_at", "redacted", "session",
"events"}`. `events` is the session's complete conversation log, so importing a document rebuilds exactly the
session that was exported; `session` is the folded state, there for people reading the file. Import trusts only
the events and checks every one of them. An archive also carries `archived_at` (see `stamp_archived`); older
archives and every other document have none, and readers ignore it, so the version stays 1. An older archive is
dated by its `exported_at` instead (`archived_time`).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional, Union

import orjson

from ..clock import iso as _iso
from .codec import MAX_INFLATED_BYTES, TooLarge, inflate
from .errors import ImportFormatError, InvalidSessionId
from .ids import validate_session_id
from .model import ConversationContext, EventError, apply_event, replay
from .redaction import redact_events, redact_session

DOCUMENT_FORMAT = "pulsepal-session"
DOCUMENT_VERSION = 1

# Upgrades of older documents, in order: MIGRATIONS[n] turns a version-n document into version n+1. A document is
# brought up to DOCUMENT_VERSION when it is read (import, restore), so archives written by an older release stay
# readable; a document from a newer release than this one is refused with a message saying so.
Migration = Callable[[dict], dict]
MIGRATIONS: dict[int, Migration] = {}


def migrate_document(document: dict) -> dict:
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFormatError(f"unsupported export version {version!r} (expected 1 to {DOCUMENT_VERSION})")
    if version > DOCUMENT_VERSION:
        raise ImportFormatError(
            f"export version {version} was written by a newer PulsePal (this one reads up to {DOCUMENT_VERSION})")
    while version < DOCUMENT_VERSION:
        document = MIGRATIONS[version](dict(document))
        version += 1
        document["version"] = version
    return document


def build_document(ctx: ConversationContext, events: list[dict], now: datetime, *, redacted: bool) -> dict:
    """The one document shape for exports, archives and backups. Archives and backups are redacted."""
    session = ctx.model_dump(mode="json")
    if redacted:
        events = redact_events(events)
        redact_session(session)
    return {
        "format": DOCUMENT_FORMAT,
        "version": DOCUMENT_VERSION,
        "session_id": ctx.session_id,
        "exported_at": _iso(now),
        "redacted": redacted,
        "session": session,
        "events": events,
    }


ARCHIVED_AT = "archived_at"


def stamp_archived(document: dict, when: datetime) -> dict:
    """The document as an archive keeps it: with the instant it was archived, the one the store's listing records.

    The archive file carries this itself because the file store's index is derived data: a rebuild (after a lost or
    corrupt index, or on a data folder restored from a backup) must find the archive time in the archive. The file's
    mtime is not it: a copy without times (`cp -r`, many backup tools) makes every archive "archived now", and
    retention counts from that time. The document was chosen over the gzip header's MTIME field because it is there
    under every codec setting (uncompressed, encrypted), is written in the same atomic write as the archive, and
    moves with the archive between stores unchanged. The key is additive: readers ignore it, so no version bump."""
    return {**document, ARCHIVED_AT: _iso(when.astimezone(timezone.utc))}


def stamped_archive_time(document: dict) -> Optional[datetime]:
    """The `archived_at` an archive carries (an aware instant), or None for an archive written before archives were
    stamped (or a stamp that is not an aware ISO time). `db copy` takes this one as it is, so the copy's archive
    carries the very same stamp."""
    return _aware(document.get(ARCHIVED_AT))


def archived_time(document: dict) -> Optional[float]:
    """When an archive was archived (epoch seconds), from the archive alone, or None when it does not say.

    Its `archived_at` first. An archive written before that stamp existed still carries `exported_at`: every archive
    document is built by the archiving pass (archiving.Archiver) a moment before the store writes it, and a copy
    between stores passes it on unchanged, so it is the archive time to within that moment, whatever happened to the
    file's times since. The caller falls back to what it has (a file's mtime) only when both are missing."""
    for key in (ARCHIVED_AT, "exported_at"):
        when = _aware(document.get(key))
        if when is not None:
            return when.timestamp()
    return None


def _aware(value: object) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


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
            if path.stat().st_size > MAX_INFLATED_BYTES:
                limit = MAX_INFLATED_BYTES // (1024 * 1024)
                raise ImportFormatError(f"{path}: larger than {limit} MB; not a session export")
            data = path.read_bytes()
        except FileNotFoundError:
            raise ImportFormatError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise ImportFormatError(f"{path}: is a folder, not an export file") from None
        if path.name.endswith(".gz"):
            try:
                data = inflate(data)
            except (OSError, EOFError, zlib.error, TooLarge) as exc:
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


FUTURE_SKEW_SECONDS = 300


def validate_document(
    document: dict, max_history: int, expected_id: Optional[str] = None, *, now: Optional[datetime] = None
) -> list[dict]:
    """Check a session document completely; return its events. Raises ImportFormatError saying what is wrong.

    With `now`, times later than now (beyond a few minutes of clock skew) are refused: a session "from the year
    9999" would never expire and would break every age statistic."""
    if document.get("format") != DOCUMENT_FORMAT:
        raise ImportFormatError(f"not a PulsePal session export: 'format' must be {DOCUMENT_FORMAT!r}")
    document = migrate_document(document)
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
    if now is not None:
        latest = max(ctx.created_at, ctx.activated_at, ctx.last_activity)
        if latest.timestamp() > now.timestamp() + FUTURE_SKEW_SECONDS:
            raise ImportFormatError(f"the session has times in the future ({_iso(latest)}); refusing to import it")
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
