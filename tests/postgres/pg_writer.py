"""A child process for the PostgreSQL crash and concurrency tests (like tests/engine/writer_process.py, over a
database): it prints `ACK <session> <message id>` only after add_message returned, i.e. after the commit."""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile

from pulsepal.sessions import SessionManager, SessionNotFound
from pulsepal.settings import Settings


def manager(url: str) -> SessionManager:
    return SessionManager(Settings(_env_file=None, session_storage_path=tempfile.mkdtemp(), session_database_url=url),
                          actor="writer")


def crash_mode(url: str, seed: int) -> None:
    """Write forever (until SIGKILL), with archive/restore cycles, turns and new sessions mixed in."""
    rng = random.Random(seed)
    sm = manager(url)
    sessions = [sid for sid, _ in sm.store.entries("active")] or [sm.create_session()]
    n = 0
    while True:
        n += 1
        sid = rng.choice(sessions)
        message_id = f"{seed}-{n}"
        try:
            if rng.random() < 0.3:  # a whole turn: question and answer in one commit
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


async def concurrent_mode(url: str, tag: str, session_ids: list[str], writers: int, per_writer: int) -> None:
    sm = manager(url)

    async def worker(number: int) -> None:
        rng = random.Random(f"{tag}-{number}")
        for i in range(per_writer):
            sid = rng.choice(session_ids)
            await asyncio.to_thread(sm.add_message, sid, "user", f"{tag} {number} {i}",
                                    message_id=f"{tag}-{number}-{i}")

    await asyncio.gather(*(worker(n) for n in range(writers)))
    print("DONE", flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "crash":
        crash_mode(sys.argv[2], int(sys.argv[3]))
    else:
        asyncio.run(concurrent_mode(sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5]),
                                    int(sys.argv[6])))
