"""What people do with their history: search it, pin what matters, share a conversation read-only, rate answers,
take everything with them, or erase it. Policy over the store like the other services; nothing here knows files.

- Search covers every message of every conversation (active and archived) through the store's full-text index.
- Pins: a pinned conversation is shown first, never archived for inactivity and never pruned by retention; pinning
  an archived conversation brings it back first (it is kept active from then on).
- Shares: an owner may share a conversation read-only, optionally until a time, and revoke it; the record lives in
  the store's shared state (every process and replica agrees), and creation, views and revocation are audited.
- Feedback: a rating (helpful / not helpful, with an optional comment) is an event on the rated answer's session,
  so it is exported and archived with it; a small summary (per day, and the latest "not helpful" answers with their
  question) is kept for the admin page.
- Export all / erase all: one zip with every conversation of a user (JSON documents, lossless and importable, and
  Markdown), and removal of all of them, each kept among the backups for SESSION_ARCHIVE_DAYS ("erase").
"""

from __future__ import annotations

import io
import zipfile
from typing import Any, Optional

import orjson

from ..clock import day, iso
from . import events
from .archiving import Archiver
from .core import Core
from .documents import document_to_markdown, load_document_source, validate_document
from .errors import ImportFormatError, InvalidInput, SessionExists, SessionNotFound
from .ids import check_page, validate_session_id
from .lifecycle import Lifecycle
from .store import ANY

FEEDBACK_RECENT = 50
FEEDBACK_DAYS = 60
EXCERPT = 400
MAX_ZIP_MEMBERS = 100_000


class History:
    def __init__(self, core: Core, archiver: Archiver, lifecycle: Lifecycle) -> None:
        self.core = core
        self.store = core.store
        self.archiver = archiver
        self.lifecycle = lifecycle

    # --- search ---------------------------------------------------------------------------------------------------
    def search(self, text: str, *, owner: Optional[str] = None, limit: int = 20, offset: int = 0) -> dict:
        """Ranked conversations whose messages or title hold the words of `text`; owner=None searches everyone's
        (the admin page). Each hit: session_id, title, state, owner, last_activity, snippet."""
        if not isinstance(text, str) or len(text) > 500:
            raise InvalidInput("search text must be at most 500 characters")
        check_page(offset, limit)
        total, hits = self.store.search(text, owner=ANY if owner is None else owner, limit=limit, offset=offset)
        rows = []
        for hit in hits:
            entry = hit.entry if hit.entry is not None else (self.store.entry(hit.session_id) or {})
            rows.append({"session_id": hit.session_id, "title": entry.get("title"), "state": entry.get("state"),
                         "owner": entry.get("owner"), "last_activity": entry.get("last_activity"),
                         "pinned": bool(entry.get("pinned")), "snippet": hit.snippet, "message_id": hit.message_id})
        return {"total": total, "offset": offset, "hits": rows}

    # --- pins -----------------------------------------------------------------------------------------------------
    def pin(self, session_id: str, pinned: bool = True, *, owner: Optional[str] = None) -> dict:
        session_id = validate_session_id(session_id)
        ctx = self.lifecycle.bring_back(session_id, owner)  # an archived conversation comes back to be kept
        if ctx is None:
            raise SessionNotFound(f"no session {session_id!r}")
        self.store.commit(session_id, [events.update({"pinned": bool(pinned)}, self.core.now())],
                          view=lambda c: None)
        self.core.record("pin" if pinned else "unpin", session_id)
        return {"session_id": session_id, "pinned": bool(pinned)}

    # --- shares ---------------------------------------------------------------------------------------------------
    def share(self, session_id: str, *, owner: str, expires_at: Optional[float] = None) -> dict:
        session_id = validate_session_id(session_id)
        entry = self.store.entry(session_id)
        if entry is None or entry.get("owner") != owner:
            raise SessionNotFound(f"no session {session_id!r}")  # someone else's is "not found", not "forbidden"
        now = self.core.clock.timestamp()
        if expires_at is not None and expires_at <= now:
            raise InvalidInput("a share must expire in the future")
        record = {"owner": owner, "created_at": now, "expires_at": expires_at}
        self.store.update_state("shares", lambda shares: {**shares, session_id: record})
        self.core.record("share", session_id, expires_at=expires_at)
        return {"session_id": session_id, **record}

    def unshare(self, session_id: str, *, owner: Optional[str] = None) -> bool:
        """Revoke a share (owner=None: an admin revokes anyone's). Returns whether there was one."""
        session_id = validate_session_id(session_id)
        removed: list[bool] = []

        def change(shares: dict) -> dict:
            record = shares.get(session_id)
            if record is not None and (owner is None or record.get("owner") == owner):
                removed.append(True)
                return {k: v for k, v in shares.items() if k != session_id}
            return shares

        self.store.update_state("shares", change)
        if removed:
            self.core.record("unshare", session_id)
        return bool(removed)

    def _made_by_owner(self, session_id: str, record: dict) -> bool:
        """A share record outlives the deletion of its conversation (deletes, retention and erase do not touch the
        shares), and a freed id may since be someone else's new conversation (a chat may name any unused id): a
        record counts only while the conversation it names exists and is still its maker's."""
        entry = self.store.entry(session_id)
        return entry is not None and entry.get("owner") == record.get("owner")

    def share_of(self, session_id: str) -> Optional[dict]:
        """The share that holds now (not expired, and made by the conversation's current owner), or None."""
        session_id = validate_session_id(session_id)
        record = self.store.read_state("shares").get(session_id)
        if not record or not self._made_by_owner(session_id, record):
            return None
        expires = record.get("expires_at")
        if expires is not None and expires <= self.core.clock.timestamp():
            return None
        return {"session_id": session_id, **record}

    def shares(self, *, owner: Optional[str] = None) -> list[dict]:
        now = self.core.clock.timestamp()
        rows = [{"session_id": sid, **record, "expired": record.get("expires_at") is not None
                 and record["expires_at"] <= now}
                for sid, record in self.store.read_state("shares").items()
                if (owner is None or record.get("owner") == owner) and self._made_by_owner(sid, record)]
        return sorted(rows, key=lambda r: r.get("created_at") or 0, reverse=True)

    def shared_view(self, session_id: str, viewer: Optional[str]) -> Optional[dict]:
        """The transcript a share link shows (the complete conversation, read-only), or None when it is not shared
        (or no longer). Each view is audited."""
        if self.share_of(session_id) is None:
            return None
        document, _ = self.archiver.stored_document(validate_session_id(session_id))
        self.core.record("share_view", session_id, viewer=viewer or "anonymous")
        return document

    # --- feedback -------------------------------------------------------------------------------------------------
    def rate(self, session_id: str, message_id: str, value: Optional[int], *, owner: Optional[str] = None,
             comment: Optional[str] = None) -> None:
        """Keep a rating of one answer (1 helpful, 0 not helpful, None takes it back)."""
        session_id = validate_session_id(session_id)
        ctx = self.lifecycle.bring_back(session_id, owner)
        if ctx is None:
            raise SessionNotFound(f"no session {session_id!r}")
        rated = next((i for i, m in enumerate(ctx.conversation_history) if m.id == message_id), None)
        if rated is None or ctx.conversation_history[rated].role != "assistant":
            raise InvalidInput("only an answer of this conversation can be rated")
        question = next((m.content for m in reversed(ctx.conversation_history[:rated]) if m.role == "user"), "")
        now = self.core.now()
        self.store.commit(session_id, [events.feedback(message_id, value, now, comment=comment)],
                          view=lambda c: None)
        note = {"session_id": session_id, "message_id": message_id, "value": value, "day": day(now), "at": iso(now),
                "comment": (comment or "")[:EXCERPT], "question": question[:EXCERPT],
                "answer": ctx.conversation_history[rated].content[:EXCERPT]}
        self.store.update_state("feedback", lambda state: _fold_feedback(state, note))
        self.core.record("feedback", session_id, message_id=message_id, value=value)

    def feedback_summary(self) -> dict:
        """Helpful / not helpful per day (the last FEEDBACK_DAYS days that had ratings) and the latest answers rated
        not helpful, with their question: where whoever improves the answers should look first."""
        state = self.store.read_state("feedback")
        by_day = state.get("by_day", {})
        days = [{"day": d, "helpful": c.get("1", 0), "not_helpful": c.get("0", 0)} for d, c in sorted(by_day.items())]
        helpful = sum(d["helpful"] for d in days)
        rated = helpful + sum(d["not_helpful"] for d in days)
        recent = [n for n in state.get("recent", []) if n.get("value") == 0]
        return {"days": days, "rated": rated, "helpful": helpful,
                "helpful_rate": round(helpful / rated, 3) if rated else None, "recent_not_helpful": recent}

    # --- a user's whole history -----------------------------------------------------------------------------------
    def export_user(self, owner: str) -> bytes:
        """One zip: every conversation of `owner` as a JSON document (lossless; `sessions import` takes the zip
        back) and as Markdown. Built in memory: a user's history is megabytes, not gigabytes."""
        buffer = io.BytesIO()
        count = 0
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for session_id, _ in list(self.store.entries(None, owner)):
                try:
                    document, _state = self.archiver.stored_document(session_id)
                except SessionNotFound:
                    continue  # removed meanwhile
                archive.writestr(f"conversations/{session_id}.json", orjson.dumps(document, option=orjson.OPT_INDENT_2))
                archive.writestr(f"markdown/{session_id}.md", document_to_markdown(document))
                count += 1
            archive.writestr("README.txt", _export_readme(owner, count, self.core.now()))
        self.core.record("export_user", None, owner=owner, sessions=count)
        return buffer.getvalue()

    def import_zip(self, data: bytes, *, force: bool = False) -> list[str]:
        """Import every conversation of an export-all zip; returns their ids (refuses ids that exist unless force)."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise ImportFormatError(f"not a zip file ({exc})") from None
        names = [n for n in archive.namelist() if n.startswith("conversations/") and n.endswith(".json")]
        if not names or len(names) > MAX_ZIP_MEMBERS:
            raise ImportFormatError("the zip holds no conversations/<id>.json documents")
        documents = []
        for name in names:
            info = archive.getinfo(name)
            if info.file_size > 256 * 1024 * 1024:
                raise ImportFormatError(f"{name}: too large to be a session export")
            try:
                document = load_document_source(archive.read(name))
                # every document is checked before any is installed: a zip imports whole or not at all
                validate_document(document, self.core.settings.max_conversation_history, now=self.core.now())
            except ImportFormatError as exc:
                raise ImportFormatError(f"{name}: {exc}") from None
            documents.append(document)
        existing = [d.get("session_id") for d in documents if self.store.locate(str(d.get("session_id"))) is not None]
        if existing and not force:
            raise SessionExists(f"{len(existing)} of these conversations already exist (e.g. {existing[0]}); use "
                                "--force to replace them (each is backed up first)")
        return [self.archiver.import_session(document, force=force) for document in documents]

    def erase_user(self, owner: str) -> dict:
        """Remove every conversation of `owner` (and their shares); each is kept among the backups, for the operator
        only, for SESSION_ARCHIVE_DAYS, then pruned like any other backup."""
        removed, backups = [], []
        for session_id, _ in list(self.store.entries(None, owner)):
            try:
                backups.append(str(self.archiver.backup_and_remove(session_id, "erase")))
                removed.append(session_id)
            except SessionNotFound:
                continue
        self.store.update_state("shares", lambda shares: {k: v for k, v in shares.items()
                                                          if v.get("owner") != owner})
        if removed:
            self.store.erase_traces()
        self.core.record("erase_user", None, owner=owner, sessions=len(removed))
        return {"owner": owner, "removed": removed, "backups": backups}


def _fold_feedback(state: dict, note: dict) -> dict:
    """Count the rating under its day, replacing an earlier rating of the same answer that is still remembered."""
    by_day: dict[str, dict[str, int]] = {d: dict(c) for d, c in state.get("by_day", {}).items()}
    recent: list[dict[str, Any]] = list(state.get("recent", []))
    for earlier in [n for n in recent if n["message_id"] == note["message_id"]]:
        counts = by_day.get(earlier["day"], {})
        key = str(earlier["value"])
        if counts.get(key):
            counts[key] -= 1
        recent.remove(earlier)
    if note["value"] is not None:
        counts = by_day.setdefault(note["day"], {})
        counts[str(note["value"])] = counts.get(str(note["value"]), 0) + 1
        recent.insert(0, note)
    keep_days = sorted(by_day)[-FEEDBACK_DAYS:]
    return {"by_day": {d: by_day[d] for d in keep_days}, "recent": recent[:FEEDBACK_RECENT]}


def _export_readme(owner: str, count: int, now: Any) -> str:
    return (f"PulsePal conversations of {owner}, exported {iso(now)}: {count} conversation(s).\n\n"
            "conversations/<id>.json  each conversation complete (every message, its settings and code), in the\n"
            "                         format `python -m pulsepal.cli sessions import` reads (give it this zip)\n"
            "markdown/<id>.md         the same conversations to read\n")
