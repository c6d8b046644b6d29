"""What a signed-in user may do with their own history, in one place for the three ways in: the chat's commands,
our HTTP routes (the sidebar's Pin entry, the export-all download, delete-all) and Chainlit's data-layer calls
(thumbs up/down, the Share dialog). Each function is blocking (call it in a thread) and takes the user explicitly.

Ownership is checked here against the store, strictly: a conversation is a user's only if its owner is that
user, and anything else (someone else's, an ownerless one, one that does not exist) is "not found", so a caller
learns nothing about ids that are not theirs. The engine checks again underneath (PermissionError).
"""

from __future__ import annotations

import re
from typing import Any, Optional

from ..sessions import InvalidSessionId, SessionNotFound, validate_session_id
from ..sessions.errors import InvalidInput
from ..sessions.ids import validate_new_session_id
from ..settings import get_settings

MAX_SHARE_HOURS = 24 * 365
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def owned(manager: Any, user: Optional[str], session_id: str) -> str:
    """The validated id of a conversation `user` owns, or SessionNotFound / InvalidSessionId. Ids from the page are
    the UUIDs the engine creates (as for the downloads); anything else is the caller's mistake."""
    session_id = validate_new_session_id(str(session_id or ""))
    if not user or manager.owner_of(session_id) != user:
        raise SessionNotFound(f"no conversation {session_id}")
    return session_id


# --- pins ----------------------------------------------------------------------------------------------------------
def pin(manager: Any, user: Optional[str], session_id: str, pinned: bool = True) -> dict:
    session_id = owned(manager, user, session_id)
    return manager.pin_session(session_id, bool(pinned), owner=user)


def pinned_conversations(manager: Any, user: str) -> list[dict]:
    """The user's pinned conversations, most recently active first (what the sidebar shows on top)."""
    _, rows = manager.list_sessions(state=None, owner=user, sort="last_activity", descending=True)
    return [{"session_id": r["session_id"], "title": r.get("title") or "New conversation",
             "last_activity": r.get("last_activity")} for r in rows if r.get("pinned")]


# --- shares --------------------------------------------------------------------------------------------------------
def share(manager: Any, user: Optional[str], session_id: str, hours: Optional[float] = None) -> dict:
    session_id = owned(manager, user, session_id)
    expires_at = None
    if hours is not None:
        if not 0 < hours <= MAX_SHARE_HOURS:
            raise InvalidInput(f"a share lasts more than 0 and at most {MAX_SHARE_HOURS} hours")
        expires_at = manager.clock.timestamp() + hours * 3600
    return manager.share_session(session_id, owner=user, expires_at=expires_at)


def unshare(manager: Any, user: Optional[str], session_id: str) -> bool:
    session_id = owned(manager, user, session_id)
    return manager.unshare_session(session_id, owner=user)


def shared_ids(manager: Any, user: str) -> set[str]:
    return {s["session_id"] for s in manager.list_shares(owner=user) if not s.get("expired")}


def share_reach_note() -> str:
    """Who a share link works for, said plainly: it is a page on this server, for people signed in to it."""
    mode = get_settings().auth_mode
    if mode == "local":
        return ("PulsePal runs in local mode, so this link only works for people who can reach this machine and "
                "are signed in here (with the start-up link PulsePal printed). To share with colleagues, run "
                "PulsePal with AUTH_MODE=password or behind your sign-in proxy.")
    return "The link works for anyone who can sign in to this PulsePal server; it shows the conversation read-only."


def parse_hours(text: str) -> Optional[float]:
    """'/share', '/share 24', '/share 2h', '/share 3d' -> None (no expiry) or hours; InvalidInput otherwise."""
    text = text.strip().lower()
    if not text:
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(h|hours?|d|days?)?", text)
    if not match:
        raise InvalidInput("give the link's lifetime in hours, e.g. /share 24 (or 3d); /share alone never expires")
    value = float(match.group(1)) * (24 if (match.group(2) or "h").startswith("d") else 1)
    if not 0 < value <= MAX_SHARE_HOURS:
        raise InvalidInput(f"a share lasts more than 0 and at most {MAX_SHARE_HOURS} hours")
    return value


# --- feedback ------------------------------------------------------------------------------------------------------
# Chainlit puts the thumbs of an answer on the "run" step around it, so a rating names that step, not the answer.
# In a live chat the answer's id is the run step's id + ANSWER_SUFFIX (chat.py names the reply so); a resumed
# thread shows each answer inside a run step whose id leads back to it the same way (run_id_for). Any other id is
# taken as the answer's own.
ANSWER_SUFFIX = "-answer"
RUN_SUFFIX = "-run"


def answer_id_for(run_id: str) -> str:
    return f"{run_id}{ANSWER_SUFFIX}"


def run_id_for(answer_id: str) -> str:
    if answer_id.endswith(ANSWER_SUFFIX):
        return answer_id[: -len(ANSWER_SUFFIX)]
    return f"{answer_id}{RUN_SUFFIX}"


def _answers_named_by(step_id: str) -> list[str]:
    candidates = [step_id, answer_id_for(step_id)]
    if step_id.endswith(RUN_SUFFIX):
        candidates.append(step_id[: -len(RUN_SUFFIX)])
    return candidates


def feedback_id(session_id: str, message_id: str) -> str:
    """A rating is identified by what it rates: one rating per answer, found again from its id alone."""
    return f"{session_id}.{message_id}"


def parse_feedback_id(value: str) -> tuple[str, str]:
    session_id, _, message_id = str(value or "").partition(".")
    try:
        validate_session_id(session_id)
    except InvalidSessionId:
        raise InvalidInput("not a PulsePal feedback id") from None
    if not _MESSAGE_ID.match(message_id):
        raise InvalidInput("not a PulsePal feedback id")
    return session_id, message_id


def rate(manager: Any, user: Optional[str], session_id: Optional[str], message_id: Optional[str],
         value: Optional[int], comment: Optional[str] = None) -> str:
    """Keep the user's rating of one answer of their own conversation (value 1, 0, or None to take it back)."""
    if not session_id:
        raise InvalidInput("the rating does not say which conversation it belongs to")
    if not isinstance(message_id, str) or not _MESSAGE_ID.match(message_id):
        raise InvalidInput("the rating does not name a message")
    if value not in (0, 1, None) or isinstance(value, bool):
        raise InvalidInput("a rating is 1 (helpful) or 0 (not helpful)")
    if comment is not None and not isinstance(comment, str):
        raise InvalidInput("a rating's comment must be text")
    session_id = owned(manager, user, session_id)
    refused: Optional[InvalidInput] = None
    for answer_id in _answers_named_by(message_id):
        try:
            manager.rate_message(session_id, answer_id, value, owner=user, comment=(comment or None))
        except InvalidInput as exc:  # not this one: the next reading of the id
            refused = refused or exc
            continue
        return feedback_id(session_id, answer_id)
    raise refused or InvalidInput("only an answer of this conversation can be rated")


def unrate(manager: Any, user: Optional[str], value: str) -> bool:
    session_id, message_id = parse_feedback_id(value)
    rate(manager, user, session_id, message_id, None)
    return True


# --- everything of one user ----------------------------------------------------------------------------------------
def export_all(manager: Any, user: str) -> bytes:
    return manager.export_user(user)


def erase_all(manager: Any, user: str) -> dict:
    """Every conversation of `user` (the engine keeps the operator's backups) and their chat preferences."""
    from ..dependencies import erase_user_everywhere

    result = erase_user_everywhere(manager, user)
    return {"removed": len(result["removed"])}
