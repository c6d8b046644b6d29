"""The one child process of both stores' crash and concurrency tests: it writes messages and whole turns and prints
`ACK <session> <message id>` only after the write returned, i.e. after the store made it durable (fsync'd on files,
committed on PostgreSQL), so the parent knows exactly which messages the store promised to keep.

    writer_process.py crash STORE SEED
    writer_process.py concurrent STORE TAG SESSION_IDS WRITERS PER_WRITER

STORE is a folder (the file store: tests/engine/test_crash_and_concurrency.py) or a postgresql:// URL
(tests/postgres/test_crash_and_concurrency_pg.py, which starts it as tests/postgres/pg_writer.py). One writer for
both means both stores are killed in the middle of the same mix of work. `run_until_killed` is the parent's side of
the crash mode.
"""

from __future__ import annotations

import asyncio
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pulsepal.sessions import SessionManager, SessionNotFound
from pulsepal.settings import Settings


def manager(store: str) -> SessionManager:
    if store.startswith(("postgresql://", "postgres://")):
        settings = Settings(_env_file=None, session_storage_path=tempfile.mkdtemp(), session_database_url=store)
    else:
        settings = Settings(_env_file=None, session_storage_path=Path(store))
    return SessionManager(settings, actor="writer")


def active_sessions(sm: SessionManager) -> list[str]:
    """The active sessions the store lists and, on files, every active file too: an index that a kill left behind
    the files must not keep the next writer away from a session."""
    found = {sid for sid, _ in sm.store.entries("active")}
    layout = getattr(sm.store, "layout", None)
    if layout is not None:
        found.update(layout.active_ids())
    return sorted(found)


def crash_mode(store: str, seed: int) -> None:
    """Write forever (until SIGKILL): messages and whole turns, with checkpoints, archive/restore cycles and new
    sessions mixed in."""
    rng = random.Random(seed)
    sm = manager(store)
    sessions = active_sessions(sm) or [sm.create_session()]
    n = 0
    while True:
        n += 1
        sid = rng.choice(sessions)
        message_id = f"{seed}-{n}"
        try:
            if rng.random() < 0.3:  # a whole turn: question and answer in one write
                start = sm.begin_turn(sid, f"question {message_id}", message_id=f"{message_id}-q")
                sm.finish_turn(start, "answer " + "y" * rng.randint(0, 400), message_id=message_id)
                print(f"ACK {start.session_id} {message_id}-q", flush=True)
                if start.session_id != sid:
                    sessions.append(start.session_id)
                    sid = start.session_id
            else:
                text = f"message {message_id} " + "x" * rng.randint(0, 400)
                sm.add_message(sid, rng.choice(["user", "assistant"]), text, message_id=message_id)
        except SessionNotFound:
            sessions.remove(sid)
            if not sessions:
                sessions.append(sm.create_session())
            continue
        print(f"ACK {sid} {message_id}", flush=True)
        roll = rng.random()
        if roll < 0.03:
            sm.archive_session(sid)
            sm.restore_session(sid)
        elif roll < 0.05:
            sessions.append(sm.create_session())
        elif roll < 0.07:
            sm.checkpoint(sid)


async def concurrent_mode(store: str, tag: str, session_ids: list[str], writers: int, per_writer: int) -> None:
    sm = manager(store)

    async def worker(number: int) -> None:
        rng = random.Random(f"{tag}-{number}")
        for i in range(per_writer):
            sid = rng.choice(session_ids)
            await asyncio.to_thread(sm.add_message, sid, "user", f"{tag} {number} {i}",
                                    message_id=f"{tag}-{number}-{i}")

    await asyncio.gather(*(worker(n) for n in range(writers)))
    print("DONE", flush=True)


def run_until_killed(store: str, seed: int, kill_after: float, *, env: dict,
                     first_ack_within: float = 60.0) -> list[str]:
    """Start a crash-mode writer, SIGKILL it `kill_after` seconds after its first acknowledgement (once it is really
    writing), and return the message ids it acknowledged. `first_ack_within` only guards against a writer that
    hangs: it is generous because a loaded machine can take seconds to start Python (a tight one failed the suite
    on a busy machine without anything being lost)."""
    proc = subprocess.Popen([sys.executable, __file__, "crash", store, str(seed)], stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    buffer, deadline = b"", None
    fd = proc.stdout.fileno()
    poller = select.poll()  # not select(): a long test session may hold descriptors numbered above 1024
    poller.register(fd, select.POLLIN)
    while True:
        timeout = first_ack_within if deadline is None else max(0.0, deadline - time.monotonic())
        ready = poller.poll(timeout * 1000)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buffer += chunk
            if deadline is None and b"ACK" in buffer:
                deadline = time.monotonic() + kill_after
        if deadline is not None and time.monotonic() >= deadline:
            proc.send_signal(signal.SIGKILL)
            break
        if deadline is None and not ready:
            proc.kill()
            raise AssertionError("writer never acknowledged a message")
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    buffer += proc.stdout.read()
    return [line.split()[2].decode() for line in buffer.split(b"\n")  # a line the kill cut was never reported
            if line.startswith(b"ACK ") and line.count(b" ") == 2]


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "crash":
        crash_mode(sys.argv[2], int(sys.argv[3]))
    else:
        asyncio.run(concurrent_mode(sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5]),
                                    int(sys.argv[6])))
