"""The file store's notices (`sessions/notices.py`): a small append-only log in the store's folder, read by every
app process that serves that folder.

Processes sharing a folder share nothing else, so the folder is the channel: a writer appends whole lines under the
log's lock (no fsync: a notice is a hint to look again, never a record), and a reader thread in each app process
polls the log a few times a second from where it last read. A reader starts at the log's end: what was announced
before it started concerns tabs it did not serve.

The log holds about the last minute only, because the owners and ids in it should not linger once the deletion is
done: a writer that finds it older starts a new one (unlinking the old; a reader still holding it reads it to its
end first, since an unlinked file stays readable through open descriptors), and the cleanup pass removes one left
idle (`drop_if_idle`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO, Callable, Optional

import orjson

from ... import files
from ...notices import hand_over

log = logging.getLogger("pulsepal.sessions")

NAME = "notices.log"
KEEP_SECONDS = 60.0
POLL_SECONDS = 0.25
MAX_LINE = 7000  # bytes: the same bound as a PostgreSQL notice, so a notice is valid on both stores


class NoticeLog:
    """The writing side (and the path both sides use)."""

    def __init__(self, root: Path, lock: Path) -> None:
        self.path = Path(root) / NAME
        self.lock = lock

    def append(self, messages: list[dict[str, Any]]) -> None:
        """Append each message as one line, all in one write. Raises ValueError for an oversized one (before
        anything is written) and OSError when the folder cannot be written."""
        lines = [orjson.dumps(m) for m in messages]
        for line in lines:
            if len(line) > MAX_LINE:
                raise ValueError(f"a notice is {len(line)} bytes; the limit is {MAX_LINE}")
        if not lines:
            return
        with files.locked(self.lock):
            self._drop_older_than(KEEP_SECONDS)
            files.append_durable(self.path, b"\n".join(lines) + b"\n", create=True, sync=False)

    def drop_if_idle(self) -> bool:
        """Remove the log when nothing was announced for KEEP_SECONDS (run after a cleanup pass)."""
        with files.locked(self.lock):
            return self._drop_older_than(KEEP_SECONDS)

    def _drop_older_than(self, seconds: float) -> bool:
        try:
            written = self.path.stat().st_mtime
        except FileNotFoundError:
            return False
        if abs(time.time() - written) < seconds:  # a clock set back counts as old too: start a new log
            return False
        files.remove_durable(self.path, durable=False)
        return True


class Tail(threading.Thread):
    """One reader: hands each new line's JSON object to `deliver` (in this thread). `ready` is set once it has
    taken its starting point, so a notice appended after that is delivered."""

    def __init__(self, path: Path, deliver: Callable[[dict[str, Any]], None],
                 resync: Optional[Callable[[], None]] = None, *, poll: float = POLL_SECONDS) -> None:
        super().__init__(name="pulsepal-notice-log", daemon=True)
        self.path, self._deliver, self._resync, self._poll = Path(path), deliver, resync, poll
        self._stopping = threading.Event()
        self.ready = threading.Event()
        self._partial = b""

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        handle = self._open(at_end=True)
        self.ready.set()
        try:
            while not self._stopping.wait(self._poll):
                try:
                    handle = self._step(handle)
                except OSError as exc:  # the folder unreadable for a moment: start again from a fresh log
                    log.warning("reading the notice log %s failed: %s", self.path, exc)
                    self._close(handle)
                    handle = None
                    if self._resync is not None:
                        self._resync()  # notices may have gone by meanwhile: the tabs look again
        finally:
            self._close(handle)

    def _step(self, handle: Optional[BinaryIO]) -> Optional[BinaryIO]:
        if handle is None:  # no log when we last looked: one created since is read from its start
            handle = self._open(at_end=False)
            if handle is None:
                return None
        self._read(handle)
        if self._replaced(handle):  # a writer started a new log: finish the old one, then follow the new
            self._read(handle)
            self._close(handle)
            handle = self._open(at_end=False)
            if handle is not None:
                self._read(handle)
        return handle

    def _open(self, *, at_end: bool) -> Optional[BinaryIO]:
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            return None
        if at_end:
            handle.seek(0, os.SEEK_END)
        self._partial = b""
        return handle

    @staticmethod
    def _close(handle: Optional[BinaryIO]) -> None:
        if handle is not None:
            handle.close()

    def _replaced(self, handle: BinaryIO) -> bool:
        try:
            return os.stat(self.path).st_ino != os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            return True

    def _read(self, handle: BinaryIO) -> None:
        data = handle.read()
        if not data:
            return
        *lines, self._partial = (self._partial + data).split(b"\n")  # a line still being written waits its turn
        for line in lines:
            hand_over(line, self._deliver)
