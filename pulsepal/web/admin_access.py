"""Who may use the admin routes, how changes are protected, and what each router is configured with.

The routes in admin_routes.py are plain module-level functions. What differs between two routers (the chat
server's and a test's: who the user is, which engine, the CSRF secret) is an `AdminConfig`, which the router
hands to every request through a router-level dependency (`AdminConfig.attach`) before the route's own
dependencies run; routes and their dependencies read it back with `config_of`.

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
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Optional

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from ..sessions import SessionError
from .errors import http_error

log = logging.getLogger("pulsepal.admin")

CSRF_HEADER = "X-PulsePal-CSRF"
REPORT_TTL_SECONDS = 10.0
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
        return bool(token) and hmac.compare_digest(self.token_for(identifier), token or "")


class TtlCache:
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


@dataclass
class AdminConfig:
    """One router's collaborators. `scheduler_info()` (sync or async) returns at least `running` and `next_run`;
    `run_cleanup()` runs a real pass the way the scheduler does (else the manager's own `cleanup()` is used);
    `auth_mode()` names the sign-in mode so the sign-in page can say how to get in."""

    user_of: UserResolver
    manager_factory: Callable[[], Any]
    scheduler_info: Optional[Callable[[], Any]] = None
    run_cleanup: Optional[Callable[[], Any]] = None
    auth_mode: Optional[Callable[[], str]] = None
    metrics_from_loopback: bool = True
    signer: CsrfSigner = field(default_factory=CsrfSigner)
    cache: TtlCache = field(default_factory=lambda: TtlCache(REPORT_TTL_SECONDS))
    static: dict[str, bytes] = field(default_factory=dict)

    async def attach(self, request: Request) -> None:
        request.state.pulsepal_admin = self

    def manager(self) -> Any:
        return self.manager_factory()


def config_of(request: Request) -> AdminConfig:
    config = getattr(request.state, "pulsepal_admin", None)
    if config is None:  # a route registered without build_admin_router's dependency: a wiring bug
        raise RuntimeError("admin route called without its AdminConfig")
    return config


# ------------------------------------------------------------------------------------------------ who is asking
async def resolve_user(request: Request, config: AdminConfig = Depends(config_of)) -> Any:
    """The signed-in user or None. A broken token must look like no token, not like a server error."""
    try:
        return await config.user_of(request)
    except Exception:  # noqa: BLE001 - see above; the detail goes to the log
        log.warning("admin: resolving the user failed", exc_info=True)
        return None


def check_admin(user: Any) -> Any:
    """401 without a user, 403 for a user who is not an admin; the bodies name nobody."""
    if user is None:
        raise HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})
    if not getattr(user, "is_admin", False):
        raise HTTPException(403, "admin access required")
    return user


async def require_admin(user: Any = Depends(resolve_user)) -> Any:
    return check_admin(user)


async def require_admin_csrf(request: Request, user: Any = Depends(require_admin),
                             config: AdminConfig = Depends(config_of)) -> Any:
    if not config.signer.check(str(user.identifier), request.headers.get(CSRF_HEADER)):
        raise HTTPException(403, "missing or invalid CSRF token")
    return user


def is_loopback_client(request: Request) -> bool:
    """A direct local client (not one relayed by a reverse proxy on this host, which adds forwarding headers)."""
    if any(h in request.headers for h in ("x-forwarded-for", "forwarded", "x-real-ip")):
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------------- helpers
async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
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


async def engine_call(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run a blocking engine call off the event loop (the chat shares it) and map engine errors to HTTP."""
    try:
        return await run_in_threadpool(fn, *args, **kwargs)
    except SessionError as exc:
        raise http_error(exc) from None
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
