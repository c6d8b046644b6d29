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


class ArchiveDamaged(ArchiveError):
    """An archive was unreadable and has been set aside (quarantined); the session cannot be brought back."""


class ImportFormatError(SessionError, ValueError):
    """A file offered for import is not a valid PulsePal export; the message says what is wrong."""


class InvalidInput(SessionError, ValueError):
    """An argument other than the id is malformed (a date, a folder); nothing was read or written."""


class LockBusy(SessionError, RuntimeError):
    """A non-blocking lock attempt found the lock held (e.g. another cleanup pass is running)."""


class StorageError(SessionError):
    """The storage itself failed (not writable, unreadable, gone). The message is fit for any user and names no
    path; the operator finds the details in the log (HTTP 503, CLI exit 3)."""


class StorageFull(StorageError):
    """There is no space left: nothing was written, nothing half-written was left behind (HTTP 507, CLI exit 3)."""


def storage_error(exc: OSError) -> StorageError:
    """The engine's error for an operating-system failure, with a message that tells a user what happened."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull("the session storage is full: this change was not saved (an operator has been alerted)")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError("the session storage cannot be written right now: this change was not saved "
                            "(an operator has been alerted)")
    return StorageError("the session storage failed: this change was not saved (an operator has been alerted)")
