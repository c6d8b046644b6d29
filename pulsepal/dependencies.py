"""The spec's public import path: `from pulsepal.dependencies import SessionManager`.

The engine lives in `pulsepal.sessions`; this module only re-exports it (and offers one shared manager per
process for the web app, so every request sees the same in-memory index).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from .sessions import (
    ArchiveError,
    CodeExample,
    ConversationContext,
    ImportFormatError,
    InvalidSessionId,
    Message,
    SessionError,
    SessionExists,
    SessionManager,
    SessionNotFound,
)
from .settings import Settings, get_settings


@lru_cache(maxsize=1)
def get_session_manager() -> SessionManager:
    return SessionManager(get_settings())


def accounts_for(settings: Settings, users_path: Optional[Path] = None) -> Any:
    """The accounts of password mode: the users file, or, with SESSION_DATABASE_URL, the database's users table
    (so every replica agrees on who may sign in). Both offer add / remove / list / get / verify."""
    if settings.session_database_url:
        from .sessions.stores.postgres.accounts import DatabaseUsers

        return DatabaseUsers(database_pool(settings))
    from .web.users import FileUsers

    return FileUsers(users_path or settings.users_path)


def preferences_for(settings: Settings) -> Any:
    """Each user's chat preferences: a file beside the store, or the database's preferences table."""
    if settings.session_database_url:
        from .sessions.stores.postgres.accounts import DatabasePreferences

        return DatabasePreferences(database_pool(settings))
    return _file_preferences(settings.session_storage_path / "preferences.json")


@lru_cache(maxsize=4)
def _file_preferences(path: Path) -> Any:
    """One Preferences per file and process: it keeps the parsed file by its stat signature, which every new chat
    (reading its user's language) relies on to be served from memory."""
    from .web.preferences import Preferences

    return Preferences(path)


def database_pool(settings: Settings) -> Any:
    """The pool for the users and preferences tables: the app's store's own when the app's manager is already open
    on this database (one pool per process), else a small one kept per database for the process. It never opens
    the app's manager for this: a CLI command given other settings must not create the default store's folders."""
    url = str(settings.session_database_url)
    if get_session_manager.cache_info().currsize:
        manager = get_session_manager()
        pool = getattr(manager.store, "pool", None)
        if pool is not None and str(manager.settings.session_database_url) == url:
            return pool
    return _accounts_pool(url, settings.session_database_timeout_seconds)


_pools: dict[tuple[str, float], Any] = {}
_pools_guard = threading.Lock()


def _accounts_pool(url: str, timeout: float) -> Any:
    """One per database and process (not one per call: each holds two connections open), created under a lock so
    that threads asking at once share it."""
    with _pools_guard:
        pool = _pools.get((url, timeout))
        if pool is None:
            from .sessions.stores.postgres.pool import open_pool

            pool = _pools[(url, timeout)] = open_pool(url, size=2, timeout=timeout, name="pulsepal-accounts")
        return pool


def close_pools() -> None:
    """Close the pools opened for the users and preferences tables (the app's shutdown, a test's end)."""
    with _pools_guard:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


def erase_user_everywhere(manager: Any, owner: str) -> dict:
    """Every conversation of `owner` (the engine keeps the operator's backups) and what the chat kept for them (their
    preferences): one place for "delete all my data", from the chat and from the CLI."""
    result = manager.erase_user(owner)
    preferences_for(manager.settings).forget(owner)
    return result


def get_preferences() -> Any:
    """Built per call from the current settings (the file-backed object is cached per path, the database pool is
    the store's), so settings changed by a test or a reload are always followed."""
    return preferences_for(get_settings())


__all__ = [
    "ArchiveError",
    "CodeExample",
    "ConversationContext",
    "ImportFormatError",
    "InvalidSessionId",
    "Message",
    "SessionError",
    "SessionExists",
    "SessionManager",
    "SessionNotFound",
    "Settings",
    "get_session_manager",
]
