"""`POST /query`: the spec's REST form of run_pulsepal, mounted into the chat server.

The question may come as JSON `{"text": ...}` (or `{"query": ...}`), as a form field, or as the `text` query
parameter the spec's FastAPI example implies; the session id comes in the `session-id` header. Unknown or expired
ids start a new session (the answer names it); a malformed id is the caller's mistake and gets 400.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Optional

from fastapi import APIRouter, Header, HTTPException, Request

from ..main_agent import QueryError, run_pulsepal
from ..sessions import InvalidSessionId

OwnerResolver = Callable[[Request], Awaitable[Optional[str]]]


async def _no_owner(request: Request) -> Optional[str]:
    return None


async def _read_text(request: Request) -> str:
    text = request.query_params.get("text")
    if text is not None:
        return text
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("application/json"):
            body = await request.json()
            if not isinstance(body, dict):
                raise HTTPException(400, "the JSON body must be an object like {\"text\": \"...\"}")
            value = body.get("text", body.get("query"))
        elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("text", form.get("query"))
        else:
            value = (await request.body()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "the request body could not be read as JSON, a form or UTF-8 text") from None
    if not isinstance(value, str):
        raise HTTPException(400, "send the question as {\"text\": \"...\"}")
    return value


def build_router(owner_of: OwnerResolver = _no_owner, manager_factory=None) -> APIRouter:
    """The router; `owner_of` maps a request to the authenticated user (the chat app supplies it)."""
    router = APIRouter()

    @router.post("/query")
    async def query(request: Request, session_id: Optional[str] = Header(None)):
        text = await _read_text(request)
        owner = await owner_of(request)
        manager = manager_factory() if manager_factory else None
        try:
            sid, response = await run_pulsepal(text, session_id or None, owner=owner, manager=manager)
        except InvalidSessionId as exc:
            raise HTTPException(400, str(exc)) from None
        except QueryError as exc:
            raise HTTPException(400, str(exc)) from None
        return {"session_id": sid, "response": response}

    return router
