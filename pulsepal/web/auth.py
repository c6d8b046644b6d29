"""Who is acting: local single-user, password (users file) or trusted reverse-proxy header mode.

Chainlit only keeps history (sidebar, resume) for an authenticated user, so every mode ends in a Chainlit login
with a signed JWT cookie; the modes differ in how that login is granted:

- local: the person who started the server, identified by the start-up token (localtoken.py) or the cookie it
  was exchanged for. The server also refuses to listen on a non-loopback address unless ALLOW_REMOTE_LOCAL says
  an operator put their own access control in front.
- password: Chainlit's password hook checks the users file (salted scrypt hashes, users.py), behind the
  sign-in back-off (throttle.py).
- proxy: the reverse proxy names the user in PROXY_USER_HEADER, believed only from TRUSTED_PROXY_IPS (the
  security middleware drops the header from everyone else). The header is the identity on every request and on
  the chat socket; a cookie left from an earlier sign-in never overrides it or stands in for it.

One answer to "who is this?" for every way in: `identify(connection)`. It re-checks the current configuration and
users file on every call (a removed user loses access at once, not when their 15-day cookie expires; in password
mode a cookie also names, by a keyed tag, the password it was issued for, so `users add NAME --replace` signs out
every browser that signed in with the old one), and it is
what Chainlit's own routes (`chainlit_current_user`, installed as the override of Chainlit's `get_current_user`
dependency), the chat socket's connect handler (`socket_user`), our HTTP routes and the admin page
(`request_user`) all use.

With SESSION_DATABASE_URL in password mode the users live in the database, so that check is a query: the async
callers (`request_user`, `chainlit_current_user`, `socket_user`, `still_allowed_async`, the security middleware
through `identify_async`) run it in a worker thread, so a slow or locked users table holds up that one request,
never the event loop every other user's chat runs on.

The JWT needs CHAINLIT_AUTH_SECRET; when the operator has not set one, a random secret is generated on first start
and kept (0600) in the storage folder, so logins survive restarts without any setup.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from starlette.requests import HTTPConnection

from ..dependencies import accounts_for
from ..sessions import files
from ..sessions.errors import StorageError
from ..settings import Settings, get_settings
from . import hosts, localtoken, users

log = logging.getLogger("pulsepal.auth")

SECRET_FILE = "chainlit_auth_secret"
SECRET_ENV = "CHAINLIT_AUTH_SECRET"


class StartupRefused(RuntimeError):
    """The configuration is unsafe or unusable; the message tells the operator what to change."""


@dataclass(frozen=True)
class AppUser:
    identifier: str
    is_admin: bool


def mode(settings: Optional[Settings] = None) -> str:
    return (settings or get_settings()).auth_mode


# --------------------------------------------------------------------------------------------- start-up checks
def is_loopback(host: str) -> bool:
    host = (host or "").strip().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Optional[Settings] = None) -> None:
    settings = settings or get_settings()
    if settings.auth_mode == "local" and not is_loopback(host) and not settings.allow_remote_local:
        raise StartupRefused(
            f"PulsePal is in local single-user mode (AUTH_MODE=local) but asked to listen on {host!r}: anyone who "
            "can reach that address and learns the start-up token would be the local user and see every "
            "conversation.\n"
            "Either listen on 127.0.0.1 (the default), or choose AUTH_MODE=password (add users with "
            "`python -m pulsepal.cli users add NAME`) or AUTH_MODE=proxy behind an authenticating reverse proxy, "
            "or - only if you control access yourself - set ALLOW_REMOTE_LOCAL=true."
        )
    if settings.auth_mode == "proxy" and not settings.trusted_proxy_networks:
        raise StartupRefused(
            "PulsePal is in proxy mode (AUTH_MODE=proxy) but TRUSTED_PROXY_IPS is not set: without it anyone who "
            f"reaches the port could send {settings.proxy_user_header}: <any user> and be that user.\n"
            "Set TRUSTED_PROXY_IPS to the address(es) your reverse proxy connects from, e.g. "
            "TRUSTED_PROXY_IPS=127.0.0.1 when it runs on this machine (IPs or CIDR networks, comma-separated)."
        )


def ensure_auth_secret(settings: Optional[Settings] = None) -> Path:
    """Make CHAINLIT_AUTH_SECRET available, generating and keeping one in the storage folder if none is set."""
    settings = settings or get_settings()
    folder = files.ensure_dir(settings.session_storage_path)
    path = folder / SECRET_FILE
    if os.environ.get(SECRET_ENV):  # the operator's own secret wins (Chainlit reads it from the environment)
        return path
    with files.locked(folder / (SECRET_FILE + ".lock")):
        try:
            secret = files.read_bytes(path).decode("ascii").strip()
        except FileNotFoundError:
            secret = ""
        if len(secret) < 32:
            secret = secrets.token_urlsafe(48)
            files.atomic_write_bytes(path, secret.encode("ascii"))  # 0600, written whole or not at all
        os.chmod(path, 0o600)
    os.environ[SECRET_ENV] = secret
    return path


# ------------------------------------------------------------------------------------------- who is this?
def is_admin(identifier: str, settings: Optional[Settings] = None) -> bool:
    settings = settings or get_settings()
    if settings.auth_mode == "local":
        return identifier == settings.local_user_name
    if identifier in settings.admin_user_set:
        return True
    if settings.auth_mode == "password":
        record = accounts_for(settings).get(identifier)
        return bool(record and record.admin)
    return False


def is_current_user(identifier: Optional[str], settings: Optional[Settings] = None) -> bool:
    """Whether an identifier (from a cookie, or a thread's owner) names a user who exists now."""
    settings = settings or get_settings()
    if not identifier:
        return False
    if settings.auth_mode == "local":
        return identifier == settings.local_user_name
    if settings.auth_mode == "password":
        return accounts_for(settings).get(identifier) is not None
    try:
        users.validate_user_name(identifier)
    except users.UserError:
        return False
    return True


def proxy_identity(headers: Mapping[str, str], settings: Optional[Settings] = None) -> Optional[str]:
    """The user the proxy header names (the caller has made sure it came from a trusted proxy)."""
    settings = settings or get_settings()
    value = headers.get(settings.proxy_user_header) or headers.get(settings.proxy_user_header.lower())
    if not value:
        return None
    try:
        return users.validate_user_name(value.strip())
    except users.UserError:
        return None


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    return headers.get(name) or headers.get(name.lower())


def _signed_user(token: Optional[str]) -> Any:
    """The Chainlit user a cookie was signed for, or None."""
    if not token:
        return None
    try:
        from chainlit.auth.jwt import decode_jwt

        return decode_jwt(token)
    except Exception:  # noqa: BLE001 - expired, forged, or signed with another secret: all mean "not signed in"
        return None


def _signed_identifier(token: Optional[str]) -> Optional[str]:
    user = _signed_user(token)
    return getattr(user, "identifier", None) if user is not None else None


def cookie_tag(credential: str) -> str:
    """What a password-mode cookie carries of the password it was issued for: a keyed digest of the account's
    credential (see passwords.UserRecord), so a new password signs out the old cookies, and the cookie, which the
    browser can read, tells nothing about the hash."""
    key = os.environ.get(SECRET_ENV, "").encode("utf-8")
    return hmac.new(key, credential.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def _issued_for(user: Any, record: Any) -> bool:
    metadata = getattr(user, "metadata", None)
    carried = metadata.get("credential") if isinstance(metadata, dict) else None
    return isinstance(carried, str) and hmac.compare_digest(carried, cookie_tag(record.credential))


def _jwt_of(conn: HTTPConnection) -> Optional[str]:
    from chainlit.auth import get_token_from_cookies

    token = get_token_from_cookies(dict(conn.cookies))
    if token:
        return token
    scheme, _, value = (conn.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _peer(conn: HTTPConnection) -> Optional[str]:
    client = conn.scope.get("client")
    return client[0] if client else None


def identify(conn: HTTPConnection, settings: Optional[Settings] = None) -> Optional[AppUser]:
    """The user acting through this request or socket handshake, or None (see the module docstring)."""
    settings = settings or get_settings()
    if settings.auth_mode == "proxy":
        if not hosts.peer_trusted(_peer(conn), settings):
            return None
        name = proxy_identity(conn.headers, settings)
        return AppUser(name, name in settings.admin_user_set) if name else None
    if settings.auth_mode == "local":
        token = localtoken.token_from_authorization(conn.headers.get("authorization"))
        if token is not None:
            return AppUser(settings.local_user_name, True) if localtoken.token_matches(token, settings) else None
        identifier = _signed_identifier(_jwt_of(conn))
        return AppUser(identifier, True) if identifier == settings.local_user_name else None
    signed = _signed_user(_jwt_of(conn))
    identifier = getattr(signed, "identifier", None)
    if not isinstance(identifier, str):
        return None
    record = accounts_for(settings).get(identifier)
    if record is None or not _issued_for(signed, record):  # removed, or its password changed since sign-in
        return None
    return AppUser(record.name, record.admin or record.name in settings.admin_user_set)


def _asks_the_database(settings: Settings) -> bool:
    return settings.auth_mode == "password" and bool(settings.session_database_url)


async def identify_async(conn: HTTPConnection, settings: Optional[Settings] = None) -> Optional[AppUser]:
    """`identify` for code on the event loop: off the loop when it means a database query (the users file is
    cached by its stat signature, so it is answered in place)."""
    settings = settings or get_settings()
    if _asks_the_database(settings):
        return await asyncio.to_thread(identify, conn, settings)
    return identify(conn, settings)


async def request_user(request) -> Optional[AppUser]:
    """The user of an HTTP request (our routes, the admin page), or None: callers answer 401. When the users
    cannot be read (the database is down) the route answers 503 rather than guessing either way."""
    try:
        return await identify_async(request)
    except StorageError as exc:
        raise _unavailable(exc) from None


def _unavailable(exc: Exception):
    from fastapi import HTTPException

    log.warning("cannot check who is asking: %s", exc)
    return HTTPException(503, "the conversation store cannot be reached right now; try again shortly",
                         headers={"Retry-After": "5"})


def still_allowed(identifier: Optional[str], environ: Optional[Mapping] = None) -> bool:
    """Whether a chat's user may still act, re-checked on every message: the socket outlives account changes.

    With the socket's environ (it keeps the handshake's ASGI scope) the handshake is identified afresh and must
    still be the same user; without one, the identifier must still name a current user."""
    if not identifier:
        return False
    scope = (environ or {}).get("asgi.scope")
    if scope is not None:
        user = identify(HTTPConnection(scope))
        return user is not None and user.identifier == identifier
    return is_current_user(identifier)


async def still_allowed_async(identifier: Optional[str], environ: Optional[Mapping] = None) -> bool:
    """`still_allowed` for the chat hooks, which run on the event loop (see `identify_async`)."""
    if _asks_the_database(get_settings()):
        return await asyncio.to_thread(still_allowed, identifier, environ)
    return still_allowed(identifier, environ)


# ------------------------------------------------------------------------------------ Chainlit's login hooks
def _chainlit_user(identifier: str, provider: str, admin: bool, credential: Optional[str] = None):
    import chainlit as cl

    metadata: dict[str, Any] = {"provider": provider, "admin": admin}
    if credential is not None:
        metadata["credential"] = cookie_tag(credential)
    return cl.User(identifier=identifier, display_name=identifier, metadata=metadata)


def local_user(settings: Optional[Settings] = None):
    settings = settings or get_settings()
    return _chainlit_user(settings.local_user_name, "local", True)


async def password_login(username: str, password: str):
    """Chainlit's password hook: the users file decides. scrypt is slow on purpose, so it runs off the loop."""
    import asyncio

    settings = get_settings()
    record = await asyncio.to_thread(accounts_for(settings).verify, username, password)
    if record is None:
        return None
    return _chainlit_user(record.name, "credentials", record.admin or record.name in settings.admin_user_set,
                          record.credential)


async def header_login(headers: Mapping[str, str]):
    """Chainlit's header hook (POST /auth/header).

    local: granted only to a caller that shows the start-up token (`Authorization: Token ...`) or already holds
    the local cookie; proxy: the header, which reaches this hook only from a trusted proxy."""
    from chainlit.auth import get_token_from_cookies
    from starlette.requests import cookie_parser

    settings = get_settings()
    if settings.auth_mode == "local":
        token = localtoken.token_from_authorization(_header(headers, "Authorization"))
        if token is not None and localtoken.token_matches(token, settings):
            return local_user(settings)
        cookies = cookie_parser(_header(headers, "Cookie") or "")
        if _signed_identifier(get_token_from_cookies(cookies)) == settings.local_user_name:
            return local_user(settings)
        return None
    if settings.auth_mode == "proxy":
        name = proxy_identity(headers, settings)
        if name is None:
            return None
        return _chainlit_user(name, "proxy", name in settings.admin_user_set)
    return None


# ------------------------------------------------------------------------ Chainlit's routes and chat socket
def _persisted(user: AppUser):
    from chainlit.user import PersistedUser

    from ..clock import SYSTEM_CLOCK

    return PersistedUser(id=user.identifier, identifier=user.identifier, createdAt=SYSTEM_CLOCK.now().isoformat(),
                         display_name=user.identifier, metadata={"provider": mode(), "admin": user.is_admin})


async def chainlit_current_user(request: HTTPConnection):
    """Replaces Chainlit's `get_current_user` dependency on every one of its routes (`/user`, `/project/*`, ...)."""
    from fastapi import HTTPException

    try:
        user = await identify_async(request)
    except StorageError as exc:
        raise _unavailable(exc) from None
    if user is None:
        raise HTTPException(401, "authentication required")
    return _persisted(user)


async def socket_user(environ: dict) -> tuple[Any, Optional[str]]:
    """Replaces Chainlit's socket `_authenticate_connection(environ)`: (user, token), or (None, None) to refuse."""
    scope = environ.get("asgi.scope") if isinstance(environ, dict) else None
    if scope is None:
        return None, None
    conn = HTTPConnection(scope)
    try:
        user = await identify_async(conn)
    except StorageError as exc:  # the socket is refused; the page's own requests say 503
        log.warning("chat socket refused: cannot check who is asking: %s", exc)
        return None, None
    if user is None:
        return None, None
    return _persisted(user), _jwt_of(conn) or ""
