"""The session stores behind the engine's storage seam (see ../store.py for the protocol they implement)."""

from __future__ import annotations

from ...clock import Clock
from ...settings import Settings
from ..codec import BlobCodec
from ..store import SessionStore


def open_store(settings: Settings, clock: Clock, *, actor: str = "app") -> SessionStore:
    """The store the settings ask for: PostgreSQL when SESSION_DATABASE_URL is set, else the file store."""
    codec = BlobCodec(settings.session_compression, settings.session_encryption_key)
    database_url = getattr(settings, "session_database_url", None)
    if database_url:
        from .postgres import PostgresStore

        return PostgresStore(settings, clock, codec, actor=actor)
    from .files import FileStore

    return FileStore(settings, clock, codec, actor=actor)
