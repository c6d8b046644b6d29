"""What one process tells the others that share its store: "these conversations of this user are gone".

Chainlit keeps its socket sessions in each process's memory, so a process can reach only the browser tabs it serves
itself. A deletion made elsewhere (another replica, the operator's CLI, a cleanup pass that pruned or purged) would
otherwise show in a tab only at its next page load. Every store carries these notices to every process listening on
it: PostgreSQL with LISTEN/NOTIFY (`stores/postgres/notices.py`), the file store with an append-only notice log in
its folder (`stores/files/notices.py`). A notice holds the owner and the ids (or "all of them"), nothing of the
conversations, and is sent after the deletion is durable, so a tab that fetches its list on hearing it sees the
list without them.

A notice is a hint to look again, never the record of what happened: one that is lost costs a stale list until the
next load, as before notices existed. A listener that may have missed some (its connection dropped) asks its tabs
to look again (`resync`). Whatever arrives is checked like any other input: whoever may write to the store's
folder or connect to its database may send one.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any, Callable, Iterable, Optional, Protocol, Union

import orjson

from .ids import validate_session_id

log = logging.getLogger("pulsepal.sessions")

CHANNEL = "pulsepal_history"
ORIGIN = secrets.token_hex(8)  # this process: it does not act on its own notices (it told its own tabs itself)
IDS_PER_NOTICE = 100  # ~4 KB of ids, well under PostgreSQL's 8000-byte payload limit
MAX_OWNER = 256


class Listening(Protocol):
    """A running listener (`SessionStore.listen`): `ready` is set while it is receiving."""

    def stop(self, timeout: float = 5.0) -> None: ...


def deletions(owner: str, deleted: Optional[Iterable[str]], *, origin: Optional[str] = ORIGIN) -> list[dict[str, Any]]:
    """The notices for one deletion: one for "all of them" (None), else the ids in chunks. `origin=None` is a
    notice every process acts on, this one included: the engine's cleanup pass told no tab itself."""
    if deleted is None:
        return [{"origin": origin, "owner": owner, "deleted": None}]
    ids = list(deleted)
    return [{"origin": origin, "owner": owner, "deleted": ids[i:i + IDS_PER_NOTICE]}
            for i in range(0, len(ids), IDS_PER_NOTICE)]


def read(message: Any) -> Optional[tuple[str, Optional[list[str]]]]:
    """(owner, deleted ids or None for all of them) from another process's notice; None for this process's own
    and for anything malformed (ids are validated before they reach a lookup)."""
    if not isinstance(message, dict):
        return None
    owner, deleted = message.get("owner"), message.get("deleted", ())
    if message.get("origin") == ORIGIN or not isinstance(owner, str) or not owner or len(owner) > MAX_OWNER:
        return None
    if deleted is None:
        return owner, None
    if not isinstance(deleted, list) or len(deleted) > IDS_PER_NOTICE:
        return None
    try:
        return owner, [validate_session_id(i) for i in deleted]
    except (ValueError, TypeError):
        return None


def hand_over(payload: Union[str, bytes], deliver: Callable[[dict[str, Any]], None]) -> None:
    """Give one received payload's JSON object to `deliver`, as both stores' listeners do: what is not a JSON
    object is dropped, and neither a bad notice nor a failing receiver ends the listening."""
    try:
        message = orjson.loads(payload)
    except orjson.JSONDecodeError:
        log.debug("ignored a notice that is not JSON")
        return
    if not isinstance(message, dict):
        return
    try:
        deliver(message)
    except Exception:  # noqa: BLE001 - see the docstring
        log.exception("handling a notice failed")
