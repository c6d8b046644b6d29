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
- users           not stored: a user is their identifier (PersistedUser.id == identifier).
- rename          title; delete = the engine's delete (a backup is kept in archive/backups/).
- feedback        the thumbs up/down (and comment) of an answer, kept by the engine on the answer itself
                  (`rate_message`): exported with the session and summarised on the admin page. A rating's id is
                  "<session id>.<message id>", so taking it back needs nothing but that id.
- sharing         the Share dialog's `is_shared` flag becomes the engine's share record (`share_session`,
                  `unshare_session`); list_threads tells the dialog which are shared. A non-owner's read of a
                  thread (the /share/<id> page, whose route calls get_thread) gets the complete transcript only
                  while a share holds, audited as a view (`shared_view`), and "not found" otherwise.
- elements, favourites: not kept (the UI hides them: no uploads, no favourites).

Who is asking: Chainlit's HTTP routes do not say; server.py makes its current-user dependency record the user here
(`remember_caller`, a context variable of that request). In a chat it is the chat's user. A call with neither (the
socket's connect-time author check) gets the thread's author, and nothing changes.

get_thread restores an archived session to active before a resume, but only for its owner inside their own chat
connection; the author check Chainlit runs before (no chat context yet) reads the archive without touching it, so
someone probing another user's thread id can never cause a restore.

The sidebar lists pinned conversations first (the browser re-sorts by date, so public/pulsepal.js also shows them
in a group of their own). Its search is the engine's whole-history search (`search_sessions`, active and archived,
ranked), the one the CLI and the admin page use; each result's name carries the matching snippet.
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Callable, Dict, List, Optional

from chainlit.data.base import BaseDataLayer
from chainlit.data.utils import queue_until_user_message
from chainlit.step import StepDict
from chainlit.types import PageInfo, PaginatedResponse, Pagination, ThreadDict, ThreadFilter
from chainlit.user import PersistedUser, User

from ..sessions import ArchiveError, InvalidSessionId, SessionExists, SessionNotFound, validate_session_id
from . import history_actions, history_push
from .chat_settings import DATA_ACTION, chat_settings_of

log = logging.getLogger("pulsepal.datalayer")

TITLE_MAX = 200
SNIPPET_MAX = 160
PAGE_MAX = 100
ROLE_TO_STEP = {"user": "user_message", "assistant": "assistant_message", "system": "system_message"}


def _iso(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        return value.replace("+00:00", "Z")
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


_caller: ContextVar[Optional[str]] = ContextVar("pulsepal_http_caller", default=None)


def remember_caller(identifier: Optional[str]) -> None:
    """Record the signed-in user of the HTTP request being served (server.py calls it from Chainlit's
    current-user dependency; the value lives as long as that request's context)."""
    _caller.set(identifier)


def http_caller() -> Optional[str]:
    return _caller.get()


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

    @property
    def manager(self):
        return self._manager_factory()

    # ------------------------------------------------------------------------------------------------ users
    async def get_user(self, identifier: str) -> Optional[PersistedUser]:
        return PersistedUser(id=identifier, identifier=identifier, createdAt=_iso(None), display_name=identifier)

    async def create_user(self, user: User) -> Optional[PersistedUser]:
        return PersistedUser(id=user.identifier, identifier=user.identifier, createdAt=_iso(None),
                             display_name=user.display_name or user.identifier, metadata=user.metadata or {})

    # ------------------------------------------------------------------------------------------- feedback
    async def upsert_feedback(self, feedback) -> str:
        user = http_caller() or _ws_user_identifier()
        return await asyncio.to_thread(history_actions.rate, self.manager, user, feedback.threadId, feedback.forId,
                                       feedback.value, feedback.comment)

    async def delete_feedback(self, feedback_id: str) -> bool:
        user = http_caller() or _ws_user_identifier()
        return await asyncio.to_thread(history_actions.unrate, self.manager, user, feedback_id)

    # ------------------------------------------------------------------------------- not kept (see docstring)
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
        return await asyncio.to_thread(self._get_thread, thread_id, _ws_user_identifier(), http_caller())

    def _get_thread(self, thread_id: str, ws_user: Optional[str],
                    http_user: Optional[str] = None) -> Optional[ThreadDict]:
        entry = self._entry(thread_id)
        if entry is None:
            return None
        manager = self.manager
        owner = entry.get("owner")
        if http_user is not None and http_user != owner:  # someone else's: only through a share that holds
            return self._shared_thread(thread_id, http_user)
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

    def _shared_thread(self, thread_id: str, viewer: str) -> Optional[ThreadDict]:
        """The complete, read-only transcript a share link shows (audited as a view), or None when not shared."""
        try:
            document = self.manager.shared_view(thread_id, viewer)  # None unless its current owner shares it
        except (SessionNotFound, ArchiveError, InvalidSessionId):
            return None
        if document is None:
            return None
        messages = [{"id": e.get("id"), "role": e.get("role"), "content": e.get("content"),
                     "timestamp": e.get("timestamp")}
                    for e in document.get("events") or () if e.get("type") == "message" and e.get("id")]
        session = {**(document.get("session") or {}), "conversation_history": messages}
        return self._thread(thread_id, session, state="shared", feedback=False)

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

    def _thread(self, thread_id: str, session: dict, *, state: str, feedback: bool = True) -> ThreadDict:
        """Each answer sits in a "run" step under its question, as in a live chat: Chainlit shows the thumbs of an
        answer on that run step, with the rating kept (history_actions says how a run's id leads to the answer)."""
        owner = session.get("owner")
        steps: list[StepDict] = []
        question: Optional[str] = None
        for message in session.get("conversation_history") or []:
            when = _iso(message.get("timestamp"))
            parent = None
            if message["role"] == "assistant" and feedback:
                reply_to = (message.get("metadata") or {}).get("reply_to") or question
                run = _step(thread_id, history_actions.run_id_for(message["id"]), "run", "on_message", "", when,
                            reply_to)
                rating = (message.get("metadata") or {}).get("feedback")
                if isinstance(rating, dict) and rating.get("value") in (0, 1):
                    run["feedback"] = {"id": history_actions.feedback_id(thread_id, message["id"]),
                                       "forId": run["id"], "value": rating["value"],
                                       "comment": rating.get("comment") or None}
                steps.append(run)
                parent = run["id"]
            steps.append(_step(thread_id, message["id"], ROLE_TO_STEP.get(message["role"], "system_message"),
                               "You" if message["role"] == "user" else "PulsePal", message.get("content") or "",
                               when, parent))
            if message["role"] == "user":
                question = message["id"]
        return {
            "id": thread_id,
            "createdAt": _iso(session.get("created_at")),
            "name": session.get("title") or "New conversation",
            "userId": owner,
            "userIdentifier": owner,
            "tags": [state],
            "metadata": {
                "chat_settings": {**chat_settings_of(session), DATA_ACTION: "none"},  # the panel as on resume
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
        """A rename, or the Share dialog's switch, reaches the engine; nothing else does.

        Chainlit calls this (a) at a chat's first message with name=<that message> and user_id set: the engine
        already titles the session from its first message and set the owner at creation, so nothing to do;
        (b) on every disconnect with metadata=<the chat's user_session>: settings are written by the settings
        hook as they change, so nothing to do; (c) from the sidebar's rename with only a name; (d) from the Share
        dialog (PUT /project/thread/share, after Chainlit's author check) with metadata holding `is_shared`. Only
        (d) runs in an HTTP request with a signed-in caller, which is how it is told apart from (b): a chat's
        user_session could hold an old `is_shared` copied at resume, and must never share or unshare anything."""
        caller = http_caller()
        if metadata is not None and "is_shared" in metadata and caller is not None and name is None:
            await asyncio.to_thread(self._set_shared, thread_id, bool(metadata.get("is_shared")), caller)
            return
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

    def _set_shared(self, thread_id: str, shared: bool, caller: str) -> None:
        manager = self.manager
        if not shared:
            history_actions.unshare(manager, caller, thread_id)
        elif manager.share_of(validate_session_id(thread_id)) is None:  # a live share keeps its expiry
            history_actions.share(manager, caller, thread_id)

    async def delete_thread(self, thread_id: str):
        def delete() -> Optional[str]:
            try:
                owner = (self.manager.describe(validate_session_id(thread_id)) or {}).get("owner")
                if owner:  # its share goes with it (the store keeps share records apart from the conversation)
                    self.manager.unshare_session(thread_id, owner=owner)
                self.manager.delete_session(thread_id)
                return owner
            except (SessionNotFound, InvalidSessionId):
                return None

        owner = await asyncio.to_thread(delete)
        await history_push.conversations_deleted(owner, [thread_id])  # the owner's other open tabs follow at once

    async def list_threads(self, pagination: Pagination, filters: ThreadFilter) -> PaginatedResponse[ThreadDict]:
        return await asyncio.to_thread(self._list_threads, pagination, filters)

    def _list_threads(self, pagination: Pagination, filters: ThreadFilter) -> PaginatedResponse[ThreadDict]:
        empty: PaginatedResponse[ThreadDict] = PaginatedResponse(
            pageInfo=PageInfo(hasNextPage=False, startCursor=None, endCursor=None), data=[])
        owner = filters.userId
        if not owner:
            return empty  # never list everyone's conversations
        try:
            offset = max(0, int(pagination.cursor)) if pagination.cursor else 0
        except ValueError:
            offset = 0
        size = max(1, min(int(pagination.first or 20), PAGE_MAX))
        manager = self.manager
        shared = history_actions.shared_ids(manager, owner)
        needle = " ".join((filters.search or "").split())[:200]
        if needle:
            found = manager.search_sessions(needle, owner=owner, limit=size, offset=offset)
            total = found["total"]
            rows = [dict(hit, name=_with_snippet(hit.get("title"), hit.get("snippet"))) for hit in found["hits"]]
        else:
            _, listed = manager.list_sessions(state=None, owner=owner, sort="last_activity", descending=True)
            listed = [row for row in listed if row.get("message_count")]  # a chat opened, never used: not history
            listed.sort(key=lambda row: not row.get("pinned"))  # stable: pinned first, each part newest first
            total, rows = len(listed), listed[offset: offset + size]
        data = [self._listed(row, owner, row["session_id"] in shared) for row in rows]
        end = offset + len(rows)
        return PaginatedResponse(pageInfo=PageInfo(hasNextPage=end < total, startCursor=str(offset) if rows else None,
                                                   endCursor=str(end) if rows else None), data=data)

    @staticmethod
    def _listed(row: dict, owner: str, shared: bool) -> ThreadDict:
        return {
            "id": row["session_id"],
            "createdAt": _iso(row.get("created_at") or row.get("last_activity")),
            "name": row.get("name") or row.get("title") or "New conversation",
            "userId": owner,
            "userIdentifier": owner,
            "tags": [row.get("state") or "active"],
            "metadata": {"state": row.get("state"), "last_activity": row.get("last_activity"),
                         "pinned": bool(row.get("pinned")), "is_shared": shared},
            "steps": [],
            "elements": [],
        }


def _step(thread_id: str, step_id: str, kind: str, name: str, output: str, when: str,
          parent_id: Optional[str]) -> StepDict:
    return {"id": step_id, "threadId": thread_id, "parentId": parent_id, "name": name, "type": kind,  # type: ignore[typeddict-item]
            "input": "", "output": output, "createdAt": when, "start": when, "end": when, "streaming": False,
            "isError": False, "waitForAnswer": False, "metadata": {}, "tags": None}


def _with_snippet(title: Optional[str], snippet: Optional[str]) -> str:
    """A search result's name: the title, then the words around the match (plain text; the page escapes it)."""
    title = title or "New conversation"
    snippet = " ".join((snippet or "").split())
    if not snippet or snippet.lower() == title.lower():
        return title
    if len(snippet) > SNIPPET_MAX:
        snippet = snippet[:SNIPPET_MAX - 1].rstrip() + "…"
    return f"{title} — {snippet}"
