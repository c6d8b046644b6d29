"""What the chat hooks do, kept out of app.py so that app.py stays wiring and this stays testable.

The Chainlit thread id is the PulsePal session id. A chat tab can outlive its session's active life (the scheduler
archives it after SESSION_INACTIVE_TIMEOUT_HOURS, a user resumes an old thread), so before each turn the session is
made active under the same id: restored from the archive if it was archived, re-activated if it has expired while
the tab was open, created if it never existed. The turn API would otherwise start a *new* session with a new id,
and the tab's messages would silently stop belonging to the thread the sidebar shows.

Disconnects delete nothing: on_chat_end fires on every network blip and page refresh, so it only checkpoints.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Optional

import chainlit as cl

from ..dependencies import close_pools, get_preferences, get_session_manager
from ..language import normalise_language
from ..main_agent import MAX_QUERY_CHARS, QueryError, start_turn
from ..sessions import InvalidSessionId, SessionError, SessionNotFound, StorageFull
from ..sessions.errors import StorageError
from ..settings import get_settings
from . import auth, chat_ui, history_actions, history_bus, history_commands, history_push
from .chat_settings import DATA_ACTION, chat_settings_of, settings_widgets
from .socket_rules import too_long_text

log = logging.getLogger("pulsepal.chat")

DOWNLOAD_ROUTE = "/pulsepal/conversations/{session_id}.{ext}"
STARTERS = [
    ("Spin echo in MATLAB", "Write a basic spin echo sequence with mr.makeSincPulse and a trapezoid readout.",
     "activity"),
    ("Gradient echo in Python", "Show me a 2D gradient echo sequence in pypulseq.", "code"),
    ("Trapezoid timing", "How do I set the flat time of a trapezoid gradient for a 3.2 ms readout?", "timer"),
    ("Check my timing", "How do I check the timing of my sequence and calculate TE and TR?", "search-check"),
]
COMMANDS = [history_commands.command("download", "Download this conversation (JSON or Markdown)", "download"),
            *history_commands.COMMANDS]
SIGNED_OUT = "You are not signed in (or your account was removed). Please sign in again."
UNAVAILABLE = "The conversation store cannot be reached right now, so nothing was done. Please try again shortly."

_open_sessions: set[str] = set()  # sessions with a connected chat, checkpointed at shutdown


def manager():
    return get_session_manager()


def persistence_enabled() -> bool:
    return not get_settings().pulsepal_bench_no_persist


def preferences():  # noqa: ANN201 - Preferences (files) or DatabasePreferences (PostgreSQL): get/set
    return get_preferences()


def download_links(session_id: str) -> str:
    json_url = DOWNLOAD_ROUTE.format(session_id=session_id, ext="json")
    md_url = DOWNLOAD_ROUTE.format(session_id=session_id, ext="md")
    return f"Download this conversation: [JSON]({json_url}) · [Markdown]({md_url})"


# --------------------------------------------------------------------------------------------- session state
def _current_user() -> Optional[str]:
    user = cl.user_session.get("user")
    return getattr(user, "identifier", None)


async def _signed_in(tell: Optional[str] = SIGNED_OUT) -> Optional[str]:
    """The chat's user if they may still act (re-checked on every event), else None, after telling the user
    `tell` (or that the store is unreachable: with the users in the database, the check is a query)."""
    owner = _current_user()
    environ = getattr(cl.context.session, "environ", None)
    try:
        allowed = await auth.still_allowed_async(owner, environ)
    except StorageError as exc:
        log.warning("cannot check the chat's user: %s", exc)
        await cl.ErrorMessage(content=UNAVAILABLE).send()
        return None
    if not allowed and tell:
        await cl.ErrorMessage(content=tell).send()
    return owner if allowed else None


def ensure_active(session_id: str, owner: str, language: Optional[str] = None):
    """The thread's session, active under its own id and owned by `owner` (blocking: run it in a thread); the
    engine's resume rule restores, creates (in `language`) or re-activates it. PermissionError for another
    user's thread."""
    return manager().resume_session(session_id, owner, preferred_language=language)


def _stored(session_id: str) -> bool:
    """Whether this thread's session exists yet: it is created by the first turn, not by opening a chat."""
    return cl.user_session.get("context") is not None or manager().describe(session_id) is not None


class Coalescer:
    """Streams an answer to the browser in pieces at most every FLUSH_SECONDS.

    An LLM produces a token every few tens of milliseconds and the user sees it arrive as before; the offline
    responder produces a whole answer at once, and sending its fifty fragments as fifty socket frames would only
    cost CPU that the other chats on the server need. The first piece always goes out at once."""

    FLUSH_SECONDS = 0.03

    def __init__(self, message: cl.Message) -> None:
        self.message = message
        self.pending: list[str] = []
        self.last = 0.0

    async def add(self, piece: str) -> None:
        if not piece:
            return
        self.pending.append(piece)
        now = asyncio.get_running_loop().time()
        if not self.message.streaming or now - self.last >= self.FLUSH_SECONDS:
            await self.flush()

    async def flush(self) -> None:
        if self.pending:
            text, self.pending = "".join(self.pending), []
            await self.message.stream_token(text)
            self.last = asyncio.get_running_loop().time()


def _new_chat_language(owner: str) -> Optional[str]:
    chosen = preferences().get(owner, "language")
    if chosen:
        return chosen
    default = get_settings().default_chat_language
    return None if default == "matlab" else default  # None keeps the engine's auto-detection on


async def _bind(ctx) -> None:
    cl.user_session.set("session_id", ctx.session_id)
    cl.user_session.set("context", ctx)
    _open_sessions.add(ctx.session_id)


# ----------------------------------------------------------------------------------------------- settings
async def send_settings(ctx=None) -> None:
    values = chat_settings_of(ctx.model_dump(mode="json")) if ctx is not None else {}
    await settings_widgets(values).send()


# --------------------------------------------------------------------------------------------------- hooks
async def chat_start() -> None:
    """A new chat stores nothing: its session is created with the first message (a chat opened and left empty
    leaves nothing behind). Until then the settings panel's values wait in the chat's user_session."""
    owner = await _signed_in()
    if owner is None:
        return
    try:
        await cl.context.emitter.set_commands(COMMANDS)
    except Exception:  # noqa: BLE001 - commands are a convenience; older front-ends ignore them
        pass
    cl.user_session.set("session_id", cl.context.session.thread_id)
    language = await asyncio.to_thread(_new_chat_language, owner)  # with a database, a query: off the loop
    pending = {"preferred_language": language} if language else {}
    cl.user_session.set("new_session", pending)
    await settings_widgets({"language": language or get_settings().default_chat_language}).send()


async def chat_resume(thread: dict) -> None:
    owner = await _signed_in(tell=None)
    if owner is None or thread.get("userIdentifier") != owner:
        await cl.ErrorMessage(content="This conversation cannot be resumed.").send()
        return
    try:
        await cl.context.emitter.set_commands(COMMANDS)
    except Exception:  # noqa: BLE001
        pass
    try:
        ctx = await asyncio.to_thread(ensure_active, thread["id"], owner)
    except (SessionError, PermissionError) as exc:  # a damaged archive, a full disk: say so, do not hang
        log.warning("resume of %s refused: %s", thread.get("id"), exc)
        await cl.ErrorMessage(content=f"This conversation cannot be opened: {exc}").send()
        return
    await _bind(ctx)
    await send_settings(ctx)


def _not_saved(exc: SessionError) -> str:
    if isinstance(exc, StorageFull):
        return "The storage is full: your message and this answer were not saved. An operator has been alerted."
    return f"Your message was not saved: {exc}"


async def message(msg: cl.Message) -> None:
    owner = await _signed_in()
    if owner is None:
        return
    text = msg.content or ""
    if len(text) > MAX_QUERY_CHARS:  # the same words as a frame too big for the socket (socket_rules.py)
        await cl.ErrorMessage(content=too_long_text()).send()
        return
    if msg.command == "download" or text.strip().lower() == "/download":
        await _send_download_links()
        return
    if not persistence_enabled():
        await _answer_without_store(text)
        return
    session_id = cl.user_session.get("session_id") or cl.context.session.thread_id
    command = history_commands.parse(msg.command, text)
    if command is not None:  # /share, /pin, /export-all, ...: instructions to the app, not turns
        await history_commands.run(*command, owner=owner, session_id=session_id,
                                   environ=getattr(cl.context.session, "environ", None))
        return
    run = cl.context.current_step  # Chainlit's step around this turn: its thumbs rate the answer (history_actions)
    reply = cl.Message(content="", id=history_actions.answer_id_for(run.id) if run is not None else None)
    stream = Coalescer(reply)
    try:
        # one engine call resolves the thread's session (restored if archived, re-activated if expired, created
        # with the chat's settings if this is its first message); the turn is written once, when it is complete
        turn = await start_turn(text, session_id, owner=owner, manager=manager(), user_message_id=msg.id,
                                resume=True, new_session=cl.user_session.get("new_session") or None,
                                answer_message_id=reply.id)  # a rating of the reply shown rates the stored answer
        async for piece in turn:
            await stream.add(piece)
        await stream.flush()
    except (QueryError, InvalidSessionId, PermissionError) as exc:
        await cl.ErrorMessage(content=str(exc)).send()
        return
    except SessionError as exc:
        log.warning("turn in session %s not saved: %s", session_id, exc)
        if reply.content:  # keep what the user already read, then say plainly that the turn was not kept
            await reply.send()
        await cl.ErrorMessage(content=_not_saved(exc)).send()
        return
    await reply.send()  # both messages are durable once the turn's iteration has ended
    if turn.session_id != session_id:
        log.warning("turn for thread %s landed in session %s", session_id, turn.session_id)
    cl.user_session.set("new_session", None)
    await _bind(turn.context)
    if text.strip().lower() in ("/matlab", "/python", "/octave"):
        # a language command: keep the settings panel and the user's default for new chats in step with it
        language = turn.context.preferred_language if turn.context is not None else None
        await asyncio.to_thread(preferences().set, owner, "language", language)
        await send_settings(turn.context)


async def _answer_without_store(text: str) -> None:
    """Benchmark reference (PULSEPAL_BENCH_NO_PERSIST): the same answer and streaming, with no store."""
    from ..answers import AnswerRequest, get_responder

    request = AnswerRequest(query=text, history=[], preferred_language="matlab", sequence_knowledge=None)
    stream = get_responder(get_settings()).stream_answer(request)
    reply = cl.Message(content="")
    coalescer = Coalescer(reply)
    async for piece in stream:
        await coalescer.add(piece)
    await coalescer.flush()
    await reply.send()


async def _send_download_links() -> None:
    session_id = cl.user_session.get("session_id")
    if not session_id or not await asyncio.to_thread(_stored, session_id):
        await cl.Message(content="Nothing to download yet.").send()
        return
    await cl.Message(content=download_links(session_id)).send()


async def download_action(action) -> None:
    await _send_download_links()


async def delete_all_action(action) -> None:
    """The "yes" of /delete-all (history_commands checks its one-time code)."""
    owner = await _signed_in()
    if owner is None:
        return
    await history_commands.confirm_delete_all(action, owner)


async def settings_update(values: dict) -> None:
    owner = await _signed_in(tell=None)
    session_id = cl.user_session.get("session_id")
    if not session_id or owner is None or not persistence_enabled():
        return
    fields: dict = {}
    if values.get("language"):
        try:
            fields["preferred_language"] = normalise_language(values["language"])
        except ValueError:
            pass
    if "sequence_knowledge" in values:
        text = str(values.get("sequence_knowledge") or "")[:20_000]
        fields["sequence_knowledge"] = text or None
    if "use_sequence_knowledge" in values:
        fields["use_sequence_knowledge"] = bool(values.get("use_sequence_knowledge"))
    if not fields:
        return
    if "preferred_language" in fields:
        await asyncio.to_thread(preferences().set, owner, "language", fields["preferred_language"])
    if not await asyncio.to_thread(_stored, session_id):  # no message yet: the first turn creates the session
        pending = dict(cl.user_session.get("new_session") or {})
        pending.update(fields)
        cl.user_session.set("new_session", pending)
        shown = SimpleNamespace(preferred_language=pending.get("preferred_language") or "matlab",
                                sequence_knowledge=pending.get("sequence_knowledge"),
                                use_sequence_knowledge=bool(pending.get("use_sequence_knowledge")))
    else:
        await asyncio.to_thread(ensure_active, session_id, owner)
        shown = await asyncio.to_thread(manager().update_session, session_id, **fields)
        cl.user_session.set("context", shown)
    # The dialog closes without a word otherwise. A system note, not an answer: it is not part of the conversation.
    await cl.Message(content=chat_ui.settings_confirmation(shown), type="system_message").send()
    data_action = values.get(DATA_ACTION)
    if data_action in ("export_all", "delete_all"):  # "Your data" is an action, not a setting: do it, then reset it
        await (history_commands.export_all(owner) if data_action == "export_all"
               else history_commands.ask_delete_all(owner))
        await settings_widgets({"language": shown.preferred_language, "sequence_knowledge": shown.sequence_knowledge,
                                "use_sequence_knowledge": shown.use_sequence_knowledge}).send()


async def chat_end() -> None:
    session_id = cl.user_session.get("session_id")
    if not session_id or not persistence_enabled():
        return
    _open_sessions.discard(session_id)
    try:
        await asyncio.to_thread(manager().checkpoint, session_id)
    except (SessionNotFound, InvalidSessionId):
        pass  # archived or deleted meanwhile: nothing to flush


async def starters(user=None, language=None) -> list:
    return [cl.Starter(label=label, message=text, icon=f"/public/starters/{icon}.svg")
            for label, text, icon in STARTERS]


# ------------------------------------------------------------------------------------------ app lifecycle
async def app_startup() -> None:
    from . import scheduler

    if persistence_enabled():
        await asyncio.to_thread(manager)  # open the store (and repair the index if needed) before the first chat
        scheduler.start_scheduler(manager, get_settings().session_cleanup_interval_minutes)
        history_bus.start(manager(), asyncio.get_running_loop(), history_push.tell_tabs,
                          lambda: history_push.resync_tabs(lambda thread: manager().describe(thread) is not None))
    from ..answers import get_responder

    responder = get_responder(get_settings())
    warm = getattr(responder, "respond", None)
    if warm is not None:  # build the offline index now, not inside the first user's reply
        from ..answers import AnswerRequest

        try:
            await warm(AnswerRequest(query="mr.makeTrapezoid", history=[], preferred_language="matlab",
                                     sequence_knowledge=None))
        except Exception:  # noqa: BLE001 - warming is an optimisation only
            log.exception("warming the responder failed")


async def app_shutdown() -> None:
    from . import scheduler

    await scheduler.stop_scheduler()
    await asyncio.to_thread(history_bus.stop)
    for session_id in list(_open_sessions):
        try:
            await asyncio.to_thread(manager().checkpoint, session_id)
        except Exception:  # noqa: BLE001 - archived/deleted meanwhile; nothing to flush
            pass
    _open_sessions.clear()
    close_pools()
