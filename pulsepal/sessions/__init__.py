"""The session engine: durable sessions (files or PostgreSQL) with rotation, an index, stats and recovery."""

from .errors import (
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
from .ids import new_session_id, validate_session_id
from .manager import SessionManager
from .model import CodeExample, ConversationContext, Message

__all__ = [
    "ArchiveDamaged",
    "ArchiveError",
    "CodeExample",
    "ConversationContext",
    "ImportFormatError",
    "InvalidInput",
    "InvalidSessionId",
    "LockBusy",
    "Message",
    "SessionError",
    "SessionExists",
    "SessionManager",
    "SessionNotFound",
    "StorageError",
    "StorageFull",
    "new_session_id",
    "validate_session_id",
]
