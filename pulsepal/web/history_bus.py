"""Deletions announced to the other replicas, so the tabs they serve follow at once too.

`history_push` reaches the open tabs of this process only: Chainlit's socket sessions live in its memory. With the
PostgreSQL store several replicas serve one user's tabs, so after a deletion this process also sends a notice on
the database (`stores/postgres/notices.py`, LISTEN/NOTIFY) and every other replica's listener tells its own tabs.
The notice carries the owner and the deleted ids (or "all of them"), nothing of the conversations; it is sent after
the deletion has committed, so a tab that fetches its list on hearing it sees the list without them.

The CLI announces its deletions the same way (`announce_from`). With the file store there is one app process and
nothing to announce to: a deletion by the CLI shows in its tabs at their next load. A replica that cannot send (the
database went away just after the deletion) logs it and goes on: the deletion stands, and those tabs show the
true list on their next load, as they did before this existed.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any, Callable, Coroutine, Iterable, Optional

from ..sessions.ids import validate_session_id

log = logging.getLogger("pulsepal.chat")

CHANNEL = "pulsepal_history"
ORIGIN = secrets.token_hex(8)  # this process: a replica does not act on its own notices (it told its tabs itself)
IDS_PER_NOTICE = 100  # ~4 KB of ids, well under PostgreSQL's payload limit

_listener: Optional[Any] = None
_url: Optional[str] = None


def notices(owner: str, deleted: Optional[Iterable[str]]) -> list[dict[str, Any]]:
    """The notices for one deletion: one for "all of them", else the ids in chunks."""
    if deleted is None:
        return [{"origin": ORIGIN, "owner": owner, "deleted": None}]
    ids = list(deleted)
    return [{"origin": ORIGIN, "owner": owner, "deleted": ids[i:i + IDS_PER_NOTICE]}
            for i in range(0, len(ids), IDS_PER_NOTICE)]


def read_notice(message: dict[str, Any]) -> Optional[tuple[str, Optional[list[str]]]]:
    """(owner, deleted ids or None) from another process's notice; None for our own or for anything malformed
    (whoever may connect to the database may send on the channel: ids are validated like any other input)."""
    owner, deleted = message.get("owner"), message.get("deleted", ())
    if message.get("origin") == ORIGIN or not isinstance(owner, str) or not owner or len(owner) > 256:
        return None
    if deleted is None:
        return owner, None
    if not isinstance(deleted, list):
        return None
    try:
        return owner, [validate_session_id(i) for i in deleted]
    except (ValueError, TypeError):
        return None


def start(database_url: Optional[str], loop: asyncio.AbstractEventLoop,
          tell: Callable[[str, Optional[list[str]]], Coroutine[Any, Any, Any]]) -> bool:
    """Listen for the other replicas' notices (PostgreSQL store only); each one is run as `tell(owner, deleted)`
    (`history_push.tell_tabs`: this process's tabs) on `loop`. Returns whether a listener runs."""
    global _listener, _url
    if not database_url or _listener is not None:
        return _listener is not None
    from ..sessions.stores.postgres.notices import Listener

    def deliver(message: dict[str, Any]) -> None:
        notice = read_notice(message)
        if notice is not None and not loop.is_closed():
            asyncio.run_coroutine_threadsafe(tell(*notice), loop)

    _url = database_url
    _listener = Listener(database_url, CHANNEL, deliver).start()
    return True


def stop() -> None:
    global _listener, _url
    if _listener is not None:
        _listener.stop()
    _listener = _url = None


async def announce(owner: str, deleted: Optional[Iterable[str]]) -> None:
    """Send the notices for a committed deletion; never raises (the deletion is done whether or not they go)."""
    if _url is not None:
        await asyncio.to_thread(announce_from, _url, owner, None if deleted is None else list(deleted))


def announce_from(database_url: Optional[str], owner: Optional[str], deleted: Optional[list[str]]) -> bool:
    """The same from a process that serves no tabs (the CLI deleting on the operator's behalf): every app replica
    on that database tells the owner's open tabs. Returns whether it was sent; never raises."""
    if not database_url or not owner:
        return False
    from ..sessions.stores.postgres.notices import publish

    try:
        publish(database_url, CHANNEL, notices(owner, deleted))
        return True
    except Exception as exc:  # noqa: BLE001 - see the module's docstring
        log.warning("could not tell the app's replicas of a deletion: %s", " ".join(str(exc).split()))
        return False
