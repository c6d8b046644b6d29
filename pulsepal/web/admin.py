"""The admin surface: the `/admin` page, its JSON API under `/admin/api/...`, `/metrics` and `/healthz`.

Who is an admin is decided by the chat app's auth (local user, admin role, trusted proxy header); this module
takes that decision as a `user_of(request)` function so it can be tested without Chainlit and never imports
auth at import time. The pieces:

- admin_routes.py   the routes (module-level functions) and their table
- admin_access.py   who may call them, the CSRF check, the per-router configuration, engine errors -> HTTP
- admin_page.py, admin_charts.py, admin_markdown.py   the HTML (page, charts, transcripts); admin_static/ its CSS/JS
- admin_probes.py  /metrics text and /healthz checks (the sessions table pages through manager.list_sessions,
  which the file store answers from cached orderings)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from fastapi import APIRouter, Depends

from .admin_access import CSRF_HEADER, PAGE_CSP, SECURITY_HEADERS, AdminConfig, CsrfSigner, UserResolver
from .admin_routes import ROUTES, STATIC_TYPES
from .routing import include_before_catch_all

__all__ = ["CSRF_HEADER", "PAGE_CSP", "SECURITY_HEADERS", "CsrfSigner", "build_admin_router", "include_admin_routes"]

STATIC_DIR = Path(__file__).with_name("admin_static")


def build_admin_router(
    user_of: UserResolver,
    manager_factory: Callable[[], Any],
    scheduler_info: Optional[Callable[[], Any]] = None,
    run_cleanup: Optional[Callable[[], Any]] = None,
    *,
    csrf_secret: Optional[bytes] = None,
    metrics_from_loopback: bool = True,
    auth_mode: Optional[Callable[[], str]] = None,
) -> APIRouter:
    """The admin router. `scheduler_info()` (sync or async) returns a dict with at least `running` and
    `next_run`; `run_cleanup()` runs a real pass the way the scheduler does (and records it), otherwise the
    manager's own `cleanup()` is used. Loopback clients may read /metrics without signing in unless
    `metrics_from_loopback` is False. `auth_mode()` ("local", "password", "proxy") lets the sign-in page say
    how to get in."""
    config = AdminConfig(
        user_of=user_of,
        manager_factory=manager_factory,
        scheduler_info=scheduler_info,
        run_cleanup=run_cleanup,
        auth_mode=auth_mode,
        metrics_from_loopback=metrics_from_loopback,
        signer=CsrfSigner(csrf_secret),
        static={p.name: p.read_bytes() for p in STATIC_DIR.iterdir() if p.suffix in STATIC_TYPES},
    )
    router = APIRouter(dependencies=[Depends(config.attach)])  # runs before each route's own dependencies
    for path, endpoint, methods, in_schema in ROUTES:
        router.add_api_route(path, endpoint, methods=methods, include_in_schema=in_schema)
    return router


def include_admin_routes(app, manager_factory: Optional[Callable[[], Any]] = None) -> APIRouter:
    """Mount the admin routes on the chat server. They go just before Chainlit's GET catch-all
    (`/{full_path:path}`, Chainlit issue #1819), which would otherwise answer GET /admin with the chat page, and
    after Chainlit's own routes, which they must never shadow."""
    from ..settings import get_settings
    from .auth import request_user
    from .scheduler import run_cleanup_now, scheduler_info

    if manager_factory is None:
        from ..dependencies import get_session_manager

        manager_factory = get_session_manager
    router = build_admin_router(request_user, manager_factory, scheduler_info, run_cleanup_now,
                                auth_mode=lambda: get_settings().auth_mode)
    include_before_catch_all(app, router)
    return router
