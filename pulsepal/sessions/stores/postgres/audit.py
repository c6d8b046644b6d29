"""The audit log in PostgreSQL: who did what to which session, when (what to record is the manager's policy).

Like the file store's audit.log it records access and carries no data, so it never costs a caller a round trip:
`record()` queues the entry and a background thread writes what has queued in one statement (within a few
milliseconds; committed with `synchronous_commit = off`). `tail()` and `close()` write the queue first, and so does
the interpreter's exit; a process killed with SIGKILL loses the entries of its last few milliseconds, never a
session (the file store's log, written without fsync, is as strong against a machine crash). The cleanup pass
rotates old records into gzip blocks in `audit_rotated` (the file store's audit-<time>.log.gz), keeping the newest
KEEP_ROTATED.
"""

from __future__ import annotations

import atexit
import gzip
import threading
from typing import Any, Optional

import orjson

from ....clock import Clock, stamp
from .pool import connection

RECORD = ("INSERT INTO audit (ts, actor, action, session_id, detail) SELECT e.* FROM "
          "(SELECT set_config('synchronous_commit', 'off', true)) AS relaxed, "
          "unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::bytea[]) AS e")
FLUSH_DELAY = 0.005  # gather what arrives together into one statement


class AuditTable:
    ROTATE_BYTES = 32 * 1024 * 1024
    KEEP_ROTATED = 10

    def __init__(self, pool: Any, clock: Clock) -> None:
        self.pool = pool
        self.clock = clock
        self._queue: list[tuple] = []
        self._guard = threading.Lock()
        self._writing = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._thread: Optional[threading.Thread] = None
        atexit.register(self.close)

    def record(self, actor: str, action: str, session_id: Optional[str] = None, **detail: Any) -> None:
        data = orjson.dumps(detail, default=str) if detail else None
        with self._guard:
            self._queue.append((self.clock.now().isoformat(), actor, action, session_id, data))
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="pulsepal-audit", daemon=True)
                self._thread.start()
        self._wake.set()
        if self._closed:
            self.flush()

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait()
            self._wake.clear()
            threading.Event().wait(FLUSH_DELAY)
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - kept queued; written by the next flush
                threading.Event().wait(1.0)

    def flush(self) -> None:
        """Write everything queued so far (in order) in one statement."""
        with self._writing:
            with self._guard:
                batch, self._queue = self._queue, []
            if not batch:
                return
            try:
                with connection(self.pool) as conn:
                    conn.execute(RECORD, [list(column) for column in zip(*batch, strict=True)])
            except BaseException:
                with self._guard:
                    self._queue[:0] = batch
                raise

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - the database is gone: nothing more can be written
            pass

    def tail(self, limit: int = 100) -> list[dict]:
        self.flush()
        with connection(self.pool) as conn:
            found = conn.execute("SELECT ts, actor, action, session_id, detail FROM audit ORDER BY id DESC LIMIT %s",
                                 (limit,)).fetchall()
        return [_entry(row) for row in reversed(found)]

    def rotate_if_large(self, limit: Optional[int] = None) -> Optional[str]:
        """Move every record into one compressed block once the table is larger than `limit` bytes."""
        limit = self.ROTATE_BYTES if limit is None else limit
        self.flush()
        with connection(self.pool) as conn, conn.transaction():
            size = conn.execute("SELECT pg_total_relation_size('audit')").fetchone()[0]
            if size < limit:
                return None
            found = conn.execute("SELECT id, ts, actor, action, session_id, detail FROM audit ORDER BY id "
                                 "FOR UPDATE").fetchall()
            if not found:
                return None
            lines = b"".join(orjson.dumps(_entry(row[1:]), default=str) + b"\n" for row in found)
            when = stamp(self.clock.now())
            conn.execute("INSERT INTO audit_rotated (rotated_at, first_id, last_id, data) VALUES (%s, %s, %s, %s)",
                         (when, found[0][0], found[-1][0], gzip.compress(lines)))
            conn.execute("DELETE FROM audit WHERE id <= %s", (found[-1][0],))
            conn.execute("DELETE FROM audit_rotated WHERE id NOT IN (SELECT id FROM audit_rotated ORDER BY id DESC "
                         "LIMIT %s)", (self.KEEP_ROTATED,))
        return f"postgres:audit_rotated/{when}"

    def rotated(self) -> list[tuple[str, bytes]]:
        """(rotated at, the block's JSON lines) for every kept block, oldest first."""
        with connection(self.pool) as conn:
            found = conn.execute("SELECT rotated_at, data FROM audit_rotated ORDER BY id").fetchall()
        return [(when, gzip.decompress(bytes(data))) for when, data in found]


def _entry(row: tuple) -> dict:
    ts, actor, action, session_id, detail = row
    entry: dict[str, Any] = {"ts": ts, "actor": actor, "action": action, "session_id": session_id}
    if detail is not None:
        entry["detail"] = orjson.loads(bytes(detail))
    return entry
