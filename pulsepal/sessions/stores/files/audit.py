"""The file store's audit log: who did what to which session, when (what to record is the manager's policy)."""

from __future__ import annotations

import gzip
import logging
import os
from pathlib import Path
from typing import Any, Optional

import orjson

from ....clock import Clock, stamp
from ... import files

log = logging.getLogger("pulsepal.audit")


class AuditLog:
    """Who did what to which session, when: one JSON line per event in `audit.log` (0600).

    Each record is written with a single O_APPEND write, which the kernel keeps whole on a local file system, so
    several processes can log at once without a lock. It is not fsync'd: it records access, it does not carry data.
    """

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock

    def record(self, actor: str, action: str, session_id: Optional[str] = None, **detail: Any) -> None:
        entry: dict[str, Any] = {"ts": self.clock.now().isoformat(), "actor": actor, "action": action,
                                 "session_id": session_id}
        if detail:
            entry["detail"] = detail
        line = orjson.dumps(entry, default=str) + b"\n"
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        except OSError as exc:  # what it records already happened: a full disk must not turn it into a failure
            log.warning("audit record %s %s not written: %s", action, session_id or "", exc)

    ROTATE_BYTES = 32 * 1024 * 1024
    KEEP_ROTATED = 10

    def rotate_if_large(self, limit: Optional[int] = None) -> Optional[Path]:
        """Compress a large audit log to audit-<time>.log.gz and start a fresh one (called by the cleanup pass).

        A writer that still has the old file open finishes its one write there; nothing is lost."""
        limit = self.ROTATE_BYTES if limit is None else limit
        try:
            if os.stat(self.path).st_size < limit:
                return None
        except FileNotFoundError:
            return None
        when = stamp(self.clock.now())
        moved = self.path.with_name(f".audit-{when}.log")
        os.replace(self.path, moved)
        target = self.path.with_name(f"audit-{when}.log.gz")
        files.atomic_write_bytes(target, gzip.compress(moved.read_bytes()))
        os.unlink(moved)
        rotated = sorted(self.path.parent.glob("audit-*.log.gz"))
        for old in rotated[: -self.KEEP_ROTATED]:
            old.unlink()
        return target

    def tail(self, limit: int = 100) -> list[dict]:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - 256 * 1024))
                lines = handle.read().splitlines()
        except FileNotFoundError:
            return []
        out = []
        for raw in lines[-limit:]:
            try:
                out.append(orjson.loads(raw))
            except orjson.JSONDecodeError:
                continue
        return out
