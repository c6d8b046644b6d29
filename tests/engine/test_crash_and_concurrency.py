"""Real processes on the file store: a writer SIGKILLed at random moments (messages, whole turns, checkpoints,
archive/restore) loses nothing it acknowledged and leaves every checkpoint on disk whole JSON; two processes with many
coroutines on shared sessions store every message exactly once, with no torn or interleaved log line. The writer is
the one PostgreSQL's crash tests run too (writer_process.py)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings

from ..conftest import ROOT
from .writer_process import run_until_killed

WRITER = Path(__file__).with_name("writer_process.py")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _manager(storage: Path) -> SessionManager:
    return SessionManager(Settings(_env_file=None, session_storage_path=storage), actor="checker")


def _all_message_ids(sm: SessionManager) -> Counter:
    """Message ids over every stored session (active copy first, else its archive)."""
    ids: Counter = Counter()
    sessions = set(sm.store.layout.active_ids()) | {sid for sid, _, _ in sm.store.layout.archived_files()}
    for sid in sessions:
        for event in sm.export_session(sid)["events"]:
            if event["type"] == "message":
                ids[event["id"]] += 1
    return ids


def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path):
    storage = tmp_path / "sessions"
    rng = random.Random(20261123)
    acknowledged: list[str] = []
    for round_number in range(12):
        acknowledged += run_until_killed(str(storage), round_number, rng.uniform(0.05, 0.6), env=ENV,
                                         first_ack_within=60.0)
        sm = _manager(storage)
        for path in (storage / "active").iterdir():  # every checkpoint on disk is whole JSON
            if path.suffix == ".json":
                json.loads(path.read_bytes())
        present = _all_message_ids(sm)
        missing = [m for m in acknowledged if present[m] == 0]
        assert not missing, f"round {round_number}: {len(missing)} acknowledged messages lost, e.g. {missing[:3]}"
        assert max(present.values(), default=1) == 1, "a message was stored twice"
    assert len(acknowledged) > 100
    assert sm.verify()["unrecoverable"] == []


def test_two_processes_many_coroutines_every_message_exactly_once(tmp_path):
    storage = tmp_path / "sessions"
    sm = _manager(storage)
    shared = [sm.create_session() for _ in range(4)]
    coroutines, per = 12, 15
    procs = [
        subprocess.Popen([sys.executable, str(WRITER), "concurrent", str(storage), tag, ",".join(shared),
                          str(coroutines), str(per)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        for tag in ("A", "B")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert out.strip() == b"DONE"
    expected = {f"{tag}-{c}-{i}" for tag in "AB" for c in range(coroutines) for i in range(per)}
    present = _all_message_ids(_manager(storage))
    assert set(present) == expected
    assert set(present.values()) == {1}
    fresh = _manager(storage)
    for sid in shared:
        log = (tmp_path / "conversationLogs" / f"session_{sid}.jsonl").read_bytes().splitlines()
        assert all(json.loads(line) for line in log)  # no interleaved or torn lines
        assert fresh.describe(sid)["message_count"] == fresh.get_session(sid).conversation_count
    assert sum(fresh.get_session(s).conversation_count for s in shared) == len(expected)
    assert fresh.get_session_stats()["messages_total"] == len(expected)
