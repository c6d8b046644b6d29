"""Real processes on a real server: a writer SIGKILLed at random moments loses nothing it acknowledged, and two
processes with many writers each on shared sessions store every message exactly once, each writer's in its order,
with every session's log numbered without gaps."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import psycopg

from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings

from ..conftest import ROOT
from ..engine.writer_process import run_until_killed

WRITER = Path(__file__).with_name("pg_writer.py")
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}, "PYTHONPATH": str(ROOT)}


def _manager(url: str) -> SessionManager:
    return SessionManager(Settings(_env_file=None, session_storage_path=tempfile.mkdtemp(), session_database_url=url),
                          actor="checker")


def _message_ids(sm: SessionManager) -> Counter:
    ids: Counter = Counter()
    for sid, _ in sm.store.entries():
        for event in sm.export_session(sid)["events"]:
            if event["type"] == "message":
                ids[event["id"]] += 1
    return ids


def _gapless(url: str) -> None:
    with psycopg.connect(url) as conn:
        bad = conn.execute("SELECT s.id FROM sessions s JOIN events e ON e.session_id = s.id GROUP BY s.id, s.last_seq "
                           "HAVING count(*) <> s.last_seq OR min(e.seq) <> 1 OR max(e.seq) <> s.last_seq").fetchall()
    assert bad == [], f"logs with gaps: {bad[:3]}"


def test_sigkill_at_random_moments_loses_nothing_acknowledged(pg_url):
    rng = random.Random(20261123)
    acknowledged: list[str] = []
    for round_number in range(12):
        acknowledged += run_until_killed(pg_url, round_number, rng.uniform(0.05, 0.6), env=ENV)
        sm = _manager(pg_url)
        try:
            present = _message_ids(sm)
        finally:
            sm.close()
        missing = [m for m in acknowledged if present[m] == 0]
        assert not missing, f"round {round_number}: {len(missing)} acknowledged messages lost, e.g. {missing[:3]}"
        assert max(present.values(), default=1) == 1, "a message was stored twice"
    assert len(acknowledged) > 100
    _gapless(pg_url)
    sm = _manager(pg_url)
    try:
        report = sm.verify(deep=True)
        assert report["ok"] and not report["index_rebuilt"], report  # the counters never drifted
        assert sm.health()["index_consistent"]["ok"]
    finally:
        sm.close()


def test_two_processes_many_writers_every_message_exactly_once_in_order(pg_url):
    sm = _manager(pg_url)
    shared = [sm.create_session() for _ in range(4)]
    sm.close()
    writers, per = 12, 15
    procs = [subprocess.Popen([sys.executable, str(WRITER), "concurrent", pg_url, tag, ",".join(shared), str(writers),
                               str(per)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
             for tag in ("A", "B")]
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert out.strip() == b"DONE"
    expected = {f"{tag}-{c}-{i}" for tag in "AB" for c in range(writers) for i in range(per)}
    fresh = _manager(pg_url)
    try:
        present = _message_ids(fresh)
        assert set(present) == expected and set(present.values()) == {1}
        for sid in shared:
            order: dict[str, list[int]] = {}
            for event in fresh.export_session(sid)["events"]:
                if event["type"] == "message":
                    tag, writer, number = event["id"].split("-")
                    order.setdefault(f"{tag}-{writer}", []).append(int(number))
            assert all(numbers == sorted(numbers) for numbers in order.values()), "a writer's order was changed"
            assert fresh.describe(sid)["message_count"] == fresh.get_session(sid).conversation_count
        assert sum(fresh.get_session(s).conversation_count for s in shared) == len(expected)
        assert fresh.get_session_stats()["messages_total"] == len(expected)
    finally:
        fresh.close()
    _gapless(pg_url)
