"""The PostgreSQL session store (SESSION_DATABASE_URL): see store.py."""

from .store import PostgresStore

__all__ = ["PostgresStore"]
