"""One mapping from the engine's errors to HTTP, for every route of ours (admin API, downloads, POST /query).

Each engine error means one thing to a caller (errors.py); the response says what to fix in the engine's own
words, which never name a server path. What the operator needs (the path, the errno) is in the log, written where
the failure happened."""

from __future__ import annotations

from fastapi import HTTPException

from ..sessions.errors import (
    ArchiveDamaged,
    ArchiveError,
    ImportFormatError,
    InvalidInput,
    InvalidSessionId,
    LockBusy,
    SessionError,
    SessionExists,
    SessionNotFound,
    StorageError,
    StorageFull,
)

STATUS = (  # the first class that matches wins: subclasses before their bases
    (InvalidSessionId, 400),
    (ImportFormatError, 400),
    (InvalidInput, 400),
    (SessionNotFound, 404),
    (SessionExists, 409),
    (LockBusy, 409),
    (ArchiveDamaged, 409),
    (ArchiveError, 409),
    (StorageFull, 507),
    (StorageError, 503),
    (SessionError, 409),
)


def http_error(exc: SessionError) -> HTTPException:
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return HTTPException(status, str(exc))
    return HTTPException(500, "internal error")
