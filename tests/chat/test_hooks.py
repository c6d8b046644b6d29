"""The Chainlit hooks, called the way Chainlit calls them, with a recording emitter instead of a socket.

Chainlit swallows hook exceptions (it logs them and sends an error message), so every test asserts on what was
emitted and on what is in the store, never on the absence of an exception.
"""

from __future__ import annotations

import asyncio

import pytest


async def _settle():
    """Let fire-and-forget tasks Chainlit creates (step persistence) run."""
    for _ in range(3):
        await asyncio.sleep(0)


async def test_chat_start_stores_nothing_until_the_first_message(app_module, ws_chat, app_manager, user_message):
    import chainlit as cl

    session, recorder = ws_chat()
    await app_module.on_chat_start()
    assert app_manager.get_session(session.thread_id) is None  # a chat opened and left empty leaves nothing
    assert app_manager.get_active_session_count() == 0
    assert cl.user_session.get("session_id") == session.thread_id
    widgets = recorder.of("chat_settings")[-1]
    by_id = {w["id"]: w for w in widgets}
    assert by_id["language"]["initial"] == "matlab"
    assert {i["value"] for i in by_id["language"]["items"]} == {"matlab", "python", "octave"}
    assert "Scanner limits" in by_id["sequence_knowledge"]["initial"] and "TR" in by_id["sequence_knowledge"]["initial"]
    assert by_id["use_sequence_knowledge"]["type"] == "switch"
    assert not [d for d in recorder.of("new_message") if d.get("isError")]
    await app_module.on_message(user_message("What does mr.makeAdc do?"))
    ctx = app_manager.get_session(session.thread_id)  # the first message creates it, under the thread's id
    assert ctx is not None and ctx.owner == "local" and ctx.conversation_count == 2
    assert cl.user_session.get("context").session_id == session.thread_id


async def test_message_records_both_messages_and_streams(app_module, ws_chat, app_manager, user_message):
    session, recorder = ws_chat()
    await app_module.on_chat_start()
    incoming = user_message("What does mr.makeTrapezoid do?")
    await app_module.on_message(incoming)
    await _settle()
    names = recorder.names()
    assert "stream_start" in names  # streamed (pieces arriving together are sent together; see Coalescer)
    streamed = recorder.of("stream_start")[-1]["output"] + "".join(d["token"] for d in recorder.of("stream_token"))
    final = max(i for i, (e, d) in enumerate(recorder.events)
                if e == "new_message" and d.get("type") == "assistant_message")
    assert names.index("stream_start") < final  # streamed first, then the finished message
    reply = recorder.assistant_texts()[-1]
    assert "makeTrapezoid" in reply and streamed == reply
    ctx = app_manager.get_session(session.thread_id)
    history = ctx.conversation_history
    assert [m.role for m in history] == ["user", "assistant"]
    assert history[0].id == incoming.id  # the step id and the stored message id are the same
    assert history[1].content == reply


async def test_message_before_chat_start_finishes_still_uses_the_thread_id(app_module, ws_chat, app_manager,
                                                                           user_message):
    session, recorder = ws_chat()  # on_chat_start never ran (the user typed very fast)
    await app_module.on_message(user_message("hello there, what is a TR?"))
    ctx = app_manager.get_session(session.thread_id)
    assert ctx is not None and ctx.conversation_count == 2


async def test_disconnect_deletes_nothing(app_module, ws_chat, app_manager, user_message):
    session, _ = ws_chat()
    await app_module.on_chat_start()
    await app_module.on_message(user_message("What is mr.makeSincPulse?"))
    await app_module.on_chat_end()
    ctx = app_manager.get_session(session.thread_id)
    assert ctx is not None and ctx.conversation_count == 2


async def test_settings_update_persists_and_becomes_default_for_next_chat(app_module, ws_chat, app_manager,
                                                                          user_message):
    first, recorder = ws_chat()
    await app_module.on_chat_start()
    values = {"language": "python", "sequence_knowledge": "Sequence type: EPI\nTR 50 ms",
              "use_sequence_knowledge": True}
    first.chat_settings.update(values)
    await app_module.on_settings_update(values)  # before the first message: kept for the session it will create
    assert app_manager.get_session(first.thread_id) is None
    await app_module.on_message(user_message("hello"))
    ctx = app_manager.get_session(first.thread_id)
    assert ctx.preferred_language == "python" and ctx.language_explicit
    assert ctx.sequence_knowledge.startswith("Sequence type: EPI") and ctx.use_sequence_knowledge
    await app_module.on_settings_update({"language": "octave"})  # after it: written to the session at once
    assert app_manager.get_session(first.thread_id).preferred_language == "octave"

    second, recorder2 = ws_chat()
    await app_module.on_chat_start()
    language = {w["id"]: w for w in recorder2.of("chat_settings")[-1]}["language"]
    assert language["initial"] == "octave"
    await app_module.on_message(user_message("hello again"))
    assert app_manager.get_session(second.thread_id).preferred_language == "octave"


async def test_settings_reach_the_answer(app_module, ws_chat, app_manager, user_message):
    session, recorder = ws_chat()
    await app_module.on_chat_start()
    await app_module.on_settings_update({"language": "python"})
    await app_module.on_message(user_message("How do I make a trapezoid gradient?"))
    assert "make_trapezoid" in recorder.assistant_texts()[-1]


async def test_language_command_updates_panel_and_default(app_module, ws_chat, app_manager, user_message):
    session, recorder = ws_chat()
    await app_module.on_chat_start()
    await app_module.on_message(user_message("/octave"))
    assert app_manager.get_session(session.thread_id).preferred_language == "octave"
    language = {w["id"]: w for w in recorder.of("chat_settings")[-1]}["language"]
    assert language["initial"] == "octave"


async def test_resume_restores_archived_session_and_its_settings(app_module, ws_chat, app_manager, user_message):
    from chainlit.data import get_data_layer

    session, _ = ws_chat()
    await app_module.on_chat_start()
    await app_module.on_settings_update({"language": "octave", "sequence_knowledge": "FLASH 3T",
                                         "use_sequence_knowledge": True})
    await app_module.on_message(user_message("What is mr.makeSincPulse?"))
    thread_id = session.thread_id
    app_manager.archive_session(thread_id)
    assert app_manager.get_session(thread_id) is None

    resumed, recorder = ws_chat(thread_id=thread_id)
    thread = await get_data_layer().get_thread(thread_id)  # what Chainlit's resume does, inside the chat context
    assert thread is not None and thread["userIdentifier"] == "local"
    assert [s["type"] for s in thread["steps"]] == ["user_message", "run", "assistant_message"]  # as live
    assert thread["metadata"]["chat_settings"] == {"language": "octave", "sequence_knowledge": "FLASH 3T",
                                                   "use_sequence_knowledge": True, "your_data": "none"}
    await app_module.on_chat_resume(thread)
    ctx = app_manager.get_session(thread_id)
    assert ctx is not None and ctx.conversation_count == 2
    by_id = {w["id"]: w for w in recorder.of("chat_settings")[-1]}
    assert by_id["language"]["initial"] == "octave" and by_id["sequence_knowledge"]["initial"] == "FLASH 3T"


async def test_message_after_scheduler_archived_the_open_chat_continues_same_thread(
    app_module, ws_chat, app_manager, user_message
):
    session, _ = ws_chat()
    await app_module.on_chat_start()
    await app_module.on_message(user_message("What is mr.makeSincPulse?"))
    app_manager.archive_session(session.thread_id, reason="expired")
    await app_module.on_message(user_message("and mr.makeTrapezoid?"))
    ctx = app_manager.get_session(session.thread_id)
    assert ctx is not None and ctx.conversation_count == 4


async def test_someone_elses_thread_is_refused(app_module, ws_chat, app_manager, user_message):
    owner_sid = app_manager.create_session("alice")
    app_manager.add_message(owner_sid, "user", "secret question")
    session, recorder = ws_chat(thread_id=owner_sid)
    await app_module.on_message(user_message("let me in"))
    assert app_manager.get_session(owner_sid).conversation_count == 1
    assert any(d.get("isError") for d in recorder.of("new_message"))


async def test_download_command_gives_durable_links_without_recording(app_module, ws_chat, app_manager, user_message):
    session, recorder = ws_chat()
    await app_module.on_chat_start()
    await app_module.on_message(user_message("/download"))
    assert "Nothing to download yet" in recorder.assistant_texts()[-1]
    await app_module.on_message(user_message("What is mr.makeAdc?"))
    await app_module.on_message(user_message("/download"))
    text = recorder.assistant_texts()[-1]
    assert f"/pulsepal/conversations/{session.thread_id}.json" in text
    assert f"/pulsepal/conversations/{session.thread_id}.md" in text
    assert app_manager.get_session(session.thread_id).conversation_count == 2


async def test_a_user_removed_from_the_config_cannot_chat(app_module, ws_chat, app_manager, user_message):
    session, recorder = ws_chat(user="mallory")  # local mode: only the local user exists
    await app_module.on_chat_start()
    await app_module.on_message(user_message("hello"))
    assert app_manager.get_session(session.thread_id) is None
    assert any(d.get("isError") for d in recorder.of("new_message"))


async def test_starters_are_offered(app_module):
    starters = await app_module.set_starters(None, None)
    assert len(starters) >= 3 and all(s.message for s in starters)


@pytest.mark.parametrize("text", ["", "   "])
async def test_empty_message_gets_a_clear_error(app_module, ws_chat, app_manager, user_message, text):
    session, recorder = ws_chat()
    await app_module.on_chat_start()
    await app_module.on_message(user_message(text))
    errors = [d["output"] for d in recorder.of("new_message") if d.get("isError")]
    assert errors and "empty" in errors[-1]


async def test_coalescer_streams_first_piece_at_once_and_loses_nothing(app_module, ws_chat):
    import chainlit as cl

    from pulsepal.web.chat import Coalescer

    session, recorder = ws_chat()
    message = cl.Message(content="")
    stream = Coalescer(message)
    pieces = [f"piece {i} " for i in range(50)]
    await stream.add(pieces[0])
    assert recorder.of("stream_start") and recorder.of("stream_start")[0]["output"] == pieces[0]
    for piece in pieces[1:]:
        await stream.add(piece)
    await stream.flush()
    sent = recorder.of("stream_start")[0]["output"] + "".join(d["token"] for d in recorder.of("stream_token"))
    assert sent == "".join(pieces) == message.content
