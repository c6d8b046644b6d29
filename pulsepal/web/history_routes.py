"""HTTP routes for what a user does with their own history from the page (public/pulsepal.js, the chat's links).

- GET  /pulsepal/pins                 the signed-in user's pinned conversations (the sidebar's "Pinned" group)
- POST /pulsepal/pins/<id>            {"pinned": true|false}: pin or unpin one of their conversations
- GET  /pulsepal/export-all.zip       every conversation of theirs: JSON (lossless, importable) and Markdown
- POST /pulsepal/delete-all           {"confirm": true}: remove all of them (the operator keeps a backup a while)
- PUT / DELETE /feedback              Chainlit's own rating routes, answered here instead (see below)

Every route acts for the signed-in user only, on what that user owns (history_actions); a conversation of
someone else is "not found". The security middleware has already refused a state-changing request without a
current user or from another origin; these routes also accept only a JSON body, which a form on another site
cannot send without the browser asking this server first (and it would say no).

Why /feedback is answered here: Chainlit's own handler turns any error of the data layer into a 500, so a rating
of a message that is not the caller's (or not an answer) would look like a server fault. The same data-layer code
runs (history_actions.rate), with the same request and response shapes, and a refusal is a 4xx that says why.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Optional

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from ..dependencies import get_session_manager
from ..sessions import SessionError
from . import auth, history_actions, history_push
from .errors import http_error
from .input_guard import BadJson, read_json

FEEDBACK_ROUTE = "/feedback"
_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


async def signed_in(request: Request) -> str:
    user = await auth.request_user(request)
    if user is None:
        raise HTTPException(401, "sign in first")
    return str(user.identifier)


async def json_body(request: Request) -> dict:
    kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, "send a JSON body (Content-Type: application/json)")
    try:
        body = read_json(await request.body())
    except BadJson as exc:
        raise HTTPException(400, str(exc)) from None
    if not isinstance(body, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return body


async def engine(function, *args: Any) -> Any:
    """Run an engine call in a thread; its errors become the status they mean (someone else's is not found)."""
    try:
        return await asyncio.to_thread(function, get_session_manager(), *args)
    except SessionError as exc:
        raise http_error(exc) from None
    except PermissionError:
        raise HTTPException(404, "no such conversation") from None


def _json(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status, headers=_NO_STORE)


def history_router() -> APIRouter:
    router = APIRouter()

    @router.get("/pulsepal/pins", include_in_schema=False)
    async def pins(request: Request):
        user = await signed_in(request)
        return _json({"pinned": await engine(history_actions.pinned_conversations, user)})

    @router.post("/pulsepal/pins/{session_id}", include_in_schema=False)
    async def set_pin(request: Request, session_id: str):
        user = await signed_in(request)
        body = await json_body(request)
        pinned = body.get("pinned", True)
        if not isinstance(pinned, bool):
            raise HTTPException(400, '"pinned" must be true or false')
        return _json(await engine(history_actions.pin, user, session_id, pinned))

    @router.get("/pulsepal/export-all.zip", include_in_schema=False)
    async def export_all(request: Request):
        user = await signed_in(request)
        data = await engine(history_actions.export_all, user)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", user)[:60] or "user"
        return Response(data, media_type="application/zip", headers={
            **_NO_STORE, "Content-Disposition": f'attachment; filename="pulsepal-conversations-{name}.zip"'})

    @router.post("/pulsepal/delete-all", include_in_schema=False)
    async def delete_all(request: Request):
        user = await signed_in(request)
        body = await json_body(request)
        if body.get("confirm") is not True:
            raise HTTPException(400, 'send {"confirm": true}: this deletes every conversation of yours')
        result = await engine(history_actions.erase_all, user)
        await history_push.conversations_deleted(user)  # the user's open tabs empty their sidebars at once
        return _json({"ok": True, **result})

    @router.put(FEEDBACK_ROUTE, include_in_schema=False)
    async def put_feedback(request: Request):
        user = await signed_in(request)
        body = await json_body(request)
        feedback = body.get("feedback")
        if not isinstance(feedback, dict):
            raise HTTPException(400, '"feedback" must be an object with forId, threadId and value')
        value: Optional[Any] = feedback.get("value")
        if value not in (0, 1) or isinstance(value, bool):
            raise HTTPException(400, "a rating's value is 1 (helpful) or 0 (not helpful)")
        rating = await engine(history_actions.rate, user, feedback.get("threadId"), feedback.get("forId"), value,
                              feedback.get("comment"))
        return _json({"success": True, "feedbackId": rating})

    @router.delete(FEEDBACK_ROUTE, include_in_schema=False)
    async def delete_feedback(request: Request):
        user = await signed_in(request)
        body = await json_body(request)
        await engine(history_actions.unrate, user, body.get("feedbackId"))
        return _json({"success": True})

    return router
