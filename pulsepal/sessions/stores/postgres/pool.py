"""Connections: one psycopg `ConnectionPool` per store, and the translation of driver errors into the engine's.

The services call the store from worker threads (the chat's `asyncio.to_thread`, APScheduler's job, the CLI), so the
pool is the synchronous one. Connections are in autocommit mode: a single statement is its own transaction, which is
how the hot path gets one round trip and one commit per turn; multi-statement work opens `conn.transaction()`.
Every connection is configured with `synchronous_commit = on` whatever the server's default, so a commit that
returned is on disk (or on a synchronous standby) before a turn is acknowledged.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from functools import partial
from typing import Any, Iterator

from ...errors import StorageError

try:  # the package is in requirements.txt; keep the import error readable for someone who skipped it
    import psycopg
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError as exc:  # pragma: no cover - only without the pinned requirements
    raise ImportError(f"SESSION_DATABASE_URL is set but the PostgreSQL driver is missing ({exc}): "
                      "pip install -r requirements.txt") from None


# The pool retries failed connections and logs each failure; with no logging configured (the CLI) Python would print
# those records raw beside our one-line error. Where the app configures logging they still reach its handlers.
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())


class DatabaseUnavailable(StorageError, OSError):
    """PostgreSQL could not be reached, dropped the connection, or kept a lock past the timeout; nothing was
    acknowledged (HTTP 503, CLI 3)."""


def _configure(conn: "psycopg.Connection", *, lock_timeout: float) -> None:
    conn.execute("SET synchronous_commit = on")
    conn.execute("SET application_name = 'pulsepal'")
    # A statement waiting on a lock (a stuck transaction, a long migration) gives up after the timeout, so it
    # becomes a 503 instead of holding a worker thread and a pooled connection for as long as the lock lasts.
    conn.execute(f"SET lock_timeout = {max(1, int(lock_timeout * 1000))}")


def open_pool(url: str, *, size: int, timeout: float, name: str = "pulsepal") -> "ConnectionPool":
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=size,
        timeout=timeout,
        kwargs={"autocommit": True, "connect_timeout": max(1, int(timeout))},
        configure=partial(_configure, lock_timeout=timeout),
        name=name,
        open=False,
    )
    try:
        pool.open(wait=True, timeout=timeout)
    except PoolTimeout:
        pool.close()
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL at {redact_url(url)} within {timeout:g} s") from None
    return pool


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        if parts.password:
            host = parts.hostname or ""
            netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
            return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<unparsable URL>"
    return url


@contextmanager
def connection(pool: "ConnectionPool") -> Iterator[Any]:
    """A pooled connection; driver failures come out as engine errors (unavailable, or bad input)."""
    try:
        with pool.connection() as conn:
            yield conn
    except PoolTimeout:
        raise DatabaseUnavailable("no PostgreSQL connection became free in time (SESSION_DATABASE_POOL_SIZE)") from None
    except psycopg.errors.DiskFull:
        raise  # the store's translation makes this StorageFull (507, the storage_full alert), not "unavailable"
    except psycopg.errors.LockNotAvailable:
        raise DatabaseUnavailable("PostgreSQL: a lock was held longer than SESSION_DATABASE_TIMEOUT_SECONDS; "
                                  "nothing was changed, try again") from None
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(f"PostgreSQL failed: {' '.join(str(exc).split())}") from None
    except psycopg.DataError as exc:  # e.g. a NUL character in a text column, a value out of range
        raise ValueError(f"cannot store this value in PostgreSQL: {' '.join(str(exc).split())}") from None
