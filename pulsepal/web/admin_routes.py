"""The admin routes themselves: the page, the JSON API, the actions, /metrics and /healthz.

Module-level functions, each taking its router's AdminConfig through `config_of` (see admin_access.py), listed in
ROUTES, which admin.build_admin_router registers. Everything the page shows comes from the engine's index-backed
stats, so a page view costs the same at 100 sessions as at 100,000; the few reports that walk directories
(storage by folder, ages, activity) are cached for a few seconds because people look at them, not pollers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any, Callable

import orjson
from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from ..sessions import InvalidSessionId, SessionNotFound, validate_session_id
from ..sessions.ids import validate_new_session_id
from . import admin_history, admin_page, admin_probes, history_push
from .admin_access import (
    CSRF_HEADER,
    PAGE_CSP,
    SECURITY_HEADERS,
    AdminConfig,
    check_admin,
    config_of,
    engine_call,
    int_param,
    is_loopback_client,
    maybe_await,
    require_admin,
    require_admin_csrf,
    resolve_user,
)
from .admin_markdown import render_markdown
from .input_guard import BadJson, read_json

log = logging.getLogger("pulsepal.admin")

SORTS = ("last_activity", "created_at", "age", "size", "messages")
STATES = ("all", "active", "archived")
MAX_PAGE = 500
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
BUSY = "a cleanup pass is running right now; try again in a moment"


# ------------------------------------------------------------------------------------------------- reports
async def scheduler_status(config: AdminConfig) -> dict:
    if config.scheduler_info is None:
        return {"configured": False}
    try:
        info = await maybe_await(config.scheduler_info())
    except Exception:  # noqa: BLE001 - a broken scheduler must not take the admin page down with it
        log.warning("admin: scheduler_info failed", exc_info=True)
        return {"configured": True, "running": False, "error": "scheduler status unavailable"}
    info = dict(info or {})
    info.setdefault("running", bool(info.get("alive", False)))
    return {"configured": True, **info}


def _cached(config: AdminConfig, name: str, manager: Any, compute: Callable[[], Any]) -> Any:
    return config.cache.get(f"{name}:{id(manager)}", compute)


def stats_report(manager: Any) -> dict:
    stats = manager.get_session_stats()
    stats["quarantined_files"] = manager.store.quarantine_count()
    stats["storage_limit_mb"] = manager.settings.session_storage_limit_mb
    return stats


def cleanup_state(manager: Any) -> dict:
    return manager.cleanup_record()


def entry_of(manager: Any, session_id: str) -> dict:
    row = manager.describe(validate_session_id(session_id))
    if row is None:
        raise SessionNotFound(f"no session {session_id!r}")
    return row


def well_formed_id(session_id: str) -> str:
    """Session ids in our URLs are the UUIDs the engine creates; anything else is the caller's mistake (400),
    refused before it reaches the engine."""
    try:
        return validate_new_session_id(session_id)
    except InvalidSessionId as exc:
        raise HTTPException(400, str(exc)) from None


WellFormedId = Annotated[str, Depends(well_formed_id)]


# ---------------------------------------------------------------------------------------------------- page
async def page(request: Request, user: Any = Depends(resolve_user), config: AdminConfig = Depends(config_of)):
    if user is None or not getattr(user, "is_admin", False):
        status = 401 if user is None else 403
        mode = config.auth_mode() if config.auth_mode else None
        return HTMLResponse(admin_page.render_denied(status, mode), status,
                            headers={**SECURITY_HEADERS, "Content-Security-Policy": PAGE_CSP})
    manager = config.manager()

    def gather() -> dict:
        return {
            "stats": stats_report(manager),
            "ages": _cached(config, "ages", manager, manager.get_session_age_stats),
            "activity": _cached(config, "activity", manager, manager.get_activity_metrics),
            "storage": _cached(config, "storage", manager, manager.get_storage_usage),
            "cleanup": cleanup_state(manager),
            "history": admin_history.gather(manager, lambda name, compute: _cached(config, name, manager, compute)),
            "now": manager.clock.now(),
            "interval_minutes": manager.settings.session_cleanup_interval_minutes,
        }

    data = await engine_call(gather)
    data["scheduler"] = await scheduler_status(config)
    name = str(user.identifier)
    html = admin_page.render_page(data, user=name, csrf_token=config.signer.token_for(name))
    return HTMLResponse(html, headers={**SECURITY_HEADERS, "Content-Security-Policy": PAGE_CSP})


async def static_file(name: str, config: AdminConfig = Depends(config_of)):
    """The page's stylesheet and script: public (the sign-in page is styled with them too), nothing secret."""
    body = config.static.get(name)
    if body is None:
        raise HTTPException(404, "not found")
    return Response(body, media_type=STATIC_TYPES[Path(name).suffix],
                    headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


# ------------------------------------------------------------------------------------------------ read API
async def csrf_token(user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    return {"header": CSRF_HEADER, "token": config.signer.token_for(str(user.identifier))}


async def stats(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    return await engine_call(stats_report, config.manager())


async def ages(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    return await engine_call(config.manager().get_session_age_stats)


async def activity(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    return await engine_call(config.manager().get_activity_metrics)


async def storage(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    manager = config.manager()
    return await engine_call(_cached, config, "storage", manager, manager.get_storage_usage)


async def alerts(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    return {"alerts": await engine_call(config.manager().get_alerts)}


async def quarantine(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    notes = await engine_call(config.manager().quarantined)
    return {"count": len(notes), "files": notes}


async def scheduler(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    state = await engine_call(cleanup_state, config.manager())
    return {"scheduler": await scheduler_status(config), "cleanup": state}


async def sessions(request: Request, _user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
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
    offset = int_param(request, "offset", 0, 0, 10_000_000)
    limit = int_param(request, "limit", 50, 1, MAX_PAGE)
    total, rows = await engine_call(
        config.manager().list_sessions, state=None if state == "all" else state, owner=q.get("owner") or None,
        search=search, sort=sort, descending=order == "desc", offset=offset, limit=limit)
    return {"total": total, "offset": offset, "limit": limit, "sort": sort, "order": order, "state": state,
            "sessions": rows}


async def session_detail(session_id: WellFormedId, _user: Any = Depends(require_admin),
                         config: AdminConfig = Depends(config_of)):
    return await engine_call(entry_of, config.manager(), session_id)


def _transcript(manager: Any, session_id: str) -> dict:
    row = entry_of(manager, session_id)
    document = manager.export_session(session_id)
    messages = [
        {"role": e.get("role"), "content": e.get("content"), "timestamp": e.get("timestamp"),
         "html": render_markdown(e.get("content") or "")}
        for e in document.get("events", ())
        if e.get("type") == "message"
    ]
    return {**row, "redacted": document.get("redacted", False), "messages": messages}


async def transcript(session_id: WellFormedId, _user: Any = Depends(require_admin),
                     config: AdminConfig = Depends(config_of)):
    return await engine_call(_transcript, config.manager(), session_id)


async def export(session_id: WellFormedId, request: Request, _user: Any = Depends(require_admin),
                 config: AdminConfig = Depends(config_of)):
    fmt = request.query_params.get("format", "json")
    manager = config.manager()
    if fmt == "json":
        document = await engine_call(manager.export_session, session_id)
        body, media, ext = orjson.dumps(document, option=orjson.OPT_INDENT_2), "application/json", "json"
    elif fmt in ("markdown", "md"):
        text = await engine_call(manager.export_markdown, session_id)
        body, media, ext = text.encode(), "text/markdown; charset=utf-8", "md"
    else:
        raise HTTPException(400, "format must be json or markdown")
    disposition = f'attachment; filename="pulsepal-session-{session_id}.{ext}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition, **SECURITY_HEADERS})


# ------------------------------------------------------------------------------------------------- actions
async def archive(session_id: WellFormedId, _user: Any = Depends(require_admin_csrf),
                  config: AdminConfig = Depends(config_of)):
    manager = config.manager()
    await engine_call(manager.archive_session, session_id, "admin")
    return {"ok": True, **(await engine_call(entry_of, manager, session_id))}


async def restore(session_id: WellFormedId, _user: Any = Depends(require_admin_csrf),
                  config: AdminConfig = Depends(config_of)):
    manager = config.manager()
    await engine_call(manager.restore_session, session_id)
    return {"ok": True, **(await engine_call(entry_of, manager, session_id))}


async def delete(session_id: WellFormedId, _user: Any = Depends(require_admin_csrf),
                 config: AdminConfig = Depends(config_of)):
    manager = config.manager()
    owner = (await engine_call(entry_of, manager, session_id)).get("owner")
    backup = await engine_call(manager.delete_session, session_id)
    await history_push.conversations_deleted(owner, [session_id])  # the owner's open tabs follow, on every replica
    return {"ok": True, "session_id": session_id, "deleted": True, "backup": shown_location(manager, backup)}


def shown_location(manager: Any, location: Any) -> str:
    """Where a backup is kept, as the admin may see it: a path below the store's folder (file store), or the
    database store's own reference ("postgres:backups/..."; that store has no folder, which made this a 500 there)."""
    if not isinstance(location, Path):
        return str(location)
    try:
        return str(location.relative_to(manager.store.root))
    except (ValueError, AttributeError):
        return location.name


async def cleanup_preview(_user: Any = Depends(require_admin_csrf), config: AdminConfig = Depends(config_of)):
    report = await engine_call(config.manager().cleanup, dry_run=True, wait=False)
    if report.skipped:
        raise HTTPException(409, BUSY)
    return report.to_dict()


async def cleanup_run(request: Request, _user: Any = Depends(require_admin_csrf),
                      config: AdminConfig = Depends(config_of)):
    try:
        body = read_json(await request.body())
    except BadJson:
        body = None
    if not isinstance(body, dict) or body.get("confirm") is not True:
        raise HTTPException(400, 'send {"confirm": true} after reviewing the preview')
    try:
        if body.get("release_held") is True:  # the admin checked the clock and confirms the held steps
            report = await engine_call(config.manager().cleanup, dry_run=False, wait=False, confirm_held=True)
        elif config.run_cleanup is not None:
            report = await maybe_await(config.run_cleanup())
        else:
            report = await engine_call(config.manager().cleanup, dry_run=False, wait=False)
    except HTTPException:
        raise
    except Exception:  # noqa: BLE001 - recorded by the engine in cleanup.json; the details belong in the log
        log.exception("admin: cleanup pass failed")
        raise HTTPException(500, "the cleanup pass failed; see the scheduler panel and the server log") from None
    data = report.to_dict() if hasattr(report, "to_dict") else dict(report or {})
    if data.get("skipped"):
        raise HTTPException(409, BUSY)
    return data


async def method_not_allowed(_user: Any = Depends(require_admin)):
    """Actions exist only as POST; a GET (a link, an <img>, a prefetch) must never change anything."""
    raise HTTPException(405, "use POST with the CSRF token", headers={"Allow": "POST"})


# ------------------------------------------------------------------------------------------ metrics, health
async def metrics(request: Request, user: Any = Depends(resolve_user), config: AdminConfig = Depends(config_of)):
    if not (config.metrics_from_loopback and is_loopback_client(request)):
        check_admin(user)
    manager = config.manager()
    stats_, state = await engine_call(lambda: (stats_report(manager), cleanup_state(manager)))
    text = admin_probes.prometheus_text(stats_, state, await scheduler_status(config))
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8",
                             headers={"Cache-Control": "no-store"})


async def healthz(config: AdminConfig = Depends(config_of)):
    checks = await run_in_threadpool(admin_probes.health_checks, config.manager())
    sched = await scheduler_status(config)
    if sched.get("configured"):
        alive = bool(sched.get("running"))
        detail = {} if alive else {"detail": "the cleanup scheduler is not running"}
        checks["scheduler_alive"] = {"ok": alive, **detail}
    else:
        checks["scheduler_alive"] = {"ok": None, "detail": "no scheduler in this process"}
    ok = all(c["ok"] is not False for c in checks.values())
    return JSONResponse({"status": "ok" if ok else "unhealthy", "checks": checks}, 200 if ok else 503,
                        headers={"Cache-Control": "no-store"})


# ------------------------------------------------------------------------------------------- the route table
GET, POST, NOT_POST = ["GET"], ["POST"], ["GET", "PUT", "PATCH", "DELETE"]
ACTIONS: list[tuple[str, Callable[..., Any]]] = [
    ("/admin/api/sessions/{session_id}/archive", archive),
    ("/admin/api/sessions/{session_id}/restore", restore),
    ("/admin/api/sessions/{session_id}/delete", delete),
    ("/admin/api/cleanup/preview", cleanup_preview),
    ("/admin/api/cleanup/run", cleanup_run),
    *admin_history.ACTIONS,
]
Route = tuple[str, Callable[..., Any], list[str], bool]  # (path, endpoint, methods, in the OpenAPI schema)
ROUTES: list[Route] = [
    ("/admin", page, GET, False),
    ("/admin/", page, GET, False),
    ("/admin/static/{name}", static_file, GET, False),
    ("/admin/api/csrf", csrf_token, GET, True),
    ("/admin/api/stats", stats, GET, True),
    ("/admin/api/ages", ages, GET, True),
    ("/admin/api/activity", activity, GET, True),
    ("/admin/api/storage", storage, GET, True),
    ("/admin/api/alerts", alerts, GET, True),
    ("/admin/api/quarantine", quarantine, GET, True),
    ("/admin/api/scheduler", scheduler, GET, True),
    ("/admin/api/sessions", sessions, GET, True),
    ("/admin/api/sessions/{session_id}", session_detail, GET, True),
    ("/admin/api/sessions/{session_id}/transcript", transcript, GET, True),
    ("/admin/api/sessions/{session_id}/export", export, GET, True),
    *[(path, endpoint, GET, True) for path, endpoint in admin_history.GET_ROUTES],
    ("/metrics", metrics, GET, False),
    ("/healthz", healthz, GET, False),
]
ROUTES += [(path, endpoint, POST, True) for path, endpoint in ACTIONS]
ROUTES += [(path, method_not_allowed, NOT_POST, False) for path, _ in ACTIONS]
