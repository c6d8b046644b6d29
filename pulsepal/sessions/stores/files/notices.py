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

Each log is one generation: its first line is a header `{"generation": N}`, one more than the log before it (the
count is kept in `notices.generation`, which holds only that number, so it survives the idle log's removal). A
reader follows one replacement without loss, but one that stalled for over a minute while the log was replaced
twice never saw the middle log: on opening a log whose generation is not the one after the last it knew, it calls
`resync` (its tabs fetch their lists again), as the PostgreSQL listener does after a reconnect. The header is no
notice (no owner), so a reader of an older release drops it; a log without one (an older writer) is read as before.
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
GENERATION_NAME = "notices.generation"
KEEP_SECONDS = 60.0
POLL_SECONDS = 0.25
MAX_LINE = 7000  # bytes: the same bound as a PostgreSQL notice, so a notice is valid on both stores


class NoticeLog:
    """The writing side (and the path both sides use)."""

    def __init__(self, root: Path, lock: Path) -> None:
        self.path = Path(root) / NAME
        self.generation_path = Path(root) / GENERATION_NAME
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
            if not self.path.exists():  # a new log: the next generation, named in its first line
                generation = read_generation(self.generation_path) + 1
                files.atomic_write_bytes(self.generation_path, b"%d\n" % generation, durable=False)
                lines.insert(0, orjson.dumps({"generation": generation}))
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


def read_generation(path: Path) -> int:
    """The last log generation started in this folder (0 before the first, or when the count is unreadable)."""
    try:
        return max(0, int(files.read_bytes(path)))
    except (FileNotFoundError, ValueError):
        return 0


def _header(line: bytes) -> Optional[int]:
    try:
        header = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if isinstance(header, dict) and list(header) == ["generation"] and type(header["generation"]) is int:
        return header["generation"]
    return None


class Tail(threading.Thread):
    """One reader: hands each new line's JSON object to `deliver` (in this thread). `ready` is set once it has
    taken its starting point, so a notice appended after that is delivered. `_seen` is the generation of the log
    it holds or last finished (see the module's docstring)."""

    def __init__(self, path: Path, deliver: Callable[[dict[str, Any]], None],
                 resync: Optional[Callable[[], None]] = None, *, poll: float = POLL_SECONDS) -> None:
        super().__init__(name="pulsepal-notice-log", daemon=True)
        self.path, self._deliver, self._resync, self._poll = Path(path), deliver, resync, poll
        self._stopping = threading.Event()
        self.ready = threading.Event()
        self._partial = b""
        self._seen: Optional[int] = None

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        self._seen = read_generation(self.path.with_name(GENERATION_NAME))  # before the log: see _open
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
        first = handle.readline()
        generation = _header(first) if first.endswith(b"\n") else None
        if generation is None:
            handle.seek(0)  # no header (an older writer's log): every line is a notice
        elif not at_end:
            self._check(generation)
        if generation is not None:
            self._seen = generation
        if at_end:
            handle.seek(0, os.SEEK_END)
        self._partial = b""
        return handle

    def _check(self, generation: int) -> None:
        """Resync when a log opened from its start is not the one after the last this reader knew: a whole log
        went by unread. The same generation is no gap: the count is written just before its log, so a reader
        starting between the two knows the number of a log it has not opened yet."""
        if self._seen is not None and generation not in (self._seen, self._seen + 1) and self._resync is not None:
            log.info("the notice log went from generation %s to %s while this process read elsewhere: resync",
                     self._seen, generation)
            self._resync()

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
