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

Chainlit's sessions live in memory, so this reaches this process's tabs; with the PostgreSQL store the deletion is
also announced to the other replicas (`history_bus`), whose listeners tell theirs with `tell_tabs`.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any, Iterable, Optional

from . import history_bus

log = logging.getLogger("pulsepal.chat")

MARK = "pulsepal:history-changed"  # the interaction text of our refresh (never a user's first question)
DELETED = "pulsepal-conversation-deleted"  # the window message's kind, read by public/pulsepal.js


def _tabs_of(owner: str) -> list[Any]:
    from chainlit.session import ws_sessions_id

    return [s for s in list(ws_sessions_id.values())
            if getattr(getattr(s, "user", None), "identifier", None) == owner and not getattr(s, "to_clear", False)]


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
        current = tab.thread_id if getattr(tab, "has_first_interaction", False) else None
        try:
            await tab.emit("first_interaction", {"interaction": f"{MARK}:{secrets.token_hex(4)}",
                                                 "thread_id": current})
            if current and (gone is None or current in gone):
                await tab.emit("window_message", {"kind": DELETED, "thread": current})
            told += 1
        except Exception as exc:  # noqa: BLE001 - a tab closing meanwhile: it fetches the list when it reopens
            log.debug("could not tell tab %s of a deletion: %s", getattr(tab, "id", "?"), exc)
    return told
