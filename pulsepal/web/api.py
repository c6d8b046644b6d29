"""`POST /query`: the spec's REST form of run_pulsepal, mounted into the chat server.

The question may come as JSON `{"text": ...}` (or `{"query": ...}`), as a form field, as UTF-8 text, or as the
`text` query parameter the spec's FastAPI example implies; the session id comes in the `session-id` header.

Order matters: the caller is authenticated before a byte of the body is read (an anonymous caller never makes the
server parse anything), and the body's size is capped by the security middleware. A well-formed id is a
canonical lowercase UUID, as the engine creates them (`validate_new_session_id`); an unknown or expired
well-formed id starts a new session (the answer names it); anything else is the caller's mistake: 400. So is a
body that is not valid UTF-8 or JSON, JSON nested beyond the parser's depth limit, or text with an unpaired
surrogate (`"\\ud800"` is valid JSON but no valid text, and could never be stored). `GET /query` is 405, not the
chat page the catch-all would serve.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Optional
from urllib.parse import parse_qsl

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import JSONResponse

from ..main_agent import QueryError, run_pulsepal
from ..sessions import InvalidSessionId, SessionError
from ..sessions.ids import validate_new_session_id
from .errors import http_error
from .input_guard import BadJson, read_json

OwnerResolver = Callable[[Request], Awaitable[Optional[str]]]


async def _no_owner(request: Request) -> Optional[str]:
    return None


def _parse_json(raw: bytes):
    try:
        return read_json(raw)
    except BadJson as exc:
        raise HTTPException(400, str(exc)) from None


async def _read_text(request: Request) -> str:
    text: object = request.query_params.get("text")
    if text is None:
        content_type = request.headers.get("content-type", "").lower()
        if content_type.startswith("application/json"):
            body = _parse_json(await request.body())
            if not isinstance(body, dict):
                raise HTTPException(400, "the JSON body must be an object like {\"text\": \"...\"}")
            text = body.get("text", body.get("query"))
        elif content_type.startswith("application/x-www-form-urlencoded"):
            try:  # parsed here, strictly: Starlette's parser would quietly replace bytes that are not UTF-8
                fields = dict(parse_qsl((await request.body()).decode("ascii"), errors="strict"))
            except (UnicodeDecodeError, ValueError):
                raise HTTPException(400, "the form is not valid URL-encoded UTF-8") from None
            text = fields.get("text", fields.get("query"))
        elif content_type.startswith("multipart/form-data"):
            try:
                form = await request.form()
            except (ValueError, UnicodeDecodeError, AssertionError):
                raise HTTPException(400, "the form could not be read") from None
            text = form.get("text", form.get("query"))
        else:
            try:
                text = (await request.body()).decode("utf-8")
            except UnicodeDecodeError:
                raise HTTPException(400, "the request body is not valid UTF-8 text") from None
    if not isinstance(text, str):
        raise HTTPException(400, "send the question as {\"text\": \"...\"}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise HTTPException(400, "the question contains an unpaired surrogate (\\ud800-\\udfff): send valid text") \
            from None
    return text


def build_router(owner_of: OwnerResolver = _no_owner, manager_factory=None) -> APIRouter:
    """The router; `owner_of` maps a request to the authenticated user (the chat app supplies it)."""
    router = APIRouter()

    @router.post("/query")
    async def query(request: Request, session_id: Optional[str] = Header(None)):
        owner = await owner_of(request)  # first: no body is read for a caller who may not ask
        if session_id:
            try:
                validate_new_session_id(session_id)
            except InvalidSessionId as exc:
                raise HTTPException(400, str(exc)) from None
        text = await _read_text(request)
        manager = manager_factory() if manager_factory else None
        try:
            sid, response = await run_pulsepal(text, session_id or None, owner=owner, manager=manager)
        except QueryError as exc:
            raise HTTPException(400, str(exc)) from None
        except PermissionError as exc:
            raise HTTPException(403, str(exc)) from None
        except SessionError as exc:  # a full disk is a 507 with a plain reason, never a bare 500
            raise http_error(exc) from None
        return {"session_id": sid, "response": response}

    @router.api_route("/query", methods=["GET", "HEAD"], include_in_schema=False)
    async def query_wrong_method():
        return JSONResponse({"detail": "use POST /query with {\"text\": \"...\"}"}, 405, headers={"Allow": "POST"})

    return router
