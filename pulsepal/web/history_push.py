"""Tell a user's open chat tabs at once that conversations of theirs were deleted.

Chainlit 2.12's history sidebar fetches the conversation list when the page loads and again each time the server
announces a chat's first interaction (the `first_interaction` socket event: it refetches the first page and
replaces the list); nothing else makes it ask again. So after a deletion every open tab of that user is sent one
`first_interaction` carrying the thread the tab already shows (the tab stays where it is; only its list is
fetched again), with a marker instead of a first question. A tab whose own conversation was deleted is also sent
a window message (Chainlit's `window_message`, which a page that is not in a frame receives itself):
public/pulsepal.js then starts a new chat there with Chainlit's own "New chat" button, exactly what Chainlit does
when the open conversation is deleted from its sidebar. Without that script the list still empties; the chat
then keeps the old messages on screen and a new question is saved as a new conversation under the same id.

Chainlit's sessions live in memory, so this reaches this process's tabs; the deletion is also announced on the
store (`history_bus`) and the other processes' listeners tell theirs with `tell_tabs`. After a gap in which a
listener may have missed notices, `resync_tabs` has every tab here fetch its list again.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any, Callable, Iterable, Optional

from . import history_bus

log = logging.getLogger("pulsepal.chat")

MARK = "pulsepal:history-changed"  # the interaction text of our refresh (never a user's first question)
DELETED = "pulsepal-conversation-deleted"  # the window message's kind, read by public/pulsepal.js


def _tabs_of(owner: Optional[str]) -> list[Any]:
    """The open tabs of `owner` in this process (None: of every signed-in user)."""
    from chainlit.session import ws_sessions_id

    def user(tab: Any) -> Optional[str]:
        return getattr(getattr(tab, "user", None), "identifier", None)

    return [s for s in list(ws_sessions_id.values()) if not getattr(s, "to_clear", False)
            and user(s) is not None and (owner is None or user(s) == owner)]


async def conversations_deleted(owner: Optional[str], deleted: Optional[Iterable[str]] = None) -> int:
    """After conversations of `owner` were deleted (`deleted` ids, or None for all of them): tell their open tabs
    here and announce it to the other replicas. Returns how many tabs here were told. Never raises."""
    if not owner:
        return 0
    ids = None if deleted is None else list(deleted)
    told = await tell_tabs(owner, ids)
    await history_bus.announce(owner, ids)
    return told


async def tell_tabs(owner: str, deleted: Optional[Iterable[str]] = None) -> int:
    """Refresh the sidebar of each of `owner`'s open tabs in this process, and move a tab whose open conversation
    is gone to a new chat. Returns how many tabs were told. Never raises: the deletion is done and stays done
    whether or not a tab could be reached."""
    gone = None if deleted is None else set(deleted)
    told = 0
    for tab in _tabs_of(owner):
        current = _shown(tab)
        told += await _tell(tab, current, bool(current) and (gone is None or current in gone))
    return told


async def resync_tabs(exists: Callable[[str], bool]) -> int:
    """Have every signed-in tab here fetch its list again, and move a tab whose open conversation no longer
    exists (`exists(thread id)`, a store lookup run off the loop) to a new chat: what the notices missed during a
    gap would have said. Returns how many tabs were told. Never raises."""
    told = 0
    for tab in _tabs_of(None):
        current = _shown(tab)
        try:
            missing = current is not None and not await asyncio.to_thread(exists, current)
        except Exception:  # noqa: BLE001 - the store unreachable again: refresh the list, keep the tab where it is
            missing = False
        told += await _tell(tab, current, missing)
    return told


def _shown(tab: Any) -> Optional[str]:
    return tab.thread_id if getattr(tab, "has_first_interaction", False) else None


async def _tell(tab: Any, current: Optional[str], gone: bool) -> int:
    try:
        await tab.emit("first_interaction", {"interaction": f"{MARK}:{secrets.token_hex(4)}", "thread_id": current})
        if current and gone:
            await tab.emit("window_message", {"kind": DELETED, "thread": current})
        return 1
    except Exception as exc:  # noqa: BLE001 - a tab closing meanwhile: it fetches the list when it reopens
        log.debug("could not tell tab %s of a deletion: %s", getattr(tab, "id", "?"), exc)
        return 0
