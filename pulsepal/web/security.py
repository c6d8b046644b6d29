"""The server's front door: one ASGI middleware in front of everything Chainlit and we serve, and the few
Chainlit seams through which every request's user is decided by auth.identify.

Every HTTP request and chat-socket handshake passes, in this order:

1. Host allow-list (hosts.host_allowed): a foreign Host header (DNS rebinding) gets 400, a socket is refused.
2. Proxy mode: PROXY_USER_HEADER is removed unless the direct peer is in TRUSTED_PROXY_IPS, so nothing further
   in (Chainlit's header hook included) ever sees a forged one.
3. Origin check on state-changing requests and on every socket.io request: another origin gets 403.
4. Body cap: a declared Content-Length above MAX_REQUEST_BODY_BYTES gets 413 before a byte is read; a body
   without one (chunked) is counted as it streams and cut off with 413 at the cap. Nothing is buffered here.
5. Local mode: `?token=` is exchanged for the session cookie; a page without the cookie gets the sign-in page.
6. A state-changing request outside the sign-in routes must come from a current user, checked before its body
   is read (401 otherwise), so an anonymous caller can make the server read at most nothing.
7. POST /login runs behind the sign-in back-off (throttle.py).

`install(app, bind_host)` adds the middleware and points Chainlit's user lookups at auth.identify: the
`get_current_user` dependency of all its routes, the socket's connect-time authentication, and the socket.io
origin list (Chainlit leaves it empty, which python-engineio reads as "accept every origin").
"""

from __future__ import annotations

import logging
from typing import Optional
from urllib.parse import parse_qsl

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..sessions.errors import StorageError
from ..settings import Settings, get_settings
from . import auth, hosts, localtoken, throttle

log = logging.getLogger("pulsepal.security")
UNAVAILABLE = "the conversation store cannot be reached right now; try again shortly"

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SOCKET_PATH = "/ws/socket.io"
SIGN_IN_ROUTES = frozenset({"/login", "/logout", "/auth/header", "/auth/jwt"})
PAGE_PREFIXES = ("/thread/", "/share/")
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'",
}


class BodyTooLarge(HTTPException):
    """Raised from `receive` at the cap. An HTTPException, so FastAPI's body parsing re-raises it unchanged and
    the exception middleware answers 413 wherever the body is read (our routes, Chainlit's, socket.io's)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes", headers={"Connection": "close"})


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0
    tripped = False

    async def capped() -> Message:
        nonlocal seen, tripped
        if tripped:
            raise BodyTooLarge(limit)
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                tripped = True
                raise BodyTooLarge(limit)
        return message

    return capped


def _json(status: int, detail: str, *, close: bool = False, retry_after: Optional[int] = None) -> JSONResponse:
    headers = {"Cache-Control": "no-store", **({"Connection": "close"} if close else {})}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse({"detail": detail}, status, headers=headers)


def _token_param(scope: Scope) -> Optional[str]:
    query = scope.get("query_string", b"").decode("latin-1")
    return next((value for key, value in parse_qsl(query) if key == localtoken.TOKEN_PARAM), None)


def _refuse_socket(status: int):
    async def refuse(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "websocket.close", "code": 1008, "reason": "refused"})  # before accept: HTTP 403

    return refuse


def local_path(scope: Scope, root_path: str) -> str:
    """The request's path as our routes know it: Chainlit's --root-path prefixes its routes, not the ASGI scope, so
    a middleware strips it itself."""
    path = scope.get("path") or "/"
    if root_path and (path == root_path or path.startswith(root_path + "/")):
        return path[len(root_path):] or "/"
    return path


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, bind_host: str = "", root_path: str = "") -> None:
        self.app = app
        self.bind_host = bind_host
        self.root_path = root_path.rstrip("/")  # Chainlit's --root-path prefixes its routes, not the ASGI scope
        self._backoff: "Optional[throttle.Backoff | throttle.SharedBackoff]" = None

    def _local_path(self, scope: Scope) -> str:
        return local_path(scope, self.root_path)

    def backoff(self, settings: Settings) -> "throttle.Backoff | throttle.SharedBackoff":
        """The sign-in back-off: in this process's memory, or with a database in the database, so that every
        replica counts the same failures."""
        shared = bool(settings.session_database_url)
        current = self._backoff
        if (current is None or current.free != settings.login_free_failures or current.blocking != shared
                or current.max_delay != settings.login_backoff_max_seconds):
            if shared:
                from ..dependencies import database_pool
                from ..sessions.stores.postgres.logins import LoginFailures

                current = throttle.SharedBackoff(LoginFailures(database_pool(settings)),
                                                 settings.login_free_failures, settings.login_backoff_max_seconds)
            else:
                current = throttle.Backoff(settings.login_free_failures, settings.login_backoff_max_seconds)
            self._backoff = current
        return current

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        websocket = scope["type"] == "websocket"
        path = self._local_path(scope)
        method = scope.get("method", "GET")
        socket = path.startswith(SOCKET_PATH)
        client = scope.get("client")
        peer = client[0] if client else None
        trusted = hosts.peer_trusted(peer, settings)
        if settings.auth_mode == "proxy" and not trusted:  # 2. only a trusted proxy may name the user
            drop = settings.proxy_user_header.lower().encode("latin-1")
            scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k.lower() != drop])
        headers = Headers(scope=scope)

        refusal = self._network_refusal(headers, settings, trusted, check_origin=websocket or socket
                                        or method not in SAFE_METHODS)  # 1. and 3.
        if refusal is not None:
            status, detail = refusal
            if websocket:
                await _refuse_socket(status)(scope, receive, send)
            elif status == 400:
                await PlainTextResponse(detail, 400)(scope, receive, send)
            else:
                await _json(status, detail)(scope, receive, send)
            return
        if websocket:
            await self.app(scope, receive, send)
            return

        limit = settings.max_request_body_bytes  # 4.
        declared = headers.get("content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            too_big = declared.strip().isdigit()
            await _json(413 if too_big else 400, f"the request body is larger than {limit} bytes" if too_big
                        else "invalid Content-Length", close=too_big)(scope, receive, send)
            return
        receive = _capped(receive, limit)
        address = hosts.client_address(peer, headers.get("x-forwarded-for"), settings)

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            if await self._gate(scope, receive, tracked, settings, method, path, socket, address):
                return
        except StorageError as exc:  # with a database: who is asking, or the sign-in back-off, could not be read
            log.warning("%s %s refused with 503: %s", method, path, exc)
            if not started:
                await _json(503, UNAVAILABLE, retry_after=5)(scope, receive, send)
            return
        await self._forward(scope, receive, send)

    async def _gate(self, scope: Scope, receive: Receive, send: Send, settings: Settings, method: str, path: str,
                    socket: bool, address: str) -> bool:
        """Steps 5-7; True when the request was answered here."""
        if settings.auth_mode == "local" and method == "GET" and not socket:  # 5.
            token = _token_param(scope)
            if token is not None:
                await self._exchange(scope, receive, send, token, address, settings)
                return True
            is_page = path in ("/", "/login") or path.startswith(PAGE_PREFIXES)
            if is_page and await auth.identify_async(HTTPConnection(scope), settings) is None:
                page = localtoken.sign_in_page(wrong_token=False)
                await HTMLResponse(page, 401, headers=_PAGE_HEADERS)(scope, receive, send)
                return True
        if method not in SAFE_METHODS and not socket and path not in SIGN_IN_ROUTES:  # 6.
            if await auth.identify_async(HTTPConnection(scope), settings) is None:
                await _json(401, "authentication required")(scope, receive, send)
                return True
        if method == "POST" and path == "/login":  # 7.
            await throttle.guard_login(self.backoff(settings), address, scope, receive, send, self.app)
            return True
        return False

    def _network_refusal(self, headers: Headers, settings: Settings, trusted: bool,
                         check_origin: bool) -> Optional[tuple[int, str]]:
        """(status, reason) when the Host is not ours or a browser sent this from another origin, else None."""
        if not hosts.host_allowed(headers.get("host"), settings, self.bind_host):
            return 400, "unrecognised Host header: list this server's name in ALLOWED_HOSTS"
        if not check_origin:
            return None
        origin = headers.get("origin")
        if origin is None:  # programs send none; a browser's cross-site request without one still says so here
            ok = headers.get("sec-fetch-site") != "cross-site"
        else:
            forwarded_host = headers.get("x-forwarded-host") if trusted else None
            ok = hosts.origin_allowed(origin, headers.get("host"), settings, forwarded_host)
        return None if ok else (403, "cross-origin request refused")

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except BodyTooLarge as exc:  # read by something that did not turn it into a response itself
            if not started:
                await _json(413, exc.detail, close=True)(scope, receive, send)

    async def _exchange(self, scope: Scope, receive: Receive, send: Send, token: str, address: str,
                        settings: Settings) -> None:
        """Local mode's `?token=`: the right token becomes the session cookie (and a redirect to the same page
        without it); a wrong one gets the sign-in page and counts as a failed sign-in for the address."""
        backoff = self.backoff(settings)
        wait = await throttle.ask(backoff.reserve, ("address", address))  # checked and charged in one step
        if wait > 0:
            await throttle.too_many(wait)(scope, receive, send)
            return
        if not localtoken.token_matches(token, settings):  # the charge stands: a failed attempt
            page = localtoken.sign_in_page(wrong_token=True)
            await HTMLResponse(page, 401, headers=_PAGE_HEADERS)(scope, receive, send)
            return
        await throttle.ask(backoff.give_back, ("address", address))
        from chainlit.auth import create_jwt, set_auth_cookie
        from starlette.requests import Request

        target = localtoken.redirect_target(self._local_path(scope), scope.get("query_string", b"").decode("latin-1"))
        response: Response = RedirectResponse(self.root_path + target, 303,
                                              headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
        set_auth_cookie(Request(scope), response, create_jwt(auth.local_user(settings)))
        backoff.succeeded(("address", address))
        await response(scope, receive, send)


def _socket_origin_ok(origin: Optional[str], environ: dict) -> bool:
    """socket.io's own origin check (python-engineio calls it with the handshake's environ)."""
    settings = get_settings()
    scope = environ.get("asgi.scope") or {}
    client = scope.get("client")
    trusted = hosts.peer_trusted(client[0] if client else None, settings)
    forwarded = environ.get("HTTP_X_FORWARDED_HOST") if trusted else None
    return hosts.origin_allowed(origin, environ.get("HTTP_HOST"), settings, forwarded)


def install(app, bind_host: str = "", root_path: str = "") -> None:
    """Put the middleware in front of Chainlit's app and route its user lookups through auth.identify
    (idempotent; app.py calls it once at import, before the server starts)."""
    if getattr(app.state, "pulsepal_security", False):
        return
    import chainlit.auth as chainlit_auth
    import chainlit.socket as chainlit_socket
    from chainlit.server import sio

    if not hasattr(chainlit_socket, "_authenticate_connection"):  # fail closed if Chainlit moved its seam
        raise auth.StartupRefused(
            "this Chainlit version authenticates chat sockets differently from 2.12 (no "
            "chainlit.socket._authenticate_connection); install the pinned requirements.txt"
        )
    app.add_middleware(SecurityMiddleware, bind_host=bind_host, root_path=root_path)
    app.dependency_overrides[chainlit_auth.get_current_user] = auth.chainlit_current_user
    setattr(chainlit_socket, "_authenticate_connection", auth.socket_user)  # noqa: B010 - a seam, see above
    sio.eio.cors_allowed_origins = _socket_origin_ok
    sio.eio.max_http_buffer_size = get_settings().max_request_body_bytes
    app.state.pulsepal_security = True
