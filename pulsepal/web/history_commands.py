"""The chat's history commands: /share [hours], /unshare, /pin, /unpin, /export-all and /delete-all.

They act on the conversation of the chat they are typed in (share, pin) or on everything of the signed-in user
(export, delete) through history_actions, and are never recorded as turns: a command is an instruction to the
app, not a question to PulsePal. Deleting everything asks first, with two buttons on a message; the "yes" button
carries a one-time code kept in this chat's user_session, so a stale or replayed click deletes nothing. Once it is
done, history_push empties the sidebar of every open tab of the user and moves them to a new chat.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from datetime import datetime, timezone
from typing import Any, Optional
from urllib.parse import urlsplit

import chainlit as cl
from chainlit.types import CommandDict

from ..dependencies import get_session_manager
from ..sessions import SessionError
from ..settings import get_settings
from . import history_actions, history_push

log = logging.getLogger("pulsepal.chat")

EXPORT_ROUTE = "/pulsepal/export-all.zip"
CONFIRM_ACTION = "delete_all_confirm"
CANCEL_ACTION = "delete_all_cancel"
NAMES = ("share", "unshare", "pin", "unpin", "export-all", "delete-all")


def command(name: str, description: str, icon: str) -> CommandDict:
    """An entry of the composer's commands menu (Chainlit's shape; icons are lucide names)."""
    return {"id": name, "description": description, "icon": icon, "button": False, "persistent": False,
            "selected": False}


COMMANDS = [
    command("pin", "Pin this conversation: shown first, never archived or pruned", "pin"),
    command("unpin", "Unpin this conversation", "pin-off"),
    command("share", "Make a read-only link to this conversation (/share 24 lasts 24 hours)", "share-2"),
    command("unshare", "Stop sharing this conversation (the link stops working)", "link-2-off"),
    command("export-all", "Download all my conversations as one zip (JSON and Markdown)", "archive"),
    command("delete-all", "Delete all my conversations (asks first)", "trash-2"),
]
_TYPED = re.compile(r"^\s*/(" + "|".join(re.escape(n) for n in NAMES) + r")(?:\s+(.*))?$", re.IGNORECASE | re.DOTALL)


def parse(command: Optional[str], text: str) -> Optional[tuple[str, str]]:
    """(name, argument) when the message is one of these commands, chosen from the menu or typed; else None."""
    if command in NAMES:
        return command, (text or "").strip()
    match = _TYPED.match(text or "")
    if match:
        return match.group(1).lower(), (match.group(2) or "").strip()
    return None


def page_origin(environ: Optional[dict]) -> str:
    """The address the user's browser has for this server (scheme://host[:port] plus Chainlit's root path), so the
    link shown is one they can copy; empty when unknown (the link is then relative)."""
    from chainlit.config import config

    environ = environ or {}
    origin = str(environ.get("HTTP_ORIGIN") or "")
    parts = urlsplit(origin)
    if (parts.scheme not in ("http", "https") or parts.path not in ("", "/")
            or not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", parts.netloc)):
        host = str(environ.get("HTTP_HOST") or "")
        if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
            return ""
        origin = f"http://{host}"
    return origin.rstrip("/") + (config.run.root_path or "").rstrip("/")


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


async def _say(text: str) -> None:
    await cl.Message(content=text, type="system_message").send()


async def run(name: str, argument: str, *, owner: str, session_id: Optional[str], environ: Optional[dict]) -> None:
    """Carry out one command and say what happened in one message."""
    try:
        if name in ("pin", "unpin", "share", "unshare"):
            await _on_conversation(name, argument, owner, session_id, environ)
        elif name == "export-all":
            await export_all(owner)
        elif name == "delete-all":
            await ask_delete_all(owner)
    except (SessionError, PermissionError) as exc:
        await cl.ErrorMessage(content=f"/{name}: {exc}").send()


async def _on_conversation(name: str, argument: str, owner: str, session_id: Optional[str],
                           environ: Optional[dict]) -> None:
    manager = get_session_manager()
    if not session_id or await asyncio.to_thread(manager.describe, session_id) is None:
        await _say(f"Nothing to {name} yet: this conversation starts with your first question.")
        return
    if name in ("pin", "unpin"):
        await asyncio.to_thread(history_actions.pin, manager, owner, session_id, name == "pin")
        await _say("Pinned: this conversation is shown first and is never archived or pruned. /unpin undoes it."
                   if name == "pin" else "Unpinned: this conversation follows the usual archiving rules again.")
    elif name == "share":
        hours = history_actions.parse_hours(argument)
        record = await asyncio.to_thread(history_actions.share, manager, owner, session_id, hours)
        link = f"{page_origin(environ)}/share/{session_id}"
        until = f"until {_when(record['expires_at'])}" if record.get("expires_at") else "until you stop it"
        await _say(f"Read-only link to this conversation ({until}; /unshare stops it):\n\n[{link}]({link})\n\n"
                   + history_actions.share_reach_note())
    else:
        removed = await asyncio.to_thread(history_actions.unshare, manager, owner, session_id)
        await _say("Sharing stopped: the link no longer works." if removed else "This conversation was not shared.")


async def _count(owner: str) -> int:
    manager = get_session_manager()
    total, _ = await asyncio.to_thread(manager.list_sessions, state=None, owner=owner, limit=1)
    return total


async def export_all(owner: str) -> None:
    count = await _count(owner)
    if not count:
        await _say("You have no conversations to export yet.")
        return
    await _say(f"[Download all your conversations (zip)]({EXPORT_ROUTE}): {count} conversation(s), each as JSON "
               "(complete; an operator can import it again) and as Markdown.")


async def ask_delete_all(owner: str) -> None:
    count = await _count(owner)
    if not count:
        await _say("You have no conversations to delete.")
        return
    nonce = secrets.token_urlsafe(16)
    cl.user_session.set("delete_all_nonce", nonce)
    days = get_settings().session_archive_days
    message = cl.Message(
        content=(f"Delete all {count} of your conversations? They disappear from your history at once, active and "
                 f"archived; the server keeps a backup for its operator for {days:g} days, then that is gone too. "
                 "Download them first with /export-all if you want a copy."),
        type="system_message",
        actions=[cl.Action(name=CONFIRM_ACTION, payload={"nonce": nonce}, label=f"Delete all {count}",
                           tooltip="Delete all my conversations"),
                 cl.Action(name=CANCEL_ACTION, payload={}, label="Cancel", tooltip="Keep everything")],
    )
    cl.user_session.set("delete_all_message", message)
    await message.send()


async def _close_question() -> None:
    message = cl.user_session.get("delete_all_message")
    cl.user_session.set("delete_all_message", None)
    cl.user_session.set("delete_all_nonce", None)
    if message is not None:
        try:
            await message.remove_actions()
        except Exception:  # noqa: BLE001 - the buttons are gone already (a reload); nothing to undo
            pass


async def confirm_delete_all(action: Any, owner: Optional[str]) -> None:
    expected = cl.user_session.get("delete_all_nonce")
    given = (getattr(action, "payload", None) or {}).get("nonce")
    await _close_question()
    if not owner or not expected or not isinstance(given, str) or not secrets.compare_digest(expected, given):
        await _say("That confirmation is no longer valid; nothing was deleted. Type /delete-all to start again.")
        return
    manager = get_session_manager()
    try:
        result = await asyncio.to_thread(history_actions.erase_all, manager, owner)
    except SessionError as exc:
        await cl.ErrorMessage(content=f"/delete-all: {exc}").send()
        return
    cl.user_session.set("context", None)
    log.info("user %s deleted all their conversations (%d)", owner, result["removed"])
    done = f"Deleted all {result['removed']} of your conversations."
    await _say(f"{done} Your history is empty now; your next question starts a new conversation.")
    try:
        await cl.context.emitter.send_toast(done, "success")  # stays in view when the page moves to a new chat
    except Exception:  # noqa: BLE001 - a front-end without toasts still has the message above
        pass
    await history_push.conversations_deleted(owner)  # every open tab's sidebar empties; this chat starts anew
    cl.context.session.has_first_interaction = False  # so the next question is a first one again (title, sidebar)


async def cancel_delete_all(action: Any) -> None:
    await _close_question()
    await _say("Nothing was deleted.")


async def shared_thread_view(thread: dict, viewer: Any) -> bool:
    """Chainlit's on_shared_thread_view: whether `viewer` may read `thread` on its /share/<id> page. Someone else
    reaches this only after the data layer found a share that holds (and audited the view); the owner may always
    look at their own."""
    thread_id = str((thread or {}).get("id") or "")
    name = getattr(viewer, "identifier", None)
    if name and name == (thread or {}).get("userIdentifier"):
        return True
    try:
        return await asyncio.to_thread(get_session_manager().share_of, thread_id) is not None
    except SessionError:
        return False
