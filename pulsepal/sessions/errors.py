"""Errors the engine raises, each meaning one thing to a caller (CLI exit code, HTTP status)."""


class SessionError(Exception):
    """Base class: every engine error carries a message fit to show an operator."""


class InvalidSessionId(SessionError, ValueError):
    """The id could not be a session id; nothing was read or written (HTTP 400, CLI exit 2)."""


class SessionNotFound(SessionError, LookupError):
    """No active session with this id (it may be archived, expired or never existed) (HTTP 404, CLI exit 1)."""


class SessionExists(SessionError):
    """An import or restore would overwrite a session and was not forced."""


class ArchiveError(SessionError):
    """An archive could not be read: wrong encryption key, damaged gzip, or not a PulsePal archive."""


class ImportFormatError(SessionError, ValueError):
    """A file offered for import is not a valid PulsePal export; the message says what is wrong."""


class InvalidInput(SessionError, ValueError):
    """An argument other than the id is malformed (a date, a folder); nothing was read or written."""


class LockBusy(SessionError, RuntimeError):
    """A non-blocking lock attempt found the lock held (e.g. another cleanup pass is running)."""
