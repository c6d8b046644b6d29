"""Bad input is the caller's mistake: a 4xx that says what is wrong, never a 500 from deep inside a route.

Chainlit's own routes answer some malformed requests with a 500: a JSON string with an unpaired surrogate
(`"\\ud800"`) makes FastAPI's 422 unencodable, an unknown chat `sessionId` on /project/action or /project/element
dereferences None, /set-session-cookie calls `.get` on whatever JSON it got, and /public/ hands a name with a NUL
or over 255 bytes to the file system. Rather than patch each route, one ASGI middleware refuses these before any
route sees them, and our own routes read their bodies with the same `read_json` (so the rules have one home):

- a body that is, or is read as, JSON (Content-Type application/json or */*+json, or none at all, which FastAPI
  parses as JSON; POST /query reads an untyped body as the question's text, so it is left to its own reader)
  must be valid UTF-8, valid JSON, free of unpaired surrogates and nested at most MAX_JSON_DEPTH deep: else 400;
- on the routes that act on an open chat (/project/action, /project/element, /mcp) a `sessionId` no open chat
  has is 404; /set-session-cookie takes an object with a string `session_id`, else 400;
- GET of a static file (/public/, /assets/, /avatars/) whose name holds a NUL or is over-long is 404.

It runs inside the security middleware (security.py), so the body it reads has already been capped at
MAX_REQUEST_BODY_BYTES and its caller authenticated: it buffers at most that much, and only JSON bodies. It also
watches the chat socket's frames (socket_rules.py says why).
"""

from __future__ import annotations

from typing import Any, Optional

import orjson
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import socket_rules
from .security import local_path

MAX_JSON_DEPTH = 64  # far beyond any request the page sends; Python's own parser fails near 1000
MAX_NAME_BYTES = 255  # one path segment (NAME_MAX on Linux)
MAX_FILE_PATH = 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SOCKET_PATH = "/ws/socket.io"
TEXT_BODY_ROUTES = frozenset({"/query"})  # an untyped body is the question itself there (api.py)
CHAT_SESSION_ROUTES = frozenset({"/project/action", "/project/element", "/mcp"})
SESSION_COOKIE_ROUTE = "/set-session-cookie"
FILE_PREFIXES = ("/public/", "/assets/", "/avatars/")


class BadJson(ValueError):
    """The body cannot be taken as JSON; the message says why, in words for the caller."""


def read_json(raw: bytes) -> Any:
    """The one strict JSON reader for request bodies (this middleware, POST /query, the history routes)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        reason = str(exc).split(":", 1)[0]
        if "depth" in reason or "recursion" in reason:
            raise BadJson(f"the JSON body is nested too deep (depth limit {MAX_JSON_DEPTH})") from None
        if "surrogate" in reason or "UTF-8" in reason:
            raise BadJson("the body is not valid UTF-8 text (unpaired surrogates are not text either)") from None
        raise BadJson(f"the request body is not valid JSON ({reason})") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise BadJson(f"the JSON body is nested too deep (depth limit {MAX_JSON_DEPTH})")
    return value


def _depth(value: Any) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:  # deeper is already too deep: no need to look further
                stack.extend((child, level + 1) for child in item)
    return deepest


def _is_json(content_type: Optional[str]) -> bool:
    """FastAPI's rule for when it parses a body as JSON: no Content-Type, or application/json or +json."""
    if not content_type:
        return True
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def _refusal(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status, headers={"Cache-Control": "no-store"})


def _bad_file_name(name: str) -> bool:
    return ("\x00" in name or len(name) > MAX_FILE_PATH
            or any(len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for part in name.split("/")))


def _open_chat(session_id: str) -> bool:
    from chainlit.session import WebsocketSession

    return WebsocketSession.get_by_id(session_id) is not None


def check_body(path: str, body: Any) -> Optional[tuple[int, str]]:
    """(status, reason) when a route-specific rule refuses this well-formed JSON body, else None."""
    if path in CHAT_SESSION_ROUTES and isinstance(body, dict):
        session_id = body.get("sessionId")
        if isinstance(session_id, str) and not _open_chat(session_id):
            return 404, "no open chat has this sessionId (reload the page)"
    if path == SESSION_COOKIE_ROUTE and not (isinstance(body, dict) and isinstance(body.get("session_id"), str)):
        return 400, 'send {"session_id": "<the chat session id>"}'
    return None


class InputGuard:
    def __init__(self, app: ASGIApp, root_path: str = "") -> None:
        self.app = app
        self.root_path = root_path.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = local_path(scope, self.root_path) if scope["type"] in ("http", "websocket") else ""
        if scope["type"] == "websocket":
            if path.startswith(SOCKET_PATH):
                receive = socket_rules.watch_frames(receive)
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "GET")
        if method in ("GET", "HEAD") and path.startswith(FILE_PREFIXES) and _bad_file_name(path):
            await _refusal(404, "File not found")(scope, receive, send)
            return
        content_type = _header(scope, b"content-type")
        if (method not in BODY_METHODS or path.startswith(SOCKET_PATH) or not _is_json(content_type)
                or (content_type is None and path in TEXT_BODY_ROUTES)):
            await self.app(scope, receive, send)
            return
        raw, rest = await _read_body(receive)
        refusal: Optional[tuple[int, str]] = None
        if raw.strip():
            try:
                refusal = check_body(path, read_json(raw))
            except BadJson as exc:
                refusal = (400, str(exc))
        elif path == SESSION_COOKIE_ROUTE:
            refusal = check_body(path, None)
        if refusal is not None:
            await _refusal(*refusal)(scope, receive, send)
            return
        await self.app(scope, _replay(raw, rest, receive), send)


def _header(scope: Scope, name: bytes) -> Optional[str]:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body (the security middleware's cap stops it at MAX_REQUEST_BODY_BYTES), and any non-body
    message met on the way (a disconnect), to be handed on after it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), [message]
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), []


def _replay(raw: bytes, rest: list[Message], receive: Receive) -> Receive:
    """The body as one message, then whatever the connection says next (a streaming response waits on it)."""
    pending: list[Message] = [{"type": "http.request", "body": raw, "more_body": False}, *rest]

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


def install(app: Any, root_path: str = "") -> None:
    """Add the guard and the chat socket's rules (idempotent). It must be added before the security middleware
    (Starlette puts the last added outermost), so that it only ever sees capped bodies of authenticated callers."""
    if getattr(app.state, "pulsepal_input_guard", False):
        return
    if getattr(app.state, "pulsepal_security", False):
        raise RuntimeError("install the input guard before the security middleware (app.py)")
    app.add_middleware(InputGuard, root_path=root_path)
    socket_rules.install()
    app.state.pulsepal_input_guard = True
