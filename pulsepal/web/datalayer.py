"""Chainlit's data layer over the session engine: a Chainlit thread *is* a PulsePal session.

One id (the thread id is the session id), one store (no second database). Mapping:

- thread          session (active or archived); userIdentifier/userId = the session's owner; name = its title;
                  metadata.chat_settings = the session's language and sequence-knowledge settings, so Chainlit's
                  resume hands the settings panel the values the session holds.
- steps           the session's messages (user -> user_message, assistant -> assistant_message, system ->
                  system_message). Messages are written by the turn API (main_agent) inside on_message, where
                  they are durable before the reply completes; Chainlit's own create_step/update_step calls are
                  fire-and-forget tasks that would record every message a second time, so they are accepted and
                  dropped. Resume shows the messages the session keeps (the last MAX_CONVERSATION_HISTORY); the
                  complete transcript is in the JSON/Markdown download.
- users           not stored: a user is their identifier (PersistedUser.id == identifier), whose credentials
                  live with the auth mode (users file, proxy, local).
- rename          title; delete = the engine's delete (a backup is kept in archive/backups/).
- feedback, elements, favourites: not kept (the UI hides them: no uploads, no favourites).

get_thread restores an archived session to active before a resume, but only for its owner inside their own chat
connection; the author check Chainlit runs before (no chat context yet) reads the archive without touching it, so
someone probing another user's thread id can never cause a restore.

Search in the sidebar matches titles through the index (every conversation), and message text through a
per-process cache of each conversation's text, loaded once per change of the conversation. Limits: message text
is searched in the user's SEARCH_TEXT_SESSIONS most recent conversations and, in each, in the messages the session
keeps (the last MAX_CONVERSATION_HISTORY); a cold cache costs one read per conversation on the first search.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Callable, Dict, List, Optional

from chainlit.data.base import BaseDataLayer
from chainlit.data.utils import queue_until_user_message
from chainlit.types import PageInfo, PaginatedResponse, Pagination, ThreadDict, ThreadFilter
from chainlit.user import PersistedUser, User

from ..sessions import ArchiveError, InvalidSessionId, SessionExists, SessionNotFound, validate_session_id

log = logging.getLogger("pulsepal.datalayer")

SEARCH_TEXT_SESSIONS = 200
SEARCH_TEXT_CACHE = 4000
SEARCH_TEXT_CHARS = 200_000
TITLE_MAX = 200
PAGE_MAX = 100
ROLE_TO_STEP = {"user": "user_message", "assistant": "assistant_message", "system": "system_message"}
LANGUAGE_LABELS = {"matlab": "MATLAB", "python": "Python", "octave": "Octave"}
SEQUENCE_KNOWLEDGE_TEMPLATE = """\
Sequence type: 2D gradient echo (FLASH), Cartesian
Scanner limits: B0 3 T, max gradient 32 mT/m, max slew rate 130 T/m/s, RF dead time 100 us, ADC dead time 10 us
Timing: TR 12 ms, TE 5 ms, flip angle 15 deg
Geometry: FOV 256 mm, matrix 256 x 256, slice thickness 3 mm
Current focus: (what you are working on now, e.g. "the spoiler gradient after the readout")"""


def _iso(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        return value.replace("+00:00", "Z")
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def chat_settings_of(session: dict) -> dict:
    """The settings-panel values a session holds (keys are the ChatSettings widget ids). The browser shows these
    on resume, so an unset sequence-knowledge text shows the template, as in a new chat."""
    return {
        "language": session.get("preferred_language") or "matlab",
        "sequence_knowledge": session.get("sequence_knowledge") or SEQUENCE_KNOWLEDGE_TEMPLATE,
        "use_sequence_knowledge": bool(session.get("use_sequence_knowledge")),
    }


def _ws_user_identifier() -> Optional[str]:
    """The user of the chat connection we are called from, or None outside a chat (HTTP routes, socket connect)."""
    try:
        from chainlit.context import context
        from chainlit.session import WebsocketSession

        session = context.session
    except Exception:  # noqa: BLE001 - ChainlitContextException: no chat context
        return None
    if not isinstance(session, WebsocketSession) or session.user is None:
        return None
    return session.user.identifier


class PulsePalDataLayer(BaseDataLayer):
    def __init__(self, manager_factory: Callable) -> None:
        self._manager_factory = manager_factory
        self._text: "OrderedDict[str, tuple[tuple, str]]" = OrderedDict()
        self._text_guard = threading.Lock()

    @property
    def manager(self):
        return self._manager_factory()

    # ------------------------------------------------------------------------------------------------ users
    async def get_user(self, identifier: str) -> Optional[PersistedUser]:
        return PersistedUser(id=identifier, identifier=identifier, createdAt=_iso(None), display_name=identifier)

    async def create_user(self, user: User) -> Optional[PersistedUser]:
        return PersistedUser(
            id=user.identifier,
            identifier=user.identifier,
            createdAt=_iso(None),
            display_name=user.display_name or user.identifier,
            metadata=user.metadata or {},
        )

    # ------------------------------------------------------------------------------- not kept (see docstring)
    async def delete_feedback(self, feedback_id: str) -> bool:
        return False

    async def upsert_feedback(self, feedback) -> str:
        return feedback.id or ""

    @queue_until_user_message()
    async def create_element(self, element):
        return None

    async def get_element(self, thread_id: str, element_id: str):
        return None

    @queue_until_user_message()
    async def delete_element(self, element_id: str, thread_id: Optional[str] = None):
        return None

    @queue_until_user_message()
    async def create_step(self, step_dict):
        return None

    @queue_until_user_message()
    async def update_step(self, step_dict):
        return None

    @queue_until_user_message()
    async def delete_step(self, step_id: str):
        return None

    async def get_favorite_steps(self, user_id: str) -> List:
        return []

    async def build_debug_url(self) -> str:
        return ""

    async def close(self) -> None:
        return None

    # --------------------------------------------------------------------------------------------- threads
    def _entry(self, thread_id: str) -> Optional[dict]:
        try:
            validate_session_id(thread_id)
        except InvalidSessionId:
            return None
        return self.manager.describe(thread_id)

    async def get_thread_author(self, thread_id: str) -> str:
        entry = await asyncio.to_thread(self._entry, thread_id)
        return (entry or {}).get("owner") or ""

    async def get_thread(self, thread_id: str) -> Optional[ThreadDict]:
        return await asyncio.to_thread(self._get_thread, thread_id, _ws_user_identifier())

    def _get_thread(self, thread_id: str, ws_user: Optional[str]) -> Optional[ThreadDict]:
        entry = self._entry(thread_id)
        if entry is None:
            return None
        manager = self.manager
        owner = entry.get("owner")
        try:
            if entry.get("state") == "archived" and ws_user is not None and ws_user == owner:
                try:
                    manager.restore_session(thread_id)
                    log.info("restored archived session %s for resume", thread_id)
                except SessionExists:
                    pass  # restored meanwhile (another tab, another process)
                except SessionNotFound:
                    return None
            session = self._session_dict(thread_id)
        except ArchiveError as exc:  # damaged: the engine set it aside; whoever opens it is told why
            log.warning("opening %s: %s", thread_id, exc)
            return self._unopenable(thread_id, entry, str(exc))
        if session is None:
            return None
        return self._thread(thread_id, session, state=entry.get("state") or "active")

    def _unopenable(self, thread_id: str, entry: dict, reason: str) -> ThreadDict:
        """A thread that cannot be opened any more, shown with one line that says why instead of hanging."""
        when = _iso(None)
        session = {"session_id": thread_id, "owner": entry.get("owner"), "title": entry.get("title"),
                   "created_at": entry.get("created_at"), "conversation_history": [
                       {"id": f"{thread_id}-unopenable", "role": "system", "timestamp": when,
                        "content": f"This conversation cannot be opened: {reason}."}]}
        return self._thread(thread_id, session, state="unopenable")

    def _session_dict(self, session_id: str) -> Optional[dict]:
        """The session as plain data, from the active store or (read-only) from its archive."""
        manager = self.manager
        ctx = manager.get_session(session_id)
        if ctx is not None:
            return ctx.model_dump(mode="json")
        try:
            return manager.export_session(session_id)["session"]
        except SessionNotFound:
            return None

    def _thread(self, thread_id: str, session: dict, *, state: str) -> ThreadDict:
        owner = session.get("owner")
        steps = []
        for message in session.get("conversation_history") or []:
            when = _iso(message.get("timestamp"))
            steps.append(
                {
                    "id": message["id"],
                    "threadId": thread_id,
                    "parentId": None,
                    "name": "You" if message["role"] == "user" else "PulsePal",
                    "type": ROLE_TO_STEP.get(message["role"], "system_message"),
                    "input": "",
                    "output": message.get("content") or "",
                    "createdAt": when,
                    "start": when,
                    "end": when,
                    "streaming": False,
                    "isError": False,
                    "waitForAnswer": False,
                    "metadata": {},
                    "tags": None,
                }
            )
        return {
            "id": thread_id,
            "createdAt": _iso(session.get("created_at")),
            "name": session.get("title") or "New conversation",
            "userId": owner,
            "userIdentifier": owner,
            "tags": [state],
            "metadata": {
                "chat_settings": chat_settings_of(session),
                "session_id": thread_id,
                "state": state,
            },
            "steps": steps,
            "elements": [],
        }

    async def update_thread(
        self,
        thread_id: str,
        name: Optional[str] = None,
        user_id: Optional[str] = None,
        metadata: Optional[Dict] = None,
        tags: Optional[List[str]] = None,
    ):
        """Only a rename reaches the engine.

        Chainlit calls this (a) at a chat's first message with name=<that message> and user_id set: the engine
        already titles the session from its first message and set the owner at creation, so nothing to do;
        (b) on every disconnect with metadata=<the chat's user_session>: settings are written by the settings
        hook as they change, so nothing to do; (c) from the sidebar's rename with only a name."""
        if name is None or user_id is not None:
            return
        title = " ".join(str(name).split())[:TITLE_MAX]
        if not title:
            return
        await asyncio.to_thread(self._rename, thread_id, title)

    def _rename(self, thread_id: str, title: str) -> None:
        entry = self._entry(thread_id)
        if entry is None:
            return
        manager = self.manager
        if entry.get("state") == "archived":  # an archived session cannot change in place: bring it back first
            try:
                manager.restore_session(thread_id)
            except SessionExists:
                pass
        manager.update_session(thread_id, title=title)

    async def delete_thread(self, thread_id: str):
        def delete() -> None:
            try:
                self.manager.delete_session(validate_session_id(thread_id))
            except (SessionNotFound, InvalidSessionId):
                pass
            with self._text_guard:
                self._text.pop(thread_id, None)

        await asyncio.to_thread(delete)

    async def list_threads(self, pagination: Pagination, filters: ThreadFilter) -> PaginatedResponse[ThreadDict]:
        return await asyncio.to_thread(self._list_threads, pagination, filters)

    def _list_threads(self, pagination: Pagination, filters: ThreadFilter) -> PaginatedResponse[ThreadDict]:
        empty = PaginatedResponse(pageInfo=PageInfo(hasNextPage=False, startCursor=None, endCursor=None), data=[])
        owner = filters.userId
        if not owner:
            return empty  # never list everyone's conversations
        try:
            offset = max(0, int(pagination.cursor)) if pagination.cursor else 0
        except ValueError:
            offset = 0
        size = max(1, min(int(pagination.first or 20), PAGE_MAX))
        _, rows = self.manager.list_sessions(state=None, owner=owner, sort="last_activity", descending=True)
        rows = [row for row in rows if row.get("message_count")]  # a chat opened but never used is not history
        needle = (filters.search or "").strip().lower()
        if needle:
            rows = self._search(rows, needle)
        page = rows[offset : offset + size]
        data = [
            {
                "id": row["session_id"],
                "createdAt": _iso(row.get("created_at")),
                "name": row.get("title") or "New conversation",
                "userId": owner,
                "userIdentifier": owner,
                "tags": [row.get("state") or "active"],
                "metadata": {"state": row.get("state"), "last_activity": row.get("last_activity")},
                "steps": [],
                "elements": [],
            }
            for row in page
        ]
        end = offset + len(page)
        return PaginatedResponse(
            pageInfo=PageInfo(
                hasNextPage=end < len(rows),
                startCursor=str(offset) if page else None,
                endCursor=str(end) if page else None,
            ),
            data=data,
        )

    # ---------------------------------------------------------------------------------------------- search
    def _search(self, rows: list[dict], needle: str) -> list[dict]:
        found = []
        for position, row in enumerate(rows):
            if needle in (row.get("title") or "").lower() or needle in row["session_id"].lower():
                found.append(row)
            elif position < SEARCH_TEXT_SESSIONS and needle in self._text_of(row):
                found.append(row)
        return found

    def _text_of(self, row: dict) -> str:
        session_id = row["session_id"]
        key = (row.get("state"), row.get("last_activity"), row.get("message_count"))
        with self._text_guard:
            cached = self._text.get(session_id)
            if cached is not None and cached[0] == key:
                self._text.move_to_end(session_id)
                return cached[1]
        session = self._session_dict(session_id) or {}
        text = "\n".join(m.get("content") or "" for m in session.get("conversation_history") or [])
        text = text[-SEARCH_TEXT_CHARS:].lower()
        with self._text_guard:
            self._text[session_id] = (key, text)
            self._text.move_to_end(session_id)
            while len(self._text) > SEARCH_TEXT_CACHE:
                self._text.popitem(last=False)
        return text
