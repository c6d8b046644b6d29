"""Deletions announced to the other processes on the same store, so the tabs they serve follow at once too.

`history_push` reaches the open tabs of this process only: Chainlit's socket sessions live in its memory. Several
processes may serve one user's tabs (replicas on PostgreSQL; two app processes on one folder), and deletions are
also made where no tab is served (the operator's CLI, a cleanup pass). So after a deletion this process also
announces it on the store (`sessions/notices.py`: NOTIFY on PostgreSQL, the notice log in a file store's folder),
and every app process's listener tells its own tabs (`tell_tabs`). A listener that may have missed notices (its
database connection dropped, its folder unreadable for a while) asks all its tabs to look again (`resync`).

An announcement that cannot be sent is logged and the deletion stands: those tabs show the true list at their next
load, as they did before this existed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Coroutine, Iterable, Optional

from ..sessions import notices
from ..sessions.notices import Listening

log = logging.getLogger("pulsepal.chat")

_listening: Optional[Listening] = None
_manager: Optional[Any] = None


def start(manager: Any, loop: asyncio.AbstractEventLoop,
          tell: Callable[[str, Optional[list[str]]], Coroutine[Any, Any, Any]],
          resync: Callable[[], Coroutine[Any, Any, Any]]) -> bool:
    """Listen for the notices of the other processes on the manager's store; each is run as `tell(owner, deleted)`
    (`history_push.tell_tabs`: this process's tabs) on `loop`, and `resync()` after a gap. Returns whether a
    listener runs."""
    global _listening, _manager
    if _listening is not None:
        return True

    def deliver(message: dict[str, Any]) -> None:
        notice = notices.read(message)
        if notice is not None and not loop.is_closed():
            asyncio.run_coroutine_threadsafe(tell(*notice), loop)

    def again() -> None:
        if not loop.is_closed():
            asyncio.run_coroutine_threadsafe(resync(), loop)

    try:
        _listening = manager.listen_for_deletions(deliver, again)
    except Exception as exc:  # noqa: BLE001 - the chat works without it; tabs then follow at their next load
        log.warning("not listening for other processes' deletions: %s", " ".join(str(exc).split()))
        return False
    _manager = manager
    return True


def stop() -> None:
    global _listening, _manager
    if _listening is not None:
        _listening.stop()
    _listening = _manager = None


async def announce(owner: str, deleted: Optional[Iterable[str]]) -> None:
    """Send the notices for a committed deletion; never raises (the deletion is done whether or not they go)."""
    if _manager is not None:
        await asyncio.to_thread(announce_from, _manager, owner, None if deleted is None else list(deleted))


def announce_from(manager: Any, owner: Optional[str], deleted: Optional[list[str]]) -> bool:
    """The same from any process, one that serves no tabs included (the CLI deleting on the operator's behalf):
    every app process on that store tells the owner's open tabs. Returns whether it was sent; never raises."""
    if manager is None or not owner:
        return False
    try:
        manager.announce_deletion(owner, deleted)
        return True
    except Exception as exc:  # noqa: BLE001 - see the module's docstring
        log.warning("could not tell the other processes of a deletion: %s", " ".join(str(exc).split()))
        return False
