"""The file store's side of begin_turn / finish_turn: a turn reaches the session's log file in one append when it
finishes (nothing is written for one that never does), and turns written without fsync (durable=False) leave the
active file's checkpoint to sync_session. What a turn means (pairs, history, resume rules) is specified once for
every store in tests/contract/test_turns_contract.py."""

from __future__ import annotations

import json


def test_a_turn_reaches_the_log_file_in_one_append_when_it_finishes(manager, tmp_path):
    fresh = manager.begin_turn(None, "hello?", owner="ann")
    assert not (tmp_path / "conversationLogs" / f"session_{fresh.session_id}.jsonl").exists()
    sid = manager.create_session(owner="ann")
    log = tmp_path / "conversationLogs" / f"session_{sid}.jsonl"
    written = log.read_bytes()
    start = manager.begin_turn(sid, "What is mr.makeAdc?", owner="ann")
    assert log.read_bytes() == written  # nothing written before the answer
    manager.finish_turn(start, "An ADC event.", code_examples=[{"code": "adc = mr.makeAdc(64)", "language": "matlab"}],
                        durable=False)
    manager.sync_session(sid)
    grown = log.read_bytes()
    assert grown.startswith(written)
    added = [json.loads(line) for line in grown[len(written):].splitlines()]
    assert [(e["type"], e.get("content", e.get("code"))) for e in added] == [
        ("message", "What is mr.makeAdc?"), ("message", "An ADC event."), ("code_example", "adc = mr.makeAdc(64)")]
    audit = [json.loads(line) for line in (tmp_path / "sessions" / "audit.log").read_text().splitlines()]
    turns = [e for e in audit if e.get("detail", {}).get("kind") == "turn"]
    assert len(turns) == 1 and turns[0]["detail"]["user_message_id"] == start.message_id


def test_unsynced_turns_leave_checkpoints_to_sync_session(manager, tmp_path):
    from pulsepal.sessions.stores.files.live import CHECKPOINT_EVERY

    sid = manager.create_session()
    active = tmp_path / "sessions" / "active" / f"session_{sid}.json"
    first = active.read_bytes()
    for i in range(CHECKPOINT_EVERY // 2 + 1):
        manager.finish_turn(manager.begin_turn(sid, f"question {i}"), f"answer {i}", durable=False)
    assert active.read_bytes() == first  # the event loop's quick path never rewrote the checkpoint
    manager.sync_session(sid)
    assert json.loads(active.read_text())["session"]["conversation_count"] == 2 * (CHECKPOINT_EVERY // 2 + 1)
