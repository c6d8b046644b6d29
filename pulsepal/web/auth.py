"""Who is chatting: local single-user, password (users file) or trusted reverse-proxy header mode.

Chainlit only keeps history (sidebar, resume) for an authenticated user, so every mode ends in a Chainlit login
with a signed JWT cookie; the modes differ in how that login is granted:

- local: Chainlit's header-auth hook grants the single local user to whoever asks, so the login page redirects
  straight into the chat. That is only safe when nobody else can reach the port, hence the refusal to start on a
  non-loopback address unless ALLOW_REMOTE_LOCAL says an operator put their own access control in front.
- password: Chainlit's password hook checks the users file (salted scrypt hashes, see users.py).
- proxy: the header-auth hook trusts PROXY_USER_HEADER, which the proxy must set (and strip from client requests).

The JWT needs CHAINLIT_AUTH_SECRET; when the operator has not set one, a random secret is generated on first start
and kept (0600) in the storage folder, so logins survive restarts without any setup.

`request_user(request)` answers the same question for plain HTTP routes (downloads, POST /query, the admin page),
re-checking against the current users file so a removed user loses access at once, not when their cookie expires.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from ..sessions import files
from ..settings import Settings, get_settings
from . import users

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
            "can reach that address would be signed in as the local user and see every conversation.\n"
            "Either listen on 127.0.0.1 (the default), or choose AUTH_MODE=password (add users with "
            "`python -m pulsepal.cli users add NAME`) or AUTH_MODE=proxy behind an authenticating reverse proxy, "
            "or - only if you control access yourself - set ALLOW_REMOTE_LOCAL=true."
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


# ------------------------------------------------------------------------------------------- login callbacks
def _chainlit_user(identifier: str, provider: str, admin: bool):
    import chainlit as cl

    return cl.User(identifier=identifier, display_name=identifier, metadata={"provider": provider, "admin": admin})


def is_admin(identifier: str, settings: Optional[Settings] = None) -> bool:
    settings = settings or get_settings()
    if settings.auth_mode == "local":
        return identifier == settings.local_user_name
    if identifier in settings.admin_user_set:
        return True
    if settings.auth_mode == "password":
        record = users.get_user(settings.users_path, identifier)
        return bool(record and record.admin)
    return False


async def password_login(username: str, password: str):
    """Chainlit's password hook: the users file decides. scrypt is slow on purpose, so it runs off the loop."""
    settings = get_settings()
    record = await asyncio.to_thread(users.verify_user, settings.users_path, username, password)
    if record is None:
        return None
    return _chainlit_user(record.name, "credentials", record.admin or record.name in settings.admin_user_set)


def proxy_identity(headers: Mapping[str, str], settings: Optional[Settings] = None) -> Optional[str]:
    settings = settings or get_settings()
    value = headers.get(settings.proxy_user_header) or headers.get(settings.proxy_user_header.lower())
    if not value:
        return None
    try:
        return users.validate_user_name(value.strip())
    except users.UserError:
        return None


async def header_login(headers: Mapping[str, str]):
    """Chainlit's header hook: in local mode it grants the local user; in proxy mode it trusts the proxy header."""
    settings = get_settings()
    if settings.auth_mode == "local":
        return _chainlit_user(settings.local_user_name, "local", True)
    if settings.auth_mode == "proxy":
        name = proxy_identity(headers, settings)
        if name is None:
            return None
        return _chainlit_user(name, "proxy", name in settings.admin_user_set)
    return None


def still_allowed(identifier: Optional[str], environ: Optional[Mapping] = None) -> bool:
    """Whether a chat's (cookie-authenticated) user may still act: the cookie outlives account changes.

    password: the user must still be in the users file; local: only the local user; proxy: when the socket's
    upgrade request carries the proxy header it must name the same user (a different person signed in at the
    proxy in the same browser must not inherit the previous cookie)."""
    if not identifier:
        return False
    settings = get_settings()
    if settings.auth_mode == "local":
        return identifier == settings.local_user_name
    if settings.auth_mode == "password":
        return users.get_user(settings.users_path, identifier) is not None
    if environ:
        key = "HTTP_" + settings.proxy_user_header.upper().replace("-", "_")
        current = environ.get(key)
        if current is not None and current.strip() != identifier:
            return False
    return True


# ------------------------------------------------------------------------------------------- plain HTTP routes
def _token(request) -> Optional[str]:
    from chainlit.auth import get_token_from_cookies

    token = get_token_from_cookies(request.cookies)
    if token:
        return token
    authorization = request.headers.get("Authorization") or ""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def request_user(request) -> Optional[AppUser]:
    """The user of an HTTP request, or None when it is not authenticated (callers answer 401).

    local and password modes read Chainlit's access_token cookie (or `Authorization: Bearer`), proxy mode reads
    the trusted header. The result is re-checked against the current configuration and users file."""
    settings = get_settings()
    if settings.auth_mode == "proxy":
        name = proxy_identity(request.headers, settings)
        return AppUser(name, name in settings.admin_user_set) if name else None
    token = _token(request)
    if not token:
        return None
    try:
        from chainlit.auth.jwt import decode_jwt

        identifier = decode_jwt(token).identifier
    except Exception:  # noqa: BLE001 - expired, forged, or signed with another secret: all mean "not signed in"
        return None
    if settings.auth_mode == "local":
        return AppUser(identifier, True) if identifier == settings.local_user_name else None
    record = await asyncio.to_thread(users.get_user, settings.users_path, identifier)
    if record is None:
        return None
    return AppUser(record.name, record.admin or record.name in settings.admin_user_set)
