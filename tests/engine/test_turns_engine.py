"""begin_turn / finish_turn: one lock hold and one fsync per half, the index updated once per turn, and the
resume rules the chat relies on (a thread keeps its session id)."""

from __future__ import annotations

import json

import pytest


def test_turn_records_both_messages_and_indexes_once(manager, make_manager, tmp_path):
    sid = manager.create_session(owner="ann")
    start = manager.begin_turn(sid, "What is mr.makeAdc?", owner="ann", durable=False)
    assert start.session_id == sid and not start.created and start.history == []
    assert manager.index.get(sid)["message_count"] == 0  # deferred to the end of the turn
    ctx = manager.finish_turn(sid, "An ADC event.", code_examples=[{"code": "adc = mr.makeAdc(64)", "language": "matlab"}],
                              durable=False, want_context=True, user_message_id=start.message_id)
    manager.sync_session(sid)
    assert [m.content for m in ctx.conversation_history] == ["What is mr.makeAdc?", "An ADC event."]
    fresh = make_manager()
    assert fresh.get_session(sid).code_examples[0].code == "adc = mr.makeAdc(64)"
    assert fresh.index.get(sid)["message_count"] == 2 and fresh.get_session_stats()["messages_total"] == 2
    audit = [json.loads(line) for line in (tmp_path / "sessions" / "audit.log").read_text().splitlines()]
    turns = [e for e in audit if e.get("detail", {}).get("kind") == "turn"]
    assert len(turns) == 1 and turns[0]["detail"]["user_message_id"] == start.message_id


def test_history_handed_to_the_answer_excludes_the_new_message(manager):
    sid = manager.create_session()
    manager.add_message(sid, "user", "first")
    manager.add_message(sid, "assistant", "reply")
    start = manager.begin_turn(sid, "second", history=5)
    assert start.history == [{"role": "user", "content": "first"}, {"role": "assistant", "content": "reply"}]


def test_resume_keeps_the_id_new_turn_does_not(manager, clock):
    sid = manager.create_session(owner="ann")
    clock.advance(hours=3)  # idle past the timeout
    start = manager.begin_turn(sid, "still there?", owner="ann", resume=True)
    assert start.session_id == sid
    ctx = manager.get_session(sid)
    assert manager.is_expired(ctx) is None and ctx.activated_at == clock.now()
    manager.archive_session(sid)
    assert manager.begin_turn(sid, "back again", owner="ann", resume=True).session_id == sid
    assert manager.get_session(sid).conversation_count == 2
    with pytest.raises(PermissionError):
        manager.begin_turn(sid, "let me in", owner="mallory", resume=True)
    manager.archive_session(sid)
    with pytest.raises(PermissionError):  # nor by way of the archive
        manager.begin_turn(sid, "let me in", owner="mallory", resume=True)
    assert manager.store.find_archives(sid)  # still archived, untouched
    clock.advance(hours=3)
    other = manager.begin_turn(sid, "new question", owner="ann")  # resume=False: the spec's rule
    assert other.session_id != sid and other.created


def test_resume_creates_an_unknown_thread_under_its_id(manager):
    start = manager.begin_turn("thread-123", "hello", owner="ann", resume=True)
    assert start.session_id == "thread-123" and start.created
    assert manager.get_session("thread-123").owner == "ann"


def test_unsynced_turns_leave_checkpoints_to_sync_session(manager, tmp_path):
    from pulsepal.sessions.manager import CHECKPOINT_EVERY

    sid = manager.create_session()
    active = tmp_path / "sessions" / "active" / f"session_{sid}.json"
    first = active.read_bytes()
    for i in range(CHECKPOINT_EVERY // 2 + 1):
        start = manager.begin_turn(sid, f"question {i}", durable=False)
        manager.finish_turn(sid, f"answer {i}", durable=False, user_message_id=start.message_id)
    assert active.read_bytes() == first  # the event loop's quick path never rewrote the checkpoint
    manager.sync_session(sid)
    assert json.loads(active.read_text())["session"]["conversation_count"] == 2 * (CHECKPOINT_EVERY // 2 + 1)


def test_resume_session_is_the_chat_rule(manager, clock):
    ctx = manager.resume_session("thread-9", "ann", preferred_language="python")
    assert ctx.session_id == "thread-9" and ctx.preferred_language == "python" and ctx.owner == "ann"
    clock.advance(hours=3)
    again = manager.resume_session("thread-9", "ann")
    assert again.activated_at == clock.now() and manager.is_expired(again) is None
    manager.archive_session("thread-9")
    assert manager.resume_session("thread-9", "ann").session_id == "thread-9"
    assert manager.store.find_archives("thread-9") == []
    with pytest.raises(PermissionError):
        manager.resume_session("thread-9", "mallory")
