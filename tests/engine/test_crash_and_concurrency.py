"""Real processes: SIGKILL at random moments loses nothing acknowledged; two processes never lose or
duplicate a message."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings

from ..conftest import ROOT

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


def _run_until_killed(storage: Path, seed: int, kill_after: float) -> list[str]:
    """Start a writer, SIGKILL it after `kill_after` seconds of writing; return the message ids it acknowledged."""
    proc = subprocess.Popen([sys.executable, str(WRITER), "crash", str(storage), str(seed)],
                            stdout=subprocess.PIPE, env=ENV)
    acked, buffer = [], b""
    deadline = None
    fd = proc.stdout.fileno()
    poller = select.poll()  # not select(): a long test session may hold descriptors numbered above 1024
    poller.register(fd, select.POLLIN)
    while True:
        timeout = 5.0 if deadline is None else max(0.0, deadline - time.monotonic())
        ready = poller.poll(timeout * 1000)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buffer += chunk
            if deadline is None and b"ACK" in buffer:
                deadline = time.monotonic() + kill_after  # start the clock once it is really writing
        if deadline is not None and time.monotonic() >= deadline:
            proc.send_signal(signal.SIGKILL)
            break
        if deadline is None and not ready:
            proc.kill()
            raise AssertionError("writer never acknowledged a message")
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    buffer += proc.stdout.read()
    for line in buffer.split(b"\n"):
        if line.startswith(b"ACK ") and line.count(b" ") == 2:  # a line cut by the kill was never fully reported
            acked.append(line.split()[2].decode())
    return acked


def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path):
    storage = tmp_path / "sessions"
    rng = random.Random(20261123)
    acknowledged: list[str] = []
    for round_number in range(12):
        acknowledged += _run_until_killed(storage, round_number, rng.uniform(0.05, 0.6))
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
