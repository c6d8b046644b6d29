"""What a session id (and an archive day) may be.

Ids end up in file names (`session_<id>.json`), so they are checked before they get anywhere near a path: a
short whitelist of characters rules out traversal (`../x`), absolute paths, NUL bytes and absurd lengths in one
test instead of a list of blacklisted patterns that is never complete.

Two rules, for two jobs. `validate_session_id` is the path-safety rule every stored id satisfies (imports and
older stores may hold ids that are not UUIDs, and they must stay readable). `validate_new_session_id` is the
stricter rule for ids a client sends us at the HTTP edge: the engine only ever creates canonical lowercase
UUIDs, so anything else ("garbage", "1234", an upper-case spelling of a real id) is a client mistake to report,
not an unknown id to answer with a fresh session.
"""

from __future__ import annotations

import datetime
import re
import uuid

from .errors import InvalidInput, InvalidSessionId

MAX_ID_LENGTH = 64
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,%d}" % (MAX_ID_LENGTH - 1))


def new_session_id() -> str:
    return str(uuid.uuid4())


def validate_session_id(session_id: object) -> str:
    """Return the id unchanged if it is safe to use in a file name, else raise InvalidSessionId."""
    if not isinstance(session_id, str):
        raise InvalidSessionId(f"session id must be a string, got {type(session_id).__name__}")
    if not _VALID.fullmatch(session_id):
        shown = session_id if len(session_id) <= 40 else session_id[:40] + "…"
        raise InvalidSessionId(
            f"invalid session id {shown!r}: use 1-{MAX_ID_LENGTH} letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return session_id


def validate_new_session_id(session_id: object) -> str:
    """Return the id unchanged if it is a canonical lowercase UUID (what the engine creates), else raise."""
    validate_session_id(session_id)
    assert isinstance(session_id, str)
    try:
        canonical = str(uuid.UUID(session_id))
    except ValueError:
        canonical = ""
    if canonical != session_id:
        shown = session_id if len(session_id) <= 40 else session_id[:40] + "…"
        raise InvalidSessionId(
            f"invalid session id {shown!r}: session ids are lowercase UUIDs like "
            "'3f2b8c1e-9d4a-4c5b-8e7f-0a1b2c3d4e5f' (the id a previous answer named)"
        )
    return session_id


def is_valid_session_id(session_id: object) -> bool:
    try:
        validate_session_id(session_id)
    except InvalidSessionId:
        return False
    return True


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_day(value: object) -> bool:
    """Whether `value` is an archive day, exactly YYYY-MM-DD and a real date (not 2025-1-8, not 2025-02-30)."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_day(value: object) -> str:
    """Archive days become folder names and query values: refuse anything else before it is used."""
    if not is_day(value):
        raise InvalidInput(f"date must be YYYY-MM-DD, not {value!r}")
    return str(value)


def check_page(offset: object, limit: object) -> None:
    """A page of a listing or search: whole numbers, none negative (limit None: all). Checked above the stores, so
    that a bad page is the same clear error on both (the database refused it, the files quietly gave nothing)."""
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidInput(f"offset must be a whole number of at least 0, not {offset!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InvalidInput(f"limit must be a whole number of at least 0, not {limit!r}")
