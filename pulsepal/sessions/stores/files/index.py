"""The session index (`metadata.json`): one small entry per session, so stats, listings and the rotation pass
never open session files.

At 100,000 sessions the index is megabytes, far too big to rewrite per message. So it is kept as a checkpoint
(`metadata.json`) plus an append-only change log (`metadata.log`), like the sessions themselves. Every process
keeps the index in memory and, under the index lock, reads only what other processes appended since it last
looked. The log is folded into `metadata.json` when it grows or after a cleanup pass.

The index is derived data: the log is not fsync'd, and after a crash it may lag the session files by the last few
updates. Everything that acts on it (rotation, restore) re-checks the session files under the session lock, and a
missing or corrupt index is rebuilt from the files (`SessionManager.reindex`). Lag can only make an entry look
older than it is, which makes the rotation pass look at it, never skip it.
"""

from __future__ import annotations

import heapq
import os
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

import orjson

from ... import files
from ...store import ANY, IndexEntry

INDEX_VERSION = 1
COMPACT_LOG_BYTES = 8 * 1024 * 1024
ACTIVITY_KEEP_HOURS = 24 * 8




class IndexCorrupt(Exception):
    """metadata.json is not a readable index; the manager rebuilds it from the session files."""


class SessionIndex:
    def __init__(self, root: Path, lock_path: Path) -> None:
        self.path = root / "metadata.json"
        self.log_path = root / "metadata.log"
        self.lock_path = lock_path
        self._sig: Optional[tuple] = None
        self._log_offset = 0
        self._reset({}, {})

    # --- in-memory state and aggregates ----------------------------------------------------------------------
    def _reset(self, entries: Mapping[str, IndexEntry], activity: dict) -> None:
        self.entries: dict[str, IndexEntry] = {}
        self.activity: dict[int, int] = {int(k): int(v) for k, v in activity.items()}
        self.counts = {"active": 0, "archived": 0}
        self.sizes = {"active": 0, "archived": 0}
        self.created_sum_active = 0.0
        self.messages_total = 0
        self._oldest: list[tuple[float, str]] = []
        self.by_owner: dict[Optional[str], set[str]] = {}  # so a user's sidebar never walks everyone's sessions
        for session_id, entry in entries.items():
            self._set(session_id, entry)

    def _account(self, session_id: str, entry: IndexEntry, sign: int) -> None:
        state = entry.get("state", "active")
        if state not in self.counts:
            return
        self.counts[state] += sign
        self.sizes[state] += sign * int(entry.get("size") or 0)
        self.messages_total += sign * int(entry.get("message_count") or 0)
        if state == "active":
            created = float(entry.get("created_at") or 0.0)
            self.created_sum_active += sign * created
            if sign > 0:
                heapq.heappush(self._oldest, (created, session_id))

    def _set(self, session_id: str, entry: IndexEntry) -> None:
        old = self.entries.get(session_id)
        if old is not None:
            self._account(session_id, old, -1)
            if old.get("owner") != entry.get("owner"):
                self.by_owner.get(old.get("owner"), set()).discard(session_id)
        self.entries[session_id] = entry
        self._account(session_id, entry, +1)
        self.by_owner.setdefault(entry.get("owner"), set()).add(session_id)

    def _drop(self, session_id: str) -> None:
        old = self.entries.pop(session_id, None)
        if old is not None:
            self._account(session_id, old, -1)
            self.by_owner.get(old.get("owner"), set()).discard(session_id)

    def _apply(self, op: dict) -> None:
        kind = op.get("op")
        session_id = op.get("id")
        if not isinstance(session_id, str):
            return
        if kind == "put":
            self._set(session_id, IndexEntry(**op["entry"]))
        elif kind == "touch":
            old = self.entries.get(session_id)
            if old is not None:
                self._set(session_id, IndexEntry(**{**old, **op["fields"]}))
            added = int(op.get("added") or 0)
            if added:
                hour = int(float(op["fields"].get("last_activity", 0)) // 3600)
                self.activity[hour] = self.activity.get(hour, 0) + added
        elif kind == "delete":
            self._drop(session_id)

    def oldest_active(self) -> Optional[tuple[str, IndexEntry]]:
        """The active session created longest ago (a heap with lazy removal keeps this O(log n))."""
        heap = self._oldest
        while heap:
            created, session_id = heap[0]
            entry = self.entries.get(session_id)
            if entry is not None and entry.get("state") == "active" and float(entry.get("created_at") or 0) == created:
                return session_id, entry
            heapq.heappop(heap)
        return None

    # --- reading other processes' changes --------------------------------------------------------------------
    def _file_sig(self) -> Optional[tuple]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _load_checkpoint(self) -> None:
        sig = self._file_sig()
        entries: dict = {}
        activity: dict = {}
        if sig is not None:
            try:
                document = orjson.loads(files.read_bytes(self.path))
                entries = document["sessions"]
                activity = document.get("activity", {})
                if not isinstance(entries, dict) or not isinstance(activity, dict):
                    raise TypeError("wrong shape")
            except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                raise IndexCorrupt(f"{self.path} is not a valid index: {exc}") from None
        self._reset(entries, activity)
        self._sig = sig
        self._log_offset = 0

    def _catch_up(self) -> None:
        """Bring memory up to date with disk; the caller holds the index lock."""
        if self._file_sig() != self._sig:
            self._load_checkpoint()
        try:
            size = os.stat(self.log_path).st_size
        except FileNotFoundError:
            size = 0
        if size < self._log_offset:  # the log was folded in by someone else
            self._load_checkpoint()
        if size > self._log_offset:
            data = files.read_from(self.log_path, self._log_offset)
            complete = data.rfind(b"\n") + 1
            for raw in data[:complete].splitlines():
                try:
                    self._apply(orjson.loads(raw))
                except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                    continue
            self._log_offset += complete

    def refresh(self) -> None:
        with files.locked(self.lock_path):
            self._catch_up()

    # --- changes ---------------------------------------------------------------------------------------------
    def _write_ops(self, ops: list[dict]) -> None:
        with files.locked(self.lock_path):
            self._catch_up()
            data = b"".join(orjson.dumps(op) + b"\n" for op in ops)
            _, end = files.append_durable(self.log_path, data, create=True, sync=False)
            for op in ops:
                self._apply(op)
            self._log_offset = end
            if end > COMPACT_LOG_BYTES:
                self._compact_locked()

    def put(self, session_id: str, entry: IndexEntry) -> None:
        self._write_ops([{"op": "put", "id": session_id, "entry": entry}])

    def touch(self, session_id: str, fields: dict, added_messages: int = 0) -> None:
        op: dict[str, Any] = {"op": "touch", "id": session_id, "fields": fields}
        if added_messages:
            op["added"] = added_messages
        self._write_ops([op])

    def delete(self, session_id: str) -> None:
        self._write_ops([{"op": "delete", "id": session_id}])

    def compact(self) -> None:
        with files.locked(self.lock_path):
            self._catch_up()
            self._compact_locked()

    def _compact_locked(self) -> None:
        horizon = max(self.activity, default=0) - ACTIVITY_KEEP_HOURS
        self.activity = {h: n for h, n in self.activity.items() if h > horizon}
        self._write_checkpoint(self.entries, self.activity)

    def _write_checkpoint(self, entries: Mapping[str, IndexEntry], activity: dict) -> None:
        document = {"version": INDEX_VERSION, "sessions": entries, "activity": {str(h): n for h, n in activity.items()}}
        files.atomic_write_bytes(self.path, orjson.dumps(document))
        fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT, files.FILE_MODE)
        try:
            os.ftruncate(fd, 0)
            os.fsync(fd)
        finally:
            os.close(fd)
        self._sig = self._file_sig()
        self._log_offset = 0

    def replace_all(self, entries: Mapping[str, IndexEntry], keep_activity: bool = True) -> None:
        """Install a freshly rebuilt index (reindex)."""
        with files.locked(self.lock_path):
            activity = dict(self.activity) if keep_activity else {}
            self._write_checkpoint(entries, activity)
            self._reset(entries, activity)

    def load_or_raise(self) -> None:
        with files.locked(self.lock_path):
            self._catch_up()

    # --- queries -------------------------------------------------------------------------------------------------
    def get(self, session_id: str) -> Optional[IndexEntry]:
        return self.entries.get(session_id)

    def items(self, state: Optional[str] = None, owner: Any = ANY) -> Iterator[tuple[str, IndexEntry]]:
        if owner is ANY:
            pairs = list(self.entries.items())
        else:
            pairs = [(sid, self.entries[sid]) for sid in list(self.by_owner.get(owner, ())) if sid in self.entries]
        for session_id, entry in pairs:
            if state is None or entry.get("state") == state:
                yield session_id, entry
