"""The session engine: durable file-based sessions with rotation, an index, stats and recovery."""

from .errors import (
    ArchiveError,
    ImportFormatError,
    InvalidInput,
    InvalidSessionId,
    SessionError,
    SessionExists,
    SessionNotFound,
)
from .ids import new_session_id, validate_session_id
from .manager import SessionManager
from .model import CodeExample, ConversationContext, Message

__all__ = [
    "ArchiveError",
    "CodeExample",
    "ConversationContext",
    "ImportFormatError",
    "InvalidInput",
    "InvalidSessionId",
    "Message",
    "SessionError",
    "SessionExists",
    "SessionManager",
    "SessionNotFound",
    "new_session_id",
    "validate_session_id",
]
