"""A child process for the crash and concurrency tests: writes messages and reports each acknowledgement.

It prints `ACK <session> <message id>` only after add_message returned, i.e. after the message was fsync'd, so the
parent knows exactly which messages the store promised to keep.
"""

from __future__ import annotations

import asyncio
import random
import sys
from pathlib import Path

from pulsepal.sessions import SessionManager, SessionNotFound
from pulsepal.settings import Settings


def manager(storage: str) -> SessionManager:
    return SessionManager(Settings(_env_file=None, session_storage_path=Path(storage)), actor="writer")


def crash_mode(storage: str, seed: int) -> None:
    """Write forever (until SIGKILL), with checkpoints, archive/restore cycles and new sessions mixed in."""
    rng = random.Random(seed)
    sm = manager(storage)
    sessions = [sid for sid in sm.store.layout.active_ids()] or [sm.create_session()]
    n = 0
    while True:
        n += 1
        sid = rng.choice(sessions)
        message_id = f"{seed}-{n}"
        try:
            sm.add_message(sid, rng.choice(["user", "assistant"]), f"message {message_id} " + "x" * rng.randint(0, 400),
                           message_id=message_id)
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


async def concurrent_mode(storage: str, tag: str, session_ids: list[str], coroutines: int, per_coroutine: int) -> None:
    sm = manager(storage)

    async def worker(number: int) -> None:
        rng = random.Random(f"{tag}-{number}")
        for i in range(per_coroutine):
            sid = rng.choice(session_ids)
            await asyncio.to_thread(sm.add_message, sid, "user", f"{tag} {number} {i}",
                                    message_id=f"{tag}-{number}-{i}")

    await asyncio.gather(*(worker(n) for n in range(coroutines)))
    print("DONE", flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "crash":
        crash_mode(sys.argv[2], int(sys.argv[3]))
    else:
        asyncio.run(concurrent_mode(sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5]),
                                    int(sys.argv[6])))
