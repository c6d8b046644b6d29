"""begin_turn / finish_turn on every store: a turn is written whole at its end, nothing is stored for a turn that never
finishes, pairs never interleave, and the chat's resume rules keep a thread's id. How a turn reaches the file store's
log file (one append) and its checkpoints is tests/engine/test_turns_engine.py."""

from __future__ import annotations

import pytest


def _events(manager, sid):
    return manager.export_session(sid)["events"]


def test_turn_is_written_whole_at_the_end(manager, make_manager):
    sid = manager.create_session(owner="ann")
    before = _events(manager, sid)
    start = manager.begin_turn(sid, "What is mr.makeAdc?", owner="ann")
    assert start.session_id == sid and not start.created and start.history == []
    assert _events(manager, sid) == before  # nothing written before the answer
    assert manager.describe(sid)["message_count"] == 0
    ctx = manager.finish_turn(start, "An ADC event.", code_examples=[{"code": "adc = mr.makeAdc(64)",
                                                                      "language": "matlab"}],
                              durable=False, want_context=True)
    manager.sync_session(sid)
    assert [m.content for m in ctx.conversation_history] == ["What is mr.makeAdc?", "An ADC event."]
    assert ctx.conversation_history[1].metadata["reply_to"] == start.message_id == ctx.conversation_history[0].id
    assert [e["type"] for e in _events(manager, sid)[len(before):]] == ["message", "message", "code_example"]
    fresh = make_manager()
    assert fresh.get_session(sid).code_examples[0].code == "adc = mr.makeAdc(64)"
    assert fresh.describe(sid)["message_count"] == 2 and fresh.get_session_stats()["messages_total"] == 2
    turns = [e for e in manager.audit.tail(100) if e.get("detail", {}).get("kind") == "turn"]
    assert len(turns) == 1 and turns[0]["detail"]["user_message_id"] == start.message_id


def test_a_turn_that_never_finishes_leaves_nothing(manager):
    start = manager.begin_turn(None, "hello?", owner="ann")
    assert start.created
    assert manager.describe(start.session_id) is None and manager.get_active_session_count() == 0
    assert manager.store.locate(start.session_id) is None
    manager.finish_turn(start, "hi")
    assert manager.get_session(start.session_id).conversation_count == 2


def test_two_tabs_never_interleave_pairs(manager):
    sid = manager.create_session()
    first = manager.begin_turn(sid, "U1")
    second = manager.begin_turn(sid, "U2")
    manager.finish_turn(second, "A2")
    manager.finish_turn(first, "A1")
    history = manager.get_session(sid).conversation_history
    assert [m.content for m in history] == ["U2", "A2", "U1", "A1"]
    assert history[1].metadata["reply_to"] == history[0].id and history[3].metadata["reply_to"] == history[2].id


def test_history_handed_to_the_answer_excludes_the_new_message(manager):
    sid = manager.create_session()
    manager.add_message(sid, "user", "first")
    manager.add_message(sid, "assistant", "reply", metadata={"topic": "make_adc"})
    start = manager.begin_turn(sid, "second", history=5)
    assert start.history == [{"role": "user", "content": "first", "metadata": {}},
                             {"role": "assistant", "content": "reply", "metadata": {"topic": "make_adc"}}]


def test_language_of_the_question_is_seen_by_the_answer(manager):
    start = manager.begin_turn(None, "import pypulseq as pp\nseq = pp.Sequence()")
    assert start.preferred_language == "python"  # detected from the question before answering
    chosen = manager.begin_turn(None, "import pypulseq as pp", new_session={"preferred_language": "octave",
                                                                           "sequence_knowledge": "3 T",
                                                                           "use_sequence_knowledge": True})
    assert chosen.preferred_language == "octave" and chosen.sequence_knowledge == "3 T"
    ctx = manager.finish_turn(chosen, "ok", want_context=True)
    assert ctx.language_explicit and ctx.active_sequence_knowledge == "3 T"
    with pytest.raises(ValueError):
        manager.begin_turn(None, "hi", new_session={"owner": "mallory"})


def test_resume_keeps_the_id_new_turn_does_not(manager, clock):
    sid = manager.create_session(owner="ann")
    clock.advance(hours=3)  # idle past the timeout
    manager.finish_turn(manager.begin_turn(sid, "still there?", owner="ann", resume=True), "yes")
    ctx = manager.get_session(sid)
    assert manager.is_expired(ctx) is None and ctx.activated_at == ctx.conversation_history[0].timestamp
    manager.archive_session(sid)
    start = manager.begin_turn(sid, "back again", owner="ann", resume=True)
    assert start.session_id == sid and manager.get_session(sid) is not None  # restored to answer it
    manager.finish_turn(start, "welcome back")
    assert manager.get_session(sid).conversation_count == 4
    with pytest.raises(PermissionError):
        manager.begin_turn(sid, "let me in", owner="mallory", resume=True)
    manager.archive_session(sid)
    with pytest.raises(PermissionError):  # nor by way of the archive
        manager.begin_turn(sid, "let me in", owner="mallory", resume=True)
    assert manager.store.locate(sid) == "archived"  # still archived, untouched
    clock.advance(hours=3)
    other = manager.begin_turn(sid, "new question", owner="ann")  # resume=False: the spec's rule
    assert other.session_id != sid and other.created


def test_a_session_archived_while_answering_gets_the_turn(manager):
    sid = manager.create_session(owner="ann")
    start = manager.begin_turn(sid, "slow question", owner="ann")
    manager.archive_session(sid)  # the cleanup ran while the answer was being written
    manager.finish_turn(start, "slow answer")
    assert [m.content for m in manager.get_session(sid).conversation_history] == ["slow question", "slow answer"]


def test_a_session_archived_by_another_process_while_answering_gets_the_turn(manager, make_manager):
    sid = manager.create_session(owner="ann")
    manager.add_message(sid, "user", "warm the cache")
    start = manager.begin_turn(sid, "slow question", owner="ann")
    make_manager().archive_session(sid)  # another replica's cleanup: this process's cached copy is stale
    manager.finish_turn(start, "slow answer")
    assert [m.content for m in make_manager().get_session(sid).conversation_history][-2:] == [
        "slow question", "slow answer"]


def test_resume_creates_an_unknown_thread_under_its_id(manager):
    start = manager.begin_turn("thread-123", "hello", owner="ann", resume=True)
    assert start.session_id == "thread-123" and start.created
    other_tab = manager.begin_turn("thread-123", "hello from tab 2", owner="ann", resume=True)
    manager.finish_turn(start, "hi")
    manager.finish_turn(other_tab, "hi again")  # created meanwhile: the second turn is appended
    ctx = manager.get_session("thread-123")
    assert ctx.owner == "ann" and ctx.conversation_count == 4


def test_resume_session_is_the_chat_rule(manager, clock):
    ctx = manager.resume_session("thread-9", "ann", preferred_language="python")
    assert ctx.session_id == "thread-9" and ctx.preferred_language == "python" and ctx.owner == "ann"
    clock.advance(hours=3)
    again = manager.resume_session("thread-9", "ann")
    assert again.activated_at == clock.now() and manager.is_expired(again) is None
    manager.archive_session("thread-9")
    assert manager.resume_session("thread-9", "ann").session_id == "thread-9"
    assert manager.store.read_archive("thread-9") is None
    with pytest.raises(PermissionError):
        manager.resume_session("thread-9", "mallory")


def test_feedback_rates_an_answer_and_survives_reload(manager, make_manager, clock):
    from pulsepal.sessions import events

    sid = manager.create_session()
    manager.add_message(sid, "user", "q")
    answer = manager.add_message(sid, "assistant", "a")
    manager.store.commit(sid, [events.feedback(answer.id, 1, clock.now(), comment="great")])
    manager.add_message(sid, "user", "later")
    for reader in (manager, make_manager()):
        rated = reader.get_session(sid).conversation_history[1]
        assert rated.metadata["feedback"]["value"] == 1 and rated.metadata["feedback"]["comment"] == "great"
    manager.store.commit(sid, [events.feedback(answer.id, None, clock.now())])
    assert "feedback" not in make_manager().get_session(sid).conversation_history[1].metadata


def test_sync_is_a_no_op_once_archived_and_refuses_a_session_that_is_not_stored(manager):
    """An answer's wait for durability (`sync_session`, after a durable=False turn) must not fail because the
    cleanup archived the session meanwhile: its archive was written durably. One that does not exist is an error
    on every store (it raised on files and passed silently on PostgreSQL)."""
    from pulsepal.sessions.errors import SessionNotFound

    sid = manager.create_session(owner="ann")
    manager.finish_turn(manager.begin_turn(sid, "What is mr.makeAdc?", owner="ann"), "An ADC event.", durable=False)
    manager.archive_session(sid)
    assert manager.describe(sid)["state"] == "archived"
    manager.sync_session(sid)
    manager.delete_session(sid)
    for gone in (sid, "0123456789abcdef0123456789abcdef"):
        with pytest.raises(SessionNotFound):
            manager.sync_session(gone)
