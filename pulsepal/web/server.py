"""How PulsePal's own HTTP routes live inside the Chainlit server.

Chainlit registers a GET catch-all `/{full_path:path}` (it serves the single-page UI) when `chainlit.server` is
imported, so a GET route added afterwards is never reached (Chainlit issue #1819). Two ways around it: mount
Chainlit inside our own FastAPI app (`mount_chainlit`), or put our routes in front of the catch-all in Chainlit's
router. We do the second:

- the documented run command stays `chainlit run app.py` (host/port flags, on_app_startup/shutdown, headless,
  everything Chainlit's CLI does keeps working, and the scheduler starts from Chainlit's own lifespan);
- mounting under our app would move Chainlit to a sub-path or need a second lifespan, and Chainlit's start-up
  hooks do not fire when mounted;
- the cost is one list manipulation (routing.py, its one home), checked by a test that GETs each of our routes
  through the real server.

Our routes are inserted immediately before the catch-all, not at the very front, so they can never shadow one of
Chainlit's own routes, with one deliberate exception: PUT/DELETE /feedback go in front of Chainlit's, because its
handler answers every refusal with a 500 (history_routes.py says more). Routes: POST /query (pulsepal.web.api),
GET /pulsepal/conversations/<id>.json and .md (durable downloads from the store, owner-checked), the history
routes (pins, export-all, delete-all, feedback: history_routes.py), and the admin module's (`include_admin_routes`).

`install_security` puts the security middleware (security.py) in front of all of it, and makes Chainlit's
current-user dependency also tell the data layer who is calling (Chainlit does not pass the user on to the data
layer: the Share dialog and the shared view need it). `configure_or_exit` runs the start-up checks: unsafe binding
or a proxy mode without trusted proxies stop the start with a message.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Optional

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.requests import HTTPConnection

from ..dependencies import get_session_manager
from ..sessions import InvalidSessionId, SessionNotFound
from ..sessions.ids import validate_new_session_id
from ..settings import get_settings
from . import auth, chat_ui
from .api import build_router
from .history_routes import FEEDBACK_ROUTE, history_router
from .routing import added_since, move_before_catch_all, move_to_front

log = logging.getLogger("pulsepal.server")
_SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


async def query_owner(request: Request) -> Optional[str]:
    """The owner for POST /query: the signed-in user, in every mode (a local-mode caller shows the start-up token
    or the cookie it was exchanged for: being on the loopback proves nothing, every OS user is there)."""
    user = await auth.request_user(request)
    if user is not None:
        return user.identifier
    if get_settings().auth_mode == "local":
        raise HTTPException(401, "sign in first: send the cookie from the start-up link, or the start-up token "
                                 "as 'Authorization: Token <token>' (it is in the storage folder's local_token)")
    raise HTTPException(401, "sign in first (send the access_token cookie or an Authorization: Bearer token)")


def _owned_document(session_id: str, owner: str) -> dict:
    """The session's complete export, only if `owner` owns it; anything else is 'not found' (no existence leak)."""
    manager = get_session_manager()
    if manager.owner_of(session_id) != owner:
        raise SessionNotFound(session_id)
    document = manager.export_session(session_id)
    if (document.get("session") or {}).get("owner") != owner:
        raise SessionNotFound(session_id)
    return document


def downloads_router() -> APIRouter:
    router = APIRouter()

    async def load(request: Request, session_id: str) -> dict:
        user = await auth.request_user(request)
        if user is None:
            raise HTTPException(401, "sign in to download conversations")
        try:
            validate_new_session_id(session_id)
        except InvalidSessionId as exc:
            raise HTTPException(400, str(exc)) from None
        try:
            return await asyncio.to_thread(_owned_document, session_id, user.identifier)
        except SessionNotFound:
            raise HTTPException(404, "no such conversation") from None

    def attachment(session_id: str, ext: str) -> dict:
        name = re.sub(r"[^A-Za-z0-9_-]", "", session_id)
        return {**_SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="pulsepal-{name}.{ext}"'}

    @router.get("/pulsepal/conversations/{session_id}.json")
    async def download_json(request: Request, session_id: str):
        document = await load(request, session_id)
        return JSONResponse(document, headers=attachment(session_id, "json"))

    @router.get("/pulsepal/conversations/{session_id}.md")
    async def download_markdown(request: Request, session_id: str):
        from ..sessions.documents import document_to_markdown

        document = await load(request, session_id)
        return Response(
            document_to_markdown(document),
            media_type="text/markdown; charset=utf-8",
            headers=attachment(session_id, "md"),
        )

    return router


def include_admin_routes(app: FastAPI) -> None:
    """The admin page, its API, /metrics and /healthz (pulsepal/web/admin.py), on the same server as the chat."""
    from . import admin

    admin.include_admin_routes(app)


def install_routes(app: Optional[FastAPI] = None) -> FastAPI:
    """Add PulsePal's routes to Chainlit's app (idempotent; app.py calls it once at import)."""
    if app is None:
        from chainlit.server import app as chainlit_app

        app = chainlit_app
    if getattr(app.state, "pulsepal_routes", False):
        return app
    before = list(app.router.routes)
    app.include_router(build_router(owner_of=query_owner, manager_factory=get_session_manager))
    app.include_router(downloads_router())
    app.include_router(history_router())
    include_admin_routes(app)
    chat_ui.install(app)  # the page's wording and what it loads, and GET /pulsepal/me
    added = added_since(app, before)
    move_before_catch_all(app, added)
    move_to_front(app, [entry for entry in added if getattr(entry, "path", None) == FEEDBACK_ROUTE])
    app.state.pulsepal_routes = True
    return app


def chainlit_app() -> FastAPI:
    from chainlit.server import app as chainlit_app

    return chainlit_app


def install_security(host: str, app: Optional[FastAPI] = None, root_path: str = "") -> FastAPI:
    """The security middleware and Chainlit's user lookups through our auth (see security.py)."""
    from . import security

    if app is None:
        from chainlit.server import app as chainlit_app

        app = chainlit_app
    security.install(app, bind_host=host, root_path=root_path)
    _tell_data_layer_the_caller(app)
    return app


def _tell_data_layer_the_caller(app: FastAPI) -> None:
    """Wrap the current-user dependency security.install gave Chainlit's routes, so that each of those requests
    also records its signed-in user for the data layer (datalayer.remember_caller). Idempotent."""
    import chainlit.auth as chainlit_auth

    from .datalayer import remember_caller

    current = app.dependency_overrides.get(chainlit_auth.get_current_user)
    if current is None or getattr(current, "pulsepal_tracks_caller", False):
        return

    async def tracked(request: HTTPConnection):
        user = await current(request)
        remember_caller(getattr(user, "identifier", None))
        return user

    tracked.pulsepal_tracks_caller = True  # type: ignore[attr-defined]
    app.dependency_overrides[chainlit_auth.get_current_user] = tracked


def configure_or_exit(host: str) -> None:
    """Start-up checks run when app.py is loaded: refuse unsafe binding, provide the JWT secret and (local mode)
    the start-up token, and switch off uvicorn's own X-Forwarded-For handling.

    uvicorn reads FORWARDED_ALLOW_IPS when `chainlit run` builds its config, after this module is loaded, and by
    default rewrites the client address of any loopback peer from X-Forwarded-For: another OS user could then
    pose as a trusted proxy. With it off, the client address is always the direct peer and TRUSTED_PROXY_IPS
    (hosts.py) is the one rule for whom to believe."""
    import os
    import sys

    from ..settings import SettingsError
    from . import localtoken

    try:
        auth.check_bind(host)
        if get_settings().session_database_url:  # before a secret could be generated for this replica alone
            from ..sessions.stores.postgres.startup import startup_problems

            problems = startup_problems(get_settings())
            if problems:
                raise auth.StartupRefused("\n".join(problems))
        auth.ensure_auth_secret()
        settings = get_settings()
        if settings.auth_mode == "local":
            localtoken.ensure_token(settings)
    except (auth.StartupRefused, SettingsError) as exc:
        print(f"\nPulsePal refuses to start:\n{exc}\n", file=sys.stderr, flush=True)
        sys.exit(2)
    os.environ["FORWARDED_ALLOW_IPS"] = ""


def announce(run) -> None:
    """Print where to open the chat (local mode: the one-click address with the token), Jupyter-style.

    `run` is Chainlit's run config (host, port, root_path, headless). Without --headless Chainlit would open the
    browser on the address without the token; in local mode we open the tokened one instead."""
    import asyncio
    import webbrowser

    from . import localtoken

    settings = get_settings()
    if settings.auth_mode != "local":
        return
    url = localtoken.start_url(settings, run.host, run.port, run.root_path or "")
    print(f"\nPulsePal is running in local mode. To chat, open this address (it signs this browser in):\n"
          f"    {url}\n", flush=True)
    if not run.headless:
        run.headless = True  # Chainlit checks this right after the start-up hook
        asyncio.get_running_loop().call_later(1.0, webbrowser.open, url)
