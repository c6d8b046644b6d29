"""The admin surface: the `/admin` page, its JSON API under `/admin/api/...`, `/metrics` and `/healthz`.

Who is an admin is decided by the chat app's auth (local user, admin role, trusted proxy header); this module
takes that decision as a `user_of(request)` function so it can be tested without Chainlit and never imports
auth at import time. Everything the page shows comes from the engine's index-backed stats, so a page view costs
the same at 100 sessions as at 100,000; the few reports that walk directories (storage by folder) are cached
for a few seconds because people look at them, not pollers.

Changes are POST only and need a CSRF token in the `X-PulsePal-CSRF` header: an HMAC of the admin's identifier
under a per-process secret, embedded in the page. A cross-site form cannot set that header and a cross-site
script cannot read the page to learn it, so an admin's browser cannot be made to archive or delete sessions
by someone else's page. Errors say what was wrong with the request, never who exists or what is on disk.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import ipaddress
import logging
import secrets
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from ..sessions import SessionError, SessionNotFound
from . import admin_probes
from .errors import http_error

log = logging.getLogger("pulsepal.admin")

CSRF_HEADER = "X-PulsePal-CSRF"
CATCH_ALL = "/{full_path:path}"
SORTS = ("last_activity", "created_at", "age", "size", "messages")
STATES = ("all", "active", "archived")
MAX_PAGE = 500
REPORT_TTL_SECONDS = 10.0
STATIC_DIR = Path(__file__).with_name("admin_static")
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

UserResolver = Callable[[Request], Awaitable[Any]]


class CsrfSigner:
    """Per-user tokens that need no server-side storage and survive any number of open tabs."""

    def __init__(self, secret: Optional[bytes] = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def token_for(self, identifier: str) -> str:
        return hmac.new(self._secret, b"pulsepal-admin-csrf\0" + identifier.encode(), hashlib.sha256).hexdigest()

    def check(self, identifier: str, token: Optional[str]) -> bool:
        return bool(token) and hmac.compare_digest(self.token_for(identifier), token)


class _TtlCache:
    """Remembers slow reports for a few seconds so a reload storm does not walk the store each time."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[float, Any]] = {}

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        hit = self._items.get(key)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        value = compute()
        self._items[key] = (now + self.ttl, value)
        return value


def is_loopback_client(request: Request) -> bool:
    """A direct local client (not one relayed by a reverse proxy on this host, which adds forwarding headers)."""
    if any(h in request.headers for h in ("x-forwarded-for", "forwarded", "x-real-ip")):
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def _maybe_await(value):
    return await value if inspect.isawaitable(value) else value


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HTTPException(400, f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise HTTPException(400, f"{name} must be between {low} and {high}")
    return value


async def engine_call(fn: Callable, *args, **kwargs):
    """Run a blocking engine call off the event loop (the chat shares it) and map engine errors to HTTP."""
    try:
        return await run_in_threadpool(fn, *args, **kwargs)
    except SessionError as exc:
        raise http_error(exc) from None
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None


def build_admin_router(
    user_of: UserResolver,
    manager_factory: Callable[[], Any],
    scheduler_info: Optional[Callable[[], Any]] = None,
    run_cleanup: Optional[Callable[[], Any]] = None,
    *,
    csrf_secret: Optional[bytes] = None,
    metrics_from_loopback: bool = True,
) -> APIRouter:
    """The admin router. `scheduler_info()` (sync or async) returns a dict with at least `running` and
    `next_run`; `run_cleanup()` runs a real pass the way the scheduler does (and records it), otherwise the
    manager's own `cleanup()` is used. Loopback clients may read /metrics without signing in unless
    `metrics_from_loopback` is False."""
    from . import admin_page  # the HTML is only needed once a router exists

    signer = CsrfSigner(csrf_secret)
    cache = _TtlCache(REPORT_TTL_SECONDS)
    static = {p.name: p.read_bytes() for p in STATIC_DIR.iterdir() if p.suffix in STATIC_TYPES}
    router = APIRouter()

    async def resolve(request: Request):
        try:
            return await user_of(request)
        except Exception:  # a broken token must look like no token, not like a server error
            log.warning("admin: resolving the user failed", exc_info=True)
            return None

    async def admin(request: Request):
        user = await resolve(request)
        if user is None:
            raise HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})
        if not getattr(user, "is_admin", False):
            raise HTTPException(403, "admin access required")
        return user

    async def admin_csrf(request: Request, user=Depends(admin)):
        if not signer.check(str(user.identifier), request.headers.get(CSRF_HEADER)):
            raise HTTPException(403, "missing or invalid CSRF token")
        return user

    async def scheduler_status() -> dict:
        if scheduler_info is None:
            return {"configured": False}
        try:
            info = await _maybe_await(scheduler_info())
        except Exception:
            log.warning("admin: scheduler_info failed", exc_info=True)
            return {"configured": True, "running": False, "error": "scheduler status unavailable"}
        info = dict(info or {})
        info.setdefault("running", bool(info.get("alive", False)))
        return {"configured": True, **info}

    def storage_report(manager) -> dict:
        return cache.get(f"storage:{id(manager)}", manager.get_storage_usage)

    def quarantined_count(manager) -> int:
        return manager.store.quarantine_count()

    def stats_report(manager) -> dict:
        stats = manager.get_session_stats()
        stats["quarantined_files"] = quarantined_count(manager)
        stats["storage_limit_mb"] = manager.settings.session_storage_limit_mb
        return stats

    def cleanup_state(manager) -> dict:
        return manager.cleanup_record()

    # ------------------------------------------------------------------------------------------------ page
    @router.get("/admin", include_in_schema=False)
    @router.get("/admin/", include_in_schema=False)
    async def page(request: Request):
        user = await resolve(request)
        if user is None or not getattr(user, "is_admin", False):
            status = 401 if user is None else 403
            return HTMLResponse(admin_page.render_denied(status), status, headers=SECURITY_HEADERS)
        manager = manager_factory()

        def gather() -> dict:
            return {
                "stats": stats_report(manager),
                "ages": cache.get(f"ages:{id(manager)}", manager.get_session_age_stats),
                "activity": cache.get(f"activity:{id(manager)}", manager.get_activity_metrics),
                "storage": storage_report(manager),
                "cleanup": cleanup_state(manager),
                "now": manager.clock.now(),
                "interval_minutes": manager.settings.session_cleanup_interval_minutes,
            }

        data = await engine_call(gather)
        data["scheduler"] = await scheduler_status()
        html = admin_page.render_page(data, user=str(user.identifier), csrf_token=signer.token_for(str(user.identifier)))
        return HTMLResponse(html, headers={**SECURITY_HEADERS, "Content-Security-Policy": PAGE_CSP})

    @router.get("/admin/static/{name}", include_in_schema=False)
    async def static_file(name: str, user=Depends(admin)):
        body = static.get(name)
        if body is None:
            raise HTTPException(404, "not found")
        return Response(body, media_type=STATIC_TYPES[Path(name).suffix], headers={"Cache-Control": "no-cache"})

    # -------------------------------------------------------------------------------------------- read API
    @router.get("/admin/api/csrf")
    async def csrf_token(user=Depends(admin)):
        return {"header": CSRF_HEADER, "token": signer.token_for(str(user.identifier))}

    @router.get("/admin/api/stats")
    async def stats(user=Depends(admin)):
        return await engine_call(stats_report, manager_factory())

    @router.get("/admin/api/ages")
    async def ages(user=Depends(admin)):
        return await engine_call(manager_factory().get_session_age_stats)

    @router.get("/admin/api/activity")
    async def activity(user=Depends(admin)):
        return await engine_call(manager_factory().get_activity_metrics)

    @router.get("/admin/api/storage")
    async def storage(user=Depends(admin)):
        return await engine_call(storage_report, manager_factory())

    @router.get("/admin/api/alerts")
    async def alerts(user=Depends(admin)):
        return {"alerts": await engine_call(manager_factory().get_alerts)}

    @router.get("/admin/api/quarantine")
    async def quarantine(user=Depends(admin)):
        notes = await engine_call(lambda: manager_factory().quarantined())
        return {"count": len(notes), "files": notes}

    @router.get("/admin/api/scheduler")
    async def scheduler(user=Depends(admin)):
        state = await engine_call(cleanup_state, manager_factory())
        return {"scheduler": await scheduler_status(), "cleanup": state}

    @router.get("/admin/api/sessions")
    async def sessions(request: Request, user=Depends(admin)):
        q = request.query_params
        state = q.get("state") or "all"
        if state not in STATES:
            raise HTTPException(400, f"state must be one of {', '.join(STATES)}")
        sort = q.get("sort") or "last_activity"
        if sort not in SORTS:
            raise HTTPException(400, f"sort must be one of {', '.join(SORTS)}")
        order = q.get("order") or "desc"
        if order not in ("asc", "desc"):
            raise HTTPException(400, "order must be asc or desc")
        search = q.get("search") or None
        if search is not None and len(search) > 200:
            raise HTTPException(400, "search must be at most 200 characters")
        offset = _int_param(request, "offset", 0, 0, 10_000_000)
        limit = _int_param(request, "limit", 50, 1, MAX_PAGE)
        manager = manager_factory()
        total, rows = await engine_call(
            manager.list_sessions,
            state=None if state == "all" else state,
            owner=q.get("owner") or None,
            search=search,
            sort=sort,
            descending=order == "desc",
            offset=offset,
            limit=limit,
        )
        return {"total": total, "offset": offset, "limit": limit, "sort": sort, "order": order, "state": state,
                "sessions": rows}

    def entry_of(manager, session_id: str) -> dict:
        from ..sessions import validate_session_id

        row = manager.describe(validate_session_id(session_id))
        if row is None:
            raise SessionNotFound(f"no session {session_id!r}")
        return row

    @router.get("/admin/api/sessions/{session_id}")
    async def session_detail(session_id: str, user=Depends(admin)):
        return await engine_call(entry_of, manager_factory(), session_id)

    @router.get("/admin/api/sessions/{session_id}/transcript")
    async def transcript(session_id: str, user=Depends(admin)):
        manager = manager_factory()

        def build() -> dict:
            row = entry_of(manager, session_id)
            document = manager.export_session(session_id)
            messages = [
                {"role": e.get("role"), "content": e.get("content"), "timestamp": e.get("timestamp")}
                for e in document.get("events", ())
                if e.get("type") == "message"
            ]
            return {**row, "redacted": document.get("redacted", False), "messages": messages}

        return await engine_call(build)

    @router.get("/admin/api/sessions/{session_id}/export")
    async def export(session_id: str, request: Request, user=Depends(admin)):
        fmt = request.query_params.get("format", "json")
        manager = manager_factory()
        if fmt == "json":
            import orjson

            document = await engine_call(manager.export_session, session_id)
            body, media, ext = orjson.dumps(document, option=orjson.OPT_INDENT_2), "application/json", "json"
        elif fmt in ("markdown", "md"):
            text = await engine_call(manager.export_markdown, session_id)
            body, media, ext = text.encode(), "text/markdown; charset=utf-8", "md"
        else:
            raise HTTPException(400, "format must be json or markdown")
        disposition = f'attachment; filename="pulsepal-session-{session_id}.{ext}"'
        return Response(body, media_type=media, headers={"Content-Disposition": disposition, **SECURITY_HEADERS})

    # ---------------------------------------------------------------------------------------------- actions
    @router.post("/admin/api/sessions/{session_id}/archive")
    async def archive(session_id: str, user=Depends(admin_csrf)):
        manager = manager_factory()
        await engine_call(manager.archive_session, session_id, "admin")
        return {"ok": True, **(await engine_call(entry_of, manager, session_id))}

    @router.post("/admin/api/sessions/{session_id}/restore")
    async def restore(session_id: str, user=Depends(admin_csrf)):
        manager = manager_factory()
        await engine_call(manager.restore_session, session_id)
        return {"ok": True, **(await engine_call(entry_of, manager, session_id))}

    @router.post("/admin/api/sessions/{session_id}/delete")
    async def delete(session_id: str, user=Depends(admin_csrf)):
        manager = manager_factory()
        backup = await engine_call(manager.delete_session, session_id)
        try:
            shown = str(Path(backup).relative_to(manager.store.root))
        except ValueError:
            shown = Path(backup).name
        return {"ok": True, "session_id": session_id, "deleted": True, "backup": shown}

    @router.post("/admin/api/cleanup/preview")
    async def cleanup_preview(user=Depends(admin_csrf)):
        report = await engine_call(manager_factory().cleanup, dry_run=True, wait=False)
        if report.skipped:
            raise HTTPException(409, "a cleanup pass is running right now; try again in a moment")
        return report.to_dict()

    @router.post("/admin/api/cleanup/run")
    async def cleanup_run(request: Request, user=Depends(admin_csrf)):
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("confirm") is not True:
            raise HTTPException(400, 'send {"confirm": true} after reviewing the preview')
        try:
            if body.get("release_held") is True:  # the admin checked the clock and confirms the held steps
                report = await engine_call(manager_factory().cleanup, dry_run=False, wait=False, confirm_held=True)
            elif run_cleanup is not None:
                report = await _maybe_await(run_cleanup())
            else:
                report = await engine_call(manager_factory().cleanup, dry_run=False, wait=False)
        except HTTPException:
            raise
        except Exception:  # recorded by the engine in cleanup.json; the details belong in the log
            log.exception("admin: cleanup pass failed")
            raise HTTPException(500, "the cleanup pass failed; see the scheduler panel and the server log") from None
        data = report.to_dict() if hasattr(report, "to_dict") else dict(report or {})
        if data.get("skipped"):
            raise HTTPException(409, "a cleanup pass is running right now; try again in a moment")
        return data

    # Actions exist only as POST; a GET (a link, an <img>, a prefetch) must never change anything.
    action_paths = [
        "/admin/api/sessions/{session_id}/archive",
        "/admin/api/sessions/{session_id}/restore",
        "/admin/api/sessions/{session_id}/delete",
        "/admin/api/cleanup/preview",
        "/admin/api/cleanup/run",
    ]

    async def method_not_allowed(user=Depends(admin)):
        raise HTTPException(405, "use POST with the CSRF token", headers={"Allow": "POST"})

    for path in action_paths:
        router.add_api_route(path, method_not_allowed, methods=["GET", "PUT", "PATCH", "DELETE"],
                             include_in_schema=False)

    # ------------------------------------------------------------------------------------- metrics, health
    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request):
        if not (metrics_from_loopback and is_loopback_client(request)):
            await admin(request)
        manager = manager_factory()
        stats_, state = await engine_call(lambda: (stats_report(manager), cleanup_state(manager)))
        text = admin_probes.prometheus_text(stats_, state, await scheduler_status())
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8",
                                 headers={"Cache-Control": "no-store"})

    @router.get("/healthz", include_in_schema=False)
    async def healthz():
        checks = await run_in_threadpool(admin_probes.health_checks, manager_factory())
        sched = await scheduler_status()
        if sched.get("configured"):
            alive = bool(sched.get("running"))
            checks["scheduler_alive"] = {"ok": alive, **({} if alive else {"detail": "the cleanup scheduler is not running"})}
        else:
            checks["scheduler_alive"] = {"ok": None, "detail": "no scheduler in this process"}
        ok = all(c["ok"] is not False for c in checks.values())
        return JSONResponse({"status": "ok" if ok else "unhealthy", "checks": checks}, 200 if ok else 503,
                            headers={"Cache-Control": "no-store"})

    return router


def include_admin_routes(app, manager_factory: Optional[Callable[[], Any]] = None) -> APIRouter:
    """Mount the admin routes on the chat server. They go just before Chainlit's GET catch-all
    (`/{full_path:path}`, Chainlit issue #1819), which would otherwise answer GET /admin with the chat page, and
    after Chainlit's own routes, which they must never shadow."""
    from .auth import request_user
    from .scheduler import run_cleanup_now, scheduler_info

    if manager_factory is None:
        from ..dependencies import get_session_manager

        manager_factory = get_session_manager
    router = build_admin_router(request_user, manager_factory, scheduler_info, run_cleanup_now)
    routes = app.router.routes
    before = len(routes)
    app.include_router(router)
    added = routes[before:]
    del routes[before:]
    position = next((i for i, r in enumerate(routes) if getattr(r, "path", None) == CATCH_ALL), len(routes))
    routes[position:position] = added
    return router
