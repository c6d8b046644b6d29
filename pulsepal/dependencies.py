"""The spec's public import path: `from pulsepal.dependencies import SessionManager`.

The engine lives in `pulsepal.sessions`; this module only re-exports it (and offers one shared manager per
process for the web app, so every request sees the same in-memory index).
"""

from __future__ import annotations

from functools import lru_cache

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
