"""Durable file primitives: the only module that calls fsync or os.replace.

A message is acknowledged only once it is on disk, and a crash at any instant must leave every file readable.
Two shapes of write give that:
- append: one `write()` of a whole line to an O_APPEND file, then fsync. A crash can only leave a torn last line,
  which was never acknowledged; the next append cuts it off before writing, and readers skip it.
- replace: write a uniquely named temp file in the same folder, fsync it, `os.replace` it over the target, fsync
  the folder so the rename itself survives power loss. Readers see the old or the new file, never a mix.

Locks are `flock` on a lock file (so they hold across processes: the app, the CLI, the scheduler) layered over a
per-process re-entrant thread lock (flock alone does not exclude threads sharing one descriptor).
"""

from __future__ import annotations

import fcntl
import os
import secrets
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import LockBusy

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_dir(path: Path) -> Path:
    """Create a private folder (0700) and its parents if missing."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, DIR_MODE)
    return path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True, overwrite: bool = True) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new content.

    durable=False skips both fsyncs, for callers that write many files and then call sync_paths once.
    overwrite=False never replaces an existing file, even one that appears while writing: the final step is a
    hard link, which fails with FileExistsError if the name is taken (a user's export must not clobber a file)."""
    path = Path(path)
    folder = path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        _write_all(fd, data)
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(tmp)
        raise
    os.close(fd)
    try:
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path, data, durable)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    if durable:
        fsync_dir(folder)


def _link_new(tmp: Path, path: Path, data: bytes, durable: bool) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: an exclusive create still never replaces
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            _write_all(fd, data)
            if durable:
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            _unlink_quietly(path)  # ours, just created: no half-written file is left behind
            raise
        os.close(fd)
    _unlink_quietly(tmp)


def _load_syncfs():
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.syncfs
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return None


_syncfs = _load_syncfs()
SYNCFS_FROM = 8


def sync_paths(paths: list[Path]) -> None:
    """Make files written with durable=False durable, with their folder entries.

    Many files at once are flushed with one syncfs(2) of their file system (one journal commit instead of one
    per file); a few are fsync'd one by one."""
    paths = list(paths)
    if _syncfs is not None and len(paths) >= SYNCFS_FROM:
        devices: dict[int, Path] = {}
        for path in paths:
            devices.setdefault(os.stat(path).st_dev, path)
        for path in devices.values():
            fd = os.open(path, os.O_RDONLY)
            try:
                if _syncfs(fd) != 0:
                    import ctypes

                    raise OSError(ctypes.get_errno(), "syncfs failed", str(path))
            finally:
                os.close(fd)
        return
    for path in paths:
        fsync_file(path)
    sync_dirs([Path(p).parent for p in paths])


def sync_dirs(folders) -> None:
    for folder in set(folders):
        fsync_dir(folder)


def _write_all(fd: int, data: bytes) -> None:
    """os.write may write less than asked (signals, full disks); loop until all of it is written."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _cut_torn_tail(fd: int) -> int:
    """Drop an unterminated last line left by a crash mid-append; return the resulting size."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return size
    end = size
    while end > 0:
        start = max(0, end - 4096)
        chunk = os.pread(fd, end - start, start)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            keep = start + cut + 1
            os.ftruncate(fd, keep)
            return keep
        end = start
    os.ftruncate(fd, 0)
    return 0


def append_durable(path: Path, line: bytes, *, create: bool = False, sync: bool = True) -> tuple[int, int]:
    """Append one newline-terminated record and (by default) fsync it; return its (start, end) offsets.

    The start offset tells a caller with a cached view whether someone else appended since it last looked.

    The caller must hold the lock that guards `path`. With create=False a missing file raises FileNotFoundError,
    which is how an append notices that the session was archived or deleted under it.
    """
    if not line.endswith(b"\n"):
        line += b"\n"
    flags = os.O_RDWR | os.O_APPEND | (os.O_CREAT if create else 0)
    fd = os.open(path, flags, FILE_MODE)
    start = -1
    try:
        start = _cut_torn_tail(fd)
        _write_all(fd, line)
        if sync:
            os.fsync(fd)
    except BaseException:
        # A full disk (or any failure) mid-write must not leave half a record: cut back to where this one began,
        # and do not leave behind a log this call created and never filled.
        if start >= 0:
            try:
                os.ftruncate(fd, start)
            except OSError:
                pass
        os.close(fd)
        if create and start == 0:
            _unlink_quietly(Path(path))
        raise
    os.close(fd)
    if create and start == 0:
        fsync_dir(Path(path).parent)
    return start, start + len(line)


def read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def read_from(path: Path, offset: int) -> bytes:
    """Bytes of `path` from `offset` to its end (used to replay only what another process appended)."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read()


def remove_durable(*paths: Path, durable: bool = True) -> list[Path]:
    """Unlink files (missing ones are fine) and fsync their folders so the removal survives a crash.

    With durable=False the folders are returned instead, for one sync_dirs call after many removals."""
    folders = []
    for path in paths:
        try:
            os.unlink(path)
            folders.append(Path(path).parent)
        except FileNotFoundError:
            pass
    if durable:
        sync_dirs(folders)
    return folders


# --- locks -------------------------------------------------------------------------------------------------------

_registry_guard = threading.Lock()
_registry: dict[str, "_SharedLock"] = {}


MAX_IDLE_LOCK_FDS = 320  # one store needs ~260 (256 session stripes + a few named locks)


class _SharedLock:
    """One per lock file per process: an RLock for threads plus a flock held while any thread is inside.

    The descriptor stays open between uses (opening it is most of a lock's cost), but a process that touches
    many stores (tests, tools) closes descriptors on release once more than MAX_IDLE_LOCK_FDS are open."""

    open_fds = 0

    def __init__(self, path: str) -> None:
        self.path = path
        self.rlock = threading.RLock()
        self.depth = 0
        self.fd: int | None = None

    def acquire(self, blocking: bool = True) -> None:
        if not self.rlock.acquire(blocking):
            raise LockBusy(self.path)
        try:
            if self.depth == 0:
                self._lock_current_file(blocking)
            self.depth += 1
        except BaseException:
            self.rlock.release()
            raise

    def _lock_current_file(self, blocking: bool) -> None:
        """flock the file that is at the path now. If the lock file (or its folder) was removed while the process
        runs, a lock on the old, unlinked file would exclude nobody: notice it (the path no longer names the
        locked inode), and lock a freshly created file instead."""
        while True:
            if self.fd is None:
                self.fd = _open_lock_file(self.path)
                _SharedLock.open_fds += 1
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                raise LockBusy(self.path) from None
            try:
                if os.stat(self.path).st_ino == os.fstat(self.fd).st_ino:
                    return
            except FileNotFoundError:
                pass
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
            _SharedLock.open_fds -= 1

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            if _SharedLock.open_fds > MAX_IDLE_LOCK_FDS:
                os.close(self.fd)
                self.fd = None
                _SharedLock.open_fds -= 1
        self.rlock.release()


def _open_lock_file(path: str) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except FileNotFoundError:  # the lock folder was removed: locks are recreated on demand
        ensure_dir(Path(path).parent)
        return os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)


def _shared_lock(path: Path) -> _SharedLock:
    key = os.fspath(path)
    lock = _registry.get(key)  # the common case: one dict lookup, no lock, no path arithmetic
    if lock is None:
        absolute = os.path.abspath(key)
        with _registry_guard:
            lock = _registry.get(absolute)
            if lock is None:
                lock = _registry[absolute] = _SharedLock(absolute)
            _registry[key] = lock  # relative and absolute spellings must share one flock descriptor
    return lock


@contextmanager
def locked(path: Path, blocking: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on `path` against other threads and other processes.

    With blocking=False, raise LockBusy at once instead of waiting."""
    lock = _shared_lock(path)
    lock.acquire(blocking)
    try:
        yield
    finally:
        lock.release()


def reset_locks_after_fork() -> None:
    """A forked child must not inherit the parent's held state."""
    with _registry_guard:
        _registry.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=reset_locks_after_fork)
