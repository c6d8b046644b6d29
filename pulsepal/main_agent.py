"""One conversational turn: the spec's `run_pulsepal(query, session_id)` and its streaming twin for the chat UI.

A turn continues the session (or starts one when the id is missing, unknown or expired), streams the answer, then
records the question, the answer and any code it gave in one write with one fsync. Only when both are on disk is the
turn complete, so a reply the user saw is never missing after a restart, and a turn that fails leaves nothing.

The storage work of a turn is split by what it waits for. Appending to the log and folding the events into the
cached session take tens of microseconds, so the event loop does them itself; only the fsync, which waits for the
disk, goes to a worker thread. (Sending the whole call to a thread costs more than it saves: the worker must win
the GIL back from a busy event loop, which under load takes milliseconds.)
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import AsyncIterator, Optional

from .answers import Answer, AnswerRequest, get_responder
from .dependencies import get_session_manager
from .language import normalise_language
from .sessions import ConversationContext, SessionManager
from .sessions.turns import TurnStart

MAX_QUERY_CHARS = 20_000
HISTORY_FOR_PROMPT = 12
_LANGUAGE_COMMAND = re.compile(r"^\s*/(matlab|python|octave)\s*$", re.I)


class QueryError(ValueError):
    """The query itself is unusable (empty or too long)."""


@dataclass
class PulsePalTurn:
    """Iterate for the answer's text pieces; when iteration ends both messages are durable, `answer` is set and
    `context` holds a snapshot of the session after the turn."""

    session_id: str
    created: bool
    context: Optional[ConversationContext] = None
    _pieces: AsyncIterator[str] = field(repr=False, default=None)  # type: ignore[arg-type]
    answer: Optional[Answer] = None
    text: str = ""
    user_message_id: Optional[str] = None
    start: Optional[TurnStart] = field(repr=False, default=None)
    answer_message_id: Optional[str] = None  # the chat's reply id, so a rating of the shown reply finds the answer

    def __aiter__(self) -> AsyncIterator[str]:
        return self._pieces

    async def complete(self) -> str:
        """Drain the turn (for callers that do not stream) and return the whole answer text."""
        async for _ in self._pieces:
            pass
        return self.text


def _check_query(query: str) -> str:
    if not isinstance(query, str) or not query.strip():
        raise QueryError("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    return query


async def start_turn(
    query: str,
    session_id: Optional[str] = None,
    *,
    owner: Optional[str] = None,
    manager: Optional[SessionManager] = None,
    responder=None,
    user_message_id: Optional[str] = None,
    resume: bool = False,
    new_session: Optional[dict] = None,
    answer_message_id: Optional[str] = None,
) -> PulsePalTurn:
    """Open a turn: resolve the session and prepare the question. Raises InvalidSessionId for a malformed id and
    QueryError for an unusable query, before anything is written; nothing is written until the answer is complete.

    resume=True keeps the turn in `session_id` even when it was archived or expired (the chat's threads);
    otherwise such an id gets a new session, as the spec says for run_pulsepal. `new_session` holds the settings a
    session this turn creates starts with (the chat's settings panel before the first message)."""
    query = _check_query(query)
    manager = manager or get_session_manager()
    start = manager.begin_turn(session_id, query, owner=owner, message_id=user_message_id, resume=resume,
                               history=HISTORY_FOR_PROMPT, new_session=new_session)
    turn = PulsePalTurn(start.session_id, start.created, user_message_id=start.message_id, start=start,
                        answer_message_id=answer_message_id)
    command = _LANGUAGE_COMMAND.match(query)
    if command:
        language = normalise_language(command.group(1))
        turn._pieces = _fixed_reply(turn, manager, _language_confirmation(language),
                                    updates={"preferred_language": language})
        return turn
    request = AnswerRequest(
        query=query,
        history=start.history,
        preferred_language=start.preferred_language,
        sequence_knowledge=start.sequence_knowledge,
    )
    responder = responder or get_responder(manager.settings)
    turn._pieces = _answer_pieces(turn, manager, responder, request)
    return turn


def _language_confirmation(language: str) -> str:
    names = {"matlab": "MATLAB (`mr.*`)", "python": "Python (`pypulseq`)", "octave": "Octave (MATLAB syntax)"}
    return f"From now on I'll answer in {names[language]}."


async def _fixed_reply(turn: PulsePalTurn, manager: SessionManager, text: str, **fields) -> AsyncIterator[str]:
    yield text
    turn.text = text
    turn.answer = Answer(text=text, code_examples=[], confident=True, topic=None)
    turn.context = await _finish(manager, turn, text, metadata={"command": True}, **fields)


async def _answer_pieces(turn: PulsePalTurn, manager: SessionManager, responder, request) -> AsyncIterator[str]:
    stream = responder.stream_answer(request)
    pieces: list[str] = []
    async for piece in stream:
        pieces.append(piece)
        yield piece
    answer = stream.answer
    turn.text = "".join(pieces)
    turn.answer = answer
    turn.context = await _finish(
        manager,
        turn,
        turn.text,
        metadata=answer.metadata if answer else {},  # topic, confident and the subject a follow-up refers to
        code_examples=answer.code_examples if answer else (),
    )


async def _finish(manager: SessionManager, turn: PulsePalTurn, text: str, **fields) -> ConversationContext:
    """Record the turn (quick, on the loop), then wait for the disk in a thread: the turn's acknowledgement."""
    assert turn.start is not None
    context = manager.finish_turn(turn.start, text, want_context=True, durable=False,
                                  message_id=turn.answer_message_id, **fields)
    await asyncio.to_thread(manager.sync_session, turn.session_id)
    assert context is not None
    return context


async def run_pulsepal(
    query: str,
    session_id: Optional[str] = None,
    *,
    owner: Optional[str] = None,
    manager: Optional[SessionManager] = None,
    responder=None,
) -> tuple[str, str]:
    """Answer one query in a session; returns (session_id, response). Both messages are durable on return."""
    turn = await start_turn(query, session_id, owner=owner, manager=manager, responder=responder)
    return turn.session_id, await turn.complete()


async def stream_pulsepal(
    query: str,
    session_id: Optional[str] = None,
    **options,
) -> PulsePalTurn:
    """The streaming form: `turn = await stream_pulsepal(q, sid)`, then `async for piece in turn`."""
    return await start_turn(query, session_id, **options)
