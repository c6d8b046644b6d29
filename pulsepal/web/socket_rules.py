"""Two rules for the chat socket that Chainlit's own handlers do not keep.

Too long a message. The socket's transport takes frames of at most MAX_REQUEST_BODY_BYTES characters (security.py
sets python-engineio's `max_http_buffer_size` to it, the same cap as every HTTP body); a longer frame makes
engine.io close the socket without a word, so the page just stops answering. The input guard (input_guard.py)
sees each websocket frame before engine.io does (uvicorn has already read it whole) and swaps an oversized one for
the small `pulsepal_too_long` event, whose handler here tells the user in the chat. A message that fits the
transport but is longer than a question may be (MAX_QUERY_CHARS, POST /query's limit too) gets the same words from
the message hook (chat.py). So the user sees "message too long (limit N characters)" whatever the size, up to
uvicorn's own frame limit (16 MiB), beyond which the connection is dropped before any of our code runs.

Editing a sent message. `.chainlit/config.toml` has `edit_message = false` (the conversation log is append-only),
which hides the page's edit button, but Chainlit's `edit_message` socket handler still removes the later messages
from the page and runs a new turn for any client that sends the event. Ours replaces it and refuses while the
feature is off.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.types import Message, Receive

from ..main_agent import MAX_QUERY_CHARS

log = logging.getLogger("pulsepal.socket")
TOO_LONG_EVENT = "pulsepal_too_long"
_EVENT_FRAME = re.compile(r'^42(/[^,\[]*,)?\d*\["([A-Za-z_]{1,64})"')  # engine.io message + socket.io event
_installed = False


def too_long_text() -> str:
    return f"Your message is too long (limit {MAX_QUERY_CHARS:,} characters); it was not sent. Shorten it or split it."


def _frame_limit() -> int:
    from chainlit.server import sio

    return int(sio.eio.max_http_buffer_size)


def watch_frames(receive: Receive) -> Receive:
    """`receive` of a chat socket, with every text frame over the transport's limit replaced by TOO_LONG_EVENT."""

    async def watched() -> Message:
        message = await receive()
        text = message.get("text") if message["type"] == "websocket.receive" else None
        if text is not None and len(text) > _frame_limit():
            event = _EVENT_FRAME.match(text[:200])
            namespace = (event.group(1) or "") if event else ""
            name = event.group(2) if event else "unknown"
            log.info("chat frame of %d characters (%s) refused: over the transport limit", len(text), name)
            message = {**message, "text": f'42{namespace}["{TOO_LONG_EVENT}",{{"event":"{name}"}}]'}
        return message

    return watched


async def _too_long(sid: str, data: Any = None) -> None:
    from chainlit.context import init_ws_context
    from chainlit.message import ErrorMessage
    from chainlit.session import WebsocketSession

    session = WebsocketSession.get(sid)
    if session is None:  # the chat never finished connecting: nobody to tell
        return
    init_ws_context(session)
    await ErrorMessage(content=too_long_text()).send()


async def _edit_message(sid: str, payload: Any = None) -> None:
    from chainlit.config import config
    from chainlit.context import init_ws_context
    from chainlit.message import ErrorMessage
    from chainlit.session import WebsocketSession
    from chainlit.socket import edit_message

    if config.features.edit_message:
        await edit_message(sid, payload)
        return
    session = WebsocketSession.get(sid)
    if session is None:
        return
    init_ws_context(session)
    await ErrorMessage(content="Sent messages cannot be edited here (the conversation is kept as it was said); "
                               "send a new message instead.").send()


def install() -> None:
    """Register both handlers on Chainlit's socket.io server (idempotent; input_guard.install calls it)."""
    global _installed
    if _installed:
        return
    import chainlit.socket  # noqa: F401 - registers Chainlit's handlers first, so ours replace them
    from chainlit.server import sio

    sio.on(TOO_LONG_EVENT, _too_long)
    sio.on("edit_message", _edit_message)
    _installed = True
